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
  /** @default { ecsTasks: true, ecrApiCalls: false } (lib/defaults.ts WORKLOAD_WATCH_DEFAULTS) */
  workloadWatch?: WorkloadWatchConfig;
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
}

export interface RegionConfig {
  region: string;
  targets: ProbeTarget[];
  vpc: VpcPlacement | undefined;
  notifications: NotificationsConfig;
}
