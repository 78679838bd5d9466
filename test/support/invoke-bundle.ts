import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SDK_NODE_WARNING_OPT_OUT } from '../../lambda/commands/sdk-node-notice.ts';
import { CODE_DATA } from '../../lambda/engine/model/code-data.ts';

export interface Invocation {
  /** What the handler returned. */
  summary: Record<string, unknown> & { ok: boolean; failed: number; metrics: { via: string } };
  /** The function's log: one line per write, as CloudWatch Logs would store it. */
  logLines: string[];
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** What EventBridge Scheduler hands the probe function. */
export const SCHEDULED_EVENT = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };

// A Lambda-like invocation: a fresh Node process (a cold start), the bundle imported as the runtime would,
// the handler called with the event and a context whose clock runs down.
const RUNNER = `
import { writeFileSync } from 'node:fs';
const { handler } = await import(process.env.BUNDLE_URL);
const deadline = Date.now() + Number(process.env.REMAINING_MS);
const summary = await handler(JSON.parse(process.env.EVENT_JSON), {
  getRemainingTimeInMillis: () => deadline - Date.now(),
});
writeFileSync(process.env.RESULT_FILE, JSON.stringify(summary ?? null));
`;

/**
 * Runs the deployed bundle once in its own process with only the given environment, its directory as the task
 * root (LAMBDA_TASK_ROOT, where Lambda extracts the code). With `data`, the bundle runs from a copy beside that
 * code data file (lambda/engine/model/code-data.ts), as the construct stages it; without, from its own directory, which
 * for an asset of the cloud assembly holds the construct's own file.
 */
export async function invokeBundle(
  bundlePath: string,
  env: Record<string, string>,
  remainingMs = 30_000,
  event: unknown = SCHEDULED_EVENT,
  data?: unknown,
): Promise<Invocation> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-invoke-'));
  const resultFile = join(dir, 'summary.json');
  let bundle = bundlePath;
  if (data !== undefined) {
    const code = join(dir, 'code');
    await mkdir(code);
    bundle = join(code, basename(bundlePath));
    await copyFile(bundlePath, bundle);
    await writeFile(join(code, CODE_DATA.file), JSON.stringify(data));
  }
  const started = performance.now();
  try {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        // CANARY_LAMBDA_NODE runs the bundle on another Node, e.g. the Lambda runtime's major version.
        process.env.CANARY_LAMBDA_NODE || process.execPath,
        ['--input-type=module', '-e', RUNNER],
        {
          env: {
            PATH: process.env.PATH ?? '',
            // Lambda runs Node.js 22; on an older test Node the SDK's support warning would fill stderr.
            [SDK_NODE_WARNING_OPT_OUT]: 'true',
            LAMBDA_TASK_ROOT: dirname(bundle),
            ...env,
            BUNDLE_URL: pathToFileURL(bundle).href,
            REMAINING_MS: String(remainingMs),
            EVENT_JSON: JSON.stringify(event),
            RESULT_FILE: resultFile,
          },
          timeout: remainingMs + 10_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, out, err) => {
          if (error) reject(Object.assign(error, { stdout: out, stderr: err }));
          else resolve({ stdout: out, stderr: err });
        },
      );
    });
    const summary = JSON.parse(await readFile(resultFile, 'utf8'));
    return {
      summary,
      logLines: stdout.split('\n').filter((line) => line.trim() !== ''),
      stdout,
      stderr,
      durationMs: performance.now() - started,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
