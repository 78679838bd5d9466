/**
 * What SNS will deliver to each subscription the template creates, judged by SNS's documented filter semantics
 * (test/support/sns-filter-policy.ts), not by what the policy looks like. The filter policies come from the
 * synthesized template; the alarm notifications are built from the template's own alarms in the JSON shape
 * CloudWatch publishes (no message attributes); the diagnoses are what the function's own notification code
 * publishes, decoded from the wire by the SNS double.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import type { Category, ProbeResult } from '../../lambda/engine/model/types.ts';
import type { NotificationKind, TargetState } from '../../lambda/engine/outputs/dedup.ts';
import { notifyResult } from '../../lambda/engine/outputs/notify.ts';
import { snsNotifier } from '../../lambda/engine/outputs/sns-notifier.ts';
import { failedResult, healthyResult } from '../support/probe-results.ts';
import { type SnsDouble, startSnsDouble } from '../support/sns-double.ts';
import {
  deliversTo,
  type FilterPolicyScope,
  type PublishedMessage,
  type SubscriptionFilter,
} from '../support/sns-filter-policy.ts';
import { ACCOUNT, canaryTemplate, resourcesOfType } from './helpers.ts';

const REGION = 'eu-west-1';
const PAGER = 'https://events.pagerduty.com/integration/0123456789abcdef/enqueue';
const EMAIL = 'oncall@example.com';
const EXISTING_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:oncall`;
const NOTIFICATIONS = { emails: [EMAIL], httpsEndpoints: [PAGER] };
const CONFIG: CanaryConfigFile = {
  regions: [REGION],
  targets: [{ image: 'payments/api:2.14.0', name: 'payments-api' }],
  notifications: NOTIFICATIONS,
};

interface Subscription extends SubscriptionFilter {
  protocol: string;
  endpoint: string;
  topicArn: unknown;
}

/** The subscriptions of a template, with their filtering exactly as CloudFormation will set it. */
function subscriptionsOf(template: Template): Subscription[] {
  return Object.values(resourcesOfType(template, 'AWS::SNS::Subscription')).map(({ Properties: p = {} }) => ({
    protocol: p.Protocol as string,
    endpoint: p.Endpoint as string,
    topicArn: p.TopicArn,
    ...(p.FilterPolicy === undefined ? {} : { filterPolicy: p.FilterPolicy }),
    ...(p.FilterPolicyScope === undefined
      ? {}
      : { filterPolicyScope: p.FilterPolicyScope as FilterPolicyScope }),
  }));
}

function subscription(template: Template, protocol: 'https' | 'email'): Subscription {
  const found = subscriptionsOf(template).filter((s) => s.protocol === protocol);
  if (found.length !== 1) throw new Error(`expected one ${protocol} subscription, found ${found.length}`);
  return found[0] as Subscription;
}

type AlarmProperties = Record<string, unknown> & { AlarmName: string };

function alarmsOf(template: Template): AlarmProperties[] {
  return Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as AlarmProperties,
  );
}

type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/**
 * The message CloudWatch publishes for an alarm state change: a JSON body and no message attributes (the
 * fields of the CloudWatch alarm notification: AlarmName, AlarmDescription, NewStateValue, NewStateReason,
 * StateChangeTime, Region, AlarmArn, OldStateValue, Trigger, …). Built from the alarm as the template
 * defines it.
 */
function alarmNotification(
  alarm: AlarmProperties,
  newState: AlarmState,
  oldState: AlarmState,
): PublishedMessage {
  const trigger =
    alarm.Metrics === undefined
      ? {
          MetricName: alarm.MetricName,
          Namespace: alarm.Namespace,
          StatisticType: alarm.ExtendedStatistic === undefined ? 'Statistic' : 'ExtendedStatistic',
          Statistic: String(alarm.Statistic ?? alarm.ExtendedStatistic).toUpperCase(),
          Unit: null,
          Dimensions: ((alarm.Dimensions as Array<{ Name: string; Value: string }>) ?? []).map((d) => ({
            value: d.Value,
            name: d.Name,
          })),
          Period: alarm.Period,
          EvaluationPeriods: alarm.EvaluationPeriods,
          DatapointsToAlarm: alarm.DatapointsToAlarm,
          ComparisonOperator: alarm.ComparisonOperator,
          Threshold: alarm.Threshold,
          TreatMissingData: alarm.TreatMissingData,
          EvaluateLowSampleCountPercentile: '',
        }
      : {
          Period: 300,
          EvaluationPeriods: alarm.EvaluationPeriods,
          DatapointsToAlarm: alarm.DatapointsToAlarm,
          ComparisonOperator: alarm.ComparisonOperator,
          Threshold: alarm.Threshold,
          TreatMissingData: alarm.TreatMissingData,
          EvaluateLowSampleCountPercentile: '',
          Metrics: alarm.Metrics,
        };
  const body = {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-11-27T02:58:11.012+0000',
    NewStateValue: newState,
    NewStateReason: `Threshold Crossed: datapoints were ${newState === 'OK' ? 'not ' : ''}breaching the threshold (${alarm.Threshold}).`,
    StateChangeTime: '2026-11-27T03:15:00.412+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarm.AlarmName}`,
    OldStateValue: oldState,
    OKActions: [EXISTING_TOPIC],
    AlarmActions: [EXISTING_TOPIC],
    InsufficientDataActions: [],
    Trigger: trigger,
  };
  return { message: JSON.stringify(body), attributes: {} };
}

/** One target's result as the probe returns it: healthy, or failed in `category`. */
function probeResult(target: string, category: Category | null): ProbeResult {
  return category === null
    ? healthyResult({ target, region: REGION })
    : failedResult(category, { target, region: REGION });
}

let sns: SnsDouble;
/** Every kind of diagnosis, as the function's notification code publishes it. */
const diagnoses = new Map<NotificationKind | 'clock-skew warning', PublishedMessage>();

beforeAll(async () => {
  sns = await startSnsDouble();
  const client = new SNSClient({
    endpoint: sns.url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLETEST', secretAccessKey: 'test-secret-key' },
  });
  const reminderMs = 6 * 3_600_000;
  const lastKnown = new Map<string, TargetState>();
  let now = Date.parse('2026-11-27T03:05:00Z');
  const publish = async (
    label: NotificationKind | 'clock-skew warning',
    target: string,
    category: Category | null,
  ) => {
    const before = sns.publishes.length;
    const outcome = await notifyResult(
      probeResult(target, category),
      { canaryName: 'ecr-pull-canary', region: REGION, dashboardUrl: null, logsUrl: null, reminderMs },
      {
        notifier: snsNotifier(client, EXISTING_TOPIC),
        store: null,
        lastKnown,
        now: () => now,
        log: () => {},
        timeoutMs: 5000,
      },
    );
    const call = sns.publishes[before];
    if (!outcome.published || !call) throw new Error(`${label}: nothing was published`);
    if (label !== 'clock-skew warning') expect(outcome.kind).toBe(label);
    diagnoses.set(label, {
      message: call.message,
      attributes: Object.fromEntries(
        Object.entries(call.messageAttributes).map(([name, a]) => [
          name,
          { dataType: a.dataType, ...(a.stringValue === undefined ? {} : { stringValue: a.stringValue }) },
        ]),
      ),
    });
  };
  // One failure streak of one target, in the order the dedup logic announces it.
  const target = `routing-${process.pid}`;
  await publish('failure', target, 'permission');
  now += 60_000;
  await publish('category-changed', target, 'network');
  now += reminderMs;
  await publish('reminder', target, 'network');
  now += 60_000;
  await publish('recovery', target, null);
  await publish('clock-skew warning', `${target}-skew`, 'clock-skew');
  client.destroy();
});

afterAll(async () => {
  await sns?.close();
});

describe.each([
  ['a topic the canary creates', CONFIG],
  [
    'an existing topic (notifications.topicArn, subscriptions opted in)',
    {
      ...CONFIG,
      notifications: { ...NOTIFICATIONS, topicArn: EXISTING_TOPIC, subscribeExistingTopic: true },
    },
  ],
])('routing on %s', (_, config) => {
  const template = canaryTemplate(config);
  const pager = subscription(template, 'https');
  const email = subscription(template, 'email');
  const alarms = alarmsOf(template);

  it('subscribes the pager and the e-mail address to the topic the alarms and the function publish to', () => {
    expect(pager.endpoint).toBe(PAGER);
    expect(email.endpoint).toBe(EMAIL);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([pager.topicArn]);
      expect(alarm.OKActions).toEqual([pager.topicArn]);
    }
    expect(email.topicArn).toEqual(pager.topicArn);
    if (config.notifications?.topicArn) expect(pager.topicArn).toBe(EXISTING_TOPIC);
  });

  it('delivers every alarm of the canary to the pager on ALARM and on OK', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(6);
    for (const alarm of alarms) {
      expect(deliversTo(pager, alarmNotification(alarm, 'ALARM', 'OK')), `${alarm.AlarmName} ALARM`).toBe(
        true,
      );
      expect(deliversTo(pager, alarmNotification(alarm, 'OK', 'ALARM')), `${alarm.AlarmName} OK`).toBe(true);
      // An alarm that starts OK (after INSUFFICIENT_DATA) resolves nothing, but must not be lost either.
      expect(deliversTo(pager, alarmNotification(alarm, 'OK', 'INSUFFICIENT_DATA'))).toBe(true);
    }
  });

  it('keeps the function diagnoses away from the pager: failure, category change, reminder, recovery, warning', () => {
    expect([...diagnoses.keys()]).toEqual([
      'failure',
      'category-changed',
      'reminder',
      'recovery',
      'clock-skew warning',
    ]);
    for (const [kind, message] of diagnoses) {
      expect(deliversTo(pager, message), kind).toBe(false);
    }
  });

  it('sends no INSUFFICIENT_DATA to the pager (and the alarms have no such action anyway)', () => {
    for (const alarm of alarms) {
      expect(alarm.InsufficientDataActions).toBeUndefined();
      expect(deliversTo(pager, alarmNotification(alarm, 'INSUFFICIENT_DATA', 'OK'))).toBe(false);
    }
  });

  it('does not page for another alarm that publishes to the same topic', () => {
    const other = { ...alarms[0], AlarmName: 'team-database-cpu-high' } as AlarmProperties;
    expect(deliversTo(pager, alarmNotification(other, 'ALARM', 'OK'))).toBe(false);
    // Another canary in the same account and region: its name is another prefix.
    const sibling = {
      ...alarms[0],
      AlarmName: `ecr-pull-canary-2-${REGION}-auth-critical`,
    } as AlarmProperties;
    expect(deliversTo(pager, alarmNotification(sibling, 'ALARM', 'OK'))).toBe(false);
  });

  it('delivers everything to e-mail: alarms in every state and every diagnosis', () => {
    for (const alarm of alarms) {
      for (const [to, from] of [
        ['ALARM', 'OK'],
        ['OK', 'ALARM'],
      ] as const) {
        expect(deliversTo(email, alarmNotification(alarm, to, from))).toBe(true);
      }
    }
    for (const [kind, message] of diagnoses) expect(deliversTo(email, message), kind).toBe(true);
  });
});
