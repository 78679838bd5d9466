import { closest } from '../model/did-you-mean.ts';
import { EKS_ALL_CLUSTERS } from '../model/eks-contract.ts';
import { CONFIG_FIELDS, type Field, REGION_OVERRIDE_FIELDS, SCHEMA_KEY } from '../model/fields.ts';
import { INVENTORY_DEFAULTS, WORKLOAD_WATCH_DEFAULTS } from '../model/limits.ts';
import { isKnownRegion, KNOWN_REGIONS, knownRegionAllowed, regionPartition } from '../model/regions.ts';
import type { ProbeTarget } from '../model/types.ts';
import { checkOrganization } from './organization.ts';
import {
  type CanaryConfig,
  CONFIG_KEYS,
  type EksWatchConfig,
  type ImageInventoryConfig,
  NOTIFICATION_KEYS,
  type NotificationsConfig,
  REGION_OVERRIDE_KEYS,
  type RegionConfig,
} from './schema.ts';
import {
  checkCanarySettings,
  checkField,
  checkKeys,
  checkRegionalSettings,
  checkTargetList,
  checkTopicArn,
  checkVpc,
  isObject,
  Problems,
  type SettingPaths,
} from './validation.ts';

/** The file's key names for the settings the construct checks under its prop names. */
const FILE_PATHS: SettingPaths = {
  canaryName: 'name',
  namespace: 'namespace',
  scheduleMinutes: 'scheduleMinutes',
  memoryMiB: 'memoryMiB',
  reminderHours: 'reminderHours',
  timeoutSeconds: 'timeoutSeconds',
  knownGoodImage: 'knownGoodImage',
  alarms: 'alarms',
};

export interface ValidationResult {
  /** Present only when there are no problems. */
  config?: CanaryConfig;
  problems: string[];
}

/**
 * The configuration as its file wrote it, for each configuration {@link validateConfig} returned (a copy, taken before
 * any default was applied): what `writtenConfigurationHash` (lambda/engine/model/deployment.ts) hashes. Kept beside the
 * validated configuration rather than in it, so that the validated configuration, its hash and its JSON stay what
 * they were. A configuration built by hand, or copied (`{ ...config }`), has none.
 */
const WRITTEN = new WeakMap<CanaryConfig, Readonly<Record<string, unknown>>>();

export function writtenConfiguration(config: CanaryConfig): Readonly<Record<string, unknown>> | undefined {
  return WRITTEN.get(config);
}

/**
 * Checks the whole configuration and reports every problem at once, each as one line naming the field, the
 * value and what is allowed. Nothing is built unless this returns no problems.
 */
export function validateConfig(raw: unknown): ValidationResult {
  // Parsed JSON: no value of it is a CDK token.
  const p = new Problems(() => false);
  if (!isObject(raw)) {
    p.add('(root)', raw, 'allowed: a JSON object with at least "regions"');
    return { problems: p.lines };
  }
  checkKeys(p, '', raw, [...CONFIG_KEYS, SCHEMA_KEY]);
  // A key's value, or its declared default when the key is absent; `null` is a value (a wrong one), not absence.
  const given = (key: keyof typeof CONFIG_FIELDS): unknown => {
    const field: Field = CONFIG_FIELDS[key];
    return raw[key] === undefined && 'default' in field ? field.default : raw[key];
  };

  // What only the file has: the account, the regions, log retention, the dashboard and the per-region overrides.
  if (raw.account !== undefined) checkField(p, 'account', raw.account, CONFIG_FIELDS.account);
  const account = typeof raw.account === 'string' ? raw.account : undefined;
  const regions = checkRegions(p, raw.regions);
  const logRetentionDays = given('logRetentionDays');
  checkField(p, 'logRetentionDays', logRetentionDays, CONFIG_FIELDS.logRetentionDays);
  const dashboard = given('dashboard');
  checkField(p, 'dashboard', dashboard, CONFIG_FIELDS.dashboard);
  if (raw.workloadWatch !== undefined) {
    checkField(p, 'workloadWatch', raw.workloadWatch, CONFIG_FIELDS.workloadWatch);
  }
  const watch = isObject(raw.workloadWatch) ? raw.workloadWatch : {};
  const workloadWatch: CanaryConfig['workloadWatch'] = {
    ecsTasks: (watch.ecsTasks ?? WORKLOAD_WATCH_DEFAULTS.ecsTasks) === true,
    ecrApiCalls: (watch.ecrApiCalls ?? WORKLOAD_WATCH_DEFAULTS.ecrApiCalls) === true,
  };
  const eks = eksWatch(p, 'workloadWatch.eks', watch.eks);
  checkSharedEks(p, watch.eks, eks, regions, raw.organization !== undefined);
  if (raw.imageInventory !== undefined) {
    checkField(p, 'imageInventory', raw.imageInventory, CONFIG_FIELDS.imageInventory);
  }
  const inventory = isObject(raw.imageInventory) ? raw.imageInventory : {};
  const imageInventory: Required<ImageInventoryConfig> = {
    enabled: (inventory.enabled ?? INVENTORY_DEFAULTS.enabled) === true,
    scheduleMinutes: Number(inventory.scheduleMinutes ?? INVENTORY_DEFAULTS.scheduleMinutes),
    horizonDays: Number(inventory.horizonDays ?? INVENTORY_DEFAULTS.horizonDays),
  };
  const organization = checkOrganization(p, raw, regions);

  // The settings every region shares: the construct's own checks, under the file's key names.
  const name = given('name');
  const namespace = given('namespace');
  const scheduleMinutes = given('scheduleMinutes');
  const memoryMiB = given('memoryMiB');
  const reminderHours = given('reminderHours');
  const knownGoodImage = given('knownGoodImage');
  checkCanarySettings(
    p,
    {
      canaryName: name,
      namespace,
      scheduleMinutes,
      memoryMiB,
      reminderHours,
      knownGoodImage,
      alarms: raw.alarms,
    },
    FILE_PATHS,
  );

  // With organization, `vpc` and `regionOverrides` are refused outright (checkOrganization says why): one line each,
  // not a second one about their contents or a fix through regionOverrides, which organization refuses too.
  const refused = raw.organization !== undefined;
  if (!refused) checkVpc(p, 'vpc', raw.vpc);
  const overrides = refused ? {} : checkOverrides(p, raw.regionOverrides, regions);
  if (!refused) checkSharedVpc(p, raw.vpc, regions, overrides);
  const baseNotifications = checkNotifications(p, 'notifications', raw.notifications);

  // Each region as the construct will get it, through the construct's own checks; every problem names the key
  // where the offending value was written: the override's or the top level's.
  const resolved: RegionConfig[] = [];
  for (const region of regions.length > 0 ? regions : [undefined]) {
    const override = (region === undefined ? undefined : overrides[region]) ?? {};
    const here = overridePath(region);
    const targets = override.targets ?? raw.targets;
    const regionNotifications =
      override.notifications !== undefined
        ? checkNotifications(p, `${here}.notifications`, override.notifications)
        : undefined;
    const notifications = { ...baseNotifications, ...regionNotifications };
    const vpc = refused ? undefined : override.vpc === undefined ? raw.vpc : override.vpc;
    const eksHere = isObject(override.workloadWatch) ? override.workloadWatch.eks : undefined;
    checkRegionalSettings(
      p,
      { region, account, targets, knownGoodImage: knownGoodImage !== false, vpc, notifications },
      {
        targets: override.targets !== undefined ? `${here}.targets` : 'targets',
        vpc: override.vpc !== undefined ? `${here}.vpc` : 'vpc',
        notification: (key) =>
          `${regionNotifications?.[key] !== undefined ? `${here}.` : ''}notifications.${key}`,
        ...(region === undefined ? {} : { topicRegionFix: `; set ${here}.notifications.topicArn` }),
      },
    );
    if (region === undefined) continue;
    resolved.push({
      region,
      targets: Array.isArray(targets) ? (targets as ProbeTarget[]) : [],
      vpc: (vpc ?? undefined) as RegionConfig['vpc'],
      notifications,
      eks: eksHere === undefined ? eks : eksWatch(p, `${here}.workloadWatch.eks`, eksHere),
    });
  }

  // Top-level targets that every region replaces are still checked, as for the first region.
  if (
    raw.targets !== undefined &&
    regions.length > 0 &&
    regions.every((r) => overrides[r]?.targets !== undefined)
  ) {
    // Unused, so "nothing to probe" does not apply to them: checked as if the known-good image were probed.
    checkTargetList(p, { region: regions[0], targets: raw.targets, knownGoodImage: true }, 'targets');
  }

  if (!p.empty) return { problems: p.lines };
  const config: CanaryConfig = {
    name: name as string,
    account: raw.account as string | undefined,
    namespace: namespace as string,
    scheduleMinutes: scheduleMinutes as number,
    memoryMiB: memoryMiB as number,
    logRetentionDays: logRetentionDays as number,
    reminderHours: reminderHours as number,
    knownGoodImage: knownGoodImage as boolean,
    dashboard: dashboard as boolean,
    alarms: (raw.alarms ?? {}) as CanaryConfig['alarms'],
    regions: resolved,
    workloadWatch,
    imageInventory,
    ...(organization ? { organization } : {}),
  };
  WRITTEN.set(config, structuredClone(raw));
  return { problems: [], config };
}

function checkRegions(p: Problems, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    p.add('regions', value, `allowed: ${CONFIG_FIELDS.regions.allowed}`);
    return [];
  }
  const regions: string[] = [];
  value.forEach((region, i) => {
    if (!isKnownRegion(region)) {
      p.add(`regions[${i}]`, region, `allowed: ${knownRegionAllowed(region)}`);
    } else if (regions.includes(region)) {
      p.add(`regions[${i}]`, region, 'allowed: each region once (one canary stack per region)');
    } else {
      regions.push(region);
    }
  });
  // One `cdk deploy --all` deploys to one account, and an account lives in one partition.
  const partitions = new Set(regions.map((region) => regionPartition(region)));
  if (partitions.size > 1) {
    p.add(
      'regions',
      regions,
      `allowed: regions of one partition (got ${[...partitions].join(', ')}); an account lives in one`,
    );
  }
  return regions;
}

function checkOverrides(
  p: Problems,
  value: unknown,
  regions: string[],
): Record<string, Record<string, unknown>> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    p.add(
      'regionOverrides',
      value,
      'allowed: an object keyed by region, e.g. {"us-east-1": {"targets": […]}}',
    );
    return {};
  }
  const overrides: Record<string, Record<string, unknown>> = {};
  for (const [region, override] of Object.entries(value)) {
    const path = overridePath(region);
    if (!regions.includes(region)) {
      // A real region is a choice, not a typo: no "did you mean" another region for it.
      const hint = KNOWN_REGIONS.includes(region)
        ? `; ${region} is not in regions: add it to regions or remove the override`
        : didYouMeanRegion(region, regions);
      p.add(path, override, `allowed: only regions listed in "regions" (${regions.join(', ')})${hint}`);
      continue;
    }
    if (!isObject(override)) {
      p.add(path, override, `allowed: an object with any of ${REGION_OVERRIDE_KEYS.join(', ')}`);
      continue;
    }
    checkKeys(p, path, override, REGION_OVERRIDE_KEYS);
    if (override.vpc !== null) checkVpc(p, `${path}.vpc`, override.vpc);
    // Field by field here; what relates the clusters' keys, as the region's value (eksWatch).
    if (override.workloadWatch !== undefined) {
      checkField(p, `${path}.workloadWatch`, override.workloadWatch, REGION_OVERRIDE_FIELDS.workloadWatch);
    }
    overrides[region] = override;
  }
  return overrides;
}

/** For a key that is no region at all: the configured region it is closest to, else the known one. */
function didYouMeanRegion(key: string, regions: string[]): string {
  const configured = closest(key, regions);
  if (configured) return `; did you mean "${configured}"?`;
  const known = closest(key, KNOWN_REGIONS);
  return known ? `; did you mean "${known}"? (add it to regions too)` : '';
}

function checkNotifications(p: Problems, path: string, value: unknown): NotificationsConfig {
  if (value === undefined) return {};
  // The keys as declared; the topic here, and its key per region once overrides are merged (checkTopicKmsKey).
  if (!checkField(p, path, value, CONFIG_FIELDS.notifications) && !isObject(value)) return {};
  const given = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of NOTIFICATION_KEYS) {
    if (given[key] === undefined) continue;
    if (key === 'topicArn' && !checkTopicArn(p, `${path}.topicArn`, given.topicArn)) continue;
    out[key] = given[key];
  }
  return out as NotificationsConfig;
}

/**
 * Subnet and security-group IDs belong to one region, and every region without its own `vpc` override uses the
 * top-level one: two such regions would put one region's IDs into the other's function (CreateFunction fails).
 */
function checkSharedVpc(
  p: Problems,
  vpc: unknown,
  regions: string[],
  overrides: Record<string, Record<string, unknown>>,
): void {
  if (vpc === undefined || vpc === null) return;
  const inheriting = regions.filter((region) => overrides[region]?.vpc === undefined);
  if (inheriting.length <= 1) return;
  const names = `${inheriting.slice(0, -1).join(', ')} and ${inheriting.at(-1)}`;
  p.add(
    'vpc',
    vpc,
    `allowed: a top-level vpc that at most one region uses (subnet and security-group IDs belong to one region), but ${names} would ${inheriting.length === 2 ? 'both' : 'all'} use it; set regionOverrides.<region>.vpc for each region (null for no VPC)`,
  );
}

/**
 * A top-level `workloadWatch.eks` that names clusters, with several regions or with organization. A cluster name
 * and its subnets belong to one region and one account (CreateCluster: a name "unique within the AWS Region and AWS
 * account", https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html), and an
 * `AWS::EKS::AccessEntry` names its cluster by name only, in its stack's region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-accessentry.html): every
 * regional stack (every member account) would create the same entry for a cluster it cannot see, and fail. Only
 * `"all"` means the same everywhere. Several regions name their clusters in `regionOverrides`; organization has no
 * overrides (one template serves every account), so there the only fix is `"all"`.
 */
function checkSharedEks(
  p: Problems,
  raw: unknown,
  eks: Required<EksWatchConfig>,
  regions: string[],
  organization: boolean,
): void {
  const named = (Array.isArray(eks.clusters) ? eks.clusters.length : 0) + eks.privateClusters.length;
  if (named === 0 || (regions.length <= 1 && !organization)) return;
  const all = `{ "clusters": "${EKS_ALL_CLUSTERS}" }`;
  p.add(
    'workloadWatch.eks',
    raw,
    organization
      ? `allowed: with organization, only ${all} (each cluster's access entry then made in its account); named and private clusters belong to one account, and organization takes no regionOverrides`
      : `allowed: with several regions, only ${all} at the top level (a cluster's name and subnets belong to one region, and every region's stack would create its access entry); name each region's clusters in regionOverrides.<region>.workloadWatch.eks, e.g. regionOverrides.${regions[0]}.workloadWatch.eks`,
  );
}

/** Where a region's own EKS clusters are named: with several regions, only in its override (checkSharedEks). */
export function eksSettingsPath(regionCount: number, region: string): string {
  return regionCount > 1 ? `${overridePath(region)}.workloadWatch.eks` : 'workloadWatch.eks';
}

function overridePath(region: string | undefined): string {
  return `regionOverrides.${region}`;
}

/**
 * One `workloadWatch.eks` (the top level's or a region override's, at `path`), checked field by field by its
 * declaration elsewhere; here what relates its keys: a cluster is named once, either read from outside any VPC
 * (`clusters`) or from its own (`privateClusters`). Returns it with its defaults.
 */
function eksWatch(p: Problems, path: string, raw: unknown): Required<EksWatchConfig> {
  const eks = isObject(raw) ? raw : {};
  const clusters =
    eks.clusters === EKS_ALL_CLUSTERS || Array.isArray(eks.clusters)
      ? (eks.clusters as EksWatchConfig['clusters'])
      : [];
  const privateClusters = (Array.isArray(eks.privateClusters) ? eks.privateClusters : []).filter(
    isObject,
  ) as Required<EksWatchConfig>['privateClusters'];
  const seen = new Set<string>();
  const named = [...(Array.isArray(clusters) ? clusters : []), ...privateClusters.map((c) => c.name)];
  for (const name of named) {
    if (seen.has(name)) p.add(path, name, 'allowed: each cluster once, in clusters or in privateClusters');
    seen.add(name);
  }
  return { clusters: clusters ?? [], privateClusters };
}
