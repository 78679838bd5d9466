import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ACCOUNT_ID } from '../../lambda/model/arn.ts';
import { isRegion } from '../../lambda/model/image-ref.ts';
import { CANARY_DEFAULTS, LOG_RETENTION_DAYS } from '../../lambda/model/limits.ts';
import type { ProbeTarget } from '../../lambda/model/types.ts';
import {
  checkBoolean,
  checkCanarySettings,
  checkKeys,
  checkRegionalSettings,
  checkTargetList,
  checkTopicArn,
  checkVpc,
  closest,
  isObject,
  Problems,
  type SettingPaths,
} from '../validation.ts';
import { checkOrganization } from './organization.ts';
import {
  type CanaryConfig,
  CONFIG_KEYS,
  NOTIFICATION_KEYS,
  type NotificationsConfig,
  REGION_OVERRIDE_KEYS,
  type RegionConfig,
} from './schema.ts';
import { checkWorkloadWatch } from './workload-watch.ts';

const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((region) => region.name).filter(isRegion);
// Deliberately loose: SNS itself is the judge of deliverability; this catches typos like a missing @ or domain.
const EMAIL = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[A-Za-z]{2,}$/;

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
 * Checks the whole configuration and reports every problem at once, each as one line naming the field, the
 * value and what is allowed. Nothing is built unless this returns no problems.
 */
export function validateConfig(raw: unknown): ValidationResult {
  const p = new Problems();
  if (!isObject(raw)) {
    p.add('(root)', raw, 'allowed: a JSON object with at least "regions"');
    return { problems: p.lines };
  }
  checkKeys(p, '', raw, CONFIG_KEYS);

  // What only the file has: the account, the regions, log retention, the dashboard and the per-region overrides.
  if (raw.account !== undefined && (typeof raw.account !== 'string' || !ACCOUNT_ID.test(raw.account))) {
    p.add('account', raw.account, 'allowed: a 12-digit AWS account ID as a string');
  }
  const account = typeof raw.account === 'string' ? raw.account : undefined;
  const regions = checkRegions(p, raw.regions);
  const logRetentionDays = raw.logRetentionDays ?? CANARY_DEFAULTS.logRetentionDays;
  if (typeof logRetentionDays !== 'number' || !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    p.add(
      'logRetentionDays',
      logRetentionDays,
      `allowed: one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs values)`,
    );
  }
  const dashboard = raw.dashboard ?? CANARY_DEFAULTS.dashboard;
  checkBoolean(p, 'dashboard', dashboard);
  const workloadWatch = checkWorkloadWatch(p, 'workloadWatch', raw.workloadWatch);
  const organization = checkOrganization(p, raw, regions);

  // The settings every region shares: the construct's own checks, under the file's key names.
  const name = raw.name ?? CANARY_DEFAULTS.name;
  const namespace = raw.namespace ?? CANARY_DEFAULTS.namespace;
  const scheduleMinutes = raw.scheduleMinutes ?? CANARY_DEFAULTS.scheduleMinutes;
  const memoryMiB = raw.memoryMiB ?? CANARY_DEFAULTS.memoryMiB;
  const reminderHours = raw.reminderHours ?? CANARY_DEFAULTS.reminderHours;
  const knownGoodImage = raw.knownGoodImage ?? CANARY_DEFAULTS.knownGoodImage;
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

  checkVpc(p, 'vpc', raw.vpc);
  const overrides = checkOverrides(p, raw.regionOverrides, regions);
  checkSharedVpc(p, raw.vpc, regions, overrides);
  const baseNotifications = checkNotifications(p, 'notifications', raw.notifications);

  // Each region as the construct will get it, through the construct's own checks; every problem names the key
  // where the offending value was written: the override's or the top level's.
  const resolved: RegionConfig[] = [];
  for (const region of regions.length > 0 ? regions : [undefined]) {
    const override = (region === undefined ? undefined : overrides[region]) ?? {};
    const here = `regionOverrides.${region}`;
    const targets = override.targets ?? raw.targets;
    const regionNotifications =
      override.notifications !== undefined
        ? checkNotifications(p, `${here}.notifications`, override.notifications)
        : undefined;
    const notifications = { ...baseNotifications, ...regionNotifications };
    const vpc = override.vpc === undefined ? raw.vpc : override.vpc;
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
  return {
    problems: [],
    config: {
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
      ...(organization ? { organization } : {}),
    },
  };
}

function checkRegions(p: Problems, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    p.add('regions', value, 'allowed: a non-empty list of AWS region names, e.g. ["eu-west-1"]');
    return [];
  }
  const regions: string[] = [];
  value.forEach((region, i) => {
    if (typeof region !== 'string' || !KNOWN_REGIONS.includes(region)) {
      const guess = typeof region === 'string' ? closest(region, KNOWN_REGIONS) : null;
      p.add(
        `regions[${i}]`,
        region,
        `allowed: a known AWS region${guess ? ` (did you mean "${guess}"?)` : ''}, e.g. us-east-1, eu-west-1, ap-southeast-2`,
      );
    } else if (regions.includes(region)) {
      p.add(`regions[${i}]`, region, 'allowed: each region once (one canary stack per region)');
    } else {
      regions.push(region);
    }
  });
  // One `cdk deploy --all` deploys to one account, and an account lives in one partition.
  const partitions = new Set(regions.map((region) => RegionInfo.get(region).partition));
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
    const path = `regionOverrides.${region}`;
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
  if (!isObject(value)) {
    p.add(path, value, `allowed: an object with any of ${NOTIFICATION_KEYS.join(', ')}`);
    return {};
  }
  checkKeys(p, path, value, NOTIFICATION_KEYS);
  const out: NotificationsConfig = {};
  if (value.topicArn !== undefined && checkTopicArn(p, `${path}.topicArn`, value.topicArn)) {
    Object.assign(out, { topicArn: value.topicArn });
  }
  // Its shape and its topic are checked per region, once overrides are merged (checkTopicKmsKey).
  if (value.topicKmsKeyArn !== undefined) Object.assign(out, { topicKmsKeyArn: value.topicKmsKeyArn });
  const list = (key: 'emails' | 'httpsEndpoints', check: (item: unknown) => boolean, allowed: string) => {
    const items = value[key];
    if (items === undefined) return;
    if (!Array.isArray(items)) {
      p.add(`${path}.${key}`, items, `allowed: a list of ${allowed}`);
      return;
    }
    items.forEach((item, i) => {
      if (!check(item)) p.add(`${path}.${key}[${i}]`, item, `allowed: ${allowed}`);
    });
    Object.assign(out, { [key]: items });
  };
  list(
    'emails',
    (item) => typeof item === 'string' && EMAIL.test(item),
    'e-mail addresses like oncall@example.com',
  );
  list(
    'httpsEndpoints',
    isHttpsUrl,
    'https:// URLs, e.g. a PagerDuty or Opsgenie CloudWatch integration URL',
  );
  if (value.encryption !== undefined && checkBoolean(p, `${path}.encryption`, value.encryption)) {
    Object.assign(out, { encryption: value.encryption });
  }
  // Checked per region with topicArn, once overrides are merged (checkExistingTopicSubscriptions).
  if (value.subscribeExistingTopic !== undefined) {
    Object.assign(out, { subscribeExistingTopic: value.subscribeExistingTopic });
  }
  return out;
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

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}
