/**
 * Global setup: builds what the tests run as shipped, once per test run.
 * - The prebuilt Lambda code the constructs deploy (dist/functions/, lib/lambda-code.ts), as cdk.json does
 *   before `cdk synth`, so every test that synthesizes packages the same bytes a user's app gets from the npm
 *   package and none of them bundles.
 * - The `ecr-pull-canary` command as `npm run build` ships it (dist/cli.mjs), into the run's temp directory
 *   (the package test's `npm pack` rewrites dist/ meanwhile): the files that run the command in its own
 *   process start plain `node` on it (`inject('cliBundle')`, test/support/cli-process.ts).
 *
 * Both projects list it; vitest loads each project's global setup modules afresh, so the one build of the run
 * is shared through a process-wide reference (as test/support/run-tmp.ts shares its directory), and the last
 * teardown removes the command's directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildLambdaCode } from '../../lib/handler-bundling.ts';
import { buildCli } from '../../scripts/build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shipped command (dist/cli.mjs) built for this run: `node <cliBundle> SUBCOMMAND …`. */
    cliBundle: string;
  }
}

const SHARED = Symbol.for('ecr-pull-canary.test-shipped-code');
type Shared = { built: Promise<string>; dir: string; users: number };
const store = globalThis as { [SHARED]?: Shared };

export default async function setup(project: TestProject): Promise<() => void> {
  if (!store[SHARED]) {
    const dir = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
    const built = Promise.all([buildCli(join(dir, 'cli.mjs')), buildLambdaCode()]).then(([cli]) => cli);
    store[SHARED] = { built, dir, users: 0 };
  }
  const shared = store[SHARED];
  shared.users += 1;
  project.provide('cliBundle', await shared.built);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    shared.users -= 1;
    if (shared.users > 0) return;
    delete store[SHARED];
    rmSync(shared.dir, { recursive: true, force: true });
  };
}
