import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SDK_NODE_WARNING_OPT_OUT } from '../../lambda/sdk-node-notice.ts';
import { buildCli, buildEntry, buildExplainCli } from '../../scripts/build.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How `npm run probe` starts the CLI: from source through tsx (about a second per process, transpiling). */
export const PROBE_FROM_SOURCE: readonly string[] = ['--import', 'tsx', 'bin/probe.ts'];

/** A CLI bundled exactly as `npm run build` ships it, in its own temp directory: `node <entry>`. */
export interface CliBundle {
  /** The arguments to `node` that start the bundle. */
  readonly entry: readonly string[];
  remove(): void;
}

/**
 * Builds the shipped bundle of `bin/probe.ts` (or `bin/explain.ts`) once for a test file, so each case
 * starts plain `node` (a fraction of a second) instead of transpiling the sources through tsx again.
 */
export async function buildCliBundle(which: 'probe' | 'explain' | 'doctor' = 'probe'): Promise<CliBundle> {
  const dir = mkdtempSync(join(tmpdir(), `${which}-bundle-`));
  try {
    const file =
      which === 'probe'
        ? await buildCli(join(dir, 'cli.mjs'))
        : which === 'explain'
          ? await buildExplainCli(join(dir, 'explain.mjs'))
          : // Until `doctor` is part of the command dispatch, its temporary entry is bundled the same way.
            await buildEntry('bin/doctor.ts', join(dir, 'doctor.mjs'));
    return { entry: [file], remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs the CLI as a user would: its own process (`entry`: the shipped bundle, or `bin/probe.ts` through tsx
 * by default), configured only by its arguments and the given environment (nothing inherited but PATH; the
 * SDK's Node.js support notice is opted out unless the environment says otherwise).
 */
export function runCliProcess(
  args: string[],
  env: Record<string, string>,
  entry: readonly string[] = PROBE_FROM_SOURCE,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...entry, ...args],
      { env: { PATH: process.env.PATH ?? '', [SDK_NODE_WARNING_OPT_OUT]: 'true', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
