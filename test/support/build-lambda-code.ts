/**
 * Global setup: builds the prebuilt Lambda code the constructs deploy (dist/functions/, lib/lambda-code.ts)
 * once per test run, as cdk.json does before `cdk synth`, so every test that synthesizes packages the same
 * bytes a user's app gets from the npm package and none of them bundles. Both projects list it; their global
 * setups run in the one vitest process, so the build runs once.
 */
import { buildLambdaCode } from '../../lib/handler-bundling.ts';

let built: Promise<unknown> | undefined;

export default async function setup(): Promise<void> {
  built ??= buildLambdaCode();
  await built;
}
