import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  type Keys,
  type PreflightDouble,
  type PreflightState,
  startPreflightDouble,
} from './preflight-double.ts';
import { applyEnv } from './probe-env.ts';

/**
 * The regions status's leftover scan and preflight's dashboard checks look in, for the tests that are not about the
 * scan: two instead of every known one (35 DescribeStacks a run through the double). The scan's own tests
 * (status's "stacks left behind", test/preflight-dashboard.test.ts, test/organization-leftover.test.ts) look in all.
 */
export const FEW_SCAN_REGIONS: readonly string[] = ['eu-west-1', 'us-east-1'];

/**
 * The harness every command test against the AWS double shares (preflight, status, drill): a temporary directory
 * and the double started once per file; before each test the double's state reset to `fresh()` with nothing hung,
 * denied or called, and the operator's host environment applied (its keys, the double's endpoints, and nothing of
 * this machine's AWS setup: no profile, no shared files, no instance metadata); both undone after. `made` hands the
 * directory to the test file before `fresh()` first runs (a state may name files in it), `started` the double; the
 * returned function is that host environment, for a test that runs the shipped command in its own process.
 */
export function useCommandDouble(
  prefix: string,
  keys: Keys,
  region: string,
  fresh: () => PreflightState,
  made: (dir: string) => void,
  started: (double: PreflightDouble) => void,
): () => Record<string, string> {
  let dir: string | undefined;
  let double: PreflightDouble | undefined;
  let restoreEnv: () => void = () => {};
  const hostEnv = (): Record<string, string> => ({
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    ...(double?.env() ?? {}),
  });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    made(dir);
    double = await startPreflightDouble(keys, fresh());
    started(double);
  });
  afterAll(async () => {
    await double?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    if (!double) throw new Error('the AWS double did not start');
    double.state = Object.assign(double.state, fresh());
    double.hang.clear();
    double.hangIn.clear();
    double.deny.clear();
    double.scpDeny.clear();
    double.calls.length = 0;
    restoreEnv = applyEnv({ ...hostEnv(), AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined });
  });
  afterEach(() => restoreEnv());
  return hostEnv;
}
