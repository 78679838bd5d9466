import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { alarmName, alarmNamePattern, targetSlug } from '../../lambda/engine/config/alarm-naming.ts';
import { RUNBOOKS } from '../../lambda/engine/model/runbooks.ts';
import { alarmDescription, HEARTBEAT_RUNBOOK, MAX_ALARM_DESCRIPTION } from '../../lib/alarm-runbooks.ts';
import { canaryTemplate, logicalIdByPath, resourcesOfType } from './helpers.ts';

const REGION = 'eu-west-1';
const DEFAULTS = canaryTemplate({ regions: [REGION] });
const WITH_TARGETS = canaryTemplate({
  regions: [REGION],
  targets: [{ image: 'app:1' }, { image: `team/api@sha256:${'a'.repeat(64)}` }],
});

type AlarmProps = Record<string, unknown>;
function alarms(template = DEFAULTS): Map<string, AlarmProps> {
  return new Map(
    Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((resource) => [
      resource.Properties?.AlarmName as string,
      resource.Properties as AlarmProps,
    ]),
  );
}

describe('default alarms', () => {
  it("are the six documented ones and the workload watcher's two, named <canary>-<region>-<alarm>-<severity>", () => {
    expect([...alarms().keys()]).toEqual([
      'ecr-pull-canary-eu-west-1-auth-critical',
      'ecr-pull-canary-eu-west-1-throttle-critical',
      'ecr-pull-canary-eu-west-1-clock-skew-warning',
      'ecr-pull-canary-eu-west-1-availability-critical',
      'ecr-pull-canary-eu-west-1-heartbeat-critical',
      'ecr-pull-canary-eu-west-1-latency-known-good-warning',
      // The workload watcher's (workloadWatch.ecsTasks is on by default): lib/workload-watch.ts.
      'ecr-pull-canary-eu-west-1-workload-auth-critical',
      'ecr-pull-canary-eu-west-1-workload-throttle-critical',
    ]);
  });

  it.each([
    [
      'auth-critical',
      {
        MetricName: 'AuthFailures',
        Statistic: 'Sum',
        Dimensions: Match.absent(),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      },
    ],
    [
      'throttle-critical',
      {
        MetricName: 'Failures',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'Category', Value: 'throttle' }],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      },
    ],
    [
      'availability-critical',
      {
        MetricName: 'Failures',
        Statistic: 'Sum',
        Dimensions: Match.absent(),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      },
    ],
  ])(
    '%s: failures sent only when non-zero, 2 of 3 five-minute periods, missing data is not breaching',
    (suffix, expected) => {
      const props = alarms().get(`ecr-pull-canary-eu-west-1-${suffix}`);
      expect(props).toMatchObject({
        Namespace: 'EcrPullCanary',
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
      DEFAULTS.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `ecr-pull-canary-eu-west-1-${suffix}`,
        ...expected,
      });
    },
  );

  it('clock skew: ABS of the signed skew over one metric, above 60 s, 2 of 3, warning', () => {
    DEFAULTS.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ecr-pull-canary-eu-west-1-clock-skew-warning',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      Metrics: [
        Match.objectLike({ Expression: 'ABS(skew)', ReturnData: true }),
        {
          Id: 'skew',
          MetricStat: {
            Metric: { MetricName: 'ClockSkew', Namespace: 'EcrPullCanary' },
            Period: 300,
            Stat: 'Maximum',
          },
          ReturnData: false,
        },
      ],
    });
  });

  // The heartbeat was 1 of 1 over a 15-minute period, created before any datapoint existed: a fresh
  // deployment paged once. It is now 3 of 3 over schedule periods, created after a deploy-time first run;
  // heartbeat.test.ts shows how it behaves over time.
  // It read Success{Target} until issue 12 dropped that metric; Latency is now sent for every probe, healthy or
  // failed, so its SampleCount counts the runs that published.
  it('heartbeat: SampleCount of the first target below 1, 3 of 3 schedule periods, missing data breaching', () => {
    DEFAULTS.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ecr-pull-canary-eu-west-1-heartbeat-critical',
      MetricName: 'Latency',
      Dimensions: [{ Name: 'Target', Value: 'known-good' }],
      Statistic: 'SampleCount',
      Period: 300,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
    });
  });

  it('heartbeat: created only after the deploy-time first run, which the probe function serves after seeding', () => {
    const heartbeat = logicalIdByPath(DEFAULTS, '/Canary/Alarms/HeartbeatAlarm/Resource');
    const firstRun = logicalIdByPath(DEFAULTS, '/Canary/FirstRun/Default');
    const seed = logicalIdByPath(DEFAULTS, '/Canary/KnownGoodImage/Seed/Default');
    DEFAULTS.hasResource('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: 'ecr-pull-canary-eu-west-1-heartbeat-critical' },
      DependsOn: Match.arrayWith([firstRun]),
    });
    DEFAULTS.hasResource('Custom::EcrPullCanaryFirstRun', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [logicalIdByPath(DEFAULTS, '/Canary/Probe/Function/Resource'), 'Arn'] },
        ServiceTimeout: '300',
        // The digest of the targets in the probe's code: a change of targets runs it again.
        Targets: Match.stringLikeRegexp('^[0-9a-f]{64}$'),
      },
      DependsOn: Match.arrayWith([seed]),
    });
    // The other alarms do not wait for it.
    const others = Object.entries(resourcesOfType(DEFAULTS, 'AWS::CloudWatch::Alarm')).filter(
      ([id]) => id !== heartbeat,
    );
    for (const [, resource] of others) expect(JSON.stringify(resource)).not.toContain(firstRun);
  });

  it('latency: p90 above 3 s for 3 periods in a row, per target, warning', () => {
    const names = [...alarms(WITH_TARGETS).keys()].filter((name) => name.includes('-latency-'));
    expect(names).toEqual([
      'ecr-pull-canary-eu-west-1-latency-known-good-warning',
      'ecr-pull-canary-eu-west-1-latency-app-1-warning',
      `ecr-pull-canary-eu-west-1-latency-${targetSlug(`team/api@sha256:${'a'.repeat(12)}`)}-warning`,
    ]);
    WITH_TARGETS.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ecr-pull-canary-eu-west-1-latency-app-1-warning',
      MetricName: 'Latency',
      Dimensions: [{ Name: 'Target', Value: 'app:1' }],
      ExtendedStatistic: 'p90',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 3000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('every alarm pages and resolves through the region topic', () => {
    const topic = { Ref: logicalIdByPath(WITH_TARGETS, '/Canary/Notifications/Topic/Resource') };
    for (const [name, props] of alarms(WITH_TARGETS)) {
      expect(props.AlarmActions, name).toEqual([topic]);
      expect(props.OKActions, name).toEqual([topic]);
      expect(props.ActionsEnabled ?? true, name).toBe(true);
    }
  });
});

describe('alarm descriptions carry the runbook', () => {
  it.each([
    ['auth-critical', ['credentials', 'auth', 'permission'] as const],
    ['throttle-critical', ['throttle'] as const],
    ['clock-skew-warning', ['clock-skew'] as const],
  ])('%s: severity, then title and fix of each covered category', (suffix, categories) => {
    const description = alarms().get(`ecr-pull-canary-eu-west-1-${suffix}`)?.AlarmDescription as string;
    expect(description.startsWith(`[${suffix.split('-').pop()}] `)).toBe(true);
    for (const category of categories) {
      expect(description).toContain(RUNBOOKS[category].title);
      expect(description).toContain(RUNBOOKS[category].fix);
    }
    expect(description.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION);
  });

  it('the availability alarm names every category it may stand for', () => {
    const description = alarms().get('ecr-pull-canary-eu-west-1-availability-critical')
      ?.AlarmDescription as string;
    for (const runbook of Object.values(RUNBOOKS)) expect(description).toContain(runbook.title);
    expect(description.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION);
  });

  it('the heartbeat alarm carries its own runbook', () => {
    const description = alarms().get('ecr-pull-canary-eu-west-1-heartbeat-critical')
      ?.AlarmDescription as string;
    expect(description).toContain(HEARTBEAT_RUNBOOK.fix);
  });

  it('keeps the fix longest when the full text does not fit', () => {
    const text = alarmDescription({
      severity: 'critical',
      summary: 'x',
      runbooks: [RUNBOOKS.network, RUNBOOKS.service, RUNBOOKS.permission, RUNBOOKS.credentials],
    });
    expect(text.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION);
    expect(text).toContain(RUNBOOKS.network.title);
  });
});

describe('alarm tuning', () => {
  it('applies thresholds and M of N from configuration', () => {
    const template = canaryTemplate({
      regions: [REGION],
      scheduleMinutes: 1,
      alarms: {
        availability: { datapointsToAlarm: 3, evaluationPeriods: 5, threshold: 2 },
        latency: { thresholdMs: 1500, statistic: 'p99' },
        heartbeat: { periodMultiplier: 5, evaluationPeriods: 2, datapointsToAlarm: 2 },
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ecr-pull-canary-eu-west-1-availability-critical',
      Period: 60,
      Threshold: 2,
      DatapointsToAlarm: 3,
      EvaluationPeriods: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ecr-pull-canary-eu-west-1-latency-known-good-warning',
      ExtendedStatistic: 'p99',
      Threshold: 1500,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ecr-pull-canary-eu-west-1-heartbeat-critical',
      Period: 300,
      DatapointsToAlarm: 2,
      EvaluationPeriods: 2,
    });
  });

  it('leaves out an alarm that is turned off', () => {
    const template = canaryTemplate({ regions: [REGION], alarms: { latency: { enabled: false } } });
    expect([...alarms(template).keys()].some((name) => name.includes('latency'))).toBe(false);
    // Four of the canary's six, and the workload watcher's two.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
  });
});

describe('alarm naming', () => {
  it('gives two canaries in one account and region disjoint names', () => {
    const a = [...alarms(canaryTemplate({ regions: [REGION], name: 'team-a' })).keys()];
    const b = [...alarms(canaryTemplate({ regions: [REGION], name: 'team-b' })).keys()];
    expect(a.filter((name) => b.includes(name))).toEqual([]);
    expect(new Set(a).size).toBe(a.length);
  });

  it('keeps names to letters, digits and ._- and matches the pattern the topic policy allows', () => {
    const name = alarmName({
      canaryName: 'c',
      region: REGION,
      alarm: 'latency',
      severity: 'warning',
      target: 'a/b:c@d',
    });
    expect(name).toBe('c-eu-west-1-latency-a-b-c-d-warning');
    expect(name.startsWith(alarmNamePattern('c', REGION).replace('*', ''))).toBe(true);
  });
});
