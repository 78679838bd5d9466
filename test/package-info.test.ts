import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNBOOKS_FILE, runbookLink, runbooksLocation } from '../lambda/package-info.ts';

/**
 * Issue 19, item 6: the command's runbook links work from a global install. The link is computed from where the
 * running module is (lambda/package-info.ts in a clone, dist/cli.mjs in a package): both sit one directory below
 * the package root, which holds docs/runbooks.md.
 */
const root = mkdtempSync(join(tmpdir(), 'package-info-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runbook links', () => {
  it("are the installed copy's absolute file:// URL, from the bundled command's place in the package", () => {
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, RUNBOOKS_FILE), '# Runbooks\n');
    const location = runbooksLocation(pathToFileURL(join(root, 'dist', 'cli.mjs')).href);
    expect(location).toBe(pathToFileURL(join(root, 'docs', 'runbooks.md')).href);
    expect(runbookLink('throttle', location)).toBe(`${location}#throttle`);
  });

  it('fall back to the path in the package when no copy is installed beside the command', () => {
    const elsewhere = pathToFileURL(join(root, 'nowhere', 'bundle', 'cli.mjs')).href;
    expect(runbooksLocation(elsewhere)).toBe('docs/runbooks.md');
  });

  it("in a clone, point at the repository's docs/runbooks.md", () => {
    expect(runbooksLocation()).toBe(new URL('../docs/runbooks.md', import.meta.url).href);
  });
});
