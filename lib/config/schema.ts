import type { ProbeTarget } from '../../lambda/model/types.ts';
import type { NotificationOptions } from '../alarm-topic.ts';
import type { CanaryAlarmOptions } from '../canary-alarms.ts';
import type { VpcPlacement } from '../canary-function.ts';

/**
 * The shape of `canary.config.json`. Every key but `regions` is optional; defaults live in lambda/model/limits.ts
 * and are documented in the README's configuration reference. Unknown keys are rejected at every level, so a
 * typo never silently falls back to a default.
 */
export interface CanaryConfigFile {
  /** Names the stacks, alarms, dashboard and seeded repository. @default 'ecr-pull-canary' */
  name?: string;
  /** 12-digit account. @default the CLI's account (CDK_DEFAULT_ACCOUNT), else environment-agnostic stacks */
  account?: string;
  /** Regions that get a canary stack, in order; the first also holds the dashboard stack. */
  regions: string[];
  /** @default 'EcrPullCanary' */
  namespace?: string;
  /** @default 5 */
  scheduleMinutes?: number;
  /** @default 256 */
  memoryMiB?: number;
  /** @default 30 */
  logRetentionDays?: number;
  /** @default 6 */
  reminderHours?: number;
  /** @default true */
  knownGoodImage?: boolean;
  /** @default true */
  dashboard?: boolean;
  /** @default [] */
  targets?: ProbeTarget[];
  /** @default not in a VPC */
  vpc?: VpcPlacement;
  /** @default a new unencrypted topic per region, no subscriptions */
  notifications?: NotificationsConfig;
  /** @default the defaults in lambda/model/limits.ts */
  alarms?: CanaryAlarmOptions;
  /** @default {} */
  regionOverrides?: Record<string, RegionOverride>;
  /** @default { ecsTasks: true, ecrApiCalls: false } (WORKLOAD_WATCH_DEFAULTS in lambda/model/limits.ts) */
  workloadWatch?: WorkloadWatchConfig;
  /** @default none: one account, `cdk deploy` per region (README, Across an organization) */
  organization?: OrganizationConfigFile;
}

/** The workload watcher (lib/workload-watch.ts), in every configured region. */
export interface WorkloadWatchConfig {
  /** ECS tasks stopped by pull or registry-auth failures. @default true */
  ecsTasks?: boolean;
  /** Failed ECR API calls from CloudTrail; needs a trail that records read management events. @default false */
  ecrApiCalls?: boolean;
}

export const WORKLOAD_WATCH_KEYS = ['ecsTasks', 'ecrApiCalls'] as const satisfies ReadonlyArray<
  keyof WorkloadWatchConfig
>;

export type NotificationsConfig = NotificationOptions;

/**
 * For one region: `targets` and `vpc` replace the top-level value (`vpc: null` removes a top-level VPC
 * placement); `notifications` is merged key by key over the top-level one.
 */
export interface RegionOverride {
  targets?: ProbeTarget[];
  vpc?: VpcPlacement | null;
  notifications?: NotificationsConfig;
}

export const CONFIG_KEYS = [
  'name',
  'account',
  'regions',
  'namespace',
  'scheduleMinutes',
  'memoryMiB',
  'logRetentionDays',
  'reminderHours',
  'knownGoodImage',
  'dashboard',
  'targets',
  'vpc',
  'notifications',
  'alarms',
  'regionOverrides',
  'workloadWatch',
  'organization',
] as const satisfies ReadonlyArray<keyof CanaryConfigFile>;

export const NOTIFICATION_KEYS = [
  'topicArn',
  'topicKmsKeyArn',
  'emails',
  'httpsEndpoints',
  'encryption',
] as const satisfies ReadonlyArray<keyof NotificationsConfig>;

export const REGION_OVERRIDE_KEYS = ['targets', 'vpc', 'notifications'] as const satisfies ReadonlyArray<
  keyof RegionOverride
>;

/** Keys of a target in the configuration: exactly the probe's {@link ProbeTarget}. */
export const TARGET_KEYS = [
  'image',
  'name',
  'region',
  'platforms',
  'assumeRoleArn',
  'expectedPrincipal',
  'registryUrl',
  'expectedDigest',
  'layerCheck',
] as const satisfies ReadonlyArray<keyof ProbeTarget>;

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
  alarms: CanaryAlarmOptions;
  regions: RegionConfig[];
  workloadWatch: Required<WorkloadWatchConfig>;
  /** Present when the configuration deploys to an organization through a StackSet. */
  organization?: OrganizationConfig;
}

export interface RegionConfig {
  region: string;
  targets: ProbeTarget[];
  vpc: VpcPlacement | undefined;
  notifications: NotificationsConfig;
}

// --- Organization rollout (issue 12): lib/organization/, validated in lib/config/organization.ts ---------------

/**
 * `organization`: deploy the per-region canary to every account of some organizational units through one
 * service-managed CloudFormation StackSet, from the management (or a delegated administrator) account named by
 * the top-level `account`, in the top-level `regions`; optionally link every member to a monitoring account.
 * Defaults in lambda/model/limits.ts ORGANIZATION_DEFAULTS.
 */
export interface OrganizationConfigFile {
  /** `o-` + 10–32 characters: the bucket policies of the code buckets admit this organization only. */
  organizationId: string;
  /** OU IDs (`ou-xxxx-xxxxxxxx`) or the root (`r-xxxx`) to deploy to; at least one. */
  organizationalUnits: string[];
  /** 12-digit accounts that narrow (or widen) the OUs, as `accountFilter` says. @default none: every account of the OUs */
  accounts?: string[];
  /** How `accounts` combine with the OUs. @default 'INTERSECTION' */
  accountFilter?: 'INTERSECTION' | 'DIFFERENCE' | 'UNION';
  /** Accounts that join a targeted OU get the canary; accounts that leave lose it. @default true */
  autoDeployment?: boolean;
  /** `SELF` from the management account, `DELEGATED_ADMIN` from a registered delegated administrator. @default 'SELF' */
  callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** Accounts deployed at once per region: a count (≥ 1) or a percentage ("25%"). @default '25%' */
  maxConcurrent?: number | string;
  /** Failed accounts per region before the operation stops: a count (≥ 0) or a percentage. @default '10%' */
  failureTolerance?: number | string;
  /** Regions one after another or all at once. @default 'PARALLEL' */
  regionConcurrency?: 'PARALLEL' | 'SEQUENTIAL';
  /** 12-digit account that gets an OAM sink per region and the cross-account dashboard. @default none: no central view */
  monitoringAccount?: string;
  /** Say `true` when the monitoring account is one of `accounts` on purpose. @default false */
  monitoringAccountIsMember?: boolean;
  /** Sink ARN per region, from the monitoring stacks' outputs; members link to them. @default none: no links yet */
  sinkArns?: Record<string, string>;
}

export const ORGANIZATION_KEYS = [
  'organizationId',
  'organizationalUnits',
  'accounts',
  'accountFilter',
  'autoDeployment',
  'callAs',
  'maxConcurrent',
  'failureTolerance',
  'regionConcurrency',
  'monitoringAccount',
  'monitoringAccountIsMember',
  'sinkArns',
] as const satisfies ReadonlyArray<keyof OrganizationConfigFile>;

/** A StackSet operation preference: a count or a percentage of the targets. */
export type CountOrPercentage = { count: number } | { percentage: number };

/** The validated `organization` section, defaults applied. */
export interface OrganizationConfig {
  organizationId: string;
  /** The management or delegated-administrator account: the StackSet and the code buckets live there. */
  managementAccount: string;
  organizationalUnits: string[];
  accounts: string[];
  accountFilter: 'INTERSECTION' | 'DIFFERENCE' | 'UNION';
  autoDeployment: boolean;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  maxConcurrent: CountOrPercentage;
  failureTolerance: CountOrPercentage;
  regionConcurrency: 'PARALLEL' | 'SEQUENTIAL';
  monitoringAccount: string | undefined;
  sinkArns: Record<string, string>;
}
