/**
 * Global setup: builds the prebuilt Lambda code the constructs deploy (dist/functions/, lib/lambda-code.ts)
 * once per test run, as cdk.json does before `cdk synth`, so every test that synthesizes packages the same
 * bytes a user's app gets from the npm package and none of them bundles. Both projects list it; vitest loads
 * each project's global setup modules afresh, so the one build of the run is shared through a process-wide
 * reference (as test/support/run-tmp.ts shares its directory), not through this module's own state.
 */
import { buildLambdaCode } from '../../lib/handler-bundling.ts';

const SHARED = Symbol.for('ecr-pull-canary.test-lambda-code-build');
const store = globalThis as { [SHARED]?: Promise<unknown> };

export default async function setup(): Promise<void> {
  store[SHARED] ??= buildLambdaCode();
  await store[SHARED];
}
