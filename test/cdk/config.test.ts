import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../lambda/engine/config/json-error.ts';
import { ConfigError, loadConfig } from '../../lambda/engine/config/load.ts';
import { EXAMPLE_CONFIG_FILE } from '../../lambda/engine/config/locate.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
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
      regions: [
        {
          region: 'eu-west-1',
          targets: [],
          vpc: undefined,
          notifications: {},
          eks: { clusters: [], privateClusters: [] },
        },
      ],
      workloadWatch: { ecsTasks: true, ecrApiCalls: false },
      imageInventory: { enabled: false, scheduleMinutes: 30, horizonDays: 7 },
    });
  });

  it('applies region overrides: targets, vpc and workloadWatch.eks replace, notifications merge key by key', () => {
    const vpc = { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] };
    const { config, problems } = validateConfig({
      regions: ['eu-west-1', 'us-east-1'],
      targets: [{ image: 'app:1' }],
      vpc,
      notifications: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.example.com/x'] },
      workloadWatch: { eks: { clusters: 'all' } },
      regionOverrides: {
        'us-east-1': {
          targets: [{ image: 'other:2' }],
          vpc: null,
          notifications: { emails: ['us-oncall@example.com'] },
          workloadWatch: { eks: { clusters: ['prod-us'] } },
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
        eks: { clusters: 'all', privateClusters: [] },
      },
      {
        region: 'us-east-1',
        targets: [{ image: 'other:2' }],
        vpc: undefined,
        notifications: {
          emails: ['us-oncall@example.com'],
          httpsEndpoints: ['https://events.example.com/x'],
        },
        eks: { clusters: ['prod-us'], privateClusters: [] },
      },
    ]);
  });

  it('sends the token elsewhere only to a registry named with registryUrl', () => {
    // GIVEN images on ECR hosts, and other registries with an explicit https:// registryUrl
    const targets = [
      { image: '123456789012.dkr-ecr.eu-west-1.on.aws/team/api:1' },
      { image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27' },
      { image: 'ghcr.io/org/app:1', registryUrl: 'https://ghcr-mirror.internal.example.com' },
      { image: 'localhost:5000/team/app:1', registryUrl: 'https://registry.internal.example.com:5000/' },
    ];
    // WHEN validated / THEN all are accepted
    expect(problemsOf({ ...BASE, targets })).toEqual([]);
  });

  it('accepts a top-level VPC placement when every other region sets its own', () => {
    const vpc = (n: string) => ({
      subnetIds: [`subnet-0123456789abcdef${n}`],
      securityGroupIds: ['sg-0123456789abcdef0'],
    });
    const { config, problems } = validateConfig({
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      vpc: vpc('0'),
      regionOverrides: { 'us-east-1': { vpc: vpc('1') }, 'ap-southeast-2': { vpc: null } },
    });
    expect(problems).toEqual([]);
    expect(config?.regions.map((region) => region.vpc)).toEqual([vpc('0'), vpc('1'), undefined]);
  });

  it('carries the key of an existing encrypted topic into the region, overrides included', () => {
    const key = (region: string) =>
      `arn:aws:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { config, problems } = validateConfig({
      regions: ['eu-west-1', 'us-east-1'],
      notifications: {
        topicArn: 'arn:aws:sns:eu-west-1:111122223333:oncall',
        topicKmsKeyArn: key('eu-west-1'),
      },
      regionOverrides: {
        'us-east-1': {
          notifications: {
            topicArn: 'arn:aws:sns:us-east-1:111122223333:oncall',
            topicKmsKeyArn: key('us-east-1'),
          },
        },
      },
    });
    expect(problems).toEqual([]);
    expect(config?.regions.map((region) => region.notifications.topicKmsKeyArn)).toEqual([
      key('eu-west-1'),
      key('us-east-1'),
    ]);
  });

  // SNS Subscribe on a topic that is not the canary's: an endpoint it already has with other attributes is refused
  // ("Subscription already exists with different attributes"), one with the same attributes is returned and then
  // owned by the stack, whose delete unsubscribes it. So subscriptions on an existing topic are opt-in.
  it('refuses subscriptions on an existing topic unless subscribeExistingTopic says so, naming both fields', () => {
    const topicArn = 'arn:aws:sns:us-east-1:111122223333:pager';
    const { problems } = validateConfig({
      regions: ['eu-west-1', 'us-east-1'],
      notifications: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.example.com/x'] },
      regionOverrides: { 'us-east-1': { notifications: { topicArn } } },
    });
    expect(problems).toEqual([
      'notifications.emails: got ["oncall@example.com"]; allowed: none with regionOverrides.us-east-1.notifications.topicArn, unless notifications.subscribeExistingTopic is true: SNS refuses an endpoint the existing topic already has with other attributes, and deleting the stack would unsubscribe one it has with the same; subscribe them to your topic yourself, or set subscribeExistingTopic to true for endpoints it does not have yet',
      'notifications.httpsEndpoints: got ["https://events.example.com/x"]; allowed: none with regionOverrides.us-east-1.notifications.topicArn, unless notifications.subscribeExistingTopic is true: SNS refuses an endpoint the existing topic already has with other attributes, and deleting the stack would unsubscribe one it has with the same; subscribe them to your topic yourself, or set subscribeExistingTopic to true for endpoints it does not have yet',
    ]);
    // Emptied for that region, or opted in: accepted.
    for (const notifications of [
      { topicArn, emails: [], httpsEndpoints: [] },
      { topicArn, subscribeExistingTopic: true },
    ]) {
      expect(
        validateConfig({
          regions: ['eu-west-1', 'us-east-1'],
          notifications: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.example.com/x'] },
          regionOverrides: { 'us-east-1': { notifications } },
        }).problems,
      ).toEqual([]);
    }
    expect(
      validateConfig({ regions: ['eu-west-1'], notifications: { subscribeExistingTopic: 'yes' as never } })
        .problems,
    ).toEqual(['notifications.subscribeExistingTopic: got "yes"; allowed: true or false']);
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
      'a layer check switch that is not a boolean',
      { ...BASE, targets: [{ image: 'app:1', layerCheck: 'no' }] },
      'targets[0].layerCheck: got "no"; allowed: true or false',
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
      'notifications.topicArn: got "arn:aws:sns:eu-west-1:123456789012:pager"; allowed: a topic in us-east-1, the stack\'s region (CloudWatch alarm actions cannot cross regions); set regionOverrides.us-east-1.notifications.topicArn',
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
      // One schedule period is now the default: the heartbeat is 3 of 3, so a late run no longer pages.
      'a heartbeat period of no schedule period',
      { ...BASE, alarms: { heartbeat: { periodMultiplier: 0 } } },
      'alarms.heartbeat.periodMultiplier: got 0; allowed: a whole number from 1 to 12',
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
      'a top-level VPC placement that two regions would use (subnets and security groups are regional)',
      {
        regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
        vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
        regionOverrides: { 'us-east-1': { vpc: null } },
      },
      'vpc: got {"subnetIds":["subnet-0123456789abcdef0"],"securityGroupIds":["sg-0123456789abcdef0"]}; allowed: a top-level vpc that at most one region uses (subnet and security-group IDs belong to one region), but eu-west-1 and ap-southeast-2 would both use it; set regionOverrides.<region>.vpc for each region (null for no VPC)',
    ],
    [
      'a topic key without an existing topic',
      {
        ...BASE,
        notifications: {
          topicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      },
      'notifications.topicKmsKeyArn: got "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"; allowed: only with notifications.topicArn',
    ],
    [
      'a topic key given by alias',
      {
        ...BASE,
        notifications: {
          topicArn: 'arn:aws:sns:eu-west-1:111122223333:oncall',
          topicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:alias/oncall',
        },
      },
      'notifications.topicKmsKeyArn: got "arn:aws:kms:eu-west-1:111122223333:alias/oncall"; allowed: a KMS key ARN, arn:aws:kms:REGION:123456789012:key/KEY-ID (not an alias',
    ],
    [
      'a topic key in another region than the topic',
      {
        ...BASE,
        notifications: {
          topicArn: 'arn:aws:sns:eu-west-1:111122223333:oncall',
          topicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
        },
      },
      'notifications.topicKmsKeyArn: got "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"; allowed: a key in eu-west-1, the topic\'s region',
    ],
    [
      'an override for a region that is not deployed',
      { ...BASE, regionOverrides: { 'eu-west-2': { targets: [] } } },
      'regionOverrides.eu-west-2: got {"targets":[]}; allowed: only regions listed in "regions" (eu-west-1)',
    ],
    [
      'an override whose key is a typo of a configured region',
      { regions: ['eu-west-1', 'us-east-1'], regionOverrides: { 'eu-wset-1': { targets: [] } } },
      'regionOverrides.eu-wset-1: got {"targets":[]}; allowed: only regions listed in "regions" (eu-west-1, us-east-1); did you mean "eu-west-1"?',
    ],
    [
      'a malformed target in a region override',
      { ...BASE, regionOverrides: { 'eu-west-1': { targets: [{ image: '' }] } } },
      'regionOverrides.eu-west-1.targets[0].image: got ""; allowed: a valid image reference',
    ],
    // The ECR token goes only to ECR or to a registry named explicitly (issue 8, item 2).
    ...['docker.io/library/nginx:latest', 'ghcr.io/org/app:1', 'localhost:5000/team/app:1'].map(
      (image): [string, unknown, string] => [
        `an image on another registry (${image}) without registryUrl`,
        { ...BASE, targets: [{ image }] },
        `targets[0].image: got "${image}"; allowed: a short repo[:tag] (in the ECR registry of the credentials' account) or a reference on an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, ACCOUNT.dkr.ecr-fips.REGION.amazonaws.com, ACCOUNT.dkr.ecr.REGION.amazonaws.com.cn, ACCOUNT.dkr-ecr.REGION.on.aws`,
      ],
    ),
    [
      'an image on another registry in a region override',
      { ...BASE, regionOverrides: { 'eu-west-1': { targets: [{ image: 'ghcr.io/org/app:1' }] } } },
      'regionOverrides.eu-west-1.targets[0].image: got "ghcr.io/org/app:1"; allowed: a short repo[:tag]',
    ],
    [
      'a plain-HTTP registry URL (the README allows https://host[:port])',
      { ...BASE, targets: [{ image: 'app:1', registryUrl: 'http://127.0.0.1:5000' }] },
      'targets[0].registryUrl: got "http://127.0.0.1:5000"; allowed: https://host[:port], with no path, query or user',
    ],
    [
      'a registry URL with a path',
      { ...BASE, targets: [{ image: 'app:1', registryUrl: 'https://registry.example.com/v2' }] },
      'targets[0].registryUrl: got "https://registry.example.com/v2"; allowed: https://host[:port], with no path',
    ],
    [
      'a registry URL with credentials in it',
      { ...BASE, targets: [{ image: 'app:1', registryUrl: 'https://AWS:pw@registry.example.com' }] },
      'targets[0].registryUrl: got "https://AWS:pw@registry.example.com"; allowed: https://host[:port]',
    ],
  ])('rejects %s', (_what, config, expected) => {
    // GIVEN a configuration with one mistake / WHEN validated / THEN exactly one line explains it
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(validateConfig(config).config).toBeUndefined();
  });

  it('says a real region used as an override key is missing from regions, without suggesting another region', () => {
    // GIVEN an override for us-west-2, a valid region the configuration does not deploy to
    const problems = problemsOf({ ...BASE, regionOverrides: { 'us-west-2': { targets: [] } } });
    // THEN the fix is about regions, not a guess at a different region
    expect(problems).toEqual([
      'regionOverrides.us-west-2: got {"targets":[]}; allowed: only regions listed in "regions" (eu-west-1); us-west-2 is not in regions: add it to regions or remove the override',
    ]);
    expect(problems[0]).not.toContain('did you mean');
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

  function loadError(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    try {
      loadConfig(path);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${name} loaded without an error`);
  }

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

  it('gives line and column of a JSON syntax error and shows the line with a caret under the spot', () => {
    // GIVEN a trailing comma on line 3 of a hand-edited file
    const message = loadError(
      'trailing-comma.json',
      '{\n  "regions": ["eu-west-1"],\n  "scheduleMinutes": 5,\n}\n',
    );
    // THEN the problem names line 4, column 1 (the "}" after the comma) and why, then the line itself
    expect(message).toBe(
      `Invalid canary configuration ${join(dir, 'trailing-comma.json')} (1 problem):\n` +
        '  (file): got invalid JSON (line 4, column 1: found "}" after a comma; JSON allows no trailing comma); allowed: a JSON object\n' +
        '    4 | }\n' +
        '      | ^',
    );
  });

  it('points into a long minified line at the offending character', () => {
    const text = JSON.stringify({
      regions: ['eu-west-1'],
      targets: [{ image: 'app:1' }],
      name: 'x'.repeat(150),
    }).replace('"targets"', "'targets'");
    const message = loadError('minified.json', text);
    expect(message).toContain('(line 1, column 26: found a single quote; JSON keys take double quotes)');
    const [shown, caret] = message.split('\n').slice(-2) as [string, string];
    expect(shown).toMatch(/^ {4}1 \| .*…$/);
    expect(shown.length).toBeLessThan(120);
    expect(shown[caret.indexOf('^')]).toBe("'");
  });

  it('accepts a file saved with a UTF-8 byte-order mark', () => {
    const path = join(dir, 'bom.json');
    writeFileSync(path, `\uFEFF${JSON.stringify({ regions: ['eu-west-1'] })}`);
    expect(loadConfig(path).regions.map((r) => r.region)).toEqual(['eu-west-1']);
  });

  it('reports a missing file', () => {
    expect(() => loadConfig(join(dir, 'absent.json'))).toThrow(/\(file\): got ENOENT reading/);
  });
});

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1,}', 1, 9, 'found "}" after a comma; JSON allows no trailing comma'],
    ['[1, 2,]', 1, 7, 'found "]" after a comma; JSON allows no trailing comma'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a value, found """'],
    ['{\n  // note\n  "a": 1\n}', 2, 3, 'expected a key in double quotes, found "/"'],
    [
      '{"a": tru}',
      1,
      7,
      'expected a value (an object, list, string, number, true, false or null), found "t"',
    ],
    ['{"a": .5}', 1, 7, 'found "."'],
    ['{"a": 2000.}', 1, 11, 'found a malformed number'],
    ['{"a": "x\ny"}', 1, 9, 'found a line break or control character inside a string'],
    ['{"a": "\\q"}', 1, 8, 'found an invalid escape in a string'],
    ['{"a": "open', 1, 12, 'a string is not closed before the end of the file'],
    ['{"a": 1', 1, 8, 'expected "," or "}" after a value, found the end of the file'],
    ['', 1, 1, 'found the end of the file'],
    ['{"a": 1}}', 1, 9, 'expected the end of the file after the top-level value, found "}"'],
    ['\uFEFF{"a": 1}', 1, 1, 'found a byte-order mark inside the text'],
    ["{'a': 1}", 1, 2, 'found a single quote; JSON keys take double quotes'],
    ['{"a": \'x\'}', 1, 7, 'found a single quote; JSON strings take double quotes'],
    ['{"a": 1,\r\n}', 2, 1, 'JSON allows no trailing comma'],
  ])('%j breaks at line %i, column %i: %s', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const found = findJsonSyntaxError(text);
    expect(found).toMatchObject({ line, column });
    expect(found?.reason).toContain(reason);
  });

  it.each([
    '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {}}',
    ' [ ] ',
    '"x"',
    JSON.stringify({ regions: ['eu-west-1'], targets: [{ image: 'app:1' }] }, null, 2),
  ])('finds nothing in valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });
});
