import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config/load.ts';
import { EXAMPLE_CONFIG_FILE } from '../../lib/config/locate.ts';
import { validateConfig } from '../../lib/config/validate.ts';
import { MINIMAL_CONFIG_PATH } from './helpers.ts';

const BASE = { regions: ['eu-west-1'] };

function problemsOf(config: unknown): string[] {
  return validateConfig(config).problems;
}

describe('configuration defaults', () => {
  it('fills every default for a minimal configuration', () => {
    // GIVEN only a region / WHEN validated / THEN every documented default applies
    const { config, problems } = validateConfig(BASE);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      name: 'ecr-pull-canary',
      account: undefined,
      namespace: 'EcrPullCanary',
      scheduleMinutes: 5,
      memoryMiB: 256,
      logRetentionDays: 30,
      reminderHours: 6,
      knownGoodImage: true,
      dashboard: true,
      alarms: {},
      regions: [{ region: 'eu-west-1', targets: [], vpc: undefined, notifications: {} }],
    });
  });

  it('applies region overrides: targets and vpc replace, notifications merge key by key', () => {
    const vpc = { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] };
    const { config, problems } = validateConfig({
      regions: ['eu-west-1', 'us-east-1'],
      targets: [{ image: 'app:1' }],
      vpc,
      notifications: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.example.com/x'] },
      regionOverrides: {
        'us-east-1': {
          targets: [{ image: 'other:2' }],
          vpc: null,
          notifications: { emails: ['us-oncall@example.com'] },
        },
      },
    });
    expect(problems).toEqual([]);
    expect(config?.regions).toEqual([
      {
        region: 'eu-west-1',
        targets: [{ image: 'app:1' }],
        vpc,
        notifications: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.example.com/x'] },
      },
      {
        region: 'us-east-1',
        targets: [{ image: 'other:2' }],
        vpc: undefined,
        notifications: {
          emails: ['us-oncall@example.com'],
          httpsEndpoints: ['https://events.example.com/x'],
        },
      },
    ]);
  });

  it('accepts the shipped example and the test fixtures', () => {
    for (const file of [EXAMPLE_CONFIG_FILE, MINIMAL_CONFIG_PATH]) {
      expect(() => loadConfig(file), file).not.toThrow();
    }
  });
});

describe('invalid configurations: one line each, naming the field, the value and what is allowed', () => {
  it.each([
    [
      'a typo in a top-level key',
      { ...BASE, scheduleMinute: 5 },
      'scheduleMinute: got 5; unknown key (did you mean "scheduleMinutes"?); allowed keys: name, account, regions',
    ],
    [
      'a typo in an alarm key',
      { ...BASE, alarms: { latncy: { thresholdMs: 100 } } },
      'alarms.latncy: got {"thresholdMs":100}; unknown key (did you mean "latency"?)',
    ],
    [
      'a typo in a target key',
      { ...BASE, targets: [{ image: 'app:1', platform: ['linux/arm64'] }] },
      'targets[0].platform: got ["linux/arm64"]; unknown key (did you mean "platforms"?)',
    ],
    [
      'a typo in a notification key',
      { ...BASE, notifications: { email: ['a@example.com'] } },
      'notifications.email: got ["a@example.com"]; unknown key (did you mean "emails"?)',
    ],
    ['no regions', { regions: [] }, 'regions: got []; allowed: a non-empty list of AWS region names'],
    ['missing regions', {}, 'regions: got nothing; allowed: a non-empty list of AWS region names'],
    [
      'an unknown region',
      { regions: ['eu-wset-1'] },
      'regions[0]: got "eu-wset-1"; allowed: a known AWS region (did you mean "eu-west-1"?)',
    ],
    [
      'a region twice',
      { regions: ['eu-west-1', 'eu-west-1'] },
      'regions[1]: got "eu-west-1"; allowed: each region once',
    ],
    [
      'regions of two partitions',
      { regions: ['eu-west-1', 'cn-north-1'] },
      'regions: got ["eu-west-1","cn-north-1"]; allowed: regions of one partition (got aws, aws-cn)',
    ],
    [
      'a malformed image reference',
      { ...BASE, targets: [{ image: 'My-App:1.0' }] },
      'targets[0].image: got "My-App:1.0"; allowed: a valid image reference (invalid image reference "My-App:1.0": repository "My-App" must be 2-256 lowercase',
    ],
    [
      'an image reference with a scheme',
      { ...BASE, targets: [{ image: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1' }] },
      'targets[0].image: got "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"; allowed: a valid image reference',
    ],
    [
      'a malformed pinned digest',
      { ...BASE, targets: [{ image: 'app:1', expectedDigest: 'sha256:abc' }] },
      'targets[0].expectedDigest: got "sha256:abc"; allowed: sha256: followed by 64 lower-case hex digits',
    ],
    [
      'a malformed platform',
      { ...BASE, targets: [{ image: 'app:1', platforms: ['arm64'] }] },
      'targets[0].platforms[0]: got "arm64"; allowed: os/architecture[/variant]',
    ],
    [
      'a target region that contradicts its URI',
      {
        ...BASE,
        targets: [{ image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1', region: 'eu-west-1' }],
      },
      'targets[0]: got "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"; allowed: a target the probe can resolve (target "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1": region "eu-west-1" differs',
    ],
    [
      'two targets with one name',
      { ...BASE, targets: [{ image: 'app:1' }, { image: 'other:1', name: 'app:1' }] },
      'targets[1].name: got "app:1"; allowed: a name no other target uses',
    ],
    [
      'a target named like the seeded image',
      { ...BASE, targets: [{ image: 'app:1', name: 'known-good' }] },
      'targets[0].name: got "known-good"; allowed: a name no other target uses',
    ],
    [
      'nothing to probe',
      { ...BASE, knownGoodImage: false },
      'targets: got []; allowed: at least one target for eu-west-1 when knownGoodImage is false',
    ],
    [
      'a schedule of 0 minutes',
      { ...BASE, scheduleMinutes: 0 },
      'scheduleMinutes: got 0; allowed: a whole number from 1 to 60 minutes',
    ],
    [
      'a schedule over an hour',
      { ...BASE, scheduleMinutes: 61 },
      'scheduleMinutes: got 61; allowed: a whole number from 1 to 60 minutes',
    ],
    [
      'a fractional schedule',
      { ...BASE, scheduleMinutes: 2.5 },
      'scheduleMinutes: got 2.5; allowed: a whole number from 1 to 60 minutes',
    ],
    [
      'a malformed e-mail address',
      { ...BASE, notifications: { emails: ['oncall.example.com'] } },
      'notifications.emails[0]: got "oncall.example.com"; allowed: e-mail addresses like oncall@example.com',
    ],
    [
      'a plain-HTTP endpoint',
      { ...BASE, notifications: { httpsEndpoints: ['http://events.example.com/x'] } },
      'notifications.httpsEndpoints[0]: got "http://events.example.com/x"; allowed: https:// URLs',
    ],
    [
      'a malformed role ARN',
      { ...BASE, targets: [{ image: 'app:1', assumeRoleArn: 'arn:aws:iam::1234:role/x' }] },
      'targets[0].assumeRoleArn: got "arn:aws:iam::1234:role/x"; allowed: an IAM role ARN',
    ],
    [
      'a malformed principal ARN',
      { ...BASE, targets: [{ image: 'app:1', expectedPrincipal: 'eks-node-role' }] },
      'targets[0].expectedPrincipal: got "eks-node-role"; allowed: an IAM role or user ARN, or an STS assumed-role ARN',
    ],
    [
      'a malformed topic ARN',
      { ...BASE, notifications: { topicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' } },
      'notifications.topicArn: got "arn:aws:sqs:eu-west-1:123456789012:q"; allowed: a standard (not FIFO) SNS topic ARN',
    ],
    [
      'a topic in another region than its stack',
      {
        regions: ['eu-west-1', 'us-east-1'],
        notifications: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:pager' },
      },
      'notifications.topicArn: got "arn:aws:sns:eu-west-1:123456789012:pager"; allowed: a topic in us-east-1, the region of its stack (CloudWatch alarm actions cannot cross regions); set regionOverrides.us-east-1.notifications.topicArn',
    ],
    [
      'a topic in another account than the stacks',
      {
        ...BASE,
        account: '111122223333',
        notifications: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:pager' },
      },
      'notifications.topicArn: got "arn:aws:sns:eu-west-1:123456789012:pager"; allowed: a topic in account 111122223333',
    ],
    [
      'encryption for an existing topic',
      { ...BASE, notifications: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:pager', encryption: true } },
      'notifications.encryption: got true; allowed: false with topicArn',
    ],
    [
      'a topic from a region override in another region',
      {
        regions: ['eu-west-1'],
        regionOverrides: {
          'eu-west-1': { notifications: { topicArn: 'arn:aws:sns:us-east-1:123456789012:pager' } },
        },
      },
      'regionOverrides.eu-west-1.notifications.topicArn: got "arn:aws:sns:us-east-1:123456789012:pager"; allowed: a topic in eu-west-1',
    ],
    [
      'a malformed account',
      { ...BASE, account: 1234 },
      'account: got 1234; allowed: a 12-digit AWS account ID as a string',
    ],
    [
      'a name that cannot go into stack and repository names',
      { ...BASE, name: 'My Canary' },
      'name: got "My Canary"; allowed: 2-32 lower-case letters, digits and hyphens',
    ],
    [
      'a namespace reserved for AWS',
      { ...BASE, namespace: 'AWS/ECR' },
      'namespace: got "AWS/ECR"; allowed: 1-255 characters of letters, digits and . _ - / # :, not starting with "AWS/"',
    ],
    [
      'too little memory',
      { ...BASE, memoryMiB: 64 },
      'memoryMiB: got 64; allowed: a whole number from 128 to 10240 MiB',
    ],
    [
      'a log retention CloudWatch does not offer',
      { ...BASE, logRetentionDays: 10 },
      'logRetentionDays: got 10; allowed: one of 1, 3, 5, 7, 14, 30',
    ],
    [
      'a reminder of zero hours',
      { ...BASE, reminderHours: 0 },
      'reminderHours: got 0; allowed: a number from 0.25 to 168 hours',
    ],
    [
      'a latency threshold of zero',
      { ...BASE, alarms: { latency: { thresholdMs: 0 } } },
      'alarms.latency.thresholdMs: got 0; allowed: a whole number from 1 to 60000 ms',
    ],
    [
      'a clock-skew threshold beyond the signing window',
      { ...BASE, alarms: { clockSkew: { thresholdSeconds: 1000 } } },
      'alarms.clockSkew.thresholdSeconds: got 1000; allowed: a whole number from 1 to 900 seconds',
    ],
    [
      'a count threshold of zero',
      { ...BASE, alarms: { availability: { threshold: 0 } } },
      'alarms.availability.threshold: got 0; allowed: a whole number from 1 to 1000',
    ],
    [
      'more datapoints to alarm than evaluation periods',
      { ...BASE, alarms: { auth: { datapointsToAlarm: 4 } } },
      'alarms.auth.datapointsToAlarm: got 4; allowed: at most evaluationPeriods (3)',
    ],
    [
      'evaluation periods beyond one day',
      { ...BASE, scheduleMinutes: 60, alarms: { throttle: { evaluationPeriods: 25 } } },
      'alarms.throttle.evaluationPeriods: got 25; allowed: a whole number from 1 to 24 (periods of 60 min; CloudWatch evaluates at most one day)',
    ],
    [
      'a heartbeat period of one schedule period',
      { ...BASE, alarms: { heartbeat: { periodMultiplier: 1 } } },
      'alarms.heartbeat.periodMultiplier: got 1; allowed: a whole number from 2 to 12',
    ],
    [
      'a latency statistic CloudWatch would not compute',
      { ...BASE, alarms: { latency: { statistic: 'p100' } } },
      'alarms.latency.statistic: got "p100"; allowed: one of p50, p90, p95, p99, Average, Maximum',
    ],
    [
      'a malformed subnet ID',
      { ...BASE, vpc: { subnetIds: ['subnet-xyz'], securityGroupIds: ['sg-0123456789abcdef0'] } },
      'vpc.subnetIds[0]: got "subnet-xyz"; allowed: an ID like "subnet-0123456789abcdef0"',
    ],
    [
      'a VPC placement without security groups',
      { ...BASE, vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: [] } },
      'vpc.securityGroupIds: got []; allowed: a list of 1-5 IDs like "sg-0123456789abcdef0"',
    ],
    [
      'an override for a region that is not deployed',
      { ...BASE, regionOverrides: { 'eu-west-2': { targets: [] } } },
      'regionOverrides.eu-west-2: got {"targets":[]}; allowed: only regions listed in "regions" (eu-west-1)',
    ],
    [
      'a malformed target in a region override',
      { ...BASE, regionOverrides: { 'eu-west-1': { targets: [{ image: '' }] } } },
      'regionOverrides.eu-west-1.targets[0].image: got ""; allowed: a valid image reference',
    ],
  ])('rejects %s', (_what, config, expected) => {
    // GIVEN a configuration with one mistake / WHEN validated / THEN exactly one line explains it
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(validateConfig(config).config).toBeUndefined();
  });

  it('reports every problem together, one line each', () => {
    const problems = problemsOf({
      regions: ['eu-wset-1'],
      scheduleMinutes: 90,
      notifications: { emails: ['nobody'] },
      colour: 'blue',
    });
    expect(problems).toHaveLength(4);
    for (const line of problems) expect(line).not.toContain('\n');
    expect(problems.map((line) => line.split(':')[0])).toEqual([
      'colour',
      'regions[0]',
      'scheduleMinutes',
      'notifications.emails[0]',
    ]);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canary-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file and lists every problem in one error', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ regions: ['mars-1'], scheduleMinutes: 0 }));
    expect(() => loadConfig(path)).toThrow(ConfigError);
    expect(() => loadConfig(path)).toThrow(
      `Invalid canary configuration ${path} (2 problems):\n  regions[0]: got "mars-1"`,
    );
  });

  it('reports malformed JSON as a problem, not a stack trace', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"regions": [eu-west-1]}');
    expect(() => loadConfig(path)).toThrow(/\(file\): got invalid JSON \(.*\); allowed: a JSON object/);
  });

  it('reports a missing file', () => {
    expect(() => loadConfig(join(dir, 'absent.json'))).toThrow(/\(file\): got ENOENT reading/);
  });
});
