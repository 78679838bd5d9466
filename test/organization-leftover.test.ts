import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import type { PreflightCheckId } from '../lambda/commands/preflight/check.ts';
import { runPreflightCommand } from '../lambda/commands/preflight/cli.ts';
import type { StatusCheckId } from '../lambda/commands/status/check.ts';
import { runStatusCommand } from '../lambda/commands/status/cli.ts';
import {
  assetStackName,
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
  STACK_TAG,
} from '../lambda/engine/model/deployment.ts';
import { KNOWN_REGIONS } from '../lambda/engine/model/regions.ts';
import { useCommandDouble } from './support/command-double.ts';
import type { DeployedStack, DeploymentState } from './support/deployment-double.ts';
import { emptyAccount, type PreflightDouble, type PreflightState } from './support/preflight-double.ts';

/**
 * An organization rollout's own stacks where its configuration puts none, seen by `status` (the leftover scan) and
 * `preflight` (the dashboard check), end to end in process (the real CloudFormation client, signed, over HTTP)
 * against the preflight double: as the monitoring account, a sink stack in a region removed from `regions`, and the
 * dashboard `<name>-organization` still held by another region's sink stack than the first's (a reordered or
 * removed first region); as the StackSet's account, a code bucket stack in a removed region and the StackSet stack
 * in another region than the first. The double answers each region the test does not list as not enabled.
 */

const MONITORING = '222222222222';
const MANAGEMENT = '111111111111';
const NAME = 'pull-canary';
const USER = {
  accessKeyId: 'AKIAORGLEFTOVER00001',
  secretAccessKey: 'org-leftover-secret-000000000000000000000',
};
/** Regions reordered: eu-west-1 is now first; the dashboard was deployed when us-east-1 was. */
const REGIONS = ['eu-west-1', 'us-east-1'];
const ORGANIZATION = {
  organizationId: 'o-a1b2c3d4e5',
  organizationalUnits: ['ou-ab12-prod0001'],
  monitoringAccount: MONITORING,
};
const CONFIG = {
  name: NAME,
  account: MANAGEMENT,
  regions: REGIONS,
  targets: [{ image: 'platform/base:stable' }],
  notifications: { httpsEndpoints: ['https://events.example.com/integration/KEY/enqueue'] },
  organization: ORGANIZATION,
};
/** The commercial partition's regions but the first configured one: where the monitoring account is looked in. */
const OTHERS = KNOWN_REGIONS.filter((r) => !/^(cn|us-gov|us-iso|eu-isoe)/.test(r) && r !== 'eu-west-1');

let account = MONITORING;
function fresh(): PreflightState {
  return { ...emptyAccount(account, [...REGIONS]), bootstrap: { 'eu-west-1': '30', 'us-east-1': '30' } };
}

let dir: string;
let double: PreflightDouble;
useCommandDouble(
  'org-leftover-',
  USER,
  'eu-west-1',
  fresh,
  (made) => {
    dir = made;
  },
  (started) => {
    double = started;
  },
);

const stacks = () => (double.state.deployment as DeploymentState).stacks;
const sink = { logicalId: 'Sink', type: 'AWS::Oam::Sink', physicalId: 'arn:aws:oam:sink/1' };
const dashboardResource = {
  logicalId: 'Dashboard9E4231ED',
  type: 'AWS::CloudWatch::Dashboard',
  physicalId: organizationDashboardName(NAME),
};
/** A monitoring stack as the app deploys it: tagged, its sink, and the dashboard when it is the first region's. */
const monitoringStack = (region: string, dashboard = false, status = 'UPDATE_COMPLETE'): DeployedStack => ({
  region,
  name: monitoringStackName(NAME, region),
  status,
  outputs: { SinkArn: `arn:aws:oam:${region}:${MONITORING}:sink/1` },
  tags: { [STACK_TAG]: NAME },
  resources: [sink, ...(dashboard ? [dashboardResource] : [])],
});

function configFile(config: unknown): string {
  const path = join(dir, 'org.config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

type Io = { stdout: (t: string) => void; stderr: (t: string) => void; env: NodeJS.ProcessEnv };

/** Runs a command in process with `--json` on `config`, and parses its report. */
async function jsonReport<Id extends string>(
  run: (args: string[], io: Io) => Promise<number>,
  config: unknown,
  extra: string[],
) {
  let stdout = '';
  const io: Io = { stdout: (t) => (stdout += t), stderr: () => {}, env: process.env };
  const code = await run(['-c', `config=${configFile(config)}`, '--json', ...extra], io);
  return { code, report: JSON.parse(stdout) as ChecksReport<Id> };
}

const status = (config: unknown = CONFIG, extra: string[] = []) =>
  jsonReport<StatusCheckId>(
    (args, io) => runStatusCommand(args, io, { cwd: dir, now: () => new Date('2026-12-07T12:00:30Z') }),
    config,
    extra,
  );
const preflight = (config: unknown = CONFIG, extra: string[] = []) =>
  jsonReport<PreflightCheckId>((args, io) => runPreflightCommand(args, io, { cwd: dir }), config, extra);

function all<Id extends string>(report: ChecksReport<Id>, id: Id) {
  return report.checks.filter((c) => c.id === id);
}
function only<Id extends string>(report: ChecksReport<Id>, id: Id) {
  const found = all(report, id);
  expect(found, `one ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`).toHaveLength(1);
  return found[0] as ChecksReport<Id>['checks'][number];
}
/** The double as `who`'s account, as fresh, with `enabled` regions besides the configured ones. */
function actAs(who: string, ...enabled: string[]): void {
  account = who;
  double.state = Object.assign(double.state, fresh());
  double.state.regions.push(...enabled);
}
const calls = (op: string) => double.calls.filter((c) => c.startsWith(`cloudformation:${op}@`));

describe('organization: the monitoring account', () => {
  it("status: a removed region's sink stack, with its delete command and when it can run; a configured one without the dashboard is no find", async () => {
    actAs(MONITORING, 'us-west-2');
    stacks().push(
      monitoringStack('eu-west-1', true),
      monitoringStack('us-east-1'),
      monitoringStack('us-west-2'),
    );
    const { code, report } = await status();
    expect(code).toBe(0);
    const [summary, ...lines] = all(report, 'leftover');
    expect(summary).toMatchObject({
      status: 'warn',
      saw: `looked for this canary's stacks where the configuration puts none, in ${OTHERS.length + 1} regions of the aws partition: 1 left over (below); ${OTHERS.length - 2} not enabled for this account (skipped)`,
    });
    expect(lines).toHaveLength(1);
    const stack = monitoringStackName(NAME, 'us-west-2');
    expect(lines[0]).toMatchObject({
      where: `${MONITORING}/us-west-2`,
      status: 'warn',
      saw: `${stack} is still deployed in us-west-2 (UPDATE_COMPLETE), a region the configuration no longer names: its sink still takes links`,
      fix: `if us-west-2 was removed on purpose, delete it once no member account in us-west-2 links to its sink (a sink with links cannot be deleted: deploy ${NAME}-org from the StackSet's account first, which removes the StackSet's instances in us-west-2): aws cloudformation delete-stack --stack-name ${stack} --region us-west-2; else add us-west-2 back to regions`,
    });
    // One DescribeStacks per region but the first for the scan (and the configured ones' own reads); the resources
    // of the two sink stacks found, and nothing but reads.
    expect(calls('DescribeStacks')).toHaveLength(OTHERS.length + REGIONS.length);
    expect(calls('DescribeStackResources').sort()).toEqual([
      'cloudformation:DescribeStackResources@us-east-1',
      'cloudformation:DescribeStackResources@us-west-2',
    ]);
    expect(double.calls.filter((c) => !/:(Describe|Get|List)/.test(c))).toEqual([]);
    // --no-scan: no look outside the configured regions.
    double.calls.length = 0;
    const unscanned = await status(CONFIG, ['--no-scan']);
    expect(only(unscanned.report, 'leftover')).toMatchObject({ status: 'skip' });
    expect(calls('DescribeStacks')).toHaveLength(REGIONS.length);
  });

  it('preflight and status: the dashboard still held by the old first region, configured: deploy that stack alone, first', async () => {
    actAs(MONITORING);
    stacks().push(monitoringStack('eu-west-1'), monitoringStack('us-east-1', true));
    const held = monitoringStackName(NAME, 'us-east-1');
    const first = monitoringStackName(NAME, 'eu-west-1');
    const { code, report } = await preflight();
    expect(code).toBe(1);
    const check = only(report, 'dashboard');
    expect(check).toMatchObject({
      where: `${MONITORING}/eu-west-1`,
      status: 'fail',
      saw: `the organization's dashboard "${NAME}-organization" is held by ${held} in us-east-1 (UPDATE_COMPLETE), but the configuration now puts it in ${first}, in eu-west-1, the first of regions: deploying ${first} fails to create it as already existing, unless the other stack's update happens to run first (no dependency orders the monitoring stacks); ${OTHERS.length - 1} not enabled for this account (skipped)`,
    });
    expect(check.fix).toBe(
      `deploy ${held} alone, first (with this configuration its template has no dashboard, so the update deletes it): npx cdk deploy ${held}; then deploy the monitoring stacks; or put us-east-1 first in regions, where the dashboard is. A dashboard's name is global to the account: the stack in eu-west-1 cannot create it while this one holds it, and deleting this one afterwards would delete the dashboard the new one made`,
    );
    const left = all((await status()).report, 'leftover');
    expect(left).toHaveLength(2);
    expect(left[1]).toMatchObject({
      where: `${MONITORING}/us-east-1`,
      saw: `${held} (UPDATE_COMPLETE) still holds the dashboard ${NAME}-organization, which the configuration now puts in ${first}, in eu-west-1, the first of regions`,
      fix: expect.stringMatching(
        new RegExp(
          `^deploy this stack first, alone, .*: npx cdk deploy ${held}; then npx cdk deploy ${first}`,
        ),
      ),
    });
    // Once moved (the old stack updated), both pass.
    stacks().splice(0, 2, monitoringStack('eu-west-1', true), monitoringStack('us-east-1'));
    const moved = await preflight();
    expect(only(moved.report, 'dashboard')).toMatchObject({
      status: 'pass',
      saw: expect.stringMatching(
        new RegExp(
          `^looked for ${NAME}-organization in the monitoring stacks of the ${OTHERS.length} regions`,
        ),
      ),
    });
    expect(moved.code).toBe(0);
    expect(only((await status()).report, 'leftover').status).toBe('pass');
  });

  it('preflight: the old first region removed from regions holds it: delete its stack once no member links to it, or add it back first', async () => {
    actAs(MONITORING, 'us-west-2');
    const config = { ...CONFIG, regions: ['eu-west-1'] };
    stacks().push(monitoringStack('eu-west-1'), monitoringStack('us-west-2', true));
    const { code, report } = await preflight(config);
    expect(code).toBe(1);
    const check = only(report, 'dashboard');
    const held = monitoringStackName(NAME, 'us-west-2');
    expect(check.status).toBe('fail');
    expect(check.saw).toContain('fails to create it as already existing;');
    expect(check.saw).not.toContain('unless');
    expect(check.fix).toContain(
      `delete ${held} once no member account in us-west-2 links to its sink (deploy ${organizationStackName(NAME)} from the StackSet's account first; a sink with links cannot be deleted): aws cloudformation delete-stack --stack-name ${held} --region us-west-2; then deploy the monitoring stacks; or add us-west-2 back to regions, first, where the dashboard is`,
    );
    const line = all((await status(config)).report, 'leftover')[1];
    expect(line?.saw).toBe(
      `${held} is still deployed in us-west-2 (UPDATE_COMPLETE), a region the configuration no longer names, and it holds the dashboard ${NAME}-organization, which the configuration now puts in ${monitoringStackName(NAME, 'eu-west-1')}, in eu-west-1, the first of regions: its sink still takes links`,
    );
  });

  it('a denied resource read is "not checked" (warn, exit 0); an SCP-closed region is skipped; a stranger\'s stack is left alone', async () => {
    actAs(MONITORING, 'ap-south-1', 'sa-east-1');
    double.deny.add('cloudformation:DescribeStackResources@us-east-1');
    double.scpDeny.add('cloudformation:DescribeStacks@ap-south-1');
    stacks().push(monitoringStack('eu-west-1', true), monitoringStack('us-east-1', true), {
      ...monitoringStack('sa-east-1', true),
      tags: {},
    });
    const { code, report } = await preflight();
    expect(code).toBe(0);
    const check = only(report, 'dashboard');
    expect(check).toMatchObject({
      status: 'warn',
      details: { resourcesUnread: ['us-east-1'], closedByPolicy: ['ap-south-1'] },
    });
    expect(check.saw).toContain(
      'not checked whether the monitoring stack holds the dashboard in us-east-1: cloudformation:DescribeStackResources was denied (AccessDenied)',
    );
    expect(check.saw).toContain('1 closed by a service control policy (skipped)');
    expect(check.saw).toContain(`left alone: ${monitoringStackName(NAME, 'sa-east-1')} in sa-east-1`);
    expect(check.fix).toContain(
      `aws cloudformation describe-stack-resources --stack-name ${monitoringStackName(NAME, 'us-east-1')} --region us-east-1`,
    );
    const summary = only((await status()).report, 'leftover');
    expect(summary.status).toBe('warn');
    expect(summary.fix).toContain('allow cloudformation:DescribeStackResources');
  });

  it('preflight runs no dashboard check with the dashboard off, nor as the StackSet account', async () => {
    actAs(MONITORING);
    stacks().push(monitoringStack('us-east-1', true));
    const off = await preflight({ ...CONFIG, dashboard: false });
    expect(off.report.checks.map((c) => c.id)).not.toContain('dashboard');
    expect(calls('DescribeStacks')).toEqual([]);
  });
});

describe('organization: the StackSet account', () => {
  it("status: a removed region's code bucket stack and the StackSet stack left in the old first region", async () => {
    actAs(MANAGEMENT, 'us-west-2');
    stacks().push(
      {
        region: 'us-east-1',
        name: organizationStackName(NAME),
        status: 'UPDATE_COMPLETE',
        outputs: {},
        tags: { [STACK_TAG]: NAME },
      },
      {
        region: 'us-west-2',
        name: assetStackName(NAME, 'us-west-2'),
        status: 'UPDATE_COMPLETE',
        outputs: {},
        tags: { [STACK_TAG]: NAME },
      },
    );
    const { report } = await status();
    const byWhere = Object.fromEntries(all(report, 'leftover').map((c) => [c.where ?? '', c]));
    expect(byWhere['']?.saw).toContain('2 left over (below)');
    expect(byWhere[`${MANAGEMENT}/us-west-2`]).toMatchObject({
      status: 'warn',
      saw: `${assetStackName(NAME, 'us-west-2')} is still deployed in us-west-2 (UPDATE_COMPLETE), a region the configuration no longer names: its code bucket still holds the member code`,
      fix: expect.stringContaining(
        `aws cloudformation delete-stack --stack-name ${assetStackName(NAME, 'us-west-2')} --region us-west-2; else add us-west-2 back to regions`,
      ),
    });
    expect(byWhere[`${MANAGEMENT}/us-east-1`]).toMatchObject({
      status: 'warn',
      saw: expect.stringMatching(
        new RegExp(
          `^${NAME}-org is deployed in us-east-1 \\(UPDATE_COMPLETE\\), but the configuration now puts it in eu-west-1`,
        ),
      ),
      fix: expect.stringContaining(`put us-east-1 first in regions again`),
    });
    // As the StackSet account, no sink stack is looked for, and preflight has no dashboard check.
    expect(double.calls.filter((c) => c.includes('DescribeStackResources'))).toEqual([]);
    const checks = (await preflight()).report.checks.map((c) => c.id);
    expect(checks).not.toContain('dashboard');
  });

  it('preflight: fails the StackSet stack left in the old first region, before a deploy makes a second StackSet; passes once it is gone', async () => {
    actAs(MANAGEMENT, 'us-west-2');
    const orgStack = organizationStackName(NAME);
    const left = (status: string): DeployedStack => ({
      region: 'us-east-1',
      name: orgStack,
      status,
      outputs: {},
      tags: { [STACK_TAG]: NAME },
    });
    stacks().push(left('UPDATE_COMPLETE'));
    const { code, report } = await preflight();
    expect(code).toBe(1);
    const check = only(report, 'stackset-stack');
    expect(check).toMatchObject({
      where: `${MANAGEMENT}/eu-west-1`,
      status: 'fail',
      saw: `${orgStack} is deployed in us-east-1 (UPDATE_COMPLETE), but the configuration now puts it in eu-west-1, the first of regions: cdk deploy would create a second StackSet ${NAME} there, whose stack instances would make this canary's named resources a second time in every member account and region, and fail; ${OTHERS.length - 2} not enabled for this account (skipped)`,
      fix: `put us-east-1 first in regions, where the StackSet is; to move it, delete the old stack first (it deletes the StackSet and every member account's canary; the deploy then makes them again from eu-west-1): aws cloudformation delete-stack --stack-name ${orgStack} --region us-east-1`,
      details: { delete: [`aws cloudformation delete-stack --stack-name ${orgStack} --region us-east-1`] },
    });
    // One DescribeStacks in every region but the first for it (the other lookups are status's).
    expect(calls('DescribeStacks')).toHaveLength(OTHERS.length);
    // A creation that rolled back holds no StackSet: named, no failure.
    stacks()[0] = left('ROLLBACK_COMPLETE');
    const rolledBack = only((await preflight()).report, 'stackset-stack');
    expect(rolledBack.status).toBe('pass');
    expect(rolledBack.saw).toContain(`${orgStack} in us-east-1 (ROLLBACK_COMPLETE) holds no StackSet`);
    stacks().length = 0;
    expect(only((await preflight()).report, 'stackset-stack')).toMatchObject({
      status: 'pass',
      saw: expect.stringMatching(new RegExp(`^looked for ${orgStack} in the ${OTHERS.length} regions`)),
    });
  });

  it("status: the StackSet's instances in a removed region, one line per region, until the StackSet's update deletes them", async () => {
    actAs(MANAGEMENT);
    const instance = (account: string, region: string) => ({
      account,
      region,
      status: 'CURRENT' as const,
      detailedStatus: 'SUCCEEDED' as const,
    });
    (double.state.deployment as DeploymentState).stackSets.push({
      region: 'eu-west-1',
      name: NAME,
      status: 'ACTIVE',
      instances: [
        instance('444455556666', 'eu-west-1'),
        instance('444455556666', 'us-east-1'),
        instance('444455556666', 'us-west-2'),
        instance('777788889999', 'us-west-2'),
      ],
    });
    const { report } = await status();
    expect(only(report, 'stackset').saw).toBe(`${NAME} is ACTIVE: 4 stack instance(s), 4 current`);
    expect(only(report, 'instance')).toMatchObject({
      where: `${MANAGEMENT}/us-west-2`,
      status: 'warn',
      saw: '2 stack instance(s) in us-west-2, a region the configuration no longer names (444455556666, 777788889999): their canaries still probe, page and cost',
      fix: `if us-west-2 was removed on purpose, deploy ${organizationStackName(NAME)} with this configuration: the StackSet's update deletes them; else add us-west-2 back to regions`,
    });
  });
});
