/**
 * Builds what ships in the npm package (package.json `files`), everything under `dist/`:
 * - `dist/cli.mjs`: the `ecr-pull-canary` command (bin/ecr-pull-canary.ts: probe, explain, …) that plain `node`
 *   runs, with no dependency to install, and `dist/cli-chunks/`, the parts only `preflight` loads;
 * - `dist/functions/<probe|watch|seed>/index.js`: the Lambda code the constructs deploy (lib/lambda-code.ts);
 * - `dist/lib/`, `dist/lambda/engine/model/` and `dist/lambda/engine/config/`: the construct library compiled to JavaScript with type declarations
 *   (tsconfig.build.json), the package's `exports`.
 *
 * `node --import tsx scripts/build.ts functions` builds the Lambda code only (about 1.5 s): what `cdk synth` in a
 * clone (cdk.json) and the tests (test/support/build-shipped-code.ts) need before they synthesize.
 */

import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { buildLambdaCode, ESM_REQUIRE_BANNER, MAIN_FIELDS } from '../lib/handler-bundling.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where a command's lazily loaded parts go, next to it (package.json `files`). */
export const CLI_CHUNK_DIR = 'cli-chunks';

/**
 * Bundles one `bin/` entry into an ESM file for plain `node`, named `outfile`; what its subcommands load with
 * `import()` (preflight, with its SDK clients and the configuration's validation) is split into files under
 * `cli-chunks/` beside it, so the other subcommands neither load nor parse it.
 */
async function buildEntry(entry: string, outfile: string): Promise<string> {
  const outdir = dirname(outfile);
  rmSync(join(outdir, CLI_CHUNK_DIR), { recursive: true, force: true });
  await build({
    entryPoints: [{ in: `${root}${entry}`, out: basename(outfile, '.mjs') }],
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: `${CLI_CHUNK_DIR}/[name]-[hash]`,
    absWorkingDir: root,
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

/** The `ecr-pull-canary` command, every subcommand; preflight's parts in `cli-chunks/` beside it. */
export function buildCli(outfile = `${root}dist/cli.mjs`): Promise<string> {
  return buildEntry('bin/ecr-pull-canary.ts', outfile);
}

/** The construct library: `tsc -p tsconfig.build.json` into dist/lib and dist/lambda/engine/, stale files removed. */
export async function buildLibrary(): Promise<string> {
  for (const dir of ['dist/lib', 'dist/lambda']) rmSync(`${root}${dir}`, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { cwd: root });
  return `${root}dist/lib/index.js`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv[2];
  if (only !== undefined && only !== 'functions') {
    console.error(`usage: node --import tsx scripts/build.ts [functions]; got "${only}"`);
    process.exit(2);
  }
  // Quiet when only the functions are built: that runs before every `cdk synth` in a clone.
  if (only === 'functions') await buildLambdaCode();
  else {
    const [functions, ...files] = await Promise.all([buildLambdaCode(), buildCli(), buildLibrary()]);
    for (const { file, bytes } of functions) console.log(`built ${file} (${(bytes / 1024).toFixed(0)} KiB)`);
    for (const file of files) console.log(`built ${file}`);
  }
}
