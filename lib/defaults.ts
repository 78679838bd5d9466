import {
  DEFAULT_CLOCK_SKEW_THRESHOLD_SECONDS,
  DEFAULT_NAMESPACE,
  DEFAULT_REMINDER_HOURS,
} from '../lambda/contract.ts';

/**
 * Defaults and limits shared by the construct (its `@default`s) and the configuration file (its validation),
 * so the two can never disagree. No CDK import here: the config validator runs before any construct exists.
 */
export const CANARY_DEFAULTS = {
  /** Used by the app; the construct derives a unique name from its stack instead. */
  name: 'ecr-pull-canary',
  namespace: DEFAULT_NAMESPACE,
  scheduleMinutes: 5,
  memoryMiB: 256,
  logRetentionDays: 30,
  reminderHours: DEFAULT_REMINDER_HOURS,
  knownGoodImage: true,
  dashboard: true,
  /** The probe's own phase deadlines add up to about 35 s; a minute leaves room for the outputs. */
  maxTimeoutSeconds: 60,
  /** A run must end before the next one starts, or two runs overlap on every slow day. */
  timeoutHeadroomSeconds: 10,
  /** Lambda's minimum: a run that waited longer in the async queue is stale, so it is dropped. */
  maxEventAgeSeconds: 60,
  /** CloudFormation gives up on the deploy-time first run after this, instead of waiting an hour. */
  firstRunServiceTimeoutMinutes: 5,
} as const;

/** The workload watcher (`workloadWatch` in the configuration, lib/workload-watch.ts). */
export const WORKLOAD_WATCH_DEFAULTS = {
  /** ECS task state changes are AWS service events on the default bus: free, and the rule is narrow. */
  ecsTasks: true,
  /** Needs a trail that records read management events, which the account may not have. */
  ecrApiCalls: false,
} as const;

export const LIMITS = {
  scheduleMinutes: { min: 1, max: 60 },
  memoryMiB: { min: 128, max: 10_240 },
  /** Same range the handler accepts (lambda/handler-config.ts). */
  reminderHours: { min: 0.25, max: 168 },
  clockSkewSeconds: { min: 1, max: 900 },
  latencyMs: { min: 1, max: 60_000 },
  countThreshold: { min: 1, max: 1000 },
  heartbeatPeriodMultiplier: { min: 1, max: 12 },
  /** CloudWatch: evaluation periods × period must not exceed one day. */
  maxEvaluationSeconds: 86_400,
  /** Stack names (`<name>-<region>`), alarm names and the repository name all embed it. */
  nameMaxLength: 32,
  targetsPerRegion: 20,
} as const;

/** Lower-case so it is also a valid ECR repository path component and a readable alarm-name prefix. */
export const CANARY_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/** CloudWatch namespace characters; `AWS/` is reserved for AWS services. */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9._/#:-]{1,255}$/;

export interface AlarmDefaults {
  enabled: boolean;
  datapointsToAlarm: number;
  evaluationPeriods: number;
}

/**
 * M of N chosen so one failed run never pages: the failure alarms need two breaching runs out of three, the
 * latency warning three in a row (a cold start is slow once). The heartbeat (missing data breaching) is 3 of 3
 * on schedule-length periods: one real datapoint among the last three keeps it OK, so a late or missed run
 * does not page, nor does a fresh deployment once the deploy-time first run has reported (FIRST_RUN in
 * lambda/contract.ts); it pages when the whole evaluation range is empty.
 */
export const ALARM_DEFAULTS = {
  auth: { enabled: true, threshold: 1, datapointsToAlarm: 2, evaluationPeriods: 3 },
  throttle: { enabled: true, threshold: 1, datapointsToAlarm: 2, evaluationPeriods: 3 },
  availability: { enabled: true, threshold: 1, datapointsToAlarm: 2, evaluationPeriods: 3 },
  clockSkew: {
    enabled: true,
    thresholdSeconds: DEFAULT_CLOCK_SKEW_THRESHOLD_SECONDS,
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
  },
  heartbeat: { enabled: true, periodMultiplier: 1, datapointsToAlarm: 3, evaluationPeriods: 3 },
  latency: {
    enabled: true,
    thresholdMs: 3000,
    statistic: 'p90',
    datapointsToAlarm: 3,
    evaluationPeriods: 3,
  },
} as const;

/** Timeout of the probe function: a minute at most, and always ending before the next scheduled run. */
export function defaultTimeoutSeconds(scheduleMinutes: number): number {
  return Math.min(
    CANARY_DEFAULTS.maxTimeoutSeconds,
    scheduleMinutes * 60 - CANARY_DEFAULTS.timeoutHeadroomSeconds,
  );
}
