/**
 * The contract between the CDK construct and the deployed function: environment variables the construct
 * sets, and the metric names and dimensions the function publishes and the alarms and dashboard read.
 * Both sides import these names from here, so they cannot drift apart.
 */
import type { ProbeTarget } from './types.ts';

export const ENV = {
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
 * What the probe function's code carries beside its bundle (lambda/engine/model/code-data.ts): its targets, the
 * heartbeat target first. Not the environment: twenty ordinary targets already pass Lambda's 4 KB.
 */
export interface ProbeCodeData {
  targets: HandlerTarget[];
}

/**
 * Steady-state metrics (sent every run) are billed $0.30 per name × dimension set per region-month, and at
 * organization scale every one of them is multiplied by accounts × regions, so only ONE per target is: Latency,
 * the probe's wall time, sent for every probe, healthy or failed (issue 12; it was two, Success and Latency).
 * Everything else is sent only when there is something to say, which hourly proration makes nearly free while
 * the canary is healthy. What each signal reads instead:
 * - heartbeat: Latency{Target=<first target>} SampleCount, missing data breaching. Every run that publishes
 *   sends it, healthy or not, so it stops only when runs stop (no schedule, throttled, disabled) or a run dies
 *   before publishing (crash, timeout). One alarm, $0.10, and no extra metric; the function's own AWS/Lambda
 *   metrics are free but would need two alarms for the same cover (Invocations for a stop, Errors for a crash,
 *   $0.20) and would miss a run whose metrics never arrive.
 * - can this target pull: `Failures{Target}`, sent only for a failed probe; the success rate is
 *   1 - failures / runs (runs: Latency SampleCount), metric math on the dashboard only.
 * - latency alarm: unchanged in shape (p90 over the schedule period, 3 of 3, missing not breaching). What
 *   changes: a failed probe now reports its wall time instead of nothing. A fast failure is under the
 *   threshold, which the alarm treats as it treated the missing datapoint before (not breaching); a failure
 *   that took longer than the threshold (a hang until the deadline) now counts as slow, so a hanging target
 *   also warns on latency, beside the availability page. Its runbook (network) is the one that applies.
 */
export const METRIC = {
  /**
   * Wall time of every probe in ms, per target, every run, healthy or failed: the one steady-state metric.
   * Its SampleCount counts runs (the heartbeat; the denominator of the success rate).
   */
  latency: 'Latency',
  /**
   * Host minus AWS clock in seconds (signed), per region, sent when the skew is measurable, i.e. larger than
   * the estimate's own uncertainty (about ±0.5 s); on a synced host that is never, so it costs nothing.
   */
  clockSkew: 'ClockSkew',
  /**
   * Failed targets, only when non-zero: without dimensions in total (the availability alarm), with Category per
   * category (throttle alarm, dashboard), with Target per target (which target cannot pull).
   */
  failures: 'Failures',
  /** Failed targets in the credentials, auth and permission categories, for the auth alarm. Only when non-zero. */
  authFailures: 'AuthFailures',
  /** Throttled responses, the SDK's retried ones included. Only when non-zero. */
  throttled: 'ThrottledResponses',
} as const;

/** The metrics sent for every target on every run, whatever the verdict: what a healthy canary is billed for. */
export const STEADY_STATE_METRICS_PER_TARGET = [METRIC.latency] as const;

/**
 * The deploy-time first run: a custom resource served by the probe function, which the heartbeat alarm waits for,
 * so the alarm's first evaluation already finds a datapoint (a fresh deployment does not page). Its `Targets`
 * property is the SHA-256 of the targets the function's code carries (lambda/engine/model/code-data.ts), so a change of
 * targets runs it again before the alarm is updated, without the targets themselves in the template twice.
 *
 * Who answers CloudFormation: outside a VPC the probe function PUTs the answer to the presigned S3 URL itself.
 * In a VPC that PUT goes through the subnets' S3 gateway endpoint, whose policy (as ECR's VPC-endpoint guide
 * recommends it) admits the layer bucket only, so the answer never arrives and the stack waits out the timeout.
 * There a CDK Provider function outside the VPC is the service token: it invokes the probe synchronously with
 * `answer: "return"`, and the probe returns the answer instead of PUTting it (lib/ecr-pull-canary.ts).
 */
export const FIRST_RUN = {
  resourceType: 'Custom::EcrPullCanaryFirstRun',
  /**
   * Its construct ID by who serves it (the probe function itself, or the relay outside the VPC): a custom
   * resource's service token cannot change, so each kind is its own resource (lib/ecr-pull-canary.ts).
   */
  constructIds: { direct: 'FirstRun', relayed: 'FirstRunRelayed' },
  properties: { targets: 'Targets', answer: 'Answer' },
  /** The `answer` property's value when a relay outside the VPC sends the answer to CloudFormation. */
  answerByReturn: 'return',
  /** What the run reports back to CloudFormation (resource attributes). */
  attributes: { ok: 'Ok', failed: 'Failed', metricsVia: 'MetricsVia' },
} as const;

/** Categories that the auth alarm covers. */
export const AUTH_CATEGORIES = ['credentials', 'auth', 'permission'] as const;

/** DynamoDB dedup state: partition key and the TTL attribute (epoch seconds) that retires removed targets. */
/**
 * What SNS asks KMS for on behalf of a publisher to a topic encrypted with a customer-managed key: the grant the
 * function gets on that key (lib/alarm-topic.ts grantPublish), and what preflight checks the key policy admits.
 */
export const TOPIC_KEY_PUBLISH_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

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
