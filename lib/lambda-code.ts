import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The canary's functions, each shipped prebuilt: `npm run build` (and `npm pack`, through `prepack`) bundles
 * every handler with esbuild into `dist/functions/<name>/`, and the constructs always deploy that directory.
 * There is one code path: a clone's `cdk synth` (cdk.json builds first), the tests (a global setup builds
 * first) and a user's own CDK app (the installed package carries the directories) synthesize the same bytes,
 * and a user's app needs no esbuild, tsx or TypeScript sources. The bundles are deterministic, so the same
 * sources give the same asset hash and a deploy changes a function only when its code changed.
 */
export const LAMBDA_CODE_NAMES = ['probe', 'watch', 'seed'] as const;
export type LambdaCodeName = (typeof LAMBDA_CODE_NAMES)[number];

/** The bundle's file in each directory, CommonJS; the handler is its `handler` export. */
export const BUNDLE_FILE = 'index.js';
export const BUNDLE_HANDLER = 'index.handler';

/**
 * `dist/functions/`, wherever this module runs from: `lib/lambda-code.ts` in a clone (through tsx or vitest),
 * or `dist/lib/lambda-code.js` in the installed package.
 */
export const LAMBDA_CODE_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../dist/functions/' : '../functions/', import.meta.url),
);

export function lambdaCodeDir(name: LambdaCodeName): string {
  return join(LAMBDA_CODE_DIR, name);
}

/** The prebuilt directory as Lambda code; a missing build is named with the command that makes it. */
export function prebuiltLambdaCode(name: LambdaCodeName): lambda.Code {
  const dir = lambdaCodeDir(name);
  if (!existsSync(join(dir, BUNDLE_FILE))) {
    throw new Error(
      `ecr-pull-canary: the prebuilt ${name} function is missing (${join(dir, BUNDLE_FILE)}); in a clone of the ` +
        'repository run `npm run build` first (cdk.json and the tests do); the npm package ships it',
    );
  }
  return lambda.Code.fromAsset(dir);
}
