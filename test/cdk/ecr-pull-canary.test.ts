import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/engine/model/contract.ts';
import { EcrPullCanary, type EcrPullCanaryProps } from '../../lib/ecr-pull-canary.ts';

/** The construct as a user embeds it in their own app; bundling skipped as in the other template tests. */
function embed(
  props: EcrPullCanaryProps = {},
  env?: { account: string; region: string },
): { stack: Stack; canary: EcrPullCanary } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Platform', env ? { env } : {});
  return { stack, canary: new EcrPullCanary(stack, 'EcrCanary', props) };
}

describe('EcrPullCanary embedded in another app', () => {
  it('derives a canary name from its stack and path, valid and unique per construct', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'PlatformStack', { env: { account: '111122223333', region: 'eu-west-1' } });
    const a = new EcrPullCanary(stack, 'First');
    const b = new EcrPullCanary(stack, 'Second');
    expect(a.canaryName).toMatch(/^[a-z][a-z0-9-]{1,31}$/);
    expect(a.canaryName).not.toBe(b.canaryName);
    expect(
      a.alarms
        .map((alarm) => alarm.alarmName)
        .filter((name) => b.alarms.some((other) => other.alarmName === name)),
    ).toEqual([]);
  });

  it('gives readable alarm names by default: the stack name and the construct path, no hash', () => {
    const { canary } = embed(
      { targets: [{ image: 'team/api:stable' }] },
      { account: '111122223333', region: 'eu-west-1' },
    );
    expect(canary.canaryName).toBe('platform-ecrcanary');
    expect(canary.alarms.map((alarm) => alarm.alarmName)).toContain(
      'platform-ecrcanary-eu-west-1-latency-team-api-stable-warning',
    );
    expect(canary.alarms.map((alarm) => alarm.alarmName)).toContain(
      'platform-ecrcanary-eu-west-1-auth-critical',
    );
    // Two canaries whose paths read the same, and a path too long for 32 characters, get the hashed name.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Ops', { stackName: 'ops-prod' });
    const a = new EcrPullCanary(stack, 'Pull-Canary');
    const b = new EcrPullCanary(stack, 'pull_canary');
    expect(a.canaryName).toBe('ops-prod-pull-canary');
    expect(b.canaryName).not.toBe(a.canaryName);
    expect(b.canaryName).toMatch(/^[a-z][a-z0-9-]{1,31}$/);
    const long = new EcrPullCanary(stack, 'AVeryLongConstructIdForTheCanaryOfAllImages');
    expect(long.canaryName).toMatch(/^[a-z][a-z0-9-]{1,31}$/);
    expect(long.canaryName).toMatch(/-[0-9a-f]{8}$/);
  });

  it('synthesizes in an environment-agnostic stack', () => {
    const { stack } = embed({ canaryName: 'agnostic', targets: [{ image: 'app:1' }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: { 'Fn::Join': ['', ['agnostic-', { Ref: 'AWS::Region' }, '-auth-critical']] },
    });
  });

  it('exposes its metrics for the user’s own alarms and dashboards', () => {
    const { canary } = embed({
      canaryName: 'metrics',
      namespace: 'Team/Canary',
      schedule: Duration.minutes(2),
    });
    const metric = canary.metricFailures('network');
    expect([
      metric.namespace,
      metric.metricName,
      metric.dimensions,
      metric.statistic,
      metric.period.toSeconds(),
    ]).toEqual(['Team/Canary', 'Failures', { Category: 'network' }, 'Sum', 120]);
    expect(canary.metricLatency('known-good').statistic).toBe('p90');
    // The heartbeat's metric: the runs of the first target, counted by its latency datapoints.
    const runs = canary.metricRuns();
    expect([runs.metricName, runs.dimensions, runs.statistic]).toEqual([
      'Latency',
      { Target: 'known-good' },
      'SampleCount',
    ]);
    const failed = canary.metricTargetFailures('known-good');
    expect([failed.metricName, failed.dimensions, failed.statistic]).toEqual([
      'Failures',
      { Target: 'known-good' },
      'Sum',
    ]);
    // The success rate is metric math over those two, placed in the region asked for, on the schedule's period.
    const success = canary.metricSuccess('known-good', { region: 'us-east-1' });
    expect(success.expression).toMatch(/^1 - FILL\(failed_(\w+), 0\) \/ runs_\1$/);
    expect(success.period.toSeconds()).toBe(120);
    expect(
      Object.fromEntries(
        Object.entries(success.usingMetrics).map(([id, m]) => {
          const metric = m as cloudwatch.Metric;
          return [id.split('_')[0], [metric.metricName, metric.dimensions, metric.statistic, metric.region]];
        }),
      ),
    ).toEqual({
      runs: ['Latency', { Target: 'known-good' }, 'SampleCount', 'us-east-1'],
      failed: ['Failures', { Target: 'known-good' }, 'Sum', 'us-east-1'],
    });
  });

  it('accepts an existing topic object through its ARN and keeps the function pointed at it', () => {
    const { stack } = embed(
      { canaryName: 'existing', notifications: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:pager' } },
      { account: '111122223333', region: 'eu-west-1' },
    );
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [ENV.topicArn]: 'arn:aws:sns:eu-west-1:111122223333:pager' }),
      },
    });
  });

  it('leaves a topic and key known only at deploy time (tokens) to CloudFormation, in any stack', () => {
    // Imported from another stack: strings such as "${Token[TOKEN.123]}" until deploy, which no pattern matches.
    const notifications = {
      topicArn: Fn.importValue('SharedTopicArn'),
      topicKmsKeyArn: Fn.importValue('SharedTopicKeyArn'),
    };
    for (const env of [{ account: '111122223333', region: 'eu-west-1' }, undefined]) {
      const { stack } = embed({ canaryName: 'imported', notifications }, env);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ [ENV.topicArn]: { 'Fn::ImportValue': 'SharedTopicArn' } }),
        },
      });
    }
  });

  it('validates its properties first and reports every problem at once', () => {
    expect(() =>
      embed(
        {
          canaryName: 'Bad Name',
          schedule: Duration.minutes(90),
          memorySize: 64,
          targets: [{ image: 'App:1' }],
          notifications: { topicArn: 'arn:aws:sns:us-east-1:111122223333:pager' },
        },
        { account: '111122223333', region: 'eu-west-1' },
      ),
    ).toThrow(
      [
        'Invalid EcrPullCanary properties:',
        '  schedule (minutes): got 90; allowed: a whole number from 1 to 60 minutes',
        '  canaryName: got "Bad Name"; allowed: 2-32 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen',
        '  memorySize: got 64; allowed: a whole number from 128 to 10240 MiB',
        '  targets[0].image: got "App:1"; allowed: a valid image reference',
      ].join('\n'),
    );
  });

  it('refuses a target that would carry the ECR token to another registry, with the config rule', () => {
    expect(() =>
      embed(
        {
          canaryName: 'leaky',
          targets: [
            { image: 'docker.io/library/nginx:latest' },
            { image: 'app:1', registryUrl: 'http://registry.example.com' },
          ],
        },
        { account: '111122223333', region: 'eu-west-1' },
      ),
    ).toThrow(
      [
        'Invalid EcrPullCanary properties:',
        '  targets[0].image: got "docker.io/library/nginx:latest"; allowed: a short repo[:tag]',
      ].join('\n'),
    );
    expect(() =>
      embed({
        canaryName: 'leaky',
        targets: [{ image: 'app:1', registryUrl: 'http://registry.example.com' }],
      }),
    ).toThrow('targets[0].registryUrl: got "http://registry.example.com"; allowed: https://host[:port]');
    // An explicit https:// registry URL is the user's choice of where the token goes.
    expect(() =>
      embed({
        canaryName: 'mirror',
        targets: [{ image: 'ghcr.io/org/app:1', registryUrl: 'https://mirror.example.com' }],
      }),
    ).not.toThrow();
  });

  it('refuses a topic in another region, which alarm actions cannot use', () => {
    expect(() =>
      embed(
        {
          canaryName: 'wrong-region',
          notifications: { topicArn: 'arn:aws:sns:us-east-1:111122223333:pager' },
        },
        { account: '111122223333', region: 'eu-west-1' },
      ),
    ).toThrow(
      `notifications.topicArn: got "arn:aws:sns:us-east-1:111122223333:pager"; allowed: a topic in eu-west-1, the stack's region`,
    );
  });

  it('refuses a topic key without an existing topic, or in another region than the topic', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(() => embed({ canaryName: 'key-alone', notifications: { topicKmsKeyArn: key } })).toThrow(
      `notifications.topicKmsKeyArn: got "${key}"; allowed: only with notifications.topicArn`,
    );
    expect(() =>
      embed({
        canaryName: 'key-elsewhere',
        notifications: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:pager', topicKmsKeyArn: key },
      }),
    ).toThrow(`notifications.topicKmsKeyArn: got "${key}"; allowed: a key in eu-west-1, the topic's region`);
  });

  it('refuses a timeout that would overlap the next run', () => {
    expect(() =>
      embed({ canaryName: 'slow', schedule: Duration.minutes(1), timeout: Duration.seconds(60) }),
    ).toThrow(
      'timeout (seconds): got 60; allowed: a whole number from 1 to 59 seconds (a run must end before the next one starts)',
    );
  });
});
