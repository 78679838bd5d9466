import { RegionInfo } from 'aws-cdk-lib/region-info';
import { isRegion } from '../../lambda/model/image-ref.ts';
import { CANARY_DEFAULTS, LIMITS, LOG_RETENTION_DAYS } from '../../lambda/model/limits.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../../lambda/model/seed-contract.ts';
import type { ProbeTarget } from '../../lambda/model/types.ts';
import {
  checkAlarmOptions,
  checkBoolean,
  checkCanaryName,
  checkKeys,
  checkNamespace,
  checkNumber,
  checkTarget,
  checkTargetNames,
  checkTopicKmsKey,
  checkVpc,
  closest,
  isObject,
  Problems,
} from '../validation.ts';
import {
  type CanaryConfig,
  CONFIG_KEYS,
  NOTIFICATION_KEYS,
  type NotificationsConfig,
  REGION_OVERRIDE_KEYS,
  type RegionConfig,
} from './schema.ts';

const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((region) => region.name).filter(isRegion);
const SNS_TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
// Deliberately loose: SNS itself is the judge of deliverability; this catches typos like a missing @ or domain.
const EMAIL = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[A-Za-z]{2,}$/;

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

  const name = raw.name ?? CANARY_DEFAULTS.name;
  checkCanaryName(p, 'name', name);

  if (raw.account !== undefined && (typeof raw.account !== 'string' || !/^\d{12}$/.test(raw.account))) {
    p.add('account', raw.account, 'allowed: a 12-digit AWS account ID as a string');
  }

  const regions = checkRegions(p, raw.regions);

  const namespace = raw.namespace ?? CANARY_DEFAULTS.namespace;
  checkNamespace(p, 'namespace', namespace);

  const scheduleMinutes = raw.scheduleMinutes ?? CANARY_DEFAULTS.scheduleMinutes;
  const scheduleOk = checkNumber(p, 'scheduleMinutes', scheduleMinutes, LIMITS.scheduleMinutes, {
    unit: 'minutes',
  });
  const memoryMiB = raw.memoryMiB ?? CANARY_DEFAULTS.memoryMiB;
  checkNumber(p, 'memoryMiB', memoryMiB, LIMITS.memoryMiB, { unit: 'MiB' });
  const logRetentionDays = raw.logRetentionDays ?? CANARY_DEFAULTS.logRetentionDays;
  if (typeof logRetentionDays !== 'number' || !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    p.add(
      'logRetentionDays',
      logRetentionDays,
      `allowed: one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs values)`,
    );
  }
  const reminderHours = raw.reminderHours ?? CANARY_DEFAULTS.reminderHours;
  checkNumber(p, 'reminderHours', reminderHours, LIMITS.reminderHours, { integer: false, unit: 'hours' });
  const knownGoodImage = raw.knownGoodImage ?? CANARY_DEFAULTS.knownGoodImage;
  checkBoolean(p, 'knownGoodImage', knownGoodImage);
  const dashboard = raw.dashboard ?? CANARY_DEFAULTS.dashboard;
  checkBoolean(p, 'dashboard', dashboard);

  checkAlarmOptions(
    p,
    'alarms',
    raw.alarms,
    scheduleOk ? (scheduleMinutes as number) : CANARY_DEFAULTS.scheduleMinutes,
  );
  checkVpc(p, 'vpc', raw.vpc);
  const overrides = checkOverrides(p, raw.regionOverrides, regions);
  checkSharedVpc(p, raw.vpc, regions, overrides);

  const probeRegion = regions[0];
  const baseTargets = checkTargets(p, 'targets', raw.targets, probeRegion);
  const baseNotifications = checkNotifications(p, 'notifications', raw.notifications);

  const resolved: RegionConfig[] = [];
  for (const region of regions) {
    const override = overrides[region] ?? {};
    const targetsPath = override.targets !== undefined ? `regionOverrides.${region}.targets` : 'targets';
    const targets =
      override.targets !== undefined ? checkTargets(p, targetsPath, override.targets, region) : baseTargets;
    if (targets) {
      checkTargetNames(p, [
        ...(knownGoodImage === true ? [{ path: 'knownGoodImage', name: KNOWN_GOOD_TARGET_NAME }] : []),
        ...targets.names.map((targetName, i) => ({ path: `${targetsPath}[${i}].name`, name: targetName })),
      ]);
      if (knownGoodImage === false && targets.targets.length === 0) {
        p.add(
          targetsPath,
          [],
          `allowed: at least one target for ${region} when knownGoodImage is false (there would be nothing to probe)`,
        );
      }
    }
    const regionNotifications =
      override.notifications !== undefined
        ? checkNotifications(p, `regionOverrides.${region}.notifications`, override.notifications)
        : undefined;
    const notifications = { ...baseNotifications, ...regionNotifications };
    // Each problem names the key where the offending value was written: the override's or the top level's.
    const where = (key: keyof NotificationsConfig) =>
      `${regionNotifications?.[key] !== undefined ? `regionOverrides.${region}.` : ''}notifications.${key}`;
    checkTopicPlacement(p, notifications, region, raw.account, where);
    checkTopicKmsKey(
      p,
      where('topicKmsKeyArn'),
      notifications.topicKmsKeyArn,
      notifications.topicArn,
      where('topicArn'),
    );
    const vpc = override.vpc === undefined ? raw.vpc : override.vpc;
    resolved.push({
      region,
      targets: targets?.targets ?? [],
      vpc: (vpc ?? undefined) as RegionConfig['vpc'],
      notifications,
    });
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

function checkTargets(
  p: Problems,
  path: string,
  value: unknown,
  region: string | undefined,
): { targets: ProbeTarget[]; names: string[] } | undefined {
  if (value === undefined) return { targets: [], names: [] };
  if (!Array.isArray(value)) {
    p.add(path, value, 'allowed: a list of targets, e.g. [{"image": "app:1.0"}]');
    return undefined;
  }
  if (value.length > LIMITS.targetsPerRegion) {
    p.add(path, `${value.length} targets`, `allowed: at most ${LIMITS.targetsPerRegion} targets per region`);
  }
  const names: string[] = [];
  value.forEach((target, i) => {
    const name = checkTarget(p, `${path}[${i}]`, target, region);
    if (name !== null) names.push(name);
  });
  return names.length === value.length ? { targets: value as ProbeTarget[], names } : undefined;
}

function checkNotifications(p: Problems, path: string, value: unknown): NotificationsConfig {
  if (value === undefined) return {};
  if (!isObject(value)) {
    p.add(path, value, `allowed: an object with any of ${NOTIFICATION_KEYS.join(', ')}`);
    return {};
  }
  checkKeys(p, path, value, NOTIFICATION_KEYS);
  const out: NotificationsConfig = {};
  if (value.topicArn !== undefined) {
    if (typeof value.topicArn !== 'string' || !SNS_TOPIC_ARN.test(value.topicArn)) {
      p.add(
        `${path}.topicArn`,
        value.topicArn,
        'allowed: a standard (not FIFO) SNS topic ARN, arn:aws:sns:REGION:123456789012:name',
      );
    } else {
      Object.assign(out, { topicArn: value.topicArn });
    }
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
  return out;
}

/** Alarm actions must be in the alarm's own region, so an existing topic must be in the stack's region. */
function checkTopicPlacement(
  p: Problems,
  notifications: NotificationsConfig,
  stackRegion: string,
  account: unknown,
  where: (key: keyof NotificationsConfig) => string,
): void {
  const match = notifications.topicArn ? SNS_TOPIC_ARN.exec(notifications.topicArn) : null;
  if (!match) return;
  const path = where('topicArn');
  if (match[2] !== stackRegion) {
    p.add(
      path,
      notifications.topicArn,
      `allowed: a topic in ${stackRegion}, the region of its stack (CloudWatch alarm actions cannot cross regions); set regionOverrides.${stackRegion}.notifications.topicArn`,
    );
  }
  if (typeof account === 'string' && match[3] !== account) {
    p.add(
      path,
      notifications.topicArn,
      `allowed: a topic in account ${account}, the account the stacks deploy to`,
    );
  }
  if (RegionInfo.get(stackRegion).partition !== match[1]) {
    p.add(
      path,
      notifications.topicArn,
      `allowed: an ARN in partition ${RegionInfo.get(stackRegion).partition}`,
    );
  }
  if (notifications.encryption === true) {
    p.add(
      where('encryption'),
      true,
      'allowed: false with topicArn (encryption applies only to a topic the canary creates; encrypt your topic with a key CloudWatch may use)',
    );
  }
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
