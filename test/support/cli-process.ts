import { execFile } from 'node:child_process';
import { SDK_NODE_WARNING_OPT_OUT } from '../../lambda/sdk-node-notice.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as a user would: its own process (`bin/probe.ts`), configured only by its arguments and the
 * given environment (nothing inherited but PATH; the SDK's Node.js support notice is opted out unless the
 * environment says otherwise).
 */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/probe.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', [SDK_NODE_WARNING_OPT_OUT]: 'true', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
