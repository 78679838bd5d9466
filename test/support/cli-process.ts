import { execFile } from 'node:child_process';
import { inject } from 'vitest';
import { SDK_NODE_WARNING_OPT_OUT } from '../../lambda/commands/sdk-node-notice.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How `npm run probe` starts the CLI without a current bundle: from source through tsx (about a second). */
export const PROBE_FROM_SOURCE: readonly string[] = ['--import', 'tsx', 'bin/probe.ts'];

/**
 * `node` arguments that start the shipped `ecr-pull-canary` command (`npm run build` → dist/cli.mjs) with a
 * subcommand: the bundle the global setup built once for the run (test/support/build-shipped-code.ts), so each
 * case starts plain `node` (a fraction of a second) instead of transpiling the sources through tsx again.
 */
export function cliBundle(
  command: 'probe' | 'explain' | 'doctor' | 'preflight' | 'status' | 'drill' = 'probe',
): readonly string[] {
  return [inject('cliBundle'), command];
}

/**
 * Runs the CLI as a user would: its own process (`entry`: the shipped bundle's `probe` by default, or
 * PROBE_FROM_SOURCE), configured only by its arguments and the given environment (nothing inherited but PATH; the
 * SDK's Node.js support notice is opted out unless the environment says otherwise).
 */
export function runCliProcess(
  args: string[],
  env: Record<string, string>,
  entry: readonly string[] = cliBundle(),
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
