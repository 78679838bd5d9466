import { describe, expect, it } from 'vitest';
import { HandlerConfigError, readHandlerConfig } from '../lambda/engine/handler-config.ts';
import { CODE_DATA } from '../lambda/engine/model/code-data.ts';
import { ENV } from '../lambda/engine/model/contract.ts';
import { CANARY_DEFAULTS } from '../lambda/engine/model/limits.ts';

const TARGETS = [{ name: 'known-good', image: 'canary/known-good:v1' }];

/** Where the targets come from, as problems name it: the data file in the function's code. */
const SOURCE = `${CODE_DATA.file} targets`;

/**
 * The least a deployed function has: the region Lambda sets in its environment, and the targets the construct
 * writes into its code (the code data document).
 */
const minimal = (
  extra: Record<string, string | undefined> = {},
  targets: unknown = TARGETS,
): [NodeJS.ProcessEnv, unknown] => [{ AWS_REGION: 'eu-west-1', ...extra }, { targets }];

/** The message of the error `readHandlerConfig` throws, or a failure if it throws none. */
function problemsOf([env, data]: [NodeJS.ProcessEnv, unknown]): string[] {
  try {
    readHandlerConfig(env, data);
  } catch (error) {
    expect(error).toBeInstanceOf(HandlerConfigError);
    const [head, ...problems] = (error as Error).message.split('\n  ');
    expect(head).toBe('invalid canary configuration:');
    return problems;
  }
  throw new Error('expected readHandlerConfig to throw');
}

describe('readHandlerConfig', () => {
  it('fills every optional setting with its default', () => {
    const { targets, ...config } = readHandlerConfig(...minimal());
    expect(config).toEqual({
      canaryName: 'ecr-pull-canary',
      region: 'eu-west-1',
      namespace: CANARY_DEFAULTS.namespace,
      topicArn: null,
      stateTable: null,
      reminderHours: CANARY_DEFAULTS.reminderHours,
      clockSkewThresholdSeconds: CANARY_DEFAULTS.clockSkewThresholdSeconds,
      dashboardName: null,
      logGroupName: null,
    });
    expect(targets).toEqual([
      {
        target: TARGETS[0],
        name: 'known-good',
        region: 'eu-west-1',
        ref: expect.objectContaining({ repository: 'canary/known-good', tag: 'v1', host: null }),
      },
    ]);
  });

  it('reads every variable the construct sets, and the log group Lambda sets', () => {
    const config = readHandlerConfig(
      ...minimal({
        [ENV.canaryName]: 'prod-canary',
        [ENV.namespace]: 'Platform/EcrCanary',
        [ENV.topicArn]: 'arn:aws:sns:eu-west-1:111122223333:alerts',
        [ENV.stateTable]: 'prod-canary-state',
        [ENV.reminderHours]: '0.5',
        [ENV.clockSkewThresholdSeconds]: '30',
        [ENV.dashboardName]: 'prod-canary',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/prod-canary-probe',
      }),
    );
    expect(config).toMatchObject({
      canaryName: 'prod-canary',
      namespace: 'Platform/EcrCanary',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      stateTable: 'prod-canary-state',
      reminderHours: 0.5,
      clockSkewThresholdSeconds: 30,
      dashboardName: 'prod-canary',
      logGroupName: '/aws/lambda/prod-canary-probe',
    });
  });

  it('treats empty variables as unset', () => {
    const config = readHandlerConfig(
      ...minimal({
        [ENV.canaryName]: '',
        [ENV.namespace]: '',
        [ENV.topicArn]: '',
        [ENV.stateTable]: '',
        [ENV.reminderHours]: '',
        [ENV.clockSkewThresholdSeconds]: '',
        [ENV.dashboardName]: '',
      }),
    );
    expect(config).toMatchObject({
      canaryName: 'ecr-pull-canary',
      namespace: CANARY_DEFAULTS.namespace,
      topicArn: null,
      stateTable: null,
      reminderHours: CANARY_DEFAULTS.reminderHours,
      clockSkewThresholdSeconds: CANARY_DEFAULTS.clockSkewThresholdSeconds,
      dashboardName: null,
    });
  });

  it('resolves each target with its own settings, the function region being the default', () => {
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api:stable';
    const config = readHandlerConfig(
      ...minimal({}, [
        { name: 'api', image: uri, platforms: ['linux/arm64'], expectedPrincipal: 'arn:aws:iam::1:role/x' },
        {
          name: 'local',
          image: `team/web@sha256:${'a'.repeat(64)}`,
          registryUrl: 'https://127.0.0.1:5000',
        },
      ]),
    );
    expect(config.targets.map((t) => [t.name, t.region, t.ref.repository])).toEqual([
      ['api', 'us-east-1', 'team/api'],
      ['local', 'eu-west-1', 'team/web'],
    ]);
    expect(config.targets[0]?.target).toMatchObject({
      platforms: ['linux/arm64'],
      expectedPrincipal: 'arn:aws:iam::1:role/x',
    });
    expect(config.targets[1]?.target.registryUrl).toBe('https://127.0.0.1:5000');
  });

  it.each([
    [ENV.reminderHours, '0.25', 0.25],
    [ENV.reminderHours, '168', 168],
    [ENV.clockSkewThresholdSeconds, '1', 1],
    [ENV.clockSkewThresholdSeconds, '900', 900],
  ])('accepts %s=%s at the edge of its range', (key, raw, value) => {
    const config = readHandlerConfig(...minimal({ [key]: raw }));
    const field = key === ENV.reminderHours ? config.reminderHours : config.clockSkewThresholdSeconds;
    expect(field).toBe(value);
  });

  it.each([
    [ENV.reminderHours, '0.24', '0.25 to 168'],
    [ENV.reminderHours, '168.5', '0.25 to 168'],
    [ENV.reminderHours, 'six', '0.25 to 168'],
    [ENV.reminderHours, 'Infinity', '0.25 to 168'],
    [ENV.clockSkewThresholdSeconds, '0', '1 to 900'],
    [ENV.clockSkewThresholdSeconds, '901', '1 to 900'],
    [ENV.clockSkewThresholdSeconds, 'NaN', '1 to 900'],
  ])('refuses %s=%s, naming the variable, the value and the range', (key, raw, range) => {
    expect(problemsOf(minimal({ [key]: raw }))).toEqual([`${key}="${raw}": must be a number from ${range}`]);
  });

  it.each([
    ['arn:aws:sns:eu-west-1:111122223333:alerts'],
    ['arn:aws-cn:sns:cn-north-1:111122223333:alerts_2'],
    ['arn:aws-us-gov:sns:us-gov-west-1:111122223333:a-b'],
  ])('accepts the topic ARN %s', (arn) => {
    expect(readHandlerConfig(...minimal({ [ENV.topicArn]: arn })).topicArn).toBe(arn);
  });

  it.each([
    ['arn:aws:sqs:eu-west-1:111122223333:alerts'],
    ['arn:aws:sns:eu-west-1:1111:alerts'],
    ['arn:aws:sns:eu-west-1:111122223333:alerts.fifo'],
    ['alerts'],
  ])('refuses the topic ARN %s', (arn) => {
    expect(problemsOf(minimal({ [ENV.topicArn]: arn }))).toEqual([
      `${ENV.topicArn}="${arn}": must be an SNS topic ARN`,
    ]);
  });

  it.each([
    ['[]', `${SOURCE}=[]: expected a non-empty JSON array`],
    ['{"name":"a"}', `${SOURCE}={"name":"a"}: expected a non-empty JSON array`],
    ['[{"image":"a:b"}]', `${SOURCE}=[{"image":"a:b"}]: target 0 needs string "image" and "name"`],
    [
      '[{"name":"","image":"a:b"}]',
      `${SOURCE}=[{"name":"","image":"a:b"}]: target 0 needs string "image" and "name"`,
    ],
    ['[null]', `${SOURCE}=[null]: target 0 needs string "image" and "name"`],
  ])('refuses the targets %s', (raw, message) => {
    expect(problemsOf(minimal({}, JSON.parse(raw)))).toEqual([message]);
  });

  it('refuses unset targets, saying they are unset', () => {
    expect(problemsOf([{ AWS_REGION: 'eu-west-1' }, {}])).toEqual([
      `${SOURCE}=(unset): expected a non-empty JSON array`,
    ]);
  });

  it('refuses a target whose reference or settings do not resolve, quoting the problem', () => {
    const [problem, ...others] = problemsOf(minimal({}, [{ name: 'a', image: 'UPPER/case:tag' }]));
    expect(others).toEqual([]);
    expect(problem).toMatch(new RegExp(`^${SOURCE}=.*: invalid image reference "UPPER/case:tag"`));
  });

  it('refuses two targets with one name: names are metric dimensions', () => {
    const targets = [
      { name: 'api', image: 'team/api:v1' },
      { name: 'api', image: 'team/api:v2' },
    ];
    expect(problemsOf(minimal({}, targets))).toEqual([
      `${SOURCE}: target name "api" is used twice; names are metric dimensions`,
    ]);
  });

  it('quotes at most 200 characters of a long malformed value', () => {
    const [problem] = problemsOf(minimal({}, 'x'.repeat(300)));
    expect(problem?.startsWith(`${SOURCE}="${'x'.repeat(199)}…: `)).toBe(true);
  });

  it('reports every problem at once, in a fixed order', () => {
    expect(
      problemsOf([
        {
          [ENV.reminderHours]: '0',
          [ENV.clockSkewThresholdSeconds]: '1000',
          [ENV.topicArn]: 'alerts',
        },
        { targets: [] },
      ]),
    ).toEqual([
      'AWS_REGION is not set; the Lambda runtime always sets it',
      `${SOURCE}=[]: expected a non-empty JSON array`,
      `${ENV.reminderHours}="0": must be a number from 0.25 to 168`,
      `${ENV.clockSkewThresholdSeconds}="1000": must be a number from 1 to 900`,
      `${ENV.topicArn}="alerts": must be an SNS topic ARN`,
    ]);
  });
});
