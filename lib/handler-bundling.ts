import { fileURLToPath } from 'node:url';

/**
 * How the scheduled handler is bundled. The CDK construct (NodejsFunction) and the tests and benchmarks that
 * run "the bundle that will be deployed" take their options from here, so they bundle the same thing.
 */
export const HANDLER_ENTRY = fileURLToPath(new URL('../lambda/handler.ts', import.meta.url));
/** The workload watcher (lib/workload-watch.ts). */
export const WATCH_HANDLER_ENTRY = fileURLToPath(new URL('../lambda/watch/handler.ts', import.meta.url));
export const SEED_HANDLER_ENTRY = fileURLToPath(new URL('../lambda/seed/handler.ts', import.meta.url));

/** Node 22 is the oldest Lambda runtime the canary supports; the SDK requires it from 2027. */
export const BUNDLE_TARGET = 'node22';

/**
 * The functions ship as CommonJS: Lambda `require`s such a handler synchronously, which measured about 4.5 ms
 * (7%) faster per cold start than `import()` of the same code as ESM (`npm run bench`). Nothing in the
 * function code needs ESM (no top-level await, no import.meta).
 */
export const BUNDLE_FORMAT = 'cjs';

/** The file name NodejsFunction gives a CommonJS bundle; its handler is `index.handler`. */
export const BUNDLE_FILE = 'index.js';

/**
 * Some SDK dependencies still call `require` for Node built-ins; an ESM bundle (the CLI's) needs one in scope.
 * The alias keeps it clear of any `require` the bundle itself declares.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __canaryCreateRequire } from 'node:module'; const require = __canaryCreateRequire(import.meta.url);";

/** Prefer ES module builds of dependencies: they tree-shake, which is most of the cold-start win. */
export const MAIN_FIELDS = ['module', 'main'];

/** The function's credentials always come from the Lambda environment; see lambda/lambda-credentials.ts. */
export const LAMBDA_CREDENTIALS_ALIAS: Record<string, string> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../lambda/lambda-credentials.ts', import.meta.url),
  ),
};

/**
 * Bundles the handler with esbuild exactly as the construct does, for tests and benchmarks. Name the output
 * `.cjs` outside a directory of its own: this repository's package.json says `"type": "module"`.
 */
export async function bundleHandler(outfile: string, entry = HANDLER_ENTRY): Promise<{ bytes: number }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLE_FORMAT,
    target: BUNDLE_TARGET,
    minify: true,
    sourcemap: false,
    mainFields: MAIN_FIELDS,
    alias: LAMBDA_CREDENTIALS_ALIAS,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { bytes };
}
