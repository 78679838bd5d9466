/**
 * Builds what runs outside this repository: the probe CLI and the `explain` CLI as one file each
 * (`dist/cli.mjs`, `dist/explain.mjs`, started by plain `node`) and the handler bundle exactly as the CDK
 * construct bundles it (`dist/handler/index.cjs`), and the workload watcher's (`dist/watch/index.cjs`).
 */

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  BUNDLE_TARGET,
  bundleHandler,
  ESM_REQUIRE_BANNER,
  MAIN_FIELDS,
  WATCH_HANDLER_ENTRY,
} from '../lib/handler-bundling.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles one `bin/` entry into a single ESM file for plain `node`. */
export async function buildEntry(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [`${root}${entry}`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The CLI runs on whatever Node the host has; 20 is the oldest the SDK supports today.
    target: 'node20',
    minify: true,
    mainFields: MAIN_FIELDS,
    // The entry keeps its own shebang line; esbuild puts it first.
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
  });
  return outfile;
}

export function buildCli(outfile = `${root}dist/cli.mjs`): Promise<string> {
  return buildEntry('bin/probe.ts', outfile);
}

export function buildExplainCli(outfile = `${root}dist/explain.mjs`): Promise<string> {
  return buildEntry('bin/explain.ts', outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cli = await buildCli();
  const explain = await buildExplainCli();
  const handler = await bundleHandler(`${root}dist/handler/index.cjs`);
  const watch = await bundleHandler(`${root}dist/watch/index.cjs`, WATCH_HANDLER_ENTRY);
  console.log(`built ${cli}`);
  console.log(`built ${explain}`);
  console.log(
    `built ${root}dist/handler/index.cjs (${(handler.bytes / 1024).toFixed(0)} KiB, target ${BUNDLE_TARGET})`,
  );
  console.log(
    `built ${root}dist/watch/index.cjs (${(watch.bytes / 1024).toFixed(0)} KiB, target ${BUNDLE_TARGET})`,
  );
}
