import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_FILE, LAMBDA_CODE_DIR, LAMBDA_CODE_NAMES, type LambdaCodeName } from './lambda-code.ts';

export { BUNDLE_FILE };

/**
 * How the functions are bundled, at build time only (the constructs deploy the prebuilt directories of
 * lib/lambda-code.ts and import nothing from here). `npm run build` and the tests and benchmarks that run "the
 * bundle that will be deployed" take their options from here, so they bundle the same thing.
 */
export const HANDLER_ENTRY = fileURLToPath(new URL('../lambda/functions/probe/handler.ts', import.meta.url));
/** The workload watcher (lib/workload-watch.ts). */
export const WATCH_HANDLER_ENTRY = fileURLToPath(
  new URL('../lambda/functions/watch/handler.ts', import.meta.url),
);
export const SEED_HANDLER_ENTRY = fileURLToPath(
  new URL('../lambda/functions/seed/handler.ts', import.meta.url),
);

/** The images-in-use inventory (lib/image-inventory.ts). */
export const INVENTORY_HANDLER_ENTRY = fileURLToPath(
  new URL('../lambda/functions/inventory/handler.ts', import.meta.url),
);

/** The entry of each prebuilt function. */
export const LAMBDA_CODE_ENTRIES: Record<LambdaCodeName, string> = {
  probe: HANDLER_ENTRY,
  watch: WATCH_HANDLER_ENTRY,
  seed: SEED_HANDLER_ENTRY,
  inventory: INVENTORY_HANDLER_ENTRY,
  'eks-watch': fileURLToPath(new URL('../lambda/functions/eks-watch/handler.ts', import.meta.url)),
};

/** The repository root: esbuild resolves and names modules relative to it, whatever the caller's directory. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Node 22 is the oldest Lambda runtime the canary supports; the SDK requires it from 2027. */
export const BUNDLE_TARGET = 'node22';

/**
 * The functions ship as CommonJS: Lambda `require`s such a handler synchronously, which measured about 4.5 ms
 * (7%) faster per cold start than `import()` of the same code as ESM (`npm run bench`). Nothing in the
 * function code needs ESM (no top-level await, no import.meta).
 */
export const BUNDLE_FORMAT = 'cjs';

/**
 * Some SDK dependencies still call `require` for Node built-ins; an ESM bundle (the CLI's) needs one in scope.
 * The alias keeps it clear of any `require` the bundle itself declares.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __canaryCreateRequire } from 'node:module'; const require = __canaryCreateRequire(import.meta.url);";

/** Prefer ES module builds of dependencies: they tree-shake, which is most of the cold-start win. */
export const MAIN_FIELDS = ['module', 'main'];

/** The function's credentials always come from the Lambda environment; see lambda/functions/lambda-credentials.ts. */
export const LAMBDA_CREDENTIALS_ALIAS: Record<string, string> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../lambda/functions/lambda-credentials.ts', import.meta.url),
  ),
};

/**
 * Bundles a handler with esbuild exactly as `npm run build` ships it. Name the output `.cjs` outside a
 * directory of its own: this repository's package.json says `"type": "module"`. The file is written in
 * `stagingDir` and renamed into place, so a synthesis hashing the output's directory meanwhile sees the old
 * bundle or the new one, never half of one (nor the partial file).
 */
export async function bundleHandler(
  outfile: string,
  entry = HANDLER_ENTRY,
  stagingDir = dirname(outfile),
): Promise<{ bytes: number }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    write: false,
    bundle: true,
    platform: 'node',
    format: BUNDLE_FORMAT,
    target: BUNDLE_TARGET,
    minify: true,
    sourcemap: false,
    mainFields: MAIN_FIELDS,
    alias: LAMBDA_CREDENTIALS_ALIAS,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1)
    throw new Error(`esbuild wrote ${result.outputFiles.length} files`);
  mkdirSync(dirname(outfile), { recursive: true });
  const partial = join(
    stagingDir,
    `.${basename(outfile)}.${process.pid}.${Math.random().toString(36).slice(2)}`,
  );
  writeFileSync(partial, output.contents);
  renameSync(partial, outfile);
  return { bytes: output.contents.byteLength };
}

/**
 * Builds every prebuilt function into `<dir>/<name>/index.js`, by default the directory the constructs deploy
 * (lib/lambda-code.ts). Staged in `dir` itself, outside every function's directory.
 */
export async function buildLambdaCode(
  dir = LAMBDA_CODE_DIR,
): Promise<Array<{ name: LambdaCodeName; file: string; bytes: number }>> {
  return Promise.all(
    LAMBDA_CODE_NAMES.map(async (name) => {
      const file = join(dir, name, BUNDLE_FILE);
      const { bytes } = await bundleHandler(file, LAMBDA_CODE_ENTRIES[name], dir);
      return { name, file, bytes };
    }),
  );
}
