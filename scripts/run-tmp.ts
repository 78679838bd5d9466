/**
 * One temp directory per run of the test suite, `npm run bench` or `npm run cost`. The run points TMPDIR at
 * it, so the run and every process it starts (cdk synth, tsx, the bundle, the registry) create their
 * temporary files there and nowhere else in /tmp. At the end the run lists what is still there, removes the
 * directory, and reports each leftover: whatever code of ours creates must also remove it (a `finally` or an
 * `afterAll`). Checking one directory of our own, instead of comparing /tmp before and after, stays exact on a
 * shared machine where other people's processes write to /tmp at the same time.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Caches of the tools we run, not leftovers of ours: tsx keeps its compile cache in `<tmpdir>/tsx-<uid>` for
 * every process started with `--import tsx`. Inside a run directory it goes away with the directory.
 */
const TOOL_CACHES: readonly RegExp[] = [/^tsx-\d+$/];

export interface RunTmp {
  /** The run's temp directory (also TMPDIR until finish()). */
  readonly dir: string;
  /** Restores TMPDIR, removes the directory and returns the names of what the run left in it. */
  finish(): string[];
}

/** Creates `<tmpdir>/<prefix>XXXXXX` and makes it this process's (and its children's) TMPDIR. */
export function startRunTmp(prefix: string): RunTmp {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.env.TMPDIR = dir;
  let left: string[] | undefined;
  return {
    dir,
    finish() {
      if (left) return left;
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      left = readdirSync(dir)
        .filter((name) => !TOOL_CACHES.some((cache) => cache.test(name)))
        .sort();
      rmSync(dir, { recursive: true, force: true });
      return left;
    },
  };
}

export function leftoverMessage(run: string, dir: string, left: readonly string[]): string {
  return (
    `${run} left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in its temp directory ${dir} ` +
    `(removed now; whatever creates them must remove them itself): ${left.join(', ')}`
  );
}
