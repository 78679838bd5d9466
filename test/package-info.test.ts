import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNBOOKS_FILE, runbookLink, runbooksLocation } from '../lambda/package-info.ts';

/**
 * Issue 19, item 6: the command's runbook links work from a global install. The link is computed from where the
 * running module is (lambda/package-info.ts in a clone, dist/cli.mjs in a package, or one of the chunks it loads
 * lazily in dist/cli-chunks/): the nearest directory above it with docs/runbooks.md beside a package.json.
 */
const root = mkdtempSync(join(tmpdir(), 'package-info-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runbook links', () => {
  it("are the installed copy's absolute file:// URL, from the bundled command's place in the package", () => {
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, RUNBOOKS_FILE), '# Runbooks\n');
    writeFileSync(join(root, 'package.json'), '{}\n');
    const location = runbooksLocation(pathToFileURL(join(root, 'dist', 'cli.mjs')).href);
    expect(location).toBe(pathToFileURL(join(root, 'docs', 'runbooks.md')).href);
    expect(runbookLink('throttle', location)).toBe(`${location}#throttle`);
    // The command's code split into chunks runs from one directory further down.
    expect(runbooksLocation(pathToFileURL(join(root, 'dist', 'cli-chunks', 'cli-ABC.mjs')).href)).toBe(
      location,
    );
  });

  it('fall back to the path in the package when no copy is installed beside the command', () => {
    const elsewhere = pathToFileURL(join(root, 'nowhere', 'deeper', 'bundle', 'cli.mjs')).href;
    expect(runbooksLocation(elsewhere)).toBe('docs/runbooks.md');
  });

  it("in a clone, point at the repository's docs/runbooks.md", () => {
    expect(runbooksLocation()).toBe(new URL('../docs/runbooks.md', import.meta.url).href);
  });
});
