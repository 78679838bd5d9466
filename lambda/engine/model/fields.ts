/**
 * Every key of `canary.config.json`, declared once: its type, default, range or choices, what validation says is
 * allowed, the construct prop it maps to where the name differs, and the text of the configuration reference.
 * Derived from here: the key lists and field checks of the validator (lambda/engine/config/validation.ts `checkField`), the
 * TypeScript types of the file (lambda/engine/config/schema.ts, with compile-time checks that tie the construct's
 * interfaces to these declarations), the JSON Schema `schema/canary.config.schema.json` and the tables of
 * docs/configuration.md (scripts/config-schema.ts writes both; tests keep the committed files equal).
 *
 * Pure data: no CDK, no SDK, no I/O. Defaults and limits are not written here but imported from limits.ts, where
 * the function and the construct read them too. Checks that relate fields to each other (a region's overrides, a
 * topic's region, the organization's account filter, alarm M of N) stay code in the validator.
 */
import { ACCOUNT_ID, IAM_ROLE_ARN, KMS_KEY_ARN, PRINCIPAL_ARN, SNS_TOPIC_ARN } from './arn.ts';
import { EKS_ALL_CLUSTERS, EKS_CLUSTER_NAME, EKS_WATCH_SCHEDULE_MINUTES } from './eks-contract.ts';
import { isRegistryUrlAllowed, REGISTRY_URL_ALLOWED } from './image-ref.ts';
import {
  ALARM_DEFAULTS,
  CANARY_DEFAULTS,
  CANARY_NAME_PATTERN,
  INVENTORY_DEFAULTS,
  INVENTORY_LIMITS,
  LATENCY_STATISTICS,
  LIMITS,
  LOG_RETENTION_DAYS,
  NAMESPACE_PATTERN,
  OAM_SINK_ARN_PATTERN,
  ORGANIZATION_DEFAULTS,
  ORGANIZATION_ID_PATTERN,
  ORGANIZATION_ROOT_ID_PATTERN,
  ORGANIZATIONAL_UNIT_ID_PATTERN,
  PERCENTAGE_PATTERN,
  type Range,
  STACK_SET_ACCOUNT_FILTERS,
  STACK_SET_CALL_AS,
  STACK_SET_REGION_CONCURRENCY,
  TARGET_DEFAULTS,
  TARGET_NAME_PATTERN,
  WORKLOAD_WATCH_DEFAULTS,
} from './limits.ts';
import { PLATFORM_PATTERN } from './platform.ts';
import { KNOWN_REGIONS, knownRegionAllowed } from './regions.ts';

/** What validation says is allowed, after "allowed: "; a function when it depends on the value (a suggestion). */
export type Allowed = string | ((value: unknown) => string);

interface FieldCommon {
  /** The meaning column of the reference, and the description in the JSON Schema. */
  readonly doc: string;
  readonly required?: boolean;
  /**
   * The construct prop (`EcrPullCanaryProps`, or the interface the object maps to) where its name differs from the
   * key; null for a key of the file only. @default the same name
   */
  readonly prop?: string | null;
  /** The type column of the reference. @default derived from the declaration */
  readonly typeText?: string;
  /** The default column of the reference. @default the declared default, as JSON */
  readonly defaultText?: string;
  /** An example value, shown in the reference and in the JSON Schema. */
  readonly example?: unknown;
  /** What validation says is allowed. @default derived from the declaration */
  readonly allowed?: Allowed;
  /** The validator checks more than this declaration says (in code): `checkField` leaves it alone. */
  readonly custom?: boolean;
}

export interface BooleanField extends FieldCommon {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface NumberField extends FieldCommon {
  readonly type: 'number';
  readonly integer: boolean;
  readonly range: Range;
  readonly unit?: string;
  readonly default?: number;
}

export interface EnumField extends FieldCommon {
  readonly type: 'enum';
  readonly values: readonly (string | number)[];
  readonly default?: string | number;
}

export interface StringField extends FieldCommon {
  readonly type: 'string';
  /** The whole value must match (also the JSON Schema's `pattern`). */
  readonly pattern?: RegExp;
  readonly maxLength?: number;
  /** A rule a pattern cannot say; the JSON Schema gets `pattern` only. */
  readonly test?: (value: string) => boolean;
  readonly default?: string;
}

export interface ListField extends FieldCommon {
  readonly type: 'list';
  readonly items: Field;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface ObjectField extends FieldCommon {
  readonly type: 'object';
  readonly fields: Fields;
  /** `null` is a value of its own (a region override's `vpc: null`). */
  readonly nullable?: boolean;
  /** The reference lists its keys as rows of their own (`notifications.emails`), not as one row. */
  readonly expand?: boolean;
}

/** One word meaning "every one there is" (`"all"`), or a list of them by name. */
export interface AllOrListField extends FieldCommon {
  readonly type: 'allOrList';
  readonly all: string;
  readonly items: Field;
  readonly maxItems?: number;
}

/** An object keyed by region. */
export interface RegionMapField extends FieldCommon {
  readonly type: 'regionMap';
  readonly values: Field;
}

/** A StackSet operation preference: a whole number from `min`, or a percentage "1%"–"100%". */
export interface CountOrPercentageField extends FieldCommon {
  readonly type: 'countOrPercentage';
  readonly min: number;
  readonly default: string | number;
}

export type Field =
  | BooleanField
  | NumberField
  | EnumField
  | StringField
  | ListField
  | ObjectField
  | RegionMapField
  | CountOrPercentageField
  | AllOrListField;

export type Fields = Readonly<Record<string, Field>>;

/** The value a declaration describes, as TypeScript sees it. */
export type Value<F> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'number' }
    ? number
    : F extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { type: 'string' }
        ? string
        : F extends { type: 'list'; items: infer I }
          ? Value<I>[]
          : F extends { type: 'object'; fields: infer S }
            ? Declared<S> | (F extends { nullable: true } ? null : never)
            : F extends { type: 'regionMap'; values: infer V }
              ? Record<string, Value<V>>
              : F extends { type: 'countOrPercentage' }
                ? number | string
                : F extends { type: 'allOrList'; all: infer A; items: infer I }
                  ? A | Value<I>[]
                  : never;

type RequiredKeys<S> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];

/** The object a table of declarations describes: required keys required, every other optional. */
export type Declared<S> = { [K in RequiredKeys<S>]: Value<S[K]> } & {
  [K in Exclude<keyof S, RequiredKeys<S>>]?: Value<S[K]>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/** What a number field allows, in the words every range check of the canary uses. */
export function numberAllowed(
  range: Range,
  opts: { integer?: boolean; unit?: string | undefined } = {},
): string {
  const integer = opts.integer ?? true;
  return `${integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}${opts.unit ? ` ${opts.unit}` : ''}`;
}

/** What validation says is allowed for a value of this field. */
export function allowedText(field: Field, value: unknown): string {
  if (typeof field.allowed === 'function') return field.allowed(value);
  if (field.allowed !== undefined) return field.allowed;
  switch (field.type) {
    case 'boolean':
      return 'true or false';
    case 'number':
      return numberAllowed(field.range, { integer: field.integer, unit: field.unit });
    case 'enum':
      return `one of ${field.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'object':
      return `an object with any of ${Object.keys(field.fields).join(', ')}`;
    default:
      return `a ${field.type}`;
  }
}

/** Whether a value has the shape the declaration allows (the field alone: not its cross-field rules). */
export function accepts(field: Field, value: unknown): boolean {
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!field.integer || Number.isInteger(value)) &&
        value >= field.range.min &&
        value <= field.range.max
      );
    case 'enum':
      return (field.values as readonly unknown[]).includes(value);
    case 'string':
      return (
        typeof value === 'string' &&
        (field.pattern === undefined || field.pattern.test(value)) &&
        (field.maxLength === undefined || value.length <= field.maxLength) &&
        (field.test === undefined || field.test(value))
      );
    case 'allOrList':
      return (
        value === field.all ||
        (Array.isArray(value) &&
          value.length <= (field.maxItems ?? Number.POSITIVE_INFINITY) &&
          value.every((item) => accepts(field.items, item)))
      );
    case 'countOrPercentage':
      return (
        (typeof value === 'number' && Number.isInteger(value) && value >= field.min) ||
        (typeof value === 'string' && PERCENTAGE_PATTERN.test(value))
      );
    default:
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

// --- A target ----------------------------------------------------------------------------------------------------

// Deliberately loose: SNS itself is the judge of deliverability; this catches typos like a missing @ or domain.
const EMAIL = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[A-Za-z]{2,}$/;

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

const REGION = {
  type: 'enum',
  values: KNOWN_REGIONS,
  allowed: knownRegionAllowed,
  typeText: 'region',
  doc: 'an AWS region',
} as const satisfies EnumField;

/** A probe target: the construct's `ProbeTarget` (lambda/engine/model/types.ts), key for key. */
export const TARGET_FIELDS = {
  image: {
    type: 'string',
    required: true,
    custom: true,
    typeText: '`repo:tag`, `repo@sha256:…` or a full ECR URI, **required**',
    defaultText: '—',
    example: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:stable',
    allowed: 'an image reference, e.g. "app:1.0" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"',
    doc: 'a short reference means this account and the stack’s region; a full URI may name any account, region or pull-through-cache path on an ECR registry host (`ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com`, `ACCOUNT.dkr.ecr.REGION.amazonaws.com.cn`, dual-stack `ACCOUNT.dkr-ecr[-fips].REGION.on.aws`, `ACCOUNT.dkr-ecr.REGION.on.amazonwebservices.com.cn`); another host (`docker.io/…`, `localhost:5000/…`) needs `registryUrl`: the ECR token goes only to ECR or to a registry you name',
  },
  name: {
    type: 'string',
    pattern: TARGET_NAME_PATTERN,
    typeText: '1–255 printable ASCII characters',
    defaultText: '`repo:tag` or `repo@sha256:<12 hex>`',
    example: 'api',
    allowed: '1-255 printable ASCII characters without spaces (it is a metric dimension)',
    doc: 'the metric dimension and alarm-name part; keep it stable',
  },
  region: {
    ...REGION,
    defaultText: 'from the URI, else the stack’s',
    example: 'eu-west-1',
    doc: 'registry region',
  },
  platforms: {
    type: 'list',
    items: {
      type: 'string',
      pattern: PLATFORM_PATTERN,
      allowed: 'os/architecture[/variant], e.g. "linux/arm64"',
      doc: 'a platform the image must offer',
    },
    typeText: 'list of `os/arch[/variant]`',
    defaultText: 'none',
    example: ['linux/amd64', 'linux/arm64'],
    allowed: 'a list like ["linux/amd64", "linux/arm64"]',
    doc: 'platforms the image must offer',
  },
  assumeRoleArn: {
    type: 'string',
    pattern: IAM_ROLE_ARN,
    typeText: 'IAM role ARN',
    defaultText: 'none',
    example: 'arn:aws:iam::123456789012:role/eks-node-role',
    allowed: 'an IAM role ARN, arn:aws:iam::123456789012:role/name',
    doc: 'pull as this role (the workload’s own identity: EKS node role, ECS execution role)',
  },
  expectedPrincipal: {
    type: 'string',
    pattern: PRINCIPAL_ARN,
    typeText: 'IAM or STS ARN',
    defaultText: 'not checked',
    example: 'arn:aws:sts::123456789012:assumed-role/eks-node-role/canary',
    allowed: 'an IAM role or user ARN, or an STS assumed-role ARN',
    doc: 'fail as `credentials` if the credentials resolve to another identity',
  },
  registryUrl: {
    type: 'string',
    pattern: /^https:\/\/[^/?#@\s]+\/?$/,
    test: (value) => isRegistryUrlAllowed(value, 'deployed'),
    typeText: '`https://host[:port]`, no path, query or user',
    defaultText: 'the registry of the reference',
    example: 'https://mirror.example.com',
    allowed: REGISTRY_URL_ALLOWED.deployed,
    doc: 'send the probe and the ECR token to this registry instead (a mirror or proxy, or the registry of a non-ECR host in `image`); not `http://` (only the CLI’s `--registry-url` takes `http://`, to a loopback host)',
  },
  expectedDigest: {
    type: 'string',
    pattern: /^sha256:[a-f0-9]{64}$/,
    typeText: '`sha256:` + 64 hex',
    defaultText: 'the digest in the reference',
    example: `sha256:${'0'.repeat(64)}`,
    allowed: 'sha256: followed by 64 lower-case hex digits',
    doc: 'digest the reference must resolve to',
  },
  layerCheck: {
    type: 'boolean',
    default: TARGET_DEFAULTS.layerCheck,
    example: false,
    doc: 'read the first byte of the image’s smallest layer the way a pull does, through the registry’s redirect to its storage host (ECR: S3), without the ECR token (the layer phase); `false` stops at the manifest, for a registry that bills per request',
  },
  pullThroughCache: {
    type: 'boolean',
    default: TARGET_DEFAULTS.pullThroughCache,
    example: true,
    doc: 'the image is in a pull-through-cache repository (`…/docker-hub/library/nginx`): the probe role also gets `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` on it, which a pull through the cache needs (the first pull creates the repository)',
  },
} as const satisfies Fields;

// --- Notifications, VPC, workload watch, alarms -------------------------------------------------------------------

export const NOTIFICATION_FIELDS = {
  topicArn: {
    type: 'string',
    pattern: SNS_TOPIC_ARN,
    custom: true,
    typeText: 'SNS topic ARN in the stack’s region and account',
    defaultText: 'a new topic per region',
    example: 'arn:aws:sns:eu-west-1:123456789012:oncall',
    allowed: 'a standard (not FIFO) SNS topic ARN, arn:aws:sns:REGION:123456789012:name',
    doc: 'use an existing topic; its policy must let `cloudwatch.amazonaws.com` publish',
  },
  topicKmsKeyArn: {
    type: 'string',
    pattern: KMS_KEY_ARN,
    custom: true,
    typeText: 'KMS key ARN in the topic’s region',
    defaultText: 'none',
    example: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    allowed:
      'a KMS key ARN, arn:aws:kms:REGION:123456789012:key/KEY-ID (not an alias, which IAM cannot grant key use on)',
    doc: 'only with `topicArn`, when that topic is encrypted with a customer-managed key: the function gets `kms:GenerateDataKey` and `kms:Decrypt` on it, or every diagnosis fails to publish. The key policy must delegate to IAM (the default `arn:aws:iam::ACCOUNT:root` `kms:*` statement), or that grant has no effect, and let `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey*`, with `aws:SourceAccount` and `aws:SourceArn` conditions as the canary’s own key has), or alarm notifications are dropped',
  },
  emails: {
    type: 'list',
    items: {
      type: 'string',
      pattern: EMAIL,
      allowed: 'e-mail addresses like oncall@example.com',
      doc: 'an e-mail address',
    },
    maxItems: LIMITS.subscriptionsPerProtocol,
    typeText: `list of e-mail addresses, at most ${LIMITS.subscriptionsPerProtocol}`,
    defaultText: 'none',
    example: ['oncall@example.com'],
    allowed: `a list of at most ${LIMITS.subscriptionsPerProtocol} e-mail addresses like oncall@example.com`,
    doc: 'e-mail subscriptions: alarms and diagnoses',
  },
  httpsEndpoints: {
    type: 'list',
    items: {
      type: 'string',
      pattern: /^https:\/\/[^\s]+$/,
      test: isHttpsUrl,
      allowed: 'https:// URLs, e.g. a PagerDuty or Opsgenie CloudWatch integration URL',
      doc: 'an https:// URL',
    },
    maxItems: LIMITS.subscriptionsPerProtocol,
    typeText: `list of \`https://\` URLs, at most ${LIMITS.subscriptionsPerProtocol}`,
    defaultText: 'none',
    example: ['https://events.pagerduty.com/integration/KEY/enqueue'],
    allowed: `a list of at most ${LIMITS.subscriptionsPerProtocol} https:// URLs, e.g. a PagerDuty or Opsgenie CloudWatch integration URL`,
    doc: 'pager integrations: alarm notifications (ALARM and OK) only',
  },
  encryption: {
    type: 'boolean',
    default: false,
    example: true,
    doc: 'encrypt the created topic with a customer-managed KMS key CloudWatch may use ($1 per region-month); never `aws/sns`, which makes CloudWatch drop alarm notifications silently',
  },
  subscribeExistingTopic: {
    type: 'boolean',
    default: false,
    example: true,
    doc: 'with `topicArn`: create the `emails` and `httpsEndpoints` subscriptions on that existing topic. Off by default: SNS refuses an endpoint already subscribed with other attributes, and deleting the stack would remove a subscription the team relies on; giving `emails` or `httpsEndpoints` with `topicArn` needs it `true`',
  },
} as const satisfies Fields;

/** A list of EC2 IDs (`subnet-…`, `sg-…`): 8 or 17 hex digits, as many as Lambda takes. */
function idList(prefix: string, max: number, doc: string) {
  const example = `${prefix}-0123456789abcdef0`;
  return {
    type: 'list',
    required: true,
    minItems: 1,
    maxItems: max,
    items: {
      type: 'string',
      pattern: new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`),
      allowed: `an ID like "${example}" (8 or 17 hex digits)`,
      doc: `an ID like ${example}`,
    },
    allowed: `a list of 1-${max} IDs like "${example}"`,
    doc,
  } as const satisfies ListField;
}

export const VPC_FIELDS = {
  subnetIds: idList(
    'subnet',
    LIMITS.subnetsPerFunction,
    'subnets of the probe function, in the region of the stack',
  ),
  securityGroupIds: idList('sg', LIMITS.securityGroupsPerFunction, 'security groups of the probe function'),
} as const satisfies Fields;

/** A cluster whose API endpoint is private only, and where its reader runs. */
export const EKS_PRIVATE_CLUSTER_FIELDS = {
  name: {
    type: 'string',
    required: true,
    pattern: EKS_CLUSTER_NAME,
    allowed: 'an EKS cluster name (letters, digits, - and _, 1-100 characters)',
    doc: 'the cluster',
  },
  subnetIds: idList(
    'subnet',
    LIMITS.subnetsPerFunction,
    'subnets in the cluster’s VPC, with a route to the EKS, STS, CloudWatch, SNS and DynamoDB endpoints (NAT or VPC endpoints)',
  ),
  securityGroupIds: idList(
    'sg',
    LIMITS.securityGroupsPerFunction,
    'security groups the cluster security group admits on 443',
  ),
} as const satisfies Fields;

export const EKS_WATCH_FIELDS = {
  clusters: {
    type: 'allOrList',
    all: EKS_ALL_CLUSTERS,
    items: {
      type: 'string',
      pattern: EKS_CLUSTER_NAME,
      allowed: 'an EKS cluster name (letters, digits, - and _, 1-100 characters)',
      doc: 'a cluster name',
    },
    maxItems: LIMITS.eksClusters,
    typeText: `\`"${EKS_ALL_CLUSTERS}"\` or list of cluster names`,
    defaultText: 'none (off)',
    example: ['prod-eu', 'staging'],
    allowed: `"${EKS_ALL_CLUSTERS}" (every cluster of the region, listed each run) or a list of at most ${LIMITS.eksClusters} EKS cluster names`,
    doc: `read the image-pull failures of these EKS clusters every ${EKS_WATCH_SCHEDULE_MINUTES} minutes (waiting pods and failed-pull events, through the Kubernetes API; nothing is installed in the clusters). For each named cluster the stack creates an access entry for the watcher’s role with AmazonEKSViewPolicy at cluster scope; with \`"${EKS_ALL_CLUSTERS}"\` create them yourself (see docs/workload-watch.md). Clusters in CONFIG_MAP authentication mode are reported “not checked”. A name belongs to one region and account: with several regions, name each region’s clusters in \`regionOverrides.<region>.workloadWatch.eks\``,
  },
  privateClusters: {
    type: 'list',
    items: {
      type: 'object',
      fields: EKS_PRIVATE_CLUSTER_FIELDS,
      allowed: 'an object with name, subnetIds and securityGroupIds',
      doc: 'a cluster and its VPC placement',
    },
    maxItems: LIMITS.eksPrivateClusters,
    typeText: 'list of objects',
    defaultText: 'none',
    example: [
      {
        name: 'private-prod',
        subnetIds: ['subnet-0123456789abcdef0'],
        securityGroupIds: ['sg-0123456789abcdef0'],
      },
    ],
    allowed: `a list of at most ${LIMITS.eksPrivateClusters} objects with name, subnetIds and securityGroupIds`,
    doc: 'clusters whose API endpoint is private only, each read by a function of its own in the given subnets (opt-in: a VPC function needs routes to the AWS APIs); they get access entries like `clusters`',
  },
} as const satisfies Fields;

export const WORKLOAD_WATCH_FIELDS = {
  ecsTasks: {
    type: 'boolean',
    default: WORKLOAD_WATCH_DEFAULTS.ecsTasks,
    example: false,
    doc: 'watch ECS tasks that stopped because they could not pull or get registry auth, beside the canary (workload watch); with `ecrApiCalls` also off, no watcher is deployed',
  },
  ecrApiCalls: {
    type: 'boolean',
    default: WORKLOAD_WATCH_DEFAULTS.ecrApiCalls,
    example: true,
    doc: 'watch ECR API calls (login, pull, push) that failed, from CloudTrail; needs a trail that records read management events (workload watch)',
  },
  eks: {
    type: 'object',
    fields: EKS_WATCH_FIELDS,
    expand: true,
    allowed: `an object with ${Object.keys(EKS_WATCH_FIELDS).join(', ')}`,
    doc: 'the EKS clusters whose image-pull failures the workload watch reads',
  },
} as const satisfies Fields;

/**
 * What of the workload watch one region may set for itself (`regionOverrides.<region>.workloadWatch`): only the EKS
 * clusters, whose names and subnets belong to one region (CreateCluster: a name "unique within the AWS Region and
 * AWS account", https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html). `ecsTasks` and
 * `ecrApiCalls` read the region's own events and stay the same in every region.
 */
export const REGION_WORKLOAD_WATCH_FIELDS = {
  eks: {
    ...WORKLOAD_WATCH_FIELDS.eks,
    doc: 'replaces the top-level `workloadWatch.eks` in this region: the clusters of this region, by name, and its private ones with their subnets (`{}` reads none here)',
  },
} as const satisfies Fields;

/** The images-in-use inventory (lib/image-inventory.ts, docs/inventory.md). */
export const IMAGE_INVENTORY_FIELDS = {
  enabled: {
    type: 'boolean',
    default: INVENTORY_DEFAULTS.enabled,
    example: false,
    doc: 'find the ECR images the region’s ECS services, tasks and Lambda functions run, and page when one is missing, archived, due to a lifecycle rule or refused to its workload (images-in-use inventory)',
  },
  scheduleMinutes: {
    type: 'number',
    integer: true,
    range: INVENTORY_LIMITS.scheduleMinutes,
    unit: 'minutes',
    default: INVENTORY_DEFAULTS.scheduleMinutes,
    example: 60,
    doc: 'how often the inventory runs; also its alarm’s period',
  },
  horizonDays: {
    type: 'number',
    integer: true,
    range: INVENTORY_LIMITS.horizonDays,
    unit: 'days',
    default: INVENTORY_DEFAULTS.horizonDays,
    example: 14,
    doc: 'a lifecycle rule due to expire or archive an image in use within this many days is a risk',
  },
} as const satisfies Fields;

/** What each alarm is tuned with: M of N and on/off for all, and the threshold of its kind. */
const TUNING_FIELDS = {
  enabled: { type: 'boolean', default: true, doc: 'create the alarm' },
  datapointsToAlarm: {
    type: 'number',
    integer: true,
    // The validator's maximum depends on the period (one day of periods); this is the widest, a 1-minute schedule.
    range: { min: 1, max: LIMITS.maxEvaluationSeconds / 60 },
    custom: true,
    doc: 'breaching datapoints that put the alarm in ALARM (at most `evaluationPeriods`)',
  },
  evaluationPeriods: {
    type: 'number',
    integer: true,
    range: { min: 1, max: LIMITS.maxEvaluationSeconds / 60 },
    custom: true,
    doc: 'datapoints looked at; × the period at most one day',
  },
} as const satisfies Fields;

const COUNT_TUNING = {
  ...TUNING_FIELDS,
  threshold: {
    type: 'number',
    integer: true,
    range: LIMITS.countThreshold,
    default: LIMITS.countThreshold.default,
    doc: 'failed probes per period that make a breaching datapoint',
  },
} as const satisfies Fields;

const tuning = <S extends Fields>(fields: S, doc: string) =>
  ({ type: 'object', fields, doc }) as const satisfies ObjectField;

export const ALARM_FIELDS = {
  auth: tuning(COUNT_TUNING, 'critical: probes fail with credentials, auth or permission errors'),
  throttle: tuning(COUNT_TUNING, 'critical: probes fail because ECR throttles'),
  availability: tuning(COUNT_TUNING, 'critical: any probe fails, whatever the category'),
  clockSkew: tuning(
    {
      ...TUNING_FIELDS,
      thresholdSeconds: {
        type: 'number',
        integer: true,
        range: LIMITS.clockSkewSeconds,
        unit: 'seconds',
        default: ALARM_DEFAULTS.clockSkew.thresholdSeconds,
        doc: 'absolute host-minus-AWS skew that breaches; also the probe’s skew threshold',
      },
    },
    'warning: the host clock is off',
  ),
  heartbeat: tuning(
    {
      ...TUNING_FIELDS,
      periodMultiplier: {
        type: 'number',
        integer: true,
        range: LIMITS.heartbeatPeriodMultiplier,
        default: ALARM_DEFAULTS.heartbeat.periodMultiplier,
        doc: 'alarm period in schedule periods',
      },
    },
    'critical: the canary stopped reporting',
  ),
  latency: tuning(
    {
      ...TUNING_FIELDS,
      thresholdMs: {
        type: 'number',
        integer: true,
        range: LIMITS.latencyMs,
        unit: 'ms',
        default: ALARM_DEFAULTS.latency.thresholdMs,
        doc: 'wall time of a probe that breaches',
      },
      statistic: {
        type: 'enum',
        values: LATENCY_STATISTICS,
        default: ALARM_DEFAULTS.latency.statistic,
        allowed: `one of ${LATENCY_STATISTICS.join(', ')}`,
        doc: 'statistic of the latency compared with the threshold',
      },
    },
    'warning, one per target: pulls got slow',
  ),
} as const satisfies Fields;

// --- Organization ------------------------------------------------------------------------------------------------

/**
 * `organization`: declared here for the reference and the JSON Schema; lambda/engine/config/organization.ts checks it, with
 * the rules that relate its keys to each other and to the rest of the file.
 */
export const ORGANIZATION_FIELDS = {
  organizationId: {
    type: 'string',
    required: true,
    pattern: ORGANIZATION_ID_PATTERN,
    typeText: '`o-` + 10–32 characters, **required**',
    defaultText: '—',
    doc: 'the code buckets admit this organization’s principals only (`aws:PrincipalOrgID`), and so does each sink',
  },
  organizationalUnits: {
    type: 'list',
    required: true,
    minItems: 1,
    items: {
      type: 'string',
      pattern: new RegExp(`${ORGANIZATIONAL_UNIT_ID_PATTERN.source}|${ORGANIZATION_ROOT_ID_PATTERN.source}`),
      doc: 'an OU ID or the root',
    },
    typeText: 'list of `ou-xxxx-xxxxxxxx` or `r-xxxx`, **required**, not empty',
    defaultText: '—',
    doc: 'deployment targets; the root deploys to the whole organization',
  },
  accounts: {
    type: 'list',
    items: { type: 'string', pattern: ACCOUNT_ID, doc: 'a 12-digit account ID' },
    typeText: 'list of 12-digit strings',
    defaultText: 'none',
    doc: 'explicit accounts, combined with the OUs by `accountFilter`',
  },
  accountFilter: {
    type: 'enum',
    values: STACK_SET_ACCOUNT_FILTERS,
    default: ORGANIZATION_DEFAULTS.accountFilter,
    doc: 'only with `accounts`: only those accounts of the OUs, or all but them (`UNION` is refused on create)',
  },
  autoDeployment: {
    type: 'boolean',
    default: ORGANIZATION_DEFAULTS.autoDeployment,
    doc: 'accounts that join a targeted OU get the canary; an account that leaves loses it (stacks are never retained)',
  },
  callAs: {
    type: 'enum',
    values: STACK_SET_CALL_AS,
    default: ORGANIZATION_DEFAULTS.callAs,
    doc: '`SELF` from the management account; `DELEGATED_ADMIN` from a registered delegated administrator',
  },
  maxConcurrent: {
    type: 'countOrPercentage',
    min: 1,
    default: ORGANIZATION_DEFAULTS.maxConcurrent,
    typeText: 'whole number ≥ 1, or `"1%"`–`"100%"`',
    doc: 'accounts deployed at once per region; a percentage rounds down, but never below one',
  },
  failureTolerance: {
    type: 'countOrPercentage',
    min: 0,
    default: ORGANIZATION_DEFAULTS.failureTolerance,
    typeText: 'whole number ≥ 0, or `"1%"`–`"100%"`',
    doc: 'failed accounts per region before the operation stops; a percentage rounds down to 0 under ten accounts',
  },
  regionConcurrency: {
    type: 'enum',
    values: STACK_SET_REGION_CONCURRENCY,
    default: ORGANIZATION_DEFAULTS.regionConcurrency,
    doc: 'regions at once or one after another (in `regions` order)',
  },
  monitoringAccount: {
    type: 'string',
    pattern: ACCOUNT_ID,
    typeText: '12-digit string',
    defaultText: 'none (no central view)',
    doc: 'gets a sink per region and the dashboard',
  },
  monitoringAccountIsMember: {
    type: 'boolean',
    default: ORGANIZATION_DEFAULTS.monitoringAccountIsMember,
    doc: 'say `true` when the monitoring account is in `accounts` on purpose; otherwise that is an error',
  },
  sinkArns: {
    type: 'regionMap',
    values: { type: 'string', pattern: OAM_SINK_ARN_PATTERN, doc: 'an OAM sink ARN' },
    typeText: 'object: region → sink ARN',
    defaultText: 'none (no links)',
    doc: 'the `SinkArn` outputs of the monitoring stacks; a sink for every region or none',
  },
} as const satisfies Fields;

// --- The file ----------------------------------------------------------------------------------------------------

const TARGETS = {
  type: 'list',
  maxItems: LIMITS.targetsPerRegion,
  items: { type: 'object', fields: TARGET_FIELDS, doc: 'an image to probe' },
  custom: true,
  allowed: 'a list of targets, e.g. [{"image": "app:1.0"}]',
  typeText: `list of targets (below), at most ${LIMITS.targetsPerRegion}`,
  defaultText: '`[]`',
  example: [{ image: 'team/api:stable' }],
  doc: 'images to probe in every region, after the known-good image',
} as const satisfies ListField;

const VPC = {
  type: 'object',
  fields: VPC_FIELDS,
  // `null` is no VPC, as when absent; in a region override it removes the top-level placement.
  nullable: true,
  custom: true,
  prop: 'vpcPlacement',
  allowed: '{"subnetIds": ["subnet-…"], "securityGroupIds": ["sg-…"]}',
  typeText: '`{ subnetIds: [...], securityGroupIds: [...] }`',
  defaultText: 'not in a VPC',
  example: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
  doc: 'run the probe in these subnets (IDs: no lookups) so it travels the workloads’ ECR interface endpoints, DNS and S3 gateway. IDs belong to one region: with several regions, at most one may use the top-level value, every other sets its own `regionOverrides.<region>.vpc` (or `null`)',
} as const satisfies ObjectField;

const NOTIFICATIONS = {
  type: 'object',
  fields: NOTIFICATION_FIELDS,
  expand: true,
  doc: 'where alarms and the canary’s diagnoses go',
} as const satisfies ObjectField;

export const REGION_OVERRIDE_FIELDS = {
  targets: { ...TARGETS, doc: 'replaces the top-level `targets` in this region' },
  vpc: { ...VPC, doc: 'replaces the top-level `vpc` in this region; `null` removes it' },
  notifications: { ...NOTIFICATIONS, doc: 'merged key by key over the top-level `notifications`' },
  workloadWatch: {
    type: 'object',
    fields: REGION_WORKLOAD_WATCH_FIELDS,
    allowed: `an object with ${Object.keys(REGION_WORKLOAD_WATCH_FIELDS).join(', ')} (ecsTasks and ecrApiCalls apply to every region)`,
    doc: 'this region’s own workload watch: `eks` replaces the top-level `workloadWatch.eks`',
  },
} as const satisfies Fields;

/** The keys of `canary.config.json`, in the order of the reference. */
export const CONFIG_FIELDS = {
  name: {
    type: 'string',
    // The pattern needs two characters at least.
    pattern: CANARY_NAME_PATTERN,
    maxLength: LIMITS.nameMaxLength,
    default: CANARY_DEFAULTS.name,
    prop: 'canaryName',
    typeText: `string, 2–${LIMITS.nameMaxLength} of \`a-z 0-9 -\``,
    example: 'prod-pull-canary',
    allowed: `2-${LIMITS.nameMaxLength} lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    doc: 'names the stacks (`<name>-<region>`, `<name>-dashboard`), alarms, dashboard and seeded repository; a second independent canary in the account needs another name',
  },
  account: {
    type: 'string',
    pattern: ACCOUNT_ID,
    prop: null,
    typeText: '12-digit string',
    defaultText: 'the CLI’s account (`CDK_DEFAULT_ACCOUNT`)',
    example: '123456789012',
    allowed: 'a 12-digit AWS account ID as a string',
    doc: 'account to deploy to; without either, the stacks are environment-agnostic',
  },
  regions: {
    type: 'list',
    required: true,
    minItems: 1,
    items: REGION,
    custom: true,
    prop: null,
    typeText: 'list of region names, **required**',
    defaultText: '—',
    example: ['eu-west-1', 'us-east-1'],
    allowed: 'a non-empty list of AWS region names, e.g. ["eu-west-1"]',
    doc: 'one canary stack per region, one partition; the first also holds the dashboard stack',
  },
  namespace: {
    type: 'string',
    pattern: NAMESPACE_PATTERN,
    default: CANARY_DEFAULTS.namespace,
    typeText: 'string, not `AWS/…`',
    example: 'Platform/EcrCanary',
    allowed:
      '1-255 characters of letters, digits and . _ - / # :, not starting with "AWS/" (reserved for AWS)',
    doc: 'CloudWatch namespace of the metrics; give a second canary in the same account and region its own, since metrics are keyed by target name (both seeded targets are called `known-good`)',
  },
  scheduleMinutes: {
    type: 'number',
    integer: true,
    range: LIMITS.scheduleMinutes,
    unit: 'minutes',
    default: CANARY_DEFAULTS.scheduleMinutes,
    prop: 'schedule',
    typeText: `integer ${LIMITS.scheduleMinutes.min}–${LIMITS.scheduleMinutes.max}`,
    example: 10,
    doc: 'run interval; also the period of every alarm (the heartbeat’s × `periodMultiplier`)',
  },
  memoryMiB: {
    type: 'number',
    integer: true,
    range: LIMITS.memoryMiB,
    unit: 'MiB',
    default: CANARY_DEFAULTS.memoryMiB,
    prop: 'memorySize',
    typeText: `integer ${LIMITS.memoryMiB.min}–${LIMITS.memoryMiB.max}`,
    example: 512,
    doc: 'probe memory',
  },
  logRetentionDays: {
    type: 'enum',
    values: LOG_RETENTION_DAYS,
    default: CANARY_DEFAULTS.logRetentionDays,
    prop: 'logRetention',
    typeText: 'a CloudWatch Logs value (1, 3, 5, 7, 14, 30, 60, 90, …)',
    example: 14,
    allowed: `one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs values)`,
    doc: 'log retention of both functions',
  },
  reminderHours: {
    type: 'number',
    integer: false,
    range: LIMITS.reminderHours,
    unit: 'hours',
    default: CANARY_DEFAULTS.reminderHours,
    typeText: `number ${LIMITS.reminderHours.min}–${LIMITS.reminderHours.max}`,
    example: 24,
    doc: 'while a target keeps failing with the same category, remind at most this often',
  },
  knownGoodImage: {
    type: 'boolean',
    default: CANARY_DEFAULTS.knownGoodImage,
    example: false,
    doc: 'seed and probe the canary-owned image',
  },
  dashboard: {
    type: 'boolean',
    default: CANARY_DEFAULTS.dashboard,
    prop: null,
    example: false,
    doc: 'create the global dashboard stack',
  },
  targets: TARGETS,
  vpc: VPC,
  notifications: NOTIFICATIONS,
  alarms: {
    type: 'object',
    fields: ALARM_FIELDS,
    custom: true,
    typeText: 'object',
    defaultText: 'the documented defaults of each alarm',
    example: { latency: { thresholdMs: 5000 } },
    doc: `per alarm (${Object.keys(ALARM_FIELDS).join(', ')}): \`enabled\`, \`datapointsToAlarm\`, \`evaluationPeriods\`, and \`threshold\` (auth, throttle, availability; ${LIMITS.countThreshold.min}–${LIMITS.countThreshold.max}), \`thresholdSeconds\` (clockSkew; ${LIMITS.clockSkewSeconds.min}–${LIMITS.clockSkewSeconds.max}, also the probe’s skew threshold), \`periodMultiplier\` (heartbeat; ${LIMITS.heartbeatPeriodMultiplier.min}–${LIMITS.heartbeatPeriodMultiplier.max}), \`thresholdMs\` (latency; ${LIMITS.latencyMs.min}–${LIMITS.latencyMs.max}), \`statistic\` (latency: ${LATENCY_STATISTICS.join(', ')})`,
  },
  regionOverrides: {
    type: 'regionMap',
    values: {
      type: 'object',
      fields: REGION_OVERRIDE_FIELDS,
      doc: 'the settings of one region',
    },
    custom: true,
    prop: null,
    typeText: 'object',
    defaultText: '`{}`',
    example: { 'us-east-1': { vpc: null } },
    doc: 'for one region: `targets`, `vpc` and `workloadWatch.eks` replace the top-level value (`"vpc": null` removes it); `notifications` is merged key by key. Named EKS clusters with several regions go here, one region each',
  },
  workloadWatch: {
    type: 'object',
    fields: WORKLOAD_WATCH_FIELDS,
    expand: true,
    prop: null,
    allowed: `an object with ${Object.keys(WORKLOAD_WATCH_FIELDS).join(', ')}`,
    doc: 'the workload watcher, in every configured region',
  },
  imageInventory: {
    type: 'object',
    fields: IMAGE_INVENTORY_FIELDS,
    expand: true,
    prop: null,
    allowed: `an object with ${Object.keys(IMAGE_INVENTORY_FIELDS).join(', ')}`,
    doc: 'the images-in-use inventory, in every configured region',
  },
  organization: {
    type: 'object',
    fields: ORGANIZATION_FIELDS,
    custom: true,
    prop: null,
    typeText: 'object',
    defaultText: 'none',
    doc: 'deploy to every account of some OUs through one StackSet, with a monitoring account; its keys are in the table below',
  },
} as const satisfies Fields;

/**
 * A key the file may carry for editors only: the JSON Schema it follows (schema/canary.config.schema.json). Its
 * value is not read.
 */
export const SCHEMA_KEY = '$schema';

/** The keys of a table of declarations, in order. */
export function keysOf<S extends Fields>(fields: S): Array<keyof S & string> {
  return Object.keys(fields) as Array<keyof S & string>;
}
