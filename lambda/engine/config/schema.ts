import {
  type ALARM_FIELDS,
  CONFIG_FIELDS,
  type Declared,
  type EKS_WATCH_FIELDS,
  type IMAGE_INVENTORY_FIELDS,
  keysOf,
  NOTIFICATION_FIELDS,
  ORGANIZATION_FIELDS,
  REGION_OVERRIDE_FIELDS,
  TARGET_FIELDS,
  type VPC_FIELDS,
  WORKLOAD_WATCH_FIELDS,
} from '../model/fields.ts';
import type {
  STACK_SET_ACCOUNT_FILTERS,
  STACK_SET_CALL_AS,
  STACK_SET_REGION_CONCURRENCY,
} from '../model/limits.ts';
import type { ProbeTarget } from '../model/types.ts';

/**
 * The shape of `canary.config.json`, derived from the declarations in lambda/engine/model/fields.ts (types, defaults,
 * ranges and the reference text live there). Every key but `regions` is optional. Unknown keys are rejected at every
 * level, so a typo never silently falls back to a default.
 */
export type CanaryConfigFile = Declared<typeof CONFIG_FIELDS>;

/** The workload watcher (lib/workload-watch.ts), in every configured region. */
export type WorkloadWatchConfig = Declared<typeof WORKLOAD_WATCH_FIELDS>;

/** The images-in-use inventory (lib/image-inventory.ts), in every configured region. */
export type ImageInventoryConfig = Declared<typeof IMAGE_INVENTORY_FIELDS>;
/** `workloadWatch.eks`: the EKS clusters the workload watch reads. */
export type EksWatchConfig = Declared<typeof EKS_WATCH_FIELDS>;

/** `notifications`: the construct's `NotificationOptions` (lib/alarm-topic.ts), checked equal in lib/config-props.ts. */
export type NotificationsConfig = Declared<typeof NOTIFICATION_FIELDS>;

/** `alarms`: the construct's `CanaryAlarmOptions` (lib/canary-alarms.ts). */
export type AlarmsConfig = Declared<typeof ALARM_FIELDS>;

/** `vpc`: the construct's `VpcPlacement` (lib/canary-function.ts). */
export type VpcConfig = Declared<typeof VPC_FIELDS>;

/**
 * For one region: `targets`, `vpc` and `workloadWatch.eks` replace the top-level value (`vpc: null` removes a
 * top-level VPC placement); `notifications` is merged key by key over the top-level one.
 */
export type RegionOverride = Declared<typeof REGION_OVERRIDE_FIELDS>;

export const CONFIG_KEYS = keysOf(CONFIG_FIELDS);
export const NOTIFICATION_KEYS = keysOf(NOTIFICATION_FIELDS);
export const REGION_OVERRIDE_KEYS = keysOf(REGION_OVERRIDE_FIELDS);
/** Keys of a target in the configuration: exactly the probe's {@link ProbeTarget}. */
export const TARGET_KEYS = keysOf(TARGET_FIELDS);
export const WORKLOAD_WATCH_KEYS = keysOf(WORKLOAD_WATCH_FIELDS);

// The construct's own interfaces keep their documentation for TypeScript users; these checks fail the build when
// one of them and its declaration disagree on a key, a type or whether it is optional. The construct's interfaces
// are checked in lib/config-props.ts, which imports this module (the configuration imports nothing of lib/).
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
      ? true
      : false
    : false
  : false;
export function same<_ extends true>(): void {}
same<Same<ProbeTarget, Declared<typeof TARGET_FIELDS>>>();

/** The construct prop each key of the file maps to (`prop` in its declaration, else its own name). */
type PropOf<K, F> = F extends { prop: null } ? never : F extends { prop: infer P extends string } ? P : K;
/** Keys of the file that the construct takes as props: each must be one, under its declared name. */
export type DeclaredProp = {
  [K in keyof typeof CONFIG_FIELDS]: PropOf<K, (typeof CONFIG_FIELDS)[K]>;
}[keyof typeof CONFIG_FIELDS];

/** The validated configuration, with every default applied and overrides resolved per region. */
export interface CanaryConfig {
  name: string;
  account: string | undefined;
  namespace: string;
  scheduleMinutes: number;
  memoryMiB: number;
  logRetentionDays: number;
  reminderHours: number;
  knownGoodImage: boolean;
  dashboard: boolean;
  alarms: AlarmsConfig;
  regions: RegionConfig[];
  /** The parts of the workload watch every region shares; its EKS clusters are each region's own ({@link RegionConfig}). */
  workloadWatch: Required<Omit<WorkloadWatchConfig, 'eks'>>;
  imageInventory: Required<ImageInventoryConfig>;
  /** Present when the configuration deploys to an organization through a StackSet. */
  organization?: OrganizationConfig;
}

export interface RegionConfig {
  region: string;
  targets: ProbeTarget[];
  vpc: VpcConfig | undefined;
  notifications: NotificationsConfig;
  /** The EKS clusters this region's workload watch reads: its `regionOverrides.<region>.workloadWatch.eks`, else the top level's. */
  eks: Required<EksWatchConfig>;
}

// --- Organization rollout (issue 12): lib/organization/, validated in lambda/engine/config/organization.ts ---------------

/**
 * `organization`: deploy the per-region canary to every account of some organizational units through one
 * service-managed CloudFormation StackSet, from the management (or a delegated administrator) account named by
 * the top-level `account`, in the top-level `regions`; optionally link every member to a monitoring account.
 * Declared in lambda/engine/model/fields.ts ORGANIZATION_FIELDS; defaults in lambda/engine/model/limits.ts ORGANIZATION_DEFAULTS.
 */
export type OrganizationConfigFile = Declared<typeof ORGANIZATION_FIELDS>;

export const ORGANIZATION_KEYS = keysOf(ORGANIZATION_FIELDS);

/** A StackSet operation preference: a count or a percentage of the targets. */
export type CountOrPercentage = { count: number } | { percentage: number };

/** The validated `organization` section, defaults applied. */
export interface OrganizationConfig {
  organizationId: string;
  /** The management or delegated-administrator account: the StackSet and the code buckets live there. */
  managementAccount: string;
  organizationalUnits: string[];
  accounts: string[];
  accountFilter: (typeof STACK_SET_ACCOUNT_FILTERS)[number];
  autoDeployment: boolean;
  callAs: (typeof STACK_SET_CALL_AS)[number];
  maxConcurrent: CountOrPercentage;
  failureTolerance: CountOrPercentage;
  regionConcurrency: (typeof STACK_SET_REGION_CONCURRENCY)[number];
  monitoringAccount: string | undefined;
  sinkArns: Record<string, string>;
}
