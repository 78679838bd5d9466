import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import type { PreflightCheckId } from '../lambda/commands/preflight/check.ts';
import { runPreflightCommand } from '../lambda/commands/preflight/cli.ts';
import { STACK_TAG } from '../lambda/engine/model/deployment.ts';
import { KNOWN_REGIONS } from '../lambda/engine/model/regions.ts';
import { useCommandDouble } from './support/command-double.ts';
import type { DeployedStack } from './support/deployment-double.ts';
import { emptyAccount, type PreflightDouble, type PreflightState } from './support/preflight-double.ts';

/**
 * `preflight`'s dashboard check, end to end in process (the real CloudFormation client, signed, over HTTP) against
 * the preflight double: the app deploys `<name>-dashboard` in the first configured region, and a dashboard's name is
 * global to the account, so the same canary's dashboard stack in another region makes `cdk deploy --all` fail
 * creating the dashboard in the new first region. The double answers each region the test does not list as one the
 * account has not enabled (InvalidClientTokenId).
 */

const ACCOUNT = '111122223333';
const NAME = 'team-canary';
const STACK = `${NAME}-dashboard`;
const DEPLOYER = {
  accessKeyId: 'AKIAPREFLIGHTDASH001',
  secretAccessKey: 'preflight-dashboard-secret-0000000000000',
};
/** The commercial partition's regions but the first configured one: where the check looks, once each. */
const OTHERS = KNOWN_REGIONS.filter((r) => !/^(cn|us-gov|us-iso|eu-isoe)/.test(r) && r !== 'eu-west-1');
/** Regions reordered: eu-west-1 is now first; the dashboard was deployed when us-east-1 was. */
const CONFIG = { name: NAME, account: ACCOUNT, regions: ['eu-west-1', 'us-east-1'] };

function fresh(): PreflightState {
  return {
    ...emptyAccount(ACCOUNT, ['eu-west-1', 'us-east-1']),
    bootstrap: { 'eu-west-1': '30', 'us-east-1': '30' },
  };
}

let dir: string;
let double: PreflightDouble;
useCommandDouble(
  'preflight-dashboard-',
  DEPLOYER,
  'eu-west-1',
  fresh,
  (made) => {
    dir = made;
  },
  (started) => {
    double = started;
  },
);

const dashboardStack = (region: string, status = 'UPDATE_COMPLETE', ours = true): DeployedStack => ({
  region,
  name: STACK,
  status,
  outputs: {},
  ...(ours ? { tags: { [STACK_TAG]: NAME } } : {}),
});

function stacks(): DeployedStack[] {
  const deployment = double.state.deployment;
  if (!deployment) throw new Error('no deployment in the double');
  return deployment.stacks;
}

async function preflight(config: unknown, extra: string[] = []) {
  const path = join(dir, 'dashboard.config.json');
  writeFileSync(path, JSON.stringify(config));
  let stdout = '';
  const code = await runPreflightCommand(
    ['-c', `config=${path}`, ...extra],
    { stdout: (t) => (stdout += t), stderr: () => {}, env: process.env },
    { cwd: dir },
  );
  return { code, stdout };
}

async function report(config: unknown, extra: string[] = []) {
  const { code, stdout } = await preflight(config, ['--json', ...extra]);
  return { code, report: JSON.parse(stdout) as ChecksReport<PreflightCheckId> };
}

function dashboard(checks: ChecksReport<PreflightCheckId>) {
  const found = checks.checks.filter((c) => c.id === 'dashboard');
  expect(found).toHaveLength(1);
  return found[0] as ChecksReport<PreflightCheckId>['checks'][number];
}

const describedStacks = () => double.calls.filter((c) => c.startsWith('cloudformation:'));

describe('preflight: the dashboard stack where the configuration no longer puts it', () => {
  it('fails a dashboard stack left in the old first region, with the exact delete command, before the deploy would', async () => {
    stacks().push(dashboardStack('us-east-1'));
    const { code, report: out } = await report(CONFIG);
    expect(code).toBe(1);
    const check = dashboard(out);
    expect(check).toMatchObject({
      where: `${ACCOUNT}/eu-west-1`,
      status: 'fail',
      saw: `${STACK} is deployed in us-east-1 (UPDATE_COMPLETE), but the configuration now puts the dashboard in eu-west-1, the first of regions: cdk deploy would create a second ${STACK} there, and its dashboard "${NAME}" would fail as already existing; ${OTHERS.length - 1} not enabled for this account (skipped)`,
      details: { delete: [`aws cloudformation delete-stack --stack-name ${STACK} --region us-east-1`] },
    });
    expect(check.fix).toBe(
      `delete the old stack first (it deletes the dashboard; the deploy then makes it in eu-west-1): aws cloudformation delete-stack --stack-name ${STACK} --region us-east-1; or put us-east-1 first in regions, where the dashboard is. A dashboard's name is global to the account: the stack in eu-west-1 cannot create it while this one holds it, and deleting this one afterwards would delete the dashboard the new one made`,
    );
    // One DescribeStacks by name in every region of the partition but the first, and nothing but reads.
    expect(describedStacks().sort()).toEqual(OTHERS.map((r) => `cloudformation:DescribeStacks@${r}`).sort());
    expect(double.calls.filter((c) => !/:(Describe|Get|List)/.test(c))).toEqual([]);
    // The text output leads with it, fix included.
    const human = await preflight(CONFIG);
    expect(human.stdout).toMatch(/^FAIL {2}ecr-pull-canary preflight: 1 fail, 4 pass$/m);
    expect(human.stdout).toContain(
      `aws cloudformation delete-stack --stack-name ${STACK} --region us-east-1`,
    );
  });

  it('finds it in an old first region already removed from regions, and says to add it back first', async () => {
    double.state.regions.push('us-west-2');
    stacks().push(dashboardStack('us-west-2'));
    const check = dashboard((await report({ ...CONFIG, regions: ['eu-west-1'] })).report);
    expect(check.status).toBe('fail');
    expect(check.saw).toMatch(new RegExp(`^${STACK} is deployed in us-west-2 \\(UPDATE_COMPLETE\\), `));
    expect(check.fix).toContain(
      `aws cloudformation delete-stack --stack-name ${STACK} --region us-west-2; or add us-west-2 back to regions, first, where the dashboard is.`,
    );
  });

  it('passes when there is none elsewhere, and when it is in the first region, where it belongs', async () => {
    let { code, report: out } = await report(CONFIG);
    expect(code).toBe(0);
    const none = dashboard(out);
    expect(none).toMatchObject({
      status: 'pass',
      fix: null,
      saw: `looked for ${STACK} in the ${OTHERS.length} regions of the aws partition but eu-west-1, where the configuration puts it: none; ${OTHERS.length - 1} not enabled for this account (skipped)`,
    });
    stacks().push(dashboardStack('eu-west-1'));
    ({ code, report: out } = await report(CONFIG));
    expect(code).toBe(0);
    expect(dashboard(out)).toMatchObject({ status: 'pass', saw: none.saw });
  });

  it("passes a stranger's stack of the same name without this canary's tag, and says it left it alone", async () => {
    stacks().push(dashboardStack('us-east-1', 'CREATE_COMPLETE', false));
    const { code, report: out } = await report(CONFIG);
    expect(code).toBe(0);
    const check = dashboard(out);
    expect(check.status).toBe('pass');
    expect(check.saw).toContain(
      `not this canary's (no ${STACK_TAG}=${NAME} tag), left alone: ${STACK} in us-east-1`,
    );
    expect(check.details).toMatchObject({ found: [], foreign: [`${STACK} in us-east-1`] });
  });

  it('says "not checked" (warn, exit 0) where the read is denied, and skips a region a service control policy closes', async () => {
    double.state.regions.push('ap-south-1');
    double.deny.add('cloudformation:DescribeStacks@us-east-1');
    double.scpDeny.add('cloudformation:DescribeStacks@ap-south-1');
    stacks().push(dashboardStack('us-east-1'), dashboardStack('ap-south-1'));
    const { code, report: out } = await report(CONFIG);
    expect(code).toBe(0);
    const check = dashboard(out);
    expect(check.status).toBe('warn');
    expect(check.saw).toBe(
      `looked for ${STACK} in the ${OTHERS.length} regions of the aws partition but eu-west-1, where the configuration puts it: none found where it could look; ${OTHERS.length - 2} not enabled for this account (skipped); 1 closed by a service control policy (skipped); not checked in us-east-1: cloudformation:DescribeStacks was denied (AccessDenied)`,
    );
    expect(check.fix).toContain('let the deployer call cloudformation:DescribeStacks in every region');
    expect(check.fix).toContain('preflight.md#read-permissions');
    expect(check.fix).toContain(
      `aws cloudformation describe-stacks --stack-name ${STACK} --region us-east-1`,
    );
    expect(check.details).toMatchObject({ denied: ['us-east-1'], closedByPolicy: ['ap-south-1'] });
  });

  it('skips a region the account has not enabled: the stack there is not seen, and that is no failure', async () => {
    // ap-east-1 is an opt-in region the double answers as not enabled; a stack there could not exist.
    stacks().push(dashboardStack('ap-east-1'));
    const { code, report: out } = await report(CONFIG);
    expect(code).toBe(0);
    const check = dashboard(out);
    expect(check.status).toBe('pass');
    expect(check.details.notEnabled).toContain('ap-east-1');
    // Enabled, it is found.
    double.state.regions.push('ap-east-1');
    expect(dashboard((await report(CONFIG)).report).status).toBe('fail');
  });

  it('a stack whose creation was rolled back holds no dashboard (pass); one being deleted fails until the delete ends', async () => {
    stacks().push(dashboardStack('us-east-1', 'ROLLBACK_COMPLETE'));
    let check = dashboard((await report(CONFIG)).report);
    expect(check.status).toBe('pass');
    expect(check.saw).toContain(`${STACK} in us-east-1 (ROLLBACK_COMPLETE) holds no dashboard`);
    stacks()[0] = dashboardStack('us-east-1', 'DELETE_IN_PROGRESS');
    check = dashboard((await report(CONFIG)).report);
    expect(check.status).toBe('fail');
    expect(check.fix).toContain(
      `wait for its delete to finish: aws cloudformation wait stack-delete-complete --stack-name ${STACK} --region us-east-1`,
    );
    stacks()[0] = dashboardStack('us-east-1', 'DELETE_FAILED');
    check = dashboard((await report(CONFIG)).report);
    expect(check.status).toBe('fail');
    expect(check.fix).toContain(
      `aws cloudformation delete-stack --stack-name ${STACK} --region us-east-1 (a delete was tried and failed: read why with aws cloudformation describe-stack-events`,
    );
  });

  it('warns, within the deadline, for a region that does not answer', async () => {
    double.hangIn.add('cloudformation@us-east-1');
    const started = Date.now();
    const { code, report: out } = await report(CONFIG, ['--timeout', '1000']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(code).toBe(0);
    expect(dashboard(out)).toMatchObject({
      status: 'warn',
      saw: expect.stringContaining('not checked in us-east-1: no answer within 1000 ms'),
      fix: "check the path to those regions' CloudFormation endpoints and run preflight again",
    });
  });

  it("is not run with the dashboard off, nor with organization and no monitoring account (test/organization-leftover.test.ts has the organization's)", async () => {
    stacks().push(dashboardStack('us-east-1'));
    const off = await report({ ...CONFIG, dashboard: false });
    expect(off.code).toBe(0);
    expect(off.report.checks.map((c) => c.id)).not.toContain('dashboard');
    expect(describedStacks()).toEqual([]);
    const org = await report({
      ...CONFIG,
      regions: ['eu-west-1'],
      organization: { organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-prod0001'] },
    });
    // As the StackSet account it looks for its own stack instead (test/organization-leftover.test.ts).
    expect(org.report.checks.map((c) => c.id)).not.toContain('dashboard');
    expect(org.report.checks.map((c) => c.id)).toContain('stackset-stack');
  });
});
