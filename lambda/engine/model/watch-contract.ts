/**
 * The contract between the workload watcher's CDK construct (lib/workload-watch.ts) and its function
 * (lambda/functions/watch/handler.ts): environment variables, metric names, the events the rules select and the dedup
 * key namespace. Both sides import them from here, so the rule that selects an event and the code that reads
 * it cannot drift apart.
 */

export const WATCH_ENV = {
  canaryName: 'WATCH_CANARY_NAME',
  namespace: 'WATCH_NAMESPACE',
  /** SNS topic for the notifications. @default none: metrics only */
  topicArn: 'WATCH_TOPIC_ARN',
  /** The canary's DynamoDB state table: the dedup state and the canary's own verdicts. */
  stateTable: 'WATCH_STATE_TABLE',
  /** One notification per workload and category within this many hours. */
  dedupHours: 'WATCH_DEDUP_HOURS',
  dashboardName: 'WATCH_DASHBOARD_NAME',
} as const;

/**
 * What the watcher's code carries beside its bundle (lambda/engine/model/code-data.ts) rather than its environment:
 * the canary's target names, whose state items hold its latest verdict in this region. A hundred names of up to
 * 255 characters do not fit Lambda's 4 KB environment.
 */
export interface WatchCodeData {
  canaryTargets: string[];
}

export const WATCH_METRIC = {
  /**
   * Workload pull failures seen in events: with the Category dimension per category, and without it in total.
   * Sent only when an event arrives, so nothing is billed while nothing fails. No per-task, per-service or
   * per-principal dimension: each distinct dimension set is a metric billed by the hour it exists.
   */
  pullFailures: 'WorkloadPullFailures',
  /** The same failures in the credentials, auth and permission categories, for the auth alarm (one metric). */
  authFailures: 'WorkloadAuthFailures',
} as const;

/** Every dedup item of the watcher starts with this, apart from the canary's per-target items. */
export const WATCH_STATE_PREFIX = 'watch#';

/**
 * The one ResourceInitializationError reason Fargate gives for both the execution role's ECR registry auth and
 * its secrets: what follows it says which ("Amazon ECS stopped task errors"; forms from public reports below).
 */
const RESOURCE_INITIALIZATION = 'ResourceInitializationError: unable to pull secrets or registry auth: ';

/**
 * ECS task state change events whose task stopped because it could not pull its image or get ECR registry auth.
 * The prefixes are how the ECS agent and Fargate start those reasons ("Amazon ECS stopped task errors":
 * CannotPullContainerError, and ResourceInitializationError for the execution role's registry auth; older agents
 * say CannotPullECRContainerError, see aws/amazon-ecs-agent#498).
 *
 * Only the ECR forms of ResourceInitializationError: the same reason starts Secrets Manager and SSM failures,
 * which are no ECR pull problem and must not page the ECR alarm with the ECR runbook:
 * - ECR: "… execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been
 *   retried 3 time(s): …" (aws/aws-app-mesh-examples#413, doctorray117/minecraft-ondemand#74) and, from newer
 *   Fargate platform versions, "… The task cannot pull registry auth from Amazon ECR: There is a connection issue
 *   …" (aws/copilot-cli#5927);
 * - not ECR: "… execution resource retrieval failed: unable to retrieve secret from asm: …"
 *   (Releem/releem-agent#195, GiamPy5/terraform-aws-directus#10) and "… unable to retrieve secrets from ssm: …"
 *   (aws/copilot-cli#2095, #3104).
 * A form not listed here is not counted: a missed workload failure (the canary still probes the path) rather
 * than a page for someone else's secret.
 */
export const ECS_EVENT = {
  source: 'aws.ecs',
  detailType: 'ECS Task State Change',
  stoppedStatus: 'STOPPED',
  reasonPrefixes: [
    'CannotPullContainerError',
    'CannotPullECRContainerError',
    `${RESOURCE_INITIALIZATION}execution resource retrieval failed: unable to retrieve ecr registry auth`,
    `${RESOURCE_INITIALIZATION}The task cannot pull registry auth from Amazon ECR`,
  ],
} as const;

/** ECR API calls, as CloudTrail delivers them to EventBridge, that pull, log in or push. */
export const ECR_API_EVENT = {
  source: 'aws.ecr',
  detailType: 'AWS API Call via CloudTrail',
  eventSource: 'ecr.amazonaws.com',
  eventNames: [
    'GetAuthorizationToken',
    'BatchGetImage',
    'GetDownloadUrlForLayer',
    'BatchCheckLayerAvailability',
    'InitiateLayerUpload',
    'UploadLayerPart',
    'CompleteLayerUpload',
    'PutImage',
  ],
} as const;

/**
 * The EventBridge rule state that also delivers read-only management events from CloudTrail
 * (GetAuthorizationToken, BatchGetImage and GetDownloadUrlForLayer are read-only). EventBridge user guide,
 * "Receiving read-only management events from AWS services".
 */
export const CLOUDTRAIL_MANAGEMENT_RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** The event patterns of the two rules, built from the constants above. */
export function ecsTaskPattern(): Record<string, unknown> {
  const prefixes = ECS_EVENT.reasonPrefixes.map((prefix) => ({ prefix }));
  return {
    source: [ECS_EVENT.source],
    'detail-type': [ECS_EVENT.detailType],
    detail: {
      // Not `stopCode`: the reason prefixes already select exactly the pull failures, and the stop code of a
      // task whose container failed to pull is not documented to be the same on every launch type.
      lastStatus: [ECS_EVENT.stoppedStatus],
      // The task's own reason (Fargate) or a container's reason (the EC2 agent): either names the pull failure.
      // `$or` is supported in rules on event buses ("Comparison operators for use in event patterns").
      $or: [{ stoppedReason: prefixes }, { containers: { reason: prefixes } }],
    },
  };
}

export function ecrApiPattern(): Record<string, unknown> {
  return {
    source: [ECR_API_EVENT.source],
    'detail-type': [ECR_API_EVENT.detailType],
    detail: {
      eventSource: [ECR_API_EVENT.eventSource],
      eventName: [...ECR_API_EVENT.eventNames],
      errorCode: [{ exists: true }],
    },
  };
}
