import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Issue 27, item 11: README's rule for when a clone's `npm run -s probe -- …` runs the built dist/cli.mjs rather than
 * the sources is the rule scripts/cli.mjs applies: the same directories, and the lockfile.
 */
const SCRIPT = readFileSync(new URL('../scripts/cli.mjs', import.meta.url), 'utf8');
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

describe("README's rule for the clone's command", () => {
  it('names every directory, and the lockfile, whose change makes scripts/cli.mjs run the sources', () => {
    const list = /const SOURCE_DIRS = \[([^\]]*)\]/.exec(SCRIPT)?.[1] ?? '';
    const dirs = [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]);
    expect(dirs).toContain('lambda');
    expect(SCRIPT).toContain("mtime(join(root, 'package-lock.json'))");
    const rule = /after the last change to ((?:`[a-z]+\/`,? )+)or the lockfile/.exec(README)?.[1] ?? '';
    expect([...rule.matchAll(/`([a-z]+)\/`/g)].map((match) => match[1]).sort()).toEqual([...dirs].sort());
  });
});
