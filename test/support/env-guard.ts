/**
 * Set up before every test file of both projects, which share their workers between files (isolate: false):
 * a file that changes process.env and does not put it back (applyEnv's restore, vi.unstubAllEnvs) would point
 * the next file's SDK clients at its doubles. That fails here, in the file that did it, naming the variables.
 */
import { afterAll, beforeAll } from 'vitest';

let before: Record<string, string | undefined> = {};

beforeAll(() => {
  before = { ...process.env };
});

afterAll(() => {
  const names = new Set([...Object.keys(before), ...Object.keys(process.env)]);
  const changed = [...names].filter((name) => before[name] !== process.env[name]).sort();
  if (changed.length > 0) {
    throw new Error(
      `this test file left process.env changed (${changed.join(', ')}); the next file in its worker would ` +
        'see it: restore what it sets (the function applyEnv returns, vi.unstubAllEnvs)',
    );
  }
});
