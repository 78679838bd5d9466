import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { checkRegionalSettings, Problems } from '../../lambda/engine/config/validation.ts';
import { readHandlerConfig } from '../../lambda/engine/handler-config.ts';
import { ENV } from '../../lambda/engine/model/contract.ts';
import { LIMITS, LOG_RETENTION_DAYS } from '../../lambda/engine/model/limits.ts';
import { EcrPullCanary, type EcrPullCanaryProps } from '../../lib/ecr-pull-canary.ts';

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';

/** The construct's problems (one per line, without the header), or [] when it builds. */
function propsProblems(props: EcrPullCanaryProps): string[] {
  // Bundling skipped: validation runs before any resource, and a valid construct is not what is tested here.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Platform', { env: { account: ACCOUNT, region: REGION } });
  try {
    new EcrPullCanary(stack, 'Canary', { canaryName: 'parity', ...props });
    return [];
  } catch (error) {
    return (error as Error).message.split('\n  ').slice(1);
  }
}

function fileProblems(config: Record<string, unknown>): string[] {
  return validateConfig({ regions: [REGION], account: ACCOUNT, ...config }).problems;
}

/** What is allowed, without the field path that differs by design (prop name or file path). */
const allowed = (line: string) => line.slice(line.indexOf('; allowed'));

describe('one validator: the configuration file and the construct say the same thing', () => {
  const topicElsewhere = `arn:aws:sns:us-east-1:${ACCOUNT}:pager`;
  const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  it.each<[string, EcrPullCanaryProps, Record<string, unknown>]>([
    ['a schedule out of range', { schedule: Duration.minutes(61) }, { scheduleMinutes: 61 }],
    ['memory below Lambda’s minimum', { memorySize: 64 }, { memoryMiB: 64 }],
    ['a reminder too often', { reminderHours: 0.1 }, { reminderHours: 0.1 }],
    ['a bad canary name', { canaryName: 'Bad Name' }, { name: 'Bad Name' }],
    ['a reserved namespace', { namespace: 'AWS/ECR' }, { namespace: 'AWS/ECR' }],
    ['a malformed image', { targets: [{ image: 'App:1' }] }, { targets: [{ image: 'App:1' }] }],
    [
      'an image on another registry',
      { targets: [{ image: 'ghcr.io/org/app:1' }] },
      { targets: [{ image: 'ghcr.io/org/app:1' }] },
    ],
    [
      'two targets with one name',
      {
        targets: [
          { image: 'a:1', name: 'x' },
          { image: 'b:1', name: 'x' },
        ],
      },
      {
        targets: [
          { image: 'a:1', name: 'x' },
          { image: 'b:1', name: 'x' },
        ],
      },
    ],
    ['nothing to probe', { knownGoodImage: false, targets: [] }, { knownGoodImage: false, targets: [] }],
    [
      'an alarm with M greater than N',
      { alarms: { auth: { datapointsToAlarm: 3, evaluationPeriods: 2 } } },
      { alarms: { auth: { datapointsToAlarm: 3, evaluationPeriods: 2 } } },
    ],
    [
      'a malformed subnet',
      { vpcPlacement: { subnetIds: ['subnet-x'], securityGroupIds: ['sg-0123456789abcdef0'] } },
      { vpc: { subnetIds: ['subnet-x'], securityGroupIds: ['sg-0123456789abcdef0'] } },
    ],
    [
      'a FIFO topic',
      { notifications: { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pager.fifo` } },
      { notifications: { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pager.fifo` } },
    ],
    [
      'encryption with an existing topic',
      { notifications: { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pager`, encryption: true } },
      { notifications: { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pager`, encryption: true } },
    ],
    [
      'a topic key without a topic',
      { notifications: { topicKmsKeyArn: key } },
      { notifications: { topicKmsKeyArn: key } },
    ],
  ])('%s', (_what, props, config) => {
    const fromProps = propsProblems(props);
    const fromFile = fileProblems(config);
    expect(fromProps.length).toBeGreaterThan(0);
    expect(fromProps.map(allowed)).toEqual(fromFile.map(allowed));
  });

  it('says the same about a topic in another region, the file adding where to set one for the region', () => {
    const [fromProps] = propsProblems({ notifications: { topicArn: topicElsewhere } });
    const [fromFile] = fileProblems({ notifications: { topicArn: topicElsewhere } });
    expect(fromProps).toBe(
      `notifications.topicArn: got "${topicElsewhere}"; allowed: a topic in ${REGION}, the stack's region (CloudWatch alarm actions cannot cross regions)`,
    );
    expect(fromFile).toBe(`${fromProps}; set regionOverrides.${REGION}.notifications.topicArn`);
  });

  it('holds a topic to the account the file names, not to the stack’s account, which may be the CLI’s default', () => {
    const notifications = { topicArn: `arn:aws:sns:${REGION}:123456789012:pager` };
    expect(propsProblems({ notifications })).toEqual([]);
    expect(fileProblems({ notifications })).toEqual([
      `notifications.topicArn: got "${notifications.topicArn}"; allowed: a topic in account ${ACCOUNT}, the account the stacks deploy to`,
    ]);
  });

  it('names the file’s own paths for a value written in a region override', () => {
    expect(
      fileProblems({ regionOverrides: { [REGION]: { targets: [{ image: 'ghcr.io/org/app:1' }] } } }).map(
        (line) => line.slice(0, line.indexOf(':')),
      ),
    ).toEqual([`regionOverrides.${REGION}.targets[0].image`]);
  });

  it('reports a value the file shares between regions once, not once per region', () => {
    const problems = validateConfig({
      regions: [REGION, 'us-east-1'],
      targets: [{ image: 'App:1' }],
    }).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^targets\[0\]\.image: got "App:1"/);
  });

  it('still checks top-level targets that every region replaces', () => {
    const problems = validateConfig({
      regions: [REGION],
      targets: [{ image: 'App:1' }],
      regionOverrides: { [REGION]: { targets: [{ image: 'app:1' }] } },
    }).problems;
    expect(problems.map((line) => line.slice(0, line.indexOf(':')))).toEqual(['targets[0].image']);
  });
});

describe('the regional check', () => {
  it('hands back the targets as the function receives them, each named once', () => {
    const p = new Problems(Token.isUnresolved);
    const targets = checkRegionalSettings(
      p,
      {
        region: REGION,
        targets: [{ image: 'team/api:stable' }, { image: 'app@sha256:'.padEnd(75, 'a'), name: 'pinned' }],
        knownGoodImage: true,
      },
      { targets: 'targets', vpc: 'vpc', notification: (key) => `notifications.${key}` },
    );
    expect(p.lines).toEqual([]);
    expect(targets).toEqual([
      { image: 'team/api:stable', name: 'team/api:stable' },
      { image: 'app@sha256:'.padEnd(75, 'a'), name: 'pinned' },
    ]);
  });
});

describe('one table of limits: the file, the construct and the function accept exactly the same range', () => {
  const { min, max } = LIMITS.reminderHours;
  const handlerProblems = (value: number) => {
    try {
      readHandlerConfig(
        { AWS_REGION: REGION, [ENV.reminderHours]: String(value) },
        { targets: [{ name: 'known-good', image: 'canary/known-good:v1' }] },
      );
      return 0;
    } catch {
      return 1;
    }
  };
  it.each([
    [min, 0],
    [max, 0],
    [min / 2, 1],
    [max + 1, 1],
  ])('reminderHours %d: %i problems everywhere', (value, expected) => {
    expect(fileProblems({ reminderHours: value })).toHaveLength(expected);
    expect(propsProblems({ reminderHours: value })).toHaveLength(expected);
    expect(handlerProblems(value)).toBe(expected);
  });

  it('lists the log retention values CloudWatch Logs accepts, as the CDK knows them', () => {
    const cdkValues = Object.values(logs.RetentionDays).filter((value) => typeof value === 'number');
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual(cdkValues.sort((a, b) => a - b));
  });
});
