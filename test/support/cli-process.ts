import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SDK_NODE_WARNING_OPT_OUT } from '../../lambda/sdk-node-notice.ts';
import { buildCli } from '../../scripts/build.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How `npm run probe` starts the CLI without a current bundle: from source through tsx (about a second). */
export const PROBE_FROM_SOURCE: readonly string[] = ['--import', 'tsx', 'bin/probe.ts'];

/** The command bundled exactly as `npm run build` ships it, in its own temp directory: `node <entry>`. */
export interface CliBundle {
  /** The arguments to `node` that start the bundle (with the subcommand). */
  readonly entry: readonly string[];
  remove(): void;
}

/**
 * Builds the shipped `ecr-pull-canary` bundle (`dist/cli.mjs`) once for a test file, so each case starts plain
 * `node` (a fraction of a second) instead of transpiling the sources through tsx again. The entry runs the
 * given subcommand; `probe` by default.
 */
export async function buildCliBundle(command: 'probe' | 'explain' | 'doctor' = 'probe'): Promise<CliBundle> {
  const dir = mkdtempSync(join(tmpdir(), `${command}-bundle-`));
  try {
    const file = await buildCli(join(dir, 'cli.mjs'));
    return { entry: [file, command], remove: () => rmSync(dir, { recursive: true, force: true }) };
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
