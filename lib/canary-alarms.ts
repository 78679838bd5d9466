import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  type AlarmKind,
  type AlarmSeverity,
  alarmName,
  CANARY_ALARM_KINDS,
  type CanaryAlarmKind,
  targetSlug,
} from '../lambda/engine/config/alarm-naming.ts';
import { AUTH_CATEGORIES } from '../lambda/engine/model/contract.ts';
import { ALARM_DEFAULTS, type LATENCY_STATISTICS } from '../lambda/engine/model/limits.ts';
import type { Runbook } from '../lambda/engine/model/runbooks.ts';
import { CATEGORIES, type Category } from '../lambda/engine/model/types.ts';
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
  /**
   * Warning, one per target: pulls got slow. Failed probes report their wall time too: a fast failure counts as
   * not slow (as its missing datapoint did), one slower than the threshold as slow.
   * @default - see {@link LatencyAlarmTuning}
   */
  readonly latency?: LatencyAlarmTuning;
}

/** What the alarms read: the canary's metric methods, so namespace and dimensions are written in one place. */
export interface CanaryMetricSource {
  /** Runs of one target that published (SampleCount of its latency): the heartbeat. */
  metricRuns(target: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
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
  /** Target names; latency alarms are per target, the heartbeat reads the first one's runs. */
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
 * How bad each alarm's breach is, keyed by alarm: it goes into the alarm name (pager routing keys on the
 * suffix) and heads the description. Failures that stop pulls page; a slow or skewed host warns.
 */
export const ALARM_SEVERITY: Readonly<Record<AlarmKind, AlarmSeverity>> = {
  auth: 'critical',
  throttle: 'critical',
  'clock-skew': 'warning',
  availability: 'critical',
  heartbeat: 'critical',
  latency: 'warning',
  'workload-auth': 'critical',
  'workload-throttle': 'critical',
  // An image in use that is gone or archived fails the next scale-out or restart.
  'images-at-risk': 'critical',
};

/**
 * One alarm to build: what it watches and when it breaches. Name, severity, description and actions are added
 * by the one factory ({@link CanaryAlarms}), the same way for every alarm.
 */
export interface AlarmSpec {
  /** Construct ID: a contract, since a changed ID replaces the alarm in users' accounts. */
  readonly id: string;
  /**
   * The target of a per-target alarm: goes into the alarm name.
   * @default - none: the alarm covers the whole canary
   */
  readonly target?: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly tuning: Required<AlarmTuning>;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** One sentence: what breached. */
  readonly summary: string;
  readonly runbooks: Runbook[];
}

/** What the per-alarm spec builders read. */
interface AlarmSpecInput {
  readonly metrics: CanaryMetricSource;
  readonly period: Duration;
  readonly targets: string[];
  readonly options: CanaryAlarmOptions;
}

const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const NOT_BREACHING = cloudwatch.TreatMissingData.NOT_BREACHING;

/**
 * The table of the canary's alarms, one small builder per kind, in the order they are created. Alarms on
 * metrics sent only on failure treat missing data as not breaching; the heartbeat, on a metric every run
 * sends, treats it as breaching. A builder returns no spec for a disabled alarm.
 */
const ALARM_SPECS: Readonly<Record<CanaryAlarmKind, (input: AlarmSpecInput) => AlarmSpec[]>> = {
  auth: ({ metrics, period, options }) => {
    const tuning = { ...ALARM_DEFAULTS.auth, ...options.auth };
    return enabled(tuning, {
      id: 'AuthAlarm',
      metric: metrics.metricAuthFailures({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: tuning.threshold,
      comparisonOperator: GTE,
      tuning,
      treatMissingData: NOT_BREACHING,
      summary: 'ECR pulls fail on credentials, authentication or permissions.',
      runbooks: runbooksFor(AUTH_CATEGORIES),
    });
  },
  throttle: ({ metrics, period, options }) => {
    const tuning = { ...ALARM_DEFAULTS.throttle, ...options.throttle };
    return enabled(tuning, {
      id: 'ThrottleAlarm',
      metric: metrics.metricFailures('throttle', { period, statistic: cloudwatch.Stats.SUM }),
      threshold: tuning.threshold,
      comparisonOperator: GTE,
      tuning,
      treatMissingData: NOT_BREACHING,
      summary: 'ECR throttled the canary past its retries.',
      runbooks: runbooksFor(['throttle']),
    });
  },
  'clock-skew': ({ metrics, period, options }) => {
    const tuning = { ...ALARM_DEFAULTS.clockSkew, ...options.clockSkew };
    return enabled(tuning, {
      id: 'ClockSkewAlarm',
      // Skew is signed (negative: host behind). One datapoint per run, so the period's Maximum is that value.
      metric: new cloudwatch.MathExpression({
        expression: 'ABS(skew)',
        usingMetrics: { skew: metrics.metricClockSkew({ period, statistic: cloudwatch.Stats.MAXIMUM }) },
        period,
        label: 'Absolute clock skew (s)',
      }),
      threshold: tuning.thresholdSeconds,
      comparisonOperator: GT,
      tuning,
      treatMissingData: NOT_BREACHING,
      summary: `The host clock is more than ${tuning.thresholdSeconds} s off AWS time.`,
      runbooks: runbooksFor(['clock-skew']),
    });
  },
  availability: ({ metrics, period, options }) => {
    const tuning = { ...ALARM_DEFAULTS.availability, ...options.availability };
    return enabled(tuning, {
      id: 'AvailabilityAlarm',
      metric: metrics.metricFailures(undefined, { period, statistic: cloudwatch.Stats.SUM }),
      threshold: tuning.threshold,
      comparisonOperator: GTE,
      tuning,
      treatMissingData: NOT_BREACHING,
      summary:
        'ECR pulls fail. The canary notification names the category and its runbook; the runbooks by category:',
      runbooks: runbooksFor(CATEGORIES),
    });
  },
  heartbeat: ({ metrics, period, targets, options }) => {
    const tuning = { ...ALARM_DEFAULTS.heartbeat, ...options.heartbeat };
    const heartbeatTarget = targets[0];
    if (heartbeatTarget === undefined) return [];
    const heartbeatPeriod = Duration.seconds(period.toSeconds() * tuning.periodMultiplier);
    return enabled(tuning, {
      id: 'HeartbeatAlarm',
      // The runs of the first target, which every run that publishes reports, healthy or failed: it goes quiet
      // when runs stop (schedule gone, Lambda throttled) or die before publishing (crash, timeout). Cheaper and
      // wider than the function's free AWS/Lambda metrics: those need two alarms, Invocations (stopped) and
      // Errors (crashed), $0.20, and miss a run whose metrics never arrive (lambda/engine/model/contract.ts METRIC).
      metric: metrics.metricRuns(heartbeatTarget, {
        period: heartbeatPeriod,
        statistic: cloudwatch.Stats.SAMPLE_COUNT,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      tuning,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      summary: `No canary run reported for at least ${heartbeatPeriod.toMinutes() * tuning.evaluationPeriods} minutes.`,
      runbooks: [HEARTBEAT_RUNBOOK],
    });
  },
  latency: ({ metrics, period, targets, options }) => {
    const tuning = { ...ALARM_DEFAULTS.latency, ...options.latency };
    return targets.flatMap((target) =>
      enabled(tuning, {
        id: `LatencyAlarm-${targetSlug(target)}`,
        target,
        metric: metrics.metricLatency(target, { period, statistic: tuning.statistic }),
        threshold: tuning.thresholdMs,
        comparisonOperator: GT,
        tuning,
        treatMissingData: NOT_BREACHING,
        summary: `Pulls of ${target} take longer than ${tuning.thresholdMs} ms (${tuning.statistic}), failed ones included.`,
        runbooks: runbooksFor(['network', 'service']),
      }),
    );
  },
};

function enabled(tuning: Required<AlarmTuning>, spec: AlarmSpec): AlarmSpec[] {
  return tuning.enabled ? [spec] : [];
}

/**
 * The canary's alarms, built from the table of alarm specs through one factory. Every one is a single-metric
 * alarm ($0.10 a month; the skew alarm's ABS() is metric math over one metric), has an alarm and an OK action
 * to the same topic, its severity and runbook in the description, and a name from {@link alarmName}.
 */
export class CanaryAlarms extends Construct {
  readonly alarms: CanaryAlarm[] = [];
  private readonly props: CanaryAlarmsProps;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: CanaryAlarmsProps) {
    super(scope, id);
    this.props = props;
    this.action = new SnsAction(props.topic);
    const input: AlarmSpecInput = {
      metrics: props.metrics,
      period: props.period,
      targets: props.targets,
      options: props.options ?? {},
    };
    for (const kind of CANARY_ALARM_KINDS) {
      for (const spec of ALARM_SPECS[kind](input)) this.alarms.push(this.createAlarm(kind, spec));
    }
  }

  /** The one alarm factory: name, severity, description and actions, the same for every alarm. */
  private createAlarm(kind: AlarmKind, spec: AlarmSpec): CanaryAlarm {
    const severity = ALARM_SEVERITY[kind];
    const target = spec.target === undefined ? {} : { target: spec.target };
    const name = alarmName({
      canaryName: this.props.canaryName,
      region: this.props.region,
      alarm: kind,
      severity,
      ...target,
    });
    const alarm = new cloudwatch.Alarm(this, spec.id, {
      alarmName: name,
      alarmDescription: alarmDescription({ severity, summary: spec.summary, runbooks: spec.runbooks }),
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods: spec.tuning.evaluationPeriods,
      datapointsToAlarm: spec.tuning.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return { kind, severity, ...target, alarm, alarmName: name };
  }
}
