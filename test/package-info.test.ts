import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  RUNBOOKS_FILE,
  RUNBOOKS_HTML_FILE,
  runbookLink,
  runbooksLocation,
} from '../lambda/commands/package-info.ts';

/**
 * Issue 19, item 6: the command's runbook links work from a global install. The link is computed from where the
 * running module is (lambda/commands/package-info.ts in a clone, dist/cli.mjs in a package, or one of the chunks it loads
 * lazily in dist/cli-chunks/): the nearest directory above it with docs/runbooks.html beside a package.json, the
 * web page a browser opens at the category (a .md it shows as plain text from the top); without that page, the
 * Markdown as before.
 */
const root = mkdtempSync(join(tmpdir(), 'package-info-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runbook links', () => {
  it("are the installed copy's absolute file:// URL, from the bundled command's place in the package", () => {
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, RUNBOOKS_FILE), '# Runbooks\n');
    writeFileSync(join(root, RUNBOOKS_HTML_FILE), '<h1>Runbooks</h1>\n');
    writeFileSync(join(root, 'package.json'), '{}\n');
    const location = runbooksLocation(pathToFileURL(join(root, 'dist', 'cli.mjs')).href);
    expect(location).toBe(pathToFileURL(join(root, 'docs', 'runbooks.html')).href);
    expect(runbookLink('throttle', location)).toBe(`${location}#throttle`);
    // The command's code split into chunks runs from one directory further down.
    expect(runbooksLocation(pathToFileURL(join(root, 'dist', 'cli-chunks', 'cli-ABC.mjs')).href)).toBe(
      location,
    );
  });

  it('fall back to the installed Markdown when the package has no web page beside it', () => {
    // Two levels below the package above, out of its reach (a package root is at most two above the module).
    const old = join(root, 'older', 'package');
    mkdirSync(join(old, 'docs'), { recursive: true });
    writeFileSync(join(old, RUNBOOKS_FILE), '# Runbooks\n');
    writeFileSync(join(old, 'package.json'), '{}\n');
    expect(runbooksLocation(pathToFileURL(join(old, 'dist', 'cli.mjs')).href)).toBe(
      pathToFileURL(join(old, 'docs', 'runbooks.md')).href,
    );
  });

  it('fall back to the path in the package when no copy is installed beside the command', () => {
    const elsewhere = pathToFileURL(join(root, 'nowhere', 'deeper', 'bundle', 'cli.mjs')).href;
    expect(runbooksLocation(elsewhere)).toBe('docs/runbooks.md');
  });

  it("in a clone, point at the repository's docs/runbooks.html", () => {
    expect(runbooksLocation()).toBe(new URL('../docs/runbooks.html', import.meta.url).href);
  });
});
