import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import { VERSION } from '../lambda/commands/package-info.ts';
import type { StatusCheckId } from '../lambda/commands/status/check.ts';
import { runStatusCommand } from '../lambda/commands/status/cli.ts';
import { loadConfig } from '../lambda/engine/config/load.ts';
import type { CanaryConfig } from '../lambda/engine/config/schema.ts';
import {
  configurationHash,
  dashboardStackName,
  STACK_OUTPUTS,
  STACK_TAG,
  stackSetName,
} from '../lambda/engine/model/deployment.ts';
import { KNOWN_REGIONS } from '../lambda/engine/model/regions.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../lambda/engine/model/seed-contract.ts';
import { cliBundle, runCliProcess } from './support/cli-process.ts';
import { FEW_SCAN_REGIONS, useCommandDouble } from './support/command-double.ts';
import type { DeploymentState } from './support/deployment-double.ts';
import type { PreflightDouble, PreflightState } from './support/preflight-double.ts';
import { canaryWorld, ECR_RULE, ECS_RULE, SCHEDULE } from './support/status-world.ts';

/**
 * Issue 24, `status`: the command end to end in process (its real SDK clients, over HTTP, signed) against the
 * loopback double of CloudFormation, Scheduler, EventBridge, CloudWatch, SNS and STS (test/support/preflight-double.ts
 * with test/support/deployment-double.ts), for a healthy deployment and one broken thing at a time; and as the shipped
 * bundle in its own process, for its exit status and its output's secrets.
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const NAME = 'pull-canary';
const USER = {
  accessKeyId: 'AKIASTATUSREADER0001',
  secretAccessKey: 'status-reader-secret-00000000000000000000',
};
/** A pager URL with basic-auth credentials and an integration key in its path and query: none may be printed. */
const PAGER_PASSWORD = 'hunter2-pager-password';
const PAGER_KEY = '0123456789abcdef0123456789abcdef';
const PAGER = `https://alerts:${PAGER_PASSWORD}@events.example.com/integration/${PAGER_KEY}/enqueue?token=tok-secret-value-77`;
const NOW = new Date('2026-12-07T12:00:30Z');
const minutesAgo = (m: number) => new Date(Math.floor(NOW.getTime() / 60_000) * 60_000 - m * 60_000);

const CONFIG = {
  name: NAME,
  account: ACCOUNT,
  regions: [REGION],
  targets: [{ name: 'api', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/api:stable` }],
  notifications: { emails: ['oncall@example.com'] },
  workloadWatch: { ecrApiCalls: true },
};

let dir: string;
let double: PreflightDouble;

function configFile(config: unknown, file = 'status.config.json'): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** CONFIG deployed, healthy: every alarm OK, runs every 5 minutes, an e-mail and a pager subscription. */
function healthy(config: unknown = CONFIG): PreflightState {
  return canaryWorld({
    config: loadConfig(configFile(config, 'world.config.json')),
    account: ACCOUNT,
    now: NOW,
    pager: PAGER,
  });
}

const hostEnv = useCommandDouble(
  'status-',
  USER,
  REGION,
  healthy,
  (made) => {
    dir = made;
  },
  (started) => {
    double = started;
  },
);

const deployment = () => double.state.deployment as DeploymentState;

/** Outside the tests of the scan itself, the leftover scan looks in two regions (FEW_SCAN_REGIONS). */
let scanRegions: readonly string[] | undefined = FEW_SCAN_REGIONS;

async function status(
  config: unknown = CONFIG,
  extra: string[] = [],
  json = true,
): Promise<{ code: number; report: ChecksReport<StatusCheckId>; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runStatusCommand(
    ['-c', `config=${configFile(config)}`, ...(json ? ['--json'] : []), ...extra],
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env },
    { cwd: dir, now: () => NOW, ...(scanRegions ? { scanRegions } : {}) },
  );
  return { code, report: json && stdout ? JSON.parse(stdout) : null, stdout, stderr };
}

const all = (report: ChecksReport<StatusCheckId>, id: StatusCheckId) =>
  report.checks.filter((c) => c.id === id);
const only = (report: ChecksReport<StatusCheckId>, id: StatusCheckId) => {
  const found = all(report, id);
  expect(found, `one ${id} check in ${JSON.stringify(report.checks.map((c) => c.id))}`).toHaveLength(1);
  return found[0] as ChecksReport<StatusCheckId>['checks'][number];
};

describe('ecr-pull-canary status, in process against the double', () => {
  it('passes a healthy deployment, read-only, and says what it saw of each part', async () => {
    const { code, report } = await status();
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
    expect(only(report, 'stack').saw).toContain('synthesized from this configuration');
    expect(only(report, 'schedule').saw).toBe(`${SCHEDULE} is ENABLED, rate(5 minutes)`);
    expect(only(report, 'runs').saw).toBe(
      `last run 2 min ago: ${KNOWN_GOOD_TARGET_NAME} healthy, api healthy`,
    );
    expect(only(report, 'alarms').saw).toBe('6 alarm(s): 6 OK with actions enabled');
    expect(only(report, 'alarms').details.alarms).toHaveLength(6);
    expect(only(report, 'topic').saw).toContain(
      '2 confirmed subscription(s) (email oncall@example.com, https https://alerts:[REDACTED]@events.example.com/integration/[REDACTED]/enqueue?token=[REDACTED])',
    );
    const watch = all(report, 'watch').map((c) => c.saw);
    expect(watch).toEqual([
      `the ECS task rule ${ECS_RULE} is ENABLED; last event matched 3 h 5 min ago`,
      `the ECR API rule ${ECR_RULE} is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; no event matched in the last 24 h`,
    ]);
    // Read-only, and one GetMetricData per region covers the runs and the rules.
    expect(double.calls.filter((c) => !/:(Describe|Get|List)/.test(c))).toEqual([]);
    expect(double.calls.filter((c) => c.startsWith('monitoring:GetMetricData'))).toHaveLength(1);
  });

  it('on a pending subscription, a disabled schedule and a probe that stopped running, exits 1 naming each', async () => {
    const [topic] = double.state.topics;
    topic?.subscriptions.push({ protocol: 'email', endpoint: 'new-hire@example.com', pending: true });
    const [schedule] = deployment().schedules;
    if (schedule) schedule.state = 'DISABLED';
    for (const metric of deployment().metrics) {
      if (metric.name === 'Latency') metric.points = [{ at: minutesAgo(47), value: 300 }];
    }
    const { code, report, stdout } = await status(CONFIG, [], false).then(async (human) => ({
      ...(await status()),
      stdout: human.stdout,
    }));
    expect(code).toBe(1);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id).sort()).toEqual(['runs', 'schedule', 'subscription']);
    const pending = only(report, 'subscription');
    expect(pending.saw).toBe(
      'email new-hire@example.com is pending confirmation: SNS delivers nothing to it until it is confirmed',
    );
    expect(pending.fix).toContain('confirm the e-mail sent by AWS Notifications');
    expect(only(report, 'schedule').saw).toContain('is DISABLED: the probe does not run');
    expect(only(report, 'runs').saw).toMatch(/^the probe has not run for 47 minutes/);
    // The human output: one line per problem with its fix, and a summary.
    expect(stdout).toMatch(/^FAIL {2}ecr-pull-canary status: 3 fail, /);
    expect(stdout).toMatch(
      /FAIL {2}subscription 111122223333\/eu-west-1 +email new-hire@example.com is pending/,
    );
    expect(stdout).toContain('3 problem(s) above: until they are fixed, a pull failure may page nobody.');
  });

  it('tells a stale stack (another configuration) and an old one (no hash) from a current one, and a missing one', async () => {
    let { code, report } = await status({ ...CONFIG, scheduleMinutes: 10 });
    expect(only(report, 'stack').status).toBe('warn');
    expect(only(report, 'stack').saw).toContain('stale: it was synthesized from another configuration');
    expect(only(report, 'schedule').saw).toContain('but the configuration says every 10 minutes');
    expect(code).toBe(0);
    const [stack] = deployment().stacks;
    if (stack) delete stack.outputs[STACK_OUTPUTS.configurationHash];
    ({ report } = await status());
    expect(only(report, 'stack').saw).toContain('carries no ConfigurationHash');
    deployment().stacks = [];
    ({ code, report } = await status());
    expect(code).toBe(1);
    expect(report.checks.map((c) => `${c.id} ${c.status}`)).toEqual([
      'credentials pass',
      'stack fail',
      'leftover pass',
    ]);
    expect(only(report, 'stack').fix).toBe(`npx cdk deploy ${NAME}-${REGION} (with this configuration)`);
  });

  it('tells new defaults (the same file, another version) from a changed configuration; judges an older stack as before', async () => {
    const config = loadConfig(configFile(CONFIG, 'defaults.config.json'));
    const stackName = `${NAME}-${REGION}`;
    const [stack] = deployment().stacks;
    if (!stack) throw new Error('no stack in the world');
    // What 0.0.9 deployed from this very file, when its default reminderHours was another: another effective hash.
    const asOlderDefaults: CanaryConfig = { ...config, reminderHours: config.reminderHours + 6 };
    const olderDefaults = configurationHash(asOlderDefaults, REGION);
    expect(olderDefaults).not.toBe(configurationHash(config, REGION));
    Object.assign(stack.outputs, {
      [STACK_OUTPUTS.configurationHash]: olderDefaults,
      [STACK_OUTPUTS.toolVersion]: '0.0.9',
    });
    let { code, report } = await status();
    expect(code).toBe(0);
    expect(only(report, 'stack')).toMatchObject({
      status: 'warn',
      saw: `${stackName} is UPDATE_COMPLETE, deployed by ecr-pull-canary 0.0.9; this is ${VERSION}: the configuration is unchanged, but ${VERSION} deploys it differently (new defaults)`,
      fix: expect.stringMatching(new RegExp(`^npx cdk deploy ${stackName} to apply them`)),
      details: { stale: 'defaults', deployedBy: '0.0.9', toolVersion: VERSION },
    });
    // The file changed since that deploy as well: the configuration's change, named as such.
    ({ report } = await status({ ...CONFIG, scheduleMinutes: 10 }));
    expect(only(report, 'stack')).toMatchObject({
      status: 'warn',
      saw: expect.stringContaining(
        `stale: it was synthesized from another configuration (hash ${olderDefaults}; this one is `,
      ),
      details: { stale: 'configuration' },
    });
    expect(only(report, 'stack').saw).toContain(
      `: the configuration changed since the deploy (deployed by ecr-pull-canary 0.0.9; this is ${VERSION})`,
    );
    // 0.0.9 with the same defaults: current, and the version named.
    stack.outputs[STACK_OUTPUTS.configurationHash] = configurationHash(config, REGION);
    ({ code, report } = await status());
    expect(only(report, 'stack')).toMatchObject({
      status: 'pass',
      saw: expect.stringContaining(
        `synthesized from this configuration by ecr-pull-canary 0.0.9 (this is ${VERSION}`,
      ),
      details: { stale: null },
    });
    // A stack deployed before the written hash and the version existed: judged by ConfigurationHash alone.
    delete stack.outputs[STACK_OUTPUTS.writtenConfigurationHash];
    delete stack.outputs[STACK_OUTPUTS.toolVersion];
    ({ code, report } = await status());
    expect(only(report, 'stack')).toMatchObject({
      status: 'pass',
      saw: `${stackName} is UPDATE_COMPLETE, synthesized from this configuration`,
      details: { deployedBy: null, writtenConfigurationHash: null },
    });
    stack.outputs[STACK_OUTPUTS.configurationHash] = olderDefaults;
    ({ code, report } = await status());
    expect(code).toBe(0);
    expect(only(report, 'stack')).toMatchObject({
      status: 'warn',
      saw: expect.stringContaining('stale: it was synthesized from another configuration'),
      details: { stale: 'configuration' },
    });
  });

  describe('stacks left behind where the configuration puts none', () => {
    beforeEach(() => {
      scanRegions = undefined;
    });
    afterEach(() => {
      scanRegions = FEW_SCAN_REGIONS;
    });
    /** The commercial regions status looks in besides the configured one, every one of them once. */
    const OTHERS = KNOWN_REGIONS.filter((r) => !/^(cn|us-gov|us-iso|eu-isoe)/.test(r) && r !== REGION);
    const leftStack = (region: string, name = `${NAME}-${region}`, status = 'UPDATE_COMPLETE') => ({
      region,
      name,
      status,
      outputs: {},
      tags: { [STACK_TAG]: NAME },
    });

    it("finds a removed region's stack and a moved dashboard, with the exact delete commands; skips regions not enabled", async () => {
      // us-west-2 was in regions once; the dashboard was deployed when us-east-1 was the first region.
      double.state.regions.push('us-west-2', 'us-east-1');
      deployment().stacks.push(leftStack('us-west-2'), leftStack('us-east-1', dashboardStackName(NAME)));
      const { code, report } = await status();
      expect(code).toBe(0);
      const lines = all(report, 'leftover');
      const [summary] = lines;
      expect(summary).toMatchObject({
        status: 'warn',
        saw: `looked for this canary's stacks where the configuration puts none, in ${OTHERS.length + 1} regions of the aws partition: 2 left over (below); ${OTHERS.length - 2} not enabled for this account (skipped)`,
        details: { partition: 'aws', denied: [], unanswered: [] },
      });
      expect(summary?.details.notEnabled).toEqual(
        expect.arrayContaining(['me-central-1', 'ap-east-2', 'mx-central-1']),
      );
      const byWhere = Object.fromEntries(lines.slice(1).map((c) => [c.where, c]));
      expect(byWhere[`${ACCOUNT}/us-west-2`]).toMatchObject({
        status: 'warn',
        saw: `${NAME}-us-west-2 is still deployed in us-west-2 (UPDATE_COMPLETE), a region the configuration no longer names: its probe still runs, its alarms can still page, and it still costs`,
        fix: `if us-west-2 was removed on purpose, delete the stack: aws cloudformation delete-stack --stack-name ${NAME}-us-west-2 --region us-west-2; else add us-west-2 back to regions`,
      });
      expect(byWhere[`${ACCOUNT}/us-east-1`]).toMatchObject({
        status: 'warn',
        saw: `${NAME}-dashboard is deployed in us-east-1 (UPDATE_COMPLETE), but the dashboard now belongs in ${REGION}, the first of regions`,
        fix: expect.stringMatching(
          new RegExp(
            `^delete it first: aws cloudformation delete-stack --stack-name ${NAME}-dashboard --region us-east-1; then npx cdk deploy ${NAME}-dashboard\\. A dashboard's name is global`,
          ),
        ),
      });
      // One DescribeStacks by name per candidate: the canary stack in every other region, the dashboard stack in
      // every region but the first; nothing else, and nothing but reads.
      const described = double.calls.filter((c) => c.startsWith('cloudformation:DescribeStacks@'));
      expect(described).toHaveLength(1 + OTHERS.length + OTHERS.length);
      expect(double.calls.filter((c) => !/:(Describe|Get|List)/.test(c))).toEqual([]);
    });

    it('says "not checked" for a region that denies the read (exit 0), skips one a service control policy closes, and leaves a stranger\'s stack alone', async () => {
      double.state.regions.push('us-west-2', 'ap-south-1', 'sa-east-1');
      double.deny.add('cloudformation:DescribeStacks@us-west-2');
      double.scpDeny.add('cloudformation:DescribeStacks@ap-south-1');
      // Someone else's stack that happens to bear the name: no tag of this canary, no canary Outputs.
      deployment().stacks.push({
        region: 'sa-east-1',
        name: `${NAME}-sa-east-1`,
        status: 'CREATE_COMPLETE',
        outputs: {},
      });
      const { code, report } = await status();
      expect(code).toBe(0);
      expect(only(report, 'stack').status).toBe('pass');
      const summary = only(report, 'leftover');
      expect(summary.status).toBe('warn');
      expect(summary.saw).toContain(
        'none left over; ' +
          `${OTHERS.length - 3} not enabled for this account (skipped); 1 closed by a service control policy (skipped); ` +
          'not checked in us-west-2: cloudformation:DescribeStacks was denied (AccessDenied); ' +
          `not this canary's (no ${STACK_TAG}=${NAME} tag), left alone: ${NAME}-sa-east-1 in sa-east-1`,
      );
      expect(summary.fix).toContain('allow cloudformation:DescribeStacks in every region');
      expect(summary.fix).toContain('docs/status.md#permissions');
      expect(summary.details).toMatchObject({ denied: ['us-west-2'], closedByPolicy: ['ap-south-1'] });
      // Every region answering, none holding a stack: a pass.
      double.deny.clear();
      double.scpDeny.clear();
      deployment().stacks = deployment().stacks.filter((s) => s.region === REGION);
      const clean = only((await status()).report, 'leftover');
      expect(clean.status).toBe('pass');
      expect(clean.saw).toMatch(/: none left over; \d+ not enabled for this account \(skipped\)$/);
    });

    it('says "not checked" for a region that does not answer in time, without failing: it says nothing about paging', async () => {
      double.state.regions.push('us-west-2');
      double.hangIn.add('cloudformation@us-west-2');
      const started = Date.now();
      const { code, report } = await status(CONFIG, ['--timeout', '1500']);
      // The deadline bounds the scan: the hanging region costs it, not a hang (the test's own timeout would show one).
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(code).toBe(0);
      expect(only(report, 'stack').status).toBe('pass');
      expect(only(report, 'leftover')).toMatchObject({
        status: 'warn',
        saw: expect.stringContaining('not checked in us-west-2: no answer within 1500 ms'),
        fix: expect.stringContaining("check the path to those regions' CloudFormation endpoints"),
        details: { unanswered: ['us-west-2'] },
      });
    });

    it('a dashboard turned off, and a stack being deleted', async () => {
      double.state.regions.push('us-west-2');
      deployment().stacks.push(
        leftStack(REGION, dashboardStackName(NAME)),
        leftStack('us-west-2', `${NAME}-us-west-2`, 'DELETE_IN_PROGRESS'),
      );
      const { code, report } = await status({ ...CONFIG, dashboard: false });
      expect(code).toBe(0);
      const lines = all(report, 'leftover');
      expect(lines.map((c) => c.where)).toEqual([undefined, `${ACCOUNT}/${REGION}`]);
      expect(lines[0]?.saw).toContain(`1 left over (below); being deleted: ${NAME}-us-west-2 in us-west-2`);
      expect(lines[1]).toMatchObject({
        saw: `${NAME}-dashboard is still deployed in ${REGION} (UPDATE_COMPLETE), but the configuration has "dashboard": false: the dashboard is still there and still costs`,
        fix: `delete the stack: aws cloudformation delete-stack --stack-name ${NAME}-dashboard --region ${REGION}`,
      });
      // --no-scan: no look outside the configured region, and a line that says so.
      double.calls.length = 0;
      const unscanned = await status({ ...CONFIG, dashboard: false }, ['--no-scan']);
      expect(only(unscanned.report, 'leftover')).toMatchObject({
        status: 'skip',
        saw: 'not looked for (--no-scan)',
      });
      expect(double.calls.filter((c) => c.startsWith('cloudformation:'))).toEqual([
        `cloudformation:DescribeStacks@${REGION}`,
      ]);
    });
  });

  it('fails an alarm whose actions are disabled and one in ALARM (with its runbook); warns one without data', async () => {
    const alarms = deployment().alarms;
    const [auth, throttle, availability] = alarms;
    if (auth) Object.assign(auth, { state: 'ALARM', reason: 'Threshold Crossed: 2 datapoints were >= 1' });
    if (throttle) throttle.actionsEnabled = false;
    if (availability) availability.state = 'INSUFFICIENT_DATA';
    const { code, report } = await status();
    expect(code).toBe(1);
    const lines = all(report, 'alarm');
    expect(lines.map((c) => [c.details.alarmName, c.status, c.runbook])).toEqual([
      [`${NAME}-${REGION}-auth-critical`, 'fail', 'auth'],
      [`${NAME}-${REGION}-throttle-critical`, 'fail', null],
      [`${NAME}-${REGION}-availability-critical`, 'warn', null],
    ]);
    expect(lines[1]?.fix).toBe(
      `aws cloudwatch enable-alarm-actions --alarm-names ${NAME}-${REGION}-throttle-critical --region ${REGION}`,
    );
    expect(only(report, 'alarms').saw).toBe(
      '6 alarm(s): 3 OK with actions enabled, 3 with a problem (below)',
    );
  });

  it('fails a disabled watch rule and a topic nobody reads', async () => {
    const [ecs] = deployment().rules;
    if (ecs) ecs.state = 'DISABLED';
    const [topic] = double.state.topics;
    if (topic) topic.subscriptions = [];
    const { code, report } = await status();
    expect(code).toBe(1);
    expect(all(report, 'watch')[0]).toMatchObject({
      status: 'fail',
      fix: `aws events enable-rule --name ${ECS_RULE} --region ${REGION}`,
    });
    expect(only(report, 'topic').saw).toContain('has no subscription');
  });

  it('reports a denied read as "not checked" (exit 0), and an endpoint that never answers as a failure, in time', async () => {
    for (const op of [
      'monitoring:DescribeAlarms',
      'sns:ListSubscriptionsByTopic',
      'scheduler:GetSchedule',
      'cloudformation:DescribeStacks',
    ])
      double.deny.add(op);
    let { code, report } = await status();
    expect(code).toBe(0);
    for (const id of ['alarms', 'topic', 'schedule', 'stack'] as const) {
      const denied = all(report, id)[0];
      expect(denied?.status, id).not.toBe('pass');
    }
    expect(only(report, 'alarms').saw).toMatch(
      /^not checked: cloudwatch:DescribeAlarms was denied \(AccessDenied: /,
    );
    expect(only(report, 'alarms').fix).toContain('docs/status.md#permissions');
    double.deny.clear();
    double.hang.add('monitoring');
    // A deadline the answering services meet even on a loaded machine; the hanging one gets its verdict at it,
    // and the command ends (a hang would run into the test's own timeout).
    ({ code, report } = await status(CONFIG, ['--timeout', '2000']));
    expect(code).toBe(1);
    expect(only(report, 'alarms').saw).toBe(
      'not checked: cloudwatch:DescribeAlarms in eu-west-1: no answer within 2000 ms',
    );
    expect(only(report, 'runs').status).toBe('fail');
  });

  it('fails an encrypted topic whose key policy does not admit CloudWatch, and passes one whose policy does', async () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const [topic] = double.state.topics;
    if (topic) topic.kmsMasterKeyId = 'alias/pager';
    const root = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    double.state.keys = [
      { arn: key, aliases: ['alias/pager'], manager: 'CUSTOMER', policy: { Statement: [root] } },
    ];
    let { code, report } = await status();
    expect(code).toBe(1);
    expect(only(report, 'topic-key')).toMatchObject({
      status: 'fail',
      saw: expect.stringContaining(
        'does not let cloudwatch.amazonaws.com use it: every alarm notification is dropped',
      ),
    });
    const cloudwatch = {
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    };
    double.state.keys = [
      { arn: key, aliases: ['alias/pager'], manager: 'CUSTOMER', policy: { Statement: [root, cloudwatch] } },
    ];
    ({ code, report } = await status());
    expect(only(report, 'topic-key').status).toBe('pass');
    expect(code).toBe(0);
  });

  it('organization mode: the StackSet and every stack instance, from the administrator account', async () => {
    const org = {
      name: NAME,
      account: ACCOUNT,
      regions: [REGION],
      organization: { organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-prod0001'] },
    };
    deployment().stacks.push({ region: REGION, name: `${NAME}-org`, status: 'CREATE_COMPLETE', outputs: {} });
    deployment().stackSets.push({
      region: REGION,
      name: stackSetName(NAME),
      status: 'ACTIVE',
      instances: [
        { account: '444455556666', region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
        {
          account: '777788889999',
          region: REGION,
          status: 'OUTDATED',
          detailedStatus: 'FAILED',
          reason:
            'ResourceLogicalId:CanarySchedule, ResourceType:AWS::Scheduler::Schedule, ResourceStatusReason:Access denied.',
        },
      ],
    });
    const { code, report } = await status(org);
    expect(code).toBe(1);
    expect(only(report, 'stackset').saw).toBe(`${NAME} is ACTIVE: 2 stack instance(s), 1 current`);
    expect(only(report, 'instance')).toMatchObject({
      where: `777788889999/${REGION}`,
      status: 'fail',
      saw: expect.stringContaining('OUTDATED (FAILED): ResourceLogicalId:CanarySchedule'),
    });
  });

  it('the shipped command: exit status, human output, and no credential of the subscriptions or the host', async () => {
    const config = configFile(CONFIG, 'bundle.config.json');
    const run = (args: string[]) => runCliProcess(args, hostEnv(), cliBundle('status'));
    // The bundle judges against the real clock: the runs move from NOW to now.
    const shift = Date.now() - NOW.getTime();
    for (const metric of deployment().metrics) {
      metric.points = metric.points.map((p) => ({ ...p, at: new Date(p.at.getTime() + shift) }));
    }
    const ok = await run(['-c', `config=${config}`]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK {4}ecr-pull-canary status: 9 pass\n/);
    expect(ok.stdout).toContain('Everything can page.');
    for (const output of [ok.stdout, ok.stderr]) {
      for (const secret of [PAGER_PASSWORD, PAGER_KEY, 'tok-secret-value-77', USER.secretAccessKey]) {
        expect(output).not.toContain(secret);
      }
    }
    const [topic] = double.state.topics;
    topic?.subscriptions.push({ protocol: 'email', endpoint: 'late@example.com', pending: true });
    const failed = await run(['-c', `config=${config}`, '--json']);
    expect(failed.code, failed.stderr).toBe(1);
    const report = JSON.parse(failed.stdout) as ChecksReport<StatusCheckId>;
    expect(report.checks.find((c) => c.id === 'subscription')?.saw).toContain('late@example.com is pending');
    expect(failed.stdout).not.toContain(PAGER_PASSWORD);
    const usage = await run(['--bogus']);
    expect(usage.code).toBe(2);
  });
});
