import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AUTH_CATEGORIES } from '../lambda/model/contract.ts';
import { ALARM_DEFAULTS, type LATENCY_STATISTICS } from '../lambda/model/limits.ts';
import { CATEGORIES, type Category } from '../lambda/model/types.ts';
import { type AlarmKind, type AlarmSeverity, alarmName, targetSlug } from './alarm-naming.ts';
import { alarmDescription, HEARTBEAT_RUNBOOK, runbooksFor } from './alarm-runbooks.ts';

/** M of N on periods of the schedule's length (the heartbeat: of its own, longer period). */
export interface AlarmTuning {
  /**
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Breaching datapoints that put the alarm in ALARM.
   * @default - 2 (latency and heartbeat: 3)
   */
  readonly datapointsToAlarm?: number;
  /**
   * Datapoints looked at.
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

export interface CountAlarmTuning extends AlarmTuning {
  /**
   * Failed probes (auth alarm: failed in the credentials, auth or permission categories; throttle alarm:
   * failed as throttled) per period that make a breaching datapoint.
   * @default 1
   */
  readonly threshold?: number;
}

export interface ClockSkewAlarmTuning extends AlarmTuning {
  /**
   * Absolute host-minus-AWS skew that breaches; the function also fails probes beyond it.
   * @default 60
   */
  readonly thresholdSeconds?: number;
}

export interface HeartbeatAlarmTuning extends AlarmTuning {
  /**
   * Alarm period in schedule periods. Keep `datapointsToAlarm` equal to `evaluationPeriods`: then one report
   * among the datapoints looked at keeps the alarm OK (late runs, the fresh deployment's first run); with
   * fewer, missing periods alone reach the threshold and a fresh deployment pages.
   * @default 1
   */
  readonly periodMultiplier?: number;
}

export type LatencyStatistic = (typeof LATENCY_STATISTICS)[number];

export interface LatencyAlarmTuning extends AlarmTuning {
  /**
   * @default 3000
   */
  readonly thresholdMs?: number;
  /**
   * @default 'p90'
   */
  readonly statistic?: LatencyStatistic;
}

export interface CanaryAlarmOptions {
  /** Critical: probes fail with credentials, auth or permission errors. @default - see {@link CountAlarmTuning} */
  readonly auth?: CountAlarmTuning;
  /** Critical: probes fail because ECR throttles. @default - see {@link CountAlarmTuning} */
  readonly throttle?: CountAlarmTuning;
  /** Critical: any probe fails, whatever the category. @default - see {@link CountAlarmTuning} */
  readonly availability?: CountAlarmTuning;
  /** Warning: the host clock is off. @default - see {@link ClockSkewAlarmTuning} */
  readonly clockSkew?: ClockSkewAlarmTuning;
  /** Critical: the canary stopped reporting. @default - see {@link HeartbeatAlarmTuning} */
  readonly heartbeat?: HeartbeatAlarmTuning;
  /** Warning, one per target: healthy pulls got slow. @default - see {@link LatencyAlarmTuning} */
  readonly latency?: LatencyAlarmTuning;
}

/** What the alarms read: the canary's metric methods, so namespace and dimensions are written in one place. */
export interface CanaryMetricSource {
  metricSuccess(target: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricLatency(target: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricFailures(category?: Category, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricAuthFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricClockSkew(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

export interface CanaryAlarmsProps {
  readonly metrics: CanaryMetricSource;
  readonly canaryName: string;
  /** Goes into alarm names; the stack's region. */
  readonly region: string;
  /** Schedule period: the period of every alarm but the heartbeat. */
  readonly period: Duration;
  /** Target names; latency alarms are per target, the heartbeat reads the first. */
  readonly targets: string[];
  /** Alarm and OK actions go here: pagers open an incident on ALARM and resolve it on OK. */
  readonly topic: sns.ITopic;
  /**
   * @default - the documented defaults of each alarm
   */
  readonly options?: CanaryAlarmOptions;
}

/** One alarm as built: its name is also returned so the dashboard can find it in another region. */
export interface CanaryAlarm {
  readonly kind: AlarmKind;
  readonly severity: AlarmSeverity;
  readonly target?: string;
  readonly alarm: cloudwatch.Alarm;
  readonly alarmName: string;
}

/**
 * The canary's alarms. Every one is a single-metric alarm ($0.10 a month; the skew alarm's ABS() is metric math
 * over one metric), has an alarm and an OK action to the same topic, its runbook in the description, and a
 * name from {@link alarmName}. Alarms on metrics sent only on failure treat missing data as not breaching;
 * the heartbeat, on a metric every run sends, treats it as breaching.
 */
export class CanaryAlarms extends Construct {
  readonly alarms: CanaryAlarm[] = [];

  constructor(scope: Construct, id: string, props: CanaryAlarmsProps) {
    super(scope, id);
    const options = props.options ?? {};
    const { metrics, period } = props;
    const action = new SnsAction(props.topic);

    const add = (
      constructId: string,
      spec: {
        kind: AlarmKind;
        severity: AlarmSeverity;
        target?: string;
        metric: cloudwatch.IMetric;
        threshold: number;
        comparison: cloudwatch.ComparisonOperator;
        tuning: Required<AlarmTuning>;
        missing: cloudwatch.TreatMissingData;
        description: string;
      },
    ): void => {
      if (!spec.tuning.enabled) return;
      const name = alarmName({
        canaryName: props.canaryName,
        region: props.region,
        alarm: spec.kind,
        severity: spec.severity,
        ...(spec.target === undefined ? {} : { target: spec.target }),
      });
      const alarm = new cloudwatch.Alarm(this, constructId, {
        alarmName: name,
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison,
        evaluationPeriods: spec.tuning.evaluationPeriods,
        datapointsToAlarm: spec.tuning.datapointsToAlarm,
        treatMissingData: spec.missing,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push({
        kind: spec.kind,
        severity: spec.severity,
        ...(spec.target === undefined ? {} : { target: spec.target }),
        alarm,
        alarmName: name,
      });
    };

    const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const NOT_BREACHING = cloudwatch.TreatMissingData.NOT_BREACHING;

    const auth = { ...ALARM_DEFAULTS.auth, ...options.auth };
    const authSummary = 'ECR pulls fail on credentials, authentication or permissions.';
    add('AuthAlarm', {
      kind: 'auth',
      severity: 'critical',
      metric: metrics.metricAuthFailures({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: auth.threshold,
      comparison: GTE,
      tuning: auth,
      missing: NOT_BREACHING,
      description: alarmDescription({
        severity: 'critical',
        summary: authSummary,
        runbooks: runbooksFor(AUTH_CATEGORIES),
      }),
    });

    const throttle = { ...ALARM_DEFAULTS.throttle, ...options.throttle };
    const throttleSummary = 'ECR throttled the canary past its retries.';
    add('ThrottleAlarm', {
      kind: 'throttle',
      severity: 'critical',
      metric: metrics.metricFailures('throttle', { period, statistic: cloudwatch.Stats.SUM }),
      threshold: throttle.threshold,
      comparison: GTE,
      tuning: throttle,
      missing: NOT_BREACHING,
      description: alarmDescription({
        severity: 'critical',
        summary: throttleSummary,
        runbooks: runbooksFor(['throttle']),
      }),
    });

    const skew = { ...ALARM_DEFAULTS.clockSkew, ...options.clockSkew };
    const skewSummary = `The host clock is more than ${skew.thresholdSeconds} s off AWS time.`;
    add('ClockSkewAlarm', {
      kind: 'clock-skew',
      severity: 'warning',
      // Skew is signed (negative: host behind). One datapoint per run, so the period's Maximum is that value.
      metric: new cloudwatch.MathExpression({
        expression: 'ABS(skew)',
        usingMetrics: { skew: metrics.metricClockSkew({ period, statistic: cloudwatch.Stats.MAXIMUM }) },
        period,
        label: 'Absolute clock skew (s)',
      }),
      threshold: skew.thresholdSeconds,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      tuning: skew,
      missing: NOT_BREACHING,
      description: alarmDescription({
        severity: 'warning',
        summary: skewSummary,
        runbooks: runbooksFor(['clock-skew']),
      }),
    });

    const availability = { ...ALARM_DEFAULTS.availability, ...options.availability };
    const availabilitySummary =
      'ECR pulls fail. The canary notification names the category and its runbook; the runbooks by category:';
    add('AvailabilityAlarm', {
      kind: 'availability',
      severity: 'critical',
      metric: metrics.metricFailures(undefined, { period, statistic: cloudwatch.Stats.SUM }),
      threshold: availability.threshold,
      comparison: GTE,
      tuning: availability,
      missing: NOT_BREACHING,
      description: alarmDescription({
        severity: 'critical',
        summary: availabilitySummary,
        runbooks: runbooksFor(CATEGORIES),
      }),
    });

    const heartbeatTarget = props.targets[0];
    const heartbeat = { ...ALARM_DEFAULTS.heartbeat, ...options.heartbeat };
    if (heartbeatTarget !== undefined) {
      const heartbeatPeriod = Duration.seconds(period.toSeconds() * heartbeat.periodMultiplier);
      const heartbeatSummary = `No canary run reported for at least ${heartbeatPeriod.toMinutes() * heartbeat.evaluationPeriods} minutes.`;
      add('HeartbeatAlarm', {
        kind: 'heartbeat',
        severity: 'critical',
        metric: metrics.metricSuccess(heartbeatTarget, {
          period: heartbeatPeriod,
          statistic: cloudwatch.Stats.SAMPLE_COUNT,
        }),
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        tuning: heartbeat,
        missing: cloudwatch.TreatMissingData.BREACHING,
        description: alarmDescription({
          severity: 'critical',
          summary: heartbeatSummary,
          runbooks: [HEARTBEAT_RUNBOOK],
        }),
      });
    }

    const latency = { ...ALARM_DEFAULTS.latency, ...options.latency };
    for (const target of props.targets) {
      const latencySummary = `Healthy pulls of ${target} take longer than ${latency.thresholdMs} ms (${latency.statistic}).`;
      add(`LatencyAlarm-${targetSlug(target)}`, {
        kind: 'latency',
        severity: 'warning',
        target,
        metric: metrics.metricLatency(target, { period, statistic: latency.statistic }),
        threshold: latency.thresholdMs,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        tuning: latency,
        missing: NOT_BREACHING,
        description: alarmDescription({
          severity: 'warning',
          summary: latencySummary,
          runbooks: runbooksFor(['network', 'service']),
        }),
      });
    }
  }
}
