import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IAM_ROLE_ARN, KMS_KEY_ARN, PRINCIPAL_ARN, parseTopicArn } from '../lambda/model/arn.ts';
import type { HandlerTarget } from '../lambda/model/contract.ts';
import {
  isDigest,
  isRegistryUrlAllowed,
  needsExplicitRegistry,
  parseImageReference,
  REGISTRY_URL_ALLOWED,
  tokenHostAllowed,
} from '../lambda/model/image-ref.ts';
import {
  ALARM_DEFAULTS,
  CANARY_DEFAULTS,
  CANARY_NAME_PATTERN,
  LATENCY_STATISTICS,
  LIMITS,
  maxTimeoutSeconds,
  NAMESPACE_PATTERN,
} from '../lambda/model/limits.ts';
import { parsePlatform } from '../lambda/model/platform.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../lambda/model/seed-contract.ts';
import { resolveTarget } from '../lambda/model/target.ts';
import type { ProbeTarget } from '../lambda/model/types.ts';
import { targetSlug } from './alarm-naming.ts';
import { TARGET_KEYS } from './config/schema.ts';

/**
 * The one validator of a canary: the construct's props and the configuration file go through the same checks
 * below ({@link checkCanarySettings} once, {@link checkRegionalSettings} per region), so both say the same thing;
 * only the field paths differ (prop names, or the file's paths such as `regionOverrides.us-east-1.targets[0]`).
 *
 * Collects every problem before anything is built, one line each: the field, the value received and what is
 * allowed. A line already reported is not repeated (a top-level value the configuration file shares between
 * regions is checked for each region).
 */
export class Problems {
  readonly lines: string[] = [];
  /** Problems found so far, repeats included: compare before and after a check to see whether it found any. */
  found = 0;

  add(path: string, value: unknown, allowed: string): void {
    const line = `${path}: got ${show(value)}; ${allowed}`;
    this.found++;
    if (!this.lines.includes(line)) this.lines.push(line);
  }

  get empty(): boolean {
    return this.lines.length === 0;
  }
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports keys not in `allowed`, with the closest allowed key when the unknown one looks like a typo of it. */
export function checkKeys(
  p: Problems,
  path: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const guess = closest(key, allowed);
    p.add(
      `${path}${path ? '.' : ''}${key}`,
      value[key],
      `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}; allowed keys: ${allowed.join(', ')}`,
    );
  }
}

export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export function checkNumber(
  p: Problems,
  path: string,
  value: unknown,
  range: { min: number; max: number },
  opts: { integer?: boolean; unit?: string } = {},
): value is number {
  const integer = opts.integer ?? true;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    value >= range.min &&
    value <= range.max;
  if (!ok) {
    p.add(
      path,
      value,
      `allowed: ${integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}${opts.unit ? ` ${opts.unit}` : ''}`,
    );
  }
  return ok;
}

export function checkBoolean(p: Problems, path: string, value: unknown): value is boolean {
  if (typeof value === 'boolean') return true;
  p.add(path, value, 'allowed: true or false');
  return false;
}

export function checkCanaryName(p: Problems, path: string, value: unknown): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  if (
    typeof value !== 'string' ||
    value.length < 2 ||
    value.length > LIMITS.nameMaxLength ||
    !CANARY_NAME_PATTERN.test(value)
  ) {
    p.add(
      path,
      value,
      `allowed: 2-${LIMITS.nameMaxLength} lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    );
  }
}

export function checkNamespace(p: Problems, path: string, value: unknown): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || !NAMESPACE_PATTERN.test(value) || /^aws\//i.test(value)) {
    p.add(
      path,
      value,
      'allowed: 1-255 characters of letters, digits and . _ - / # :, not starting with "AWS/" (reserved for AWS)',
    );
  }
}

/**
 * Checks a probe target the way the function will read it (the probe's own parser and resolver), so a target
 * that synthesizes is a target the function accepts. Returns the name it will carry, or null.
 */
export function checkTarget(
  p: Problems,
  path: string,
  target: unknown,
  defaultRegion: string | undefined,
): string | null {
  if (!isObject(target)) {
    p.add(path, target, 'allowed: an object with at least "image"');
    return null;
  }
  checkKeys(p, path, target, TARGET_KEYS);
  const before = p.found;
  if (typeof target.image !== 'string') {
    p.add(
      `${path}.image`,
      target.image,
      'allowed: an image reference, e.g. "app:1.0" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"',
    );
    return null;
  }
  const optionalString = (key: string) => {
    const value = target[key];
    if (value !== undefined && typeof value !== 'string') p.add(`${path}.${key}`, value, 'allowed: a string');
  };
  for (const key of ['name', 'region']) optionalString(key);
  const registryUrl = target.registryUrl;
  if (
    registryUrl !== undefined &&
    (typeof registryUrl !== 'string' || !isRegistryUrlAllowed(registryUrl, 'deployed'))
  ) {
    p.add(`${path}.registryUrl`, registryUrl, `allowed: ${REGISTRY_URL_ALLOWED.deployed}`);
  }
  try {
    const ref = parseImageReference(target.image);
    // The ECR token goes only to ECR or to a registry the user named: another host is refused here, before
    // anything is built (the probe refuses it again at run time).
    if (needsExplicitRegistry(ref, registryUrl === undefined ? undefined : String(registryUrl))) {
      p.add(`${path}.image`, target.image, `allowed: ${tokenHostAllowed(`set ${path}.registryUrl`)}`);
    }
  } catch (error) {
    p.add(`${path}.image`, target.image, `allowed: a valid image reference (${(error as Error).message})`);
  }
  if (typeof target.name === 'string' && !/^[\x21-\x7e]{1,255}$/.test(target.name)) {
    p.add(
      `${path}.name`,
      target.name,
      'allowed: 1-255 printable ASCII characters without spaces (it is a metric dimension)',
    );
  }
  if (
    target.assumeRoleArn !== undefined &&
    (typeof target.assumeRoleArn !== 'string' || !IAM_ROLE_ARN.test(target.assumeRoleArn))
  ) {
    p.add(
      `${path}.assumeRoleArn`,
      target.assumeRoleArn,
      'allowed: an IAM role ARN, arn:aws:iam::123456789012:role/name',
    );
  }
  if (
    target.expectedPrincipal !== undefined &&
    (typeof target.expectedPrincipal !== 'string' || !PRINCIPAL_ARN.test(target.expectedPrincipal))
  ) {
    p.add(
      `${path}.expectedPrincipal`,
      target.expectedPrincipal,
      'allowed: an IAM role or user ARN, or an STS assumed-role ARN',
    );
  }
  if (
    target.expectedDigest !== undefined &&
    (typeof target.expectedDigest !== 'string' || !isDigest(target.expectedDigest))
  ) {
    p.add(
      `${path}.expectedDigest`,
      target.expectedDigest,
      'allowed: sha256: followed by 64 lower-case hex digits',
    );
  }
  if (target.layerCheck !== undefined) checkBoolean(p, `${path}.layerCheck`, target.layerCheck);
  if (target.pullThroughCache !== undefined) {
    checkBoolean(p, `${path}.pullThroughCache`, target.pullThroughCache);
  }
  if (target.platforms !== undefined) {
    if (!Array.isArray(target.platforms)) {
      p.add(`${path}.platforms`, target.platforms, 'allowed: a list like ["linux/amd64", "linux/arm64"]');
    } else {
      target.platforms.forEach((platform, i) => {
        if (typeof platform !== 'string' || !parsePlatform(platform)) {
          p.add(
            `${path}.platforms[${i}]`,
            platform,
            'allowed: os/architecture[/variant], e.g. "linux/arm64"',
          );
        }
      });
    }
  }
  if (p.found > before) return null;
  try {
    return resolveTarget(target as unknown as ProbeTarget, defaultRegion).name;
  } catch (error) {
    p.add(path, target.image, `allowed: a target the probe can resolve (${(error as Error).message})`);
    return null;
  }
}

/** Target names become metric dimensions and alarm names: both must be unique within a canary. */
export function checkTargetNames(p: Problems, targets: Array<{ path: string; name: string }>): void {
  const seen = new Map<string, string>();
  for (const { path, name } of targets) {
    const slug = targetSlug(name);
    const earlier = seen.get(slug);
    if (earlier === undefined) {
      seen.set(slug, name);
    } else if (earlier === name) {
      p.add(
        path,
        name,
        'allowed: a name no other target uses (it is the metric dimension); set "name" on one of them',
      );
    } else {
      p.add(
        path,
        name,
        `allowed: a name whose alarm-name form "${slug}" differs from that of "${earlier}"; set "name" on one of them`,
      );
    }
  }
}

const TUNING_KEYS = ['enabled', 'datapointsToAlarm', 'evaluationPeriods'] as const;
const ALARM_EXTRA_KEYS: Record<keyof typeof ALARM_DEFAULTS, readonly string[]> = {
  auth: ['threshold'],
  throttle: ['threshold'],
  availability: ['threshold'],
  clockSkew: ['thresholdSeconds'],
  heartbeat: ['periodMultiplier'],
  latency: ['thresholdMs', 'statistic'],
};

/** Alarm tuning, including the CloudWatch rules that only show at deploy time (M ≤ N, N × period ≤ one day). */
export function checkAlarmOptions(p: Problems, path: string, value: unknown, scheduleMinutes: number): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    p.add(path, value, `allowed: an object with any of ${Object.keys(ALARM_DEFAULTS).join(', ')}`);
    return;
  }
  checkKeys(p, path, value, Object.keys(ALARM_DEFAULTS));
  for (const kind of Object.keys(ALARM_DEFAULTS) as Array<keyof typeof ALARM_DEFAULTS>) {
    const tuning = value[kind];
    if (tuning === undefined) continue;
    const here = `${path}.${kind}`;
    if (!isObject(tuning)) {
      p.add(
        here,
        tuning,
        `allowed: an object with any of ${[...TUNING_KEYS, ...ALARM_EXTRA_KEYS[kind]].join(', ')}`,
      );
      continue;
    }
    checkKeys(p, here, tuning, [...TUNING_KEYS, ...ALARM_EXTRA_KEYS[kind]]);
    const merged: Record<string, unknown> = { ...ALARM_DEFAULTS[kind], ...tuning };
    if (tuning.enabled !== undefined) checkBoolean(p, `${here}.enabled`, tuning.enabled);
    const multiplier = kind === 'heartbeat' ? merged.periodMultiplier : 1;
    if (kind === 'heartbeat' && tuning.periodMultiplier !== undefined) {
      checkNumber(p, `${here}.periodMultiplier`, tuning.periodMultiplier, LIMITS.heartbeatPeriodMultiplier);
    }
    const periodSeconds = scheduleMinutes * 60 * (typeof multiplier === 'number' ? multiplier : 1);
    const maxPeriods = Math.max(1, Math.floor(LIMITS.maxEvaluationSeconds / periodSeconds));
    const nOk =
      tuning.evaluationPeriods === undefined ||
      checkNumber(
        p,
        `${here}.evaluationPeriods`,
        tuning.evaluationPeriods,
        { min: 1, max: maxPeriods },
        {
          unit: `(periods of ${periodSeconds / 60} min; CloudWatch evaluates at most one day)`,
        },
      );
    const mOk =
      tuning.datapointsToAlarm === undefined ||
      checkNumber(p, `${here}.datapointsToAlarm`, tuning.datapointsToAlarm, { min: 1, max: maxPeriods });
    const n = merged.evaluationPeriods;
    const m = merged.datapointsToAlarm;
    if (nOk && mOk && typeof n === 'number' && typeof m === 'number') {
      if (m > n) {
        p.add(`${here}.datapointsToAlarm`, m, `allowed: at most evaluationPeriods (${n})`);
      } else if (n * periodSeconds > LIMITS.maxEvaluationSeconds) {
        p.add(
          `${here}.evaluationPeriods`,
          n,
          `allowed: at most ${maxPeriods} (evaluationPeriods × ${periodSeconds / 60}-minute period must not exceed one day)`,
        );
      }
    }
    if (tuning.threshold !== undefined)
      checkNumber(p, `${here}.threshold`, tuning.threshold, LIMITS.countThreshold);
    if (tuning.thresholdSeconds !== undefined) {
      checkNumber(p, `${here}.thresholdSeconds`, tuning.thresholdSeconds, LIMITS.clockSkewSeconds, {
        unit: 'seconds',
      });
    }
    if (tuning.thresholdMs !== undefined) {
      checkNumber(p, `${here}.thresholdMs`, tuning.thresholdMs, LIMITS.latencyMs, { unit: 'ms' });
    }
    if (
      tuning.statistic !== undefined &&
      !(LATENCY_STATISTICS as readonly unknown[]).includes(tuning.statistic)
    ) {
      p.add(`${here}.statistic`, tuning.statistic, `allowed: one of ${LATENCY_STATISTICS.join(', ')}`);
    }
  }
}

const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;

export function checkVpc(p: Problems, path: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    p.add(path, value, 'allowed: {"subnetIds": ["subnet-…"], "securityGroupIds": ["sg-…"]}');
    return;
  }
  checkKeys(p, path, value, ['subnetIds', 'securityGroupIds']);
  const list = (key: string, pattern: RegExp, example: string, max: number) => {
    const ids = value[key];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > max) {
      p.add(`${path}.${key}`, ids, `allowed: a list of 1-${max} IDs like "${example}"`);
      return;
    }
    ids.forEach((id, i) => {
      if (typeof id !== 'string' || (!Token.isUnresolved(id) && !pattern.test(id))) {
        p.add(`${path}.${key}[${i}]`, id, `allowed: an ID like "${example}" (8 or 17 hex digits)`);
      }
    });
  };
  list('subnetIds', SUBNET_ID, 'subnet-0123456789abcdef0', LIMITS.subnetsPerFunction);
  list('securityGroupIds', SECURITY_GROUP_ID, 'sg-0123456789abcdef0', LIMITS.securityGroupsPerFunction);
}

/**
 * The key of an existing encrypted topic: only with that topic, a key ARN (IAM grants key use on key ARNs, not
 * aliases), in the topic's region (SNS encrypts with a key in its own region). Used by the configuration loader
 * and the construct, so both say the same thing.
 */
export function checkTopicKmsKey(
  p: Problems,
  path: string,
  keyArn: unknown,
  topicArn: unknown,
  topicPath: string,
): void {
  if (keyArn === undefined || (typeof keyArn === 'string' && Token.isUnresolved(keyArn))) return;
  if (topicArn === undefined) {
    p.add(
      path,
      keyArn,
      `allowed: only with ${topicPath} (the key of that existing topic; a topic the canary creates has its own, see encryption)`,
    );
    return;
  }
  const key = typeof keyArn === 'string' ? KMS_KEY_ARN.exec(keyArn) : null;
  if (!key) {
    p.add(
      path,
      keyArn,
      'allowed: a KMS key ARN, arn:aws:kms:REGION:123456789012:key/KEY-ID (not an alias, which IAM cannot grant key use on)',
    );
    return;
  }
  if (typeof topicArn !== 'string' || Token.isUnresolved(topicArn)) return;
  const [, partition, , region] = topicArn.split(':');
  if (key[2] !== region || key[1] !== partition) {
    p.add(
      path,
      keyArn,
      `allowed: a key in ${region}, the topic's region (SNS encrypts with a key in its own region)`,
    );
  }
}

/** Where each region-independent setting was written: the construct's prop names or the configuration file's keys. */
export interface SettingPaths {
  canaryName: string;
  namespace: string;
  scheduleMinutes: string;
  memoryMiB: string;
  reminderHours: string;
  timeoutSeconds: string;
  knownGoodImage: string;
  alarms: string;
}

/** The region-independent settings of a canary, as given (unchecked), with the defaults applied. */
export interface CanarySettings {
  canaryName: unknown;
  namespace: unknown;
  scheduleMinutes: unknown;
  memoryMiB?: unknown;
  reminderHours?: unknown;
  timeoutSeconds?: unknown;
  knownGoodImage: unknown;
  alarms?: unknown;
}

/** Checks the settings every region of a canary shares. Returns the schedule to derive periods from. */
export function checkCanarySettings(p: Problems, settings: CanarySettings, paths: SettingPaths): number {
  const scheduleOk = checkNumber(p, paths.scheduleMinutes, settings.scheduleMinutes, LIMITS.scheduleMinutes, {
    unit: 'minutes',
  });
  const scheduleMinutes = scheduleOk ? (settings.scheduleMinutes as number) : CANARY_DEFAULTS.scheduleMinutes;
  checkCanaryName(p, paths.canaryName, settings.canaryName);
  checkNamespace(p, paths.namespace, settings.namespace);
  if (settings.memoryMiB !== undefined) {
    checkNumber(p, paths.memoryMiB, settings.memoryMiB, LIMITS.memoryMiB, { unit: 'MiB' });
  }
  if (settings.reminderHours !== undefined) {
    checkNumber(p, paths.reminderHours, settings.reminderHours, LIMITS.reminderHours, {
      integer: false,
      unit: 'hours',
    });
  }
  if (settings.timeoutSeconds !== undefined) {
    checkNumber(
      p,
      paths.timeoutSeconds,
      settings.timeoutSeconds,
      { min: LIMITS.functionTimeoutSeconds.min, max: maxTimeoutSeconds(scheduleMinutes) },
      { unit: 'seconds (a run must end before the next one starts)' },
    );
  }
  checkBoolean(p, paths.knownGoodImage, settings.knownGoodImage);
  checkAlarmOptions(p, paths.alarms, settings.alarms, scheduleMinutes);
  return scheduleMinutes;
}

export type NotificationKey =
  | 'topicArn'
  | 'topicKmsKeyArn'
  | 'encryption'
  | 'emails'
  | 'httpsEndpoints'
  | 'subscribeExistingTopic';

/** Where each setting of one region was written. */
export interface RegionalPaths {
  targets: string;
  vpc: string;
  notification: (key: NotificationKey) => string;
  /** Appended to the topic-region problem: where to set a topic for this region, when there is such a place. */
  topicRegionFix?: string;
}

/** The settings of one region's canary, as given (unchecked). */
export interface RegionalSettings {
  /** The stack's region; undefined when it is not known at synthesis (an environment-agnostic stack). */
  region: string | undefined;
  /** The account the user named for the stacks (the configuration file's `account`), when there is one. */
  account?: string | undefined;
  targets: unknown;
  knownGoodImage: boolean;
  vpc?: unknown;
  notifications?: Partial<Record<NotificationKey, unknown>> | undefined;
}

/**
 * Checks the settings of one region's canary: its targets (the way the function will read them), their names,
 * the VPC placement and an existing topic. Returns the targets as the function receives them (each named), or
 * null when they have problems.
 */
export function checkRegionalSettings(
  p: Problems,
  settings: RegionalSettings,
  paths: RegionalPaths,
): HandlerTarget[] | null {
  const targets = checkTargetList(p, settings, paths.targets);
  checkVpc(p, paths.vpc, settings.vpc);
  const notifications = settings.notifications ?? {};
  const topicArn = notifications.topicArn;
  if (checkTopicArn(p, paths.notification('topicArn'), topicArn) && typeof topicArn === 'string') {
    checkTopicPlacement(p, paths.notification('topicArn'), topicArn, {
      region: settings.region,
      account: settings.account,
      fix: paths.topicRegionFix,
    });
  }
  if (topicArn !== undefined && notifications.encryption === true) {
    p.add(
      paths.notification('encryption'),
      true,
      'allowed: false with topicArn (encryption applies only to a topic the canary creates; encrypt your topic with a key CloudWatch may use)',
    );
  }
  checkTopicKmsKey(
    p,
    paths.notification('topicKmsKeyArn'),
    notifications.topicKmsKeyArn,
    topicArn,
    paths.notification('topicArn'),
  );
  checkExistingTopicSubscriptions(p, notifications, paths.notification);
  return targets;
}

/**
 * Subscriptions on a topic the canary does not own only when asked for (`subscribeExistingTopic`): SNS refuses an
 * endpoint the topic already has with other attributes, and with the same attributes the stack takes over the
 * team's subscription and unsubscribes it on delete (lib/alarm-topic.ts NotificationOptions.subscribeExistingTopic).
 */
export function checkExistingTopicSubscriptions(
  p: Problems,
  notifications: Partial<Record<NotificationKey, unknown>>,
  path: (key: NotificationKey) => string,
): void {
  const opted = notifications.subscribeExistingTopic;
  if (opted !== undefined) checkBoolean(p, path('subscribeExistingTopic'), opted);
  if (notifications.topicArn === undefined || opted === true) return;
  for (const key of ['emails', 'httpsEndpoints'] as const) {
    const endpoints = notifications[key];
    if (!Array.isArray(endpoints) || endpoints.length === 0) continue;
    p.add(
      path(key),
      endpoints,
      `allowed: none with ${path('topicArn')}, unless ${path('subscribeExistingTopic')} is true: SNS refuses an endpoint the existing topic already has with other attributes, and deleting the stack would unsubscribe one it has with the same; subscribe them to your topic yourself, or set subscribeExistingTopic to true for endpoints it does not have yet`,
    );
  }
}

/** A region's target list: its size, each target, their names, and that there is something to probe. */
export function checkTargetList(
  p: Problems,
  settings: Pick<RegionalSettings, 'region' | 'targets' | 'knownGoodImage'>,
  path: string,
): HandlerTarget[] | null {
  const { targets, region, knownGoodImage } = settings;
  if (targets === undefined) return checkTargetList(p, { ...settings, targets: [] }, path);
  if (!Array.isArray(targets)) {
    p.add(path, targets, 'allowed: a list of targets, e.g. [{"image": "app:1.0"}]');
    return null;
  }
  if (targets.length > LIMITS.targetsPerRegion) {
    p.add(
      path,
      `${targets.length} targets`,
      `allowed: at most ${LIMITS.targetsPerRegion} targets per region`,
    );
  }
  // A target's name never depends on the region, but resolving a short reference needs one; in an
  // environment-agnostic stack the function resolves it at run time from AWS_REGION.
  const regionForNames = region ?? 'us-east-1';
  const names = targets.map((target, i) => checkTarget(p, `${path}[${i}]`, target, regionForNames));
  if (!knownGoodImage && targets.length === 0) {
    p.add(
      path,
      [],
      `allowed: at least one target${region ? ` for ${region}` : ''} when knownGoodImage is false (there would be nothing to probe)`,
    );
  }
  checkTargetNames(p, [
    ...(knownGoodImage ? [{ path: 'knownGoodImage', name: KNOWN_GOOD_TARGET_NAME }] : []),
    ...names.flatMap((name, i) => (name === null ? [] : [{ path: `${path}[${i}].name`, name }])),
  ]);
  if (names.some((name) => name === null)) return null;
  return (targets as ProbeTarget[]).map((target, i) => ({ ...target, name: names[i] as string }));
}

/** A standard SNS topic ARN (or an unresolved token); false when it is not one. */
export function checkTopicArn(p: Problems, path: string, topicArn: unknown): boolean {
  if (topicArn === undefined || (typeof topicArn === 'string' && Token.isUnresolved(topicArn))) return false;
  if (typeof topicArn === 'string' && parseTopicArn(topicArn)) return true;
  p.add(path, topicArn, 'allowed: a standard (not FIFO) SNS topic ARN, arn:aws:sns:REGION:123456789012:name');
  return false;
}

/**
 * Alarm actions must be in the alarm's own region (and partition), so an existing topic must be in the stack's
 * region; and in the account the stacks deploy to, when that is known.
 */
export function checkTopicPlacement(
  p: Problems,
  path: string,
  topicArn: string,
  stack: { region: string | undefined; account?: string | undefined; fix?: string | undefined },
): void {
  const topic = Token.isUnresolved(topicArn) ? null : parseTopicArn(topicArn);
  if (!topic) return;
  const region = stack.region !== undefined && !Token.isUnresolved(stack.region) ? stack.region : undefined;
  const account =
    stack.account !== undefined && !Token.isUnresolved(stack.account) ? stack.account : undefined;
  if (region !== undefined && topic.region !== region) {
    p.add(
      path,
      topicArn,
      `allowed: a topic in ${region}, the stack's region (CloudWatch alarm actions cannot cross regions)${stack.fix ?? ''}`,
    );
  }
  if (account !== undefined && topic.account !== account) {
    p.add(path, topicArn, `allowed: a topic in account ${account}, the account the stacks deploy to`);
  }
  const partition = region === undefined ? undefined : RegionInfo.get(region).partition;
  if (partition !== undefined && topic.partition !== partition) {
    p.add(path, topicArn, `allowed: an ARN in partition ${partition}`);
  }
}
