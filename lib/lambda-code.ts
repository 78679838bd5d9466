import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, Stage, Token, Tokenization } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { CODE_DATA, placeholder } from '../lambda/engine/model/code-data.ts';

/**
 * The canary's functions, each shipped prebuilt: `npm run build` (and `npm pack`, through `prepack`) bundles
 * every handler with esbuild into `dist/functions/<name>/`, and the constructs always deploy that directory.
 * There is one code path: a clone's `cdk synth` (cdk.json builds first), the tests (a global setup builds
 * first) and a user's own CDK app (the installed package carries the directories) synthesize the same bytes,
 * and a user's app needs no esbuild, tsx or TypeScript sources. The bundles are deterministic, so the same
 * sources give the same asset hash and a deploy changes a function only when its code changed.
 */
export const LAMBDA_CODE_NAMES = ['probe', 'watch', 'seed', 'inventory', 'eks-watch'] as const;
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
  return lambda.Code.fromAsset(prebuiltDir(name));
}

function prebuiltDir(name: LambdaCodeName): string {
  const dir = lambdaCodeDir(name);
  if (!existsSync(join(dir, BUNDLE_FILE))) {
    throw new Error(
      `ecr-pull-canary: the prebuilt ${name} function is missing (${join(dir, BUNDLE_FILE)}); in a clone of the ` +
        'repository run `npm run build` first (cdk.json and the tests do); the npm package ships it',
    );
  }
  return dir;
}

/** A function's code with its data file, and the environment variable that carries the data's deploy-time values. */
export interface CodeWithData {
  readonly code: lambda.Code;
  /** {@link CODE_DATA}.valuesEnv when the data holds deploy-time values (CDK tokens); otherwise empty. */
  readonly environment: Record<string, string>;
  /** SHA-256 of the data file as written: changes exactly when the data does. */
  readonly dataDigest: string;
}

/**
 * The prebuilt bundle plus a data file (lambda/engine/model/code-data.ts), staged as one directory inside the cloud
 * assembly (`<outdir>/ecr-pull-canary-code/<name>-<hash>`), never in the temp directory: CDK hashes that
 * directory like any asset, so the function's code, and with it the function, changes exactly when the bundle
 * or the data does. Rewritten on every synthesis, so it always holds the current bundle. Not CDK bundling: a stack the CLI
 * does not select, such as an organization's member template, would skip it and deploy the bundle without its
 * data. Deploy-time values in the data become placeholders whose values ride in one environment variable.
 */
export function lambdaCodeWithData(scope: IConstruct, name: LambdaCodeName, data: unknown): CodeWithData {
  const source = prebuiltDir(name);
  const values: string[] = [];
  const file = `${JSON.stringify(withPlaceholders(data, values))}\n`;
  const dataDigest = createHash('sha256').update(file).digest('hex');
  const outdir = Stage.of(scope)?.outdir;
  if (outdir === undefined) throw new Error('ecr-pull-canary: the canary must be inside a CDK App or Stage');
  const dir = join(
    outdir,
    'ecr-pull-canary-code',
    `${name}-${createHash('sha256').update(source).update(dataDigest).digest('hex').slice(0, 32)}`,
  );
  stageDirectory(source, dir, file);
  return {
    code: lambda.Code.fromAsset(dir),
    environment: values.length === 0 ? {} : { [CODE_DATA.valuesEnv]: Stack.of(scope).toJsonString(values) },
    dataDigest,
  };
}

/** Copies the bundle and writes the data beside it, through a temporary sibling renamed into place. */
function stageDirectory(source: string, dir: string, file: string): void {
  const temporary = `${dir}.partial-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  cpSync(source, temporary, { recursive: true });
  writeFileSync(join(temporary, CODE_DATA.file), file);
  rmSync(dir, { recursive: true, force: true });
  renameSync(temporary, dir);
}

/** The data with each CDK token replaced by a placeholder; `values` receives each distinct token once. */
function withPlaceholders(data: unknown, values: string[]): unknown {
  if (typeof data === 'string') {
    if (!Token.isUnresolved(data)) return data;
    return Tokenization.reverseString(data)
      .mapTokens({
        mapToken: (token) => {
          const text = Token.asString(token);
          let index = values.indexOf(text);
          if (index === -1) index = values.push(text) - 1;
          return placeholder(index);
        },
      })
      .join({ join: (left: unknown, right: unknown) => `${left ?? ''}${right ?? ''}` }) as string;
  }
  if (Array.isArray(data)) return data.map((item) => withPlaceholders(item, values));
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, withPlaceholders(value, values)]),
    );
  }
  return data;
}
