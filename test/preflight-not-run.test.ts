import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import type { PreflightCheckId } from '../lambda/commands/preflight/check.ts';
import { runPreflightCommand } from '../lambda/commands/preflight/cli.ts';
import { FEW_SCAN_REGIONS } from './support/command-double.ts';
import { applyEnv } from './support/probe-env.ts';

/**
 * Issue 27, item 5: `preflight` with no credentials fails the credentials check and lists every other check the
 * configuration calls for as not run, instead of one line that reads as if nothing else mattered. No AWS at all:
 * the SDK's credential chain finds nothing (no keys, no profile files, no metadata service) before any call.
 */
const ACCOUNT = '111122223333';
const MONITORING = '222222222222';
const SAW = 'not run: it needs the credentials above';
const dir = mkdtempSync(join(tmpdir(), 'preflight-not-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let restoreEnv: () => void;
beforeEach(() => {
  restoreEnv = applyEnv({
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  });
});
afterEach(() => restoreEnv());

async function preflight(config: unknown, json = true) {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config));
  let stdout = '';
  const code = await runPreflightCommand(
    ['-c', `config=${path}`, '--timeout', '2000', ...(json ? ['--json'] : [])],
    { stdout: (t) => (stdout += t), stderr: () => {}, env: process.env },
    { cwd: dir, scanRegions: FEW_SCAN_REGIONS },
  );
  return { code, stdout };
}

describe('preflight without credentials', () => {
  it('fails the credentials and lists each check the configuration calls for, per region, as not run', async () => {
    const config = {
      account: ACCOUNT,
      regions: ['eu-west-1', 'us-east-1'],
      regionOverrides: {
        'eu-west-1': { notifications: { topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts` } },
        'us-east-1': { vpc: null },
      },
      vpc: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
      workloadWatch: { ecrApiCalls: true },
    };
    const { code, stdout } = await preflight(config);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as ChecksReport<PreflightCheckId>;
    const [credentials, ...rest] = report.checks;
    expect(credentials).toMatchObject({ id: 'credentials', status: 'fail' });
    expect(rest.every((check) => check.status === 'skip' && check.saw === SAW)).toBe(true);
    expect(rest.map((check) => `${check.id} ${check.where ?? ''}`.trim())).toEqual([
      'account',
      `bootstrap ${ACCOUNT}/eu-west-1`,
      `subnets ${ACCOUNT}/eu-west-1`,
      `network ${ACCOUNT}/eu-west-1`,
      `topic ${ACCOUNT}/eu-west-1`,
      `topic-key ${ACCOUNT}/eu-west-1`,
      `trail ${ACCOUNT}/eu-west-1`,
      // us-east-1: no vpc and no existing topic there.
      `bootstrap ${ACCOUNT}/us-east-1`,
      `trail ${ACCOUNT}/us-east-1`,
      // The dashboard (on by default) belongs in the first region; its check looks for it everywhere else.
      `dashboard ${ACCOUNT}/eu-west-1`,
    ]);
    expect(report.summary).toMatchObject({ fail: 1, skip: rest.length, pass: 0 });
  });

  it('names only the region when the configuration names no account, and says "not run" in the human output', async () => {
    const { stdout } = await preflight({ regions: ['eu-west-1'] }, false);
    expect(stdout).toMatch(/^FAIL {2}ecr-pull-canary preflight: 1 fail, 3 skip$/m);
    expect(stdout).toMatch(new RegExp(`^SKIP {2}account +${SAW}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^SKIP {2}CDK bootstrap eu-west-1 +${SAW}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^SKIP {2}dashboard stack eu-west-1 +${SAW}$`, 'm'));
  });

  it('lists an organization’s checks for both accounts it deploys with', async () => {
    const { stdout } = await preflight({
      account: ACCOUNT,
      regions: ['eu-west-1'],
      organization: {
        organizationId: 'o-a1b2c3d4e5',
        organizationalUnits: ['ou-ab12-prod0001'],
        monitoringAccount: MONITORING,
        sinkArns: { 'eu-west-1': `arn:aws:oam:eu-west-1:${MONITORING}:sink/abc` },
      },
    });
    const report = JSON.parse(stdout) as ChecksReport<PreflightCheckId>;
    expect(report.checks.slice(1).map((check) => `${check.id} ${check.where ?? ''}`.trim())).toEqual([
      'account',
      `bootstrap ${ACCOUNT}/eu-west-1`,
      `organization ${ACCOUNT}/eu-west-1`,
      `stackset-admin ${ACCOUNT}/eu-west-1`,
      `stackset-stack ${ACCOUNT}/eu-west-1`,
      `bootstrap ${MONITORING}/eu-west-1`,
      `sink ${MONITORING}/eu-west-1`,
      `dashboard ${MONITORING}/eu-west-1`,
    ]);
  });
});
