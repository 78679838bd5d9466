/**
 * Every limit and default of the canary, each written once: the construct (its `@default`s and validation), the
 * configuration file's validation, the function's environment parsing (lambda/engine/handler-config.ts), the probe and
 * the CLI all read them from here. Pure data: no CDK and no SDK import, so both sides of the app can use it.
 */

/** An inclusive range, and the default where the setting has one. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

export const LIMITS = {
  scheduleMinutes: { min: 1, max: 60, default: 5 },
  memoryMiB: { min: 128, max: 10_240, default: 256 },
  /** While a target keeps failing with the same category, remind at most this often. */
  reminderHours: { min: 0.25, max: 168, default: 6 },
  /** Skew beyond this (after the estimate's uncertainty) fails the probe; also the clock-skew alarm's threshold. */
  clockSkewSeconds: { min: 1, max: 900, default: 60 },
  latencyMs: { min: 1, max: 60_000, default: 3000 },
  countThreshold: { min: 1, max: 1000, default: 1 },
  heartbeatPeriodMultiplier: { min: 1, max: 12, default: 1 },
  /** Lambda's own limit on a function's timeout. */
  functionTimeoutSeconds: { min: 1, max: 900 },
  /** The CLI's `--timeout`, a deadline per phase. */
  cliPhaseTimeoutMs: { min: 100, max: 300_000 },
  /** CloudWatch: evaluation periods × period must not exceed one day. */
  maxEvaluationSeconds: 86_400,
  /** Stack names (`<name>-<region>`), alarm names and the repository name all embed it. */
  nameMaxLength: 32,
  /**
   * Targets in one region's canary. What holds it: the targets live in the function's code, not its environment
   * (lambda/engine/model/code-data.ts); every target adds one latency alarm (and its widget lines), so a region's stack
   * stays far under SERVICE_LIMITS.cfnResources and its alarm-status widgets are split at
   * SERVICE_LIMITS.alarmStatusWidgetAlarms; the probe runs every target concurrently, one token per region and
   * identity, well inside the schedule (bench/targets.ts). test/cdk/limits.test.ts synthesizes this many.
   */
  targetsPerRegion: 100,
  /**
   * E-mail addresses, and https endpoints, per region: each is a subscription resource in the region's stack, and
   * the stack must stay under SERVICE_LIMITS.cfnResources with the target limit's alarms (test/cdk/limits.test.ts).
   */
  subscriptionsPerProtocol: 25,
  /** Lambda's own limits on VPC placement. */
  subnetsPerFunction: 16,
  /** Clusters one EKS watch run reads (ListClusters gives up to 100 a page; each cluster is two lists). */
  eksClusters: 100,
  /** Clusters with a VPC placement: one function each, in that cluster's VPC. */
  eksPrivateClusters: 10,
  securityGroupsPerFunction: 5,
} as const;

/**
 * Deadline of each phase of a probe, the SDK's retries included; about 40 s in all (two manifest requests when a
 * platform check needs the config blob, then the layer phase: the platform manifest of an index, the blob request
 * to the registry and the first byte from the storage host it redirects to). The seeding function uses the first
 * three.
 */
export const PHASE_TIMEOUTS_MS = {
  credentials: 5000,
  token: 10_000,
  manifest: 10_000,
  layer: 5000,
} as const;

/**
 * Redirects a blob request may take from the registry to its storage host; ECR takes one (a 307 to S3). More is a
 * loop or a misconfigured proxy, and ends the request with a verdict.
 */
export const MAX_BLOB_REDIRECTS = 5;

/** What the probe uses unless told otherwise (lambda/engine/probe/probe.ts `ProbeOptions`). */
export const PROBE_DEFAULTS = {
  credentialsTimeoutMs: PHASE_TIMEOUTS_MS.credentials,
  tokenTimeoutMs: PHASE_TIMEOUTS_MS.token,
  manifestTimeoutMs: PHASE_TIMEOUTS_MS.manifest,
  layerTimeoutMs: PHASE_TIMEOUTS_MS.layer,
  clockSkewThresholdSeconds: LIMITS.clockSkewSeconds.default,
  lookupIdentity: true,
} as const;

/** How the function splits its time between the probes and the outputs that run after them. */
export const RUN_BUDGET_MS = {
  /** Time kept back from the probes for metrics, notifications and the dedup store. */
  outputReserve: 8000,
  /** Deadline of each output call (PutMetricData, each SNS Publish, each dedup-state read or write), retries included. */
  outputCall: 3000,
  /** No phase deadline is scaled below this, however little time is left. */
  minPhase: 500,
} as const;

/** The retention values CloudWatch Logs accepts (`logs.RetentionDays`; 9999 is "never expire"). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  9999,
];

export const CANARY_DEFAULTS = {
  /** Used by the app and the function; the construct derives a unique name from its stack instead. */
  name: 'ecr-pull-canary',
  namespace: 'EcrPullCanary',
  scheduleMinutes: LIMITS.scheduleMinutes.default,
  memoryMiB: LIMITS.memoryMiB.default,
  logRetentionDays: 30,
  reminderHours: LIMITS.reminderHours.default,
  clockSkewThresholdSeconds: LIMITS.clockSkewSeconds.default,
  knownGoodImage: true,
  dashboard: true,
  /** The probe's own phase deadlines add up to about 40 s; a minute leaves room for the outputs. */
  maxTimeoutSeconds: 60,
  /** A run must end before the next one starts, or two runs overlap on every slow day. */
  timeoutHeadroomSeconds: 10,
  /** Lambda's minimum: a run that waited longer in the async queue is stale, so it is dropped. */
  maxEventAgeSeconds: 60,
  /** CloudFormation gives up on the deploy-time first run after this, instead of waiting an hour. */
  firstRunServiceTimeoutMinutes: 5,
} as const;

/** A probe target's switches (`ProbeTarget`). */
export const TARGET_DEFAULTS = {
  /**
   * Download the first byte of the smallest layer through the registry's storage redirect (the `layer` phase).
   * Off for a registry that bills per request, or one whose blobs the canary must not read.
   */
  layerCheck: true,
  /** A pull-through-cache repository: the probe role also gets the cache's import and create actions on it. */
  pullThroughCache: false,
} as const;

/** The workload watcher (`workloadWatch` in the configuration, lib/workload-watch.ts). */
export const WORKLOAD_WATCH_DEFAULTS = {
  /** ECS task state changes are AWS service events on the default bus: free, and the rule is narrow. */
  ecsTasks: true,
  /** Needs a trail that records read management events, which the account may not have. */
  ecrApiCalls: false,
} as const;

/** The images-in-use inventory (`imageInventory` in the configuration). */
export const INVENTORY_DEFAULTS = {
  /** Opt-in (`imageInventory.enabled`): it reads every ECS and Lambda workload of the account, which a canary does not. */
  enabled: false,
  /** Lifecycle policies run about daily; half an hour finds a deletion well before the next scale-out, cheaply. */
  scheduleMinutes: 30,
  /** A lifecycle action due within a week is a risk worth a page; later ones are listed by the command. */
  horizonDays: 7,
  /** The run's own deadline: the function's timeout (the image inventory construct) leaves room for the outputs. */
  runBudgetSeconds: 600,
} as const;

export const INVENTORY_LIMITS = {
  scheduleMinutes: { min: 5, max: 1440 },
  horizonDays: { min: 1, max: 365 },
} as const;

/**
 * Page and batch sizes of the reads the inventory makes, each the API's own maximum (API references:
 * ECS ListClusters/ListServices/ListTasks maxResults 100, DescribeServices 10 services, DescribeTasks 100 tasks;
 * Lambda ListFunctions MaxItems 50; ECR DescribeImages maxResults 1000), and how many calls run at once per
 * service. The call count of a run follows from them (lambda/engine/inventory/calls.ts).
 */
export const INVENTORY_API = {
  ecsListPage: 100,
  ecsDescribeServices: 10,
  ecsDescribeTasks: 100,
  lambdaListPage: 50,
  ecrDescribeImagesPage: 1000,
  concurrencyPerService: 8,
  /** Attempts per call, the SDK's throttling back-off (adaptive mode) included, before a read is "not checked". */
  maxAttempts: 8,
} as const;

/** Lower-case so it is also a valid ECR repository path component and a readable alarm-name prefix. */
export const CANARY_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * A target's name, which is its metric dimension value: printable ASCII without spaces, as CloudWatch allows.
 * The probe CLI's `--target-name` takes the same names as a target's `name` in the configuration.
 */
export const TARGET_NAME_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** CloudWatch namespace characters, not starting with `AWS/` (any case), which is reserved for AWS services. */
export const NAMESPACE_PATTERN = /^(?![Aa][Ww][Ss]\/)[A-Za-z0-9._/#:-]{1,255}$/;

/** Statistics the latency alarm may use. */
export const LATENCY_STATISTICS = ['p50', 'p90', 'p95', 'p99', 'Average', 'Maximum'] as const;

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
 * lambda/engine/model/contract.ts); it pages when the whole evaluation range is empty.
 */
export const ALARM_DEFAULTS = {
  auth: {
    enabled: true,
    threshold: LIMITS.countThreshold.default,
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
  },
  throttle: {
    enabled: true,
    threshold: LIMITS.countThreshold.default,
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
  },
  availability: {
    enabled: true,
    threshold: LIMITS.countThreshold.default,
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
  },
  clockSkew: {
    enabled: true,
    thresholdSeconds: LIMITS.clockSkewSeconds.default,
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
  },
  heartbeat: {
    enabled: true,
    periodMultiplier: LIMITS.heartbeatPeriodMultiplier.default,
    datapointsToAlarm: 3,
    evaluationPeriods: 3,
  },
  latency: {
    enabled: true,
    thresholdMs: LIMITS.latencyMs.default,
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

/** Longest timeout a probe function may have: Lambda's limit, and a run must end before the next one starts. */
export function maxTimeoutSeconds(scheduleMinutes: number): number {
  return Math.min(LIMITS.functionTimeoutSeconds.max, scheduleMinutes * 60 - 1);
}

/**
 * Organization rollout (`organization` in the configuration, lib/organization/): the identifier forms AWS
 * Organizations uses and the StackSet defaults. OU and root IDs as in the Organizations API reference
 * (OrganizationalUnit.Id `^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`, Root.Id `^r-[0-9a-z]{4,32}$`, Organization.Id
 * `^o-[a-z0-9]{10,32}$`).
 */
export const ORGANIZATIONAL_UNIT_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ORGANIZATION_ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** A StackSet operation preference written as a share of the targets: 1% to 100%. */
export const PERCENTAGE_PATTERN = /^(100|[1-9][0-9]?)%$/;
/** An OAM sink: `arn:<partition>:oam:<region>:<account>:sink/<id>`. */
export const OAM_SINK_ARN_PATTERN = /^arn:aws[a-z-]*:oam:([a-z0-9-]+):(\d{12}):sink\/[A-Za-z0-9-]+$/;
/** What each member's OAM link shares with the monitoring account's sink, and so what the sink's policy must admit. */
export const OAM_LINK_RESOURCE_TYPES = ['AWS::CloudWatch::Metric'] as const;
/** What the sink's policy must allow the organization's accounts to do for their links to deploy and change. */
export const OAM_LINK_ACTIONS = ['oam:CreateLink', 'oam:UpdateLink'] as const;

export const ORGANIZATION_DEFAULTS = {
  /**
   * New accounts of the targeted OUs get the canary; an account that leaves loses it (stacks not retained).
   * The operation preferences below do not apply to these automatic deployments ("StackSetOperationPreferences
   * don't apply to AutoDeployment, even if it's enabled", API_StackSetOperationPreferences).
   */
  autoDeployment: true,
  callAs: 'SELF',
  /** With explicit accounts: deploy only to those of them inside the OUs. */
  accountFilter: 'INTERSECTION',
  /**
   * Accounts per region at once; SOFT_FAILURE_TOLERANCE keeps this independent of the tolerance. A percentage
   * rounds down, but never to zero: "where rounding down would result is zero ... CloudFormation sets the
   * number as one instead" (MaxConcurrentPercentage, API_StackSetOperationPreferences).
   */
  maxConcurrent: '25%',
  /**
   * Failed accounts per region before the operation stops, as a count: a percentage rounds down to zero below
   * 100/p accounts (FailureTolerancePercentage "rounds down to the next whole number"), so "10%" of fewer than
   * ten accounts stopped the rollout, and failed and rolled back the whole StackSet, at the first account that
   * could not take the canary. One tolerated account in every organization, whatever its size; a broken
   * template still stops each region after its first batch (at most `maxConcurrent` accounts).
   */
  failureTolerance: 1,
  regionConcurrency: 'PARALLEL',
  monitoringAccountIsMember: false,
} as const;

export const STACK_SET_CALL_AS = ['SELF', 'DELEGATED_ADMIN'] as const;
/**
 * UNION is not among them: "UNION is not supported for create operations when using StackSet as a resource"
 * (AWS::CloudFormation::StackSet DeploymentTargets;
 * aws-cloudformation/aws-cloudformation-resource-providers-cloudformation#100).
 */
export const STACK_SET_ACCOUNT_FILTERS = ['INTERSECTION', 'DIFFERENCE'] as const;
export const STACK_SET_REGION_CONCURRENCY = ['PARALLEL', 'SEQUENTIAL'] as const;

/** A limit a service puts on what the canary emits, with the public page that states it. */
export interface ServiceLimit {
  readonly value: number;
  /** What is limited, and how the service measures it. */
  readonly what: string;
  readonly source: string;
}

const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const CLOUDWATCH_QUOTAS =
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html';
const PUT_METRIC_ALARM =
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html';
const CFN_QUOTAS =
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';
const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const SNS_FILTER = 'https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html';

/**
 * Every service limit that what the canary emits must meet, written once. test/cdk/limits.test.ts synthesizes the
 * largest valid configurations and checks each of them on the templates and assets, measured the way the service
 * measures; validation refuses what would pass one (lambda/engine/config/validation.ts, lib/dashboard-limits.ts, lib/ecr-pull-canary.ts). Values are the
 * defaults of adjustable quotas: a deployment must not depend on a raised quota.
 */
export const SERVICE_LIMITS = {
  lambdaEnvironmentBytes: {
    value: 4096,
    what: "a function's environment variables in aggregate: the bytes of every key and value (cfn-lint E3697 counts them so)",
    source: LAMBDA_QUOTAS,
  },
  lambdaCodeUnzippedBytes: {
    value: 262_144_000,
    what: "a function's deployment package, unzipped, layers included (250 MB); CloudFormation deploys the zip from S3, so the 50 MB direct-upload limit does not apply",
    source: LAMBDA_QUOTAS,
  },
  lambdaDescriptionChars: {
    value: 256,
    what: "a function's Description",
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html',
  },
  alarmNameChars: { value: 255, what: 'an alarm name (AlarmName)', source: PUT_METRIC_ALARM },
  alarmDescriptionChars: {
    value: 1024,
    what: 'an alarm description (AlarmDescription)',
    source: PUT_METRIC_ALARM,
  },
  alarmActions: {
    value: 5,
    what: 'actions per alarm state (AlarmActions, OKActions)',
    source: PUT_METRIC_ALARM,
  },
  metricDimensions: { value: 30, what: 'dimensions of one metric', source: CLOUDWATCH_QUOTAS },
  putMetricDataMetrics: {
    value: 1000,
    what: 'metrics (MetricDatum) in one PutMetricData request, also at most 1 MB',
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html',
  },
  dashboardWidgets: { value: 500, what: 'widgets on one dashboard', source: CLOUDWATCH_QUOTAS },
  dashboardMetricsPerWidget: {
    value: 500,
    what: 'metrics on one dashboard widget (counted here: every entry of its metrics array, expressions included)',
    source: CLOUDWATCH_QUOTAS,
  },
  dashboardMetrics: {
    value: 2500,
    what: 'metrics on one dashboard, across all its widgets (counted as per widget)',
    source: CLOUDWATCH_QUOTAS,
  },
  alarmStatusWidgetAlarms: {
    value: 100,
    what: "alarm ARNs in one alarm status widget's alarms array",
    source:
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html',
  },
  eventPatternChars: {
    value: 2048,
    what: "an EventBridge rule's event pattern, in characters (the default of an adjustable quota, up to 4096)",
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
  },
  iamRolePolicyChars: {
    value: 10_240,
    what: "a role's inline policies in aggregate, not counting white space",
    source: IAM_QUOTAS,
  },
  iamManagedPolicyChars: {
    value: 6144,
    what: 'one managed policy, not counting white space',
    source: IAM_QUOTAS,
  },
  iamManagedPoliciesPerRole: {
    value: 10,
    what: 'managed policies attached to one role (the default; up to 20 on request)',
    source: IAM_QUOTAS,
  },
  cfnTemplateBodyBytes: {
    value: 51_200,
    what: 'a template passed inline (TemplateBody); the CDK CLI uploads a larger one to S3',
    source: CFN_QUOTAS,
  },
  cfnTemplateUrlBytes: {
    value: 1_048_576,
    what: 'a template read from S3 (TemplateURL), as every StackSet member template is',
    source: CFN_QUOTAS,
  },
  cfnResources: { value: 500, what: 'resources in one template', source: CFN_QUOTAS },
  cfnOutputs: { value: 200, what: 'outputs in one template', source: CFN_QUOTAS },
  cfnParameters: { value: 200, what: 'parameters in one template', source: CFN_QUOTAS },
  cfnMappings: { value: 200, what: 'mappings in one template', source: CFN_QUOTAS },
  cfnMappingAttributes: { value: 200, what: 'attributes in one mapping', source: CFN_QUOTAS },
  cfnDescriptionBytes: { value: 1024, what: "a template's Description", source: CFN_QUOTAS },
  customResourceResponseBytes: {
    value: 4096,
    what: 'the data a custom resource provider returns',
    source: CFN_QUOTAS,
  },
  snsFilterPolicyKeys: { value: 5, what: 'keys in one filter policy', source: SNS_FILTER },
  snsFilterPolicyCombinations: {
    value: 150,
    what: 'combinations of values in one filter policy: the product of the sizes of its value arrays',
    source: SNS_FILTER,
  },
  snsFilterPolicyBytes: { value: 262_144, what: 'one filter policy (256 KB)', source: SNS_FILTER },
  oamLabelTemplateChars: {
    value: 64,
    what: "an OAM link's LabelTemplate",
    source: 'https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html',
  },
} as const satisfies Record<string, ServiceLimit>;

/** CloudFormation's template size limits (Quotas page): inline TemplateBody and a template read from S3. */
export const TEMPLATE_LIMITS = {
  bodyBytes: SERVICE_LIMITS.cfnTemplateBodyBytes.value,
  urlBytes: SERVICE_LIMITS.cfnTemplateUrlBytes.value,
} as const;
