/**
 * The contract between the CDK construct and the deployed function: environment variables the construct
 * sets, and the metric names and dimensions the function publishes and the alarms and dashboard read.
 * Both sides import these names from here, so they cannot drift apart.
 */
import type { ProbeTarget } from './types.ts';

export const ENV = {
  /** JSON array of {@link HandlerTarget}. */
  targets: 'CANARY_TARGETS',
  /** Identifies this canary in notifications and dedup keys; unique per account. */
  canaryName: 'CANARY_NAME',
  namespace: 'CANARY_NAMESPACE',
  /** SNS topic for diagnoses. @default none: no notifications */
  topicArn: 'CANARY_TOPIC_ARN',
  /** DynamoDB table that holds the notification dedup state. @default none: every failing run notifies */
  stateTable: 'CANARY_STATE_TABLE',
  reminderHours: 'CANARY_REMINDER_HOURS',
  clockSkewThresholdSeconds: 'CANARY_CLOCK_SKEW_THRESHOLD_SECONDS',
  /** Name of the (global) dashboard, for links in notifications. */
  dashboardName: 'CANARY_DASHBOARD_NAME',
} as const;

/** A target as the construct hands it to the function: always named, so metric dimensions never change. */
export type HandlerTarget = ProbeTarget & { name: string };

/**
 * Steady-state metrics (sent every run) are billed $0.30 per name × dimension set per region-month, so only
 * two per target are: Success and Latency. Everything else is sent only when there is something to say,
 * which hourly proration makes nearly free while the canary is healthy.
 */
export const METRIC = {
  /** 1 healthy / 0 failed, per target, every run. Its SampleCount is the heartbeat. */
  success: 'Success',
  /** Wall time of a healthy probe in ms, per target (failed probes would page the latency alarm twice). */
  latency: 'Latency',
  /**
   * Host minus AWS clock in seconds (signed), per region, sent when the skew is measurable, i.e. larger than
   * the estimate's own uncertainty (about ±0.5 s); on a synced host that is never, so it costs nothing.
   */
  clockSkew: 'ClockSkew',
  /** Failed targets: with the Category dimension per category, and without it in total. Only when non-zero. */
  failures: 'Failures',
  /** Failed targets in the credentials, auth and permission categories, for the auth alarm. Only when non-zero. */
  authFailures: 'AuthFailures',
  /** Throttled responses, the SDK's retried ones included. Only when non-zero. */
  throttled: 'ThrottledResponses',
} as const;

/**
 * The deploy-time first run: a custom resource served by the probe function itself, which the heartbeat alarm
 * waits for, so the alarm's first evaluation already finds a datapoint (a fresh deployment does not page).
 * Its properties carry the targets, so a change of targets runs it again before the alarm is updated.
 */
export const FIRST_RUN = {
  resourceType: 'Custom::EcrPullCanaryFirstRun',
  properties: { targets: 'Targets' },
  /** What the run reports back to CloudFormation (resource attributes). */
  attributes: { ok: 'Ok', failed: 'Failed', metricsVia: 'MetricsVia' },
} as const;

/** Categories that the auth alarm covers. */
export const AUTH_CATEGORIES = ['credentials', 'auth', 'permission'] as const;

/** DynamoDB dedup state: partition key and the TTL attribute (epoch seconds) that retires removed targets. */
export const STATE_TABLE = { partitionKey: 'pk', ttlAttribute: 'expiresAt' } as const;

export const DIMENSION = {
  target: 'Target',
  category: 'Category',
} as const;

/**
 * Message attribute every diagnosis from the function carries (its value: failure, category-changed,
 * reminder, recovery), for subscribers' own filter policies (e.g. a chat channel). Pager routing does not use
 * it: CloudWatch alarm notifications carry no attributes at all, and SNS never matches `"exists": false` on a
 * message without attributes, so pagers filter on the alarm notification's JSON body instead (lib/alarm-topic.ts).
 */
export const DIAGNOSIS_KIND_ATTRIBUTE = 'kind';
