import { KMS_KEY_ARN, parseTopicArn } from '../model/arn.ts';
import type { HandlerTarget } from '../model/contract.ts';
import { closest } from '../model/did-you-mean.ts';
import {
  ALARM_FIELDS,
  accepts,
  allowedText,
  CONFIG_FIELDS,
  type Field,
  type Fields,
  NOTIFICATION_FIELDS,
  numberAllowed,
  TARGET_FIELDS,
} from '../model/fields.ts';
import { needsExplicitRegistry, parseImageReference, tokenHostAllowed } from '../model/image-ref.ts';
import { ALARM_DEFAULTS, CANARY_DEFAULTS, LIMITS, maxTimeoutSeconds } from '../model/limits.ts';
import { isKnownRegion, knownRegionAllowed, regionPartition } from '../model/regions.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../model/seed-contract.ts';
import { resolveTarget } from '../model/target.ts';
import type { ProbeTarget } from '../model/types.ts';
import { targetSlug } from './alarm-naming.ts';
import { TARGET_KEYS } from './schema.ts';

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
  /**
   * @param unresolved whether a string is a token the CDK resolves only at deploy time, which no check here can
   * judge: the construct passes `Token.isUnresolved`; the configuration file, plain JSON, holds none. Injected so
   * that this module imports nothing of the CDK, and preflight's bundle carries none of it (scripts/build.ts).
   */
  constructor(readonly unresolved: (value: string) => boolean) {}
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
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A cycle (a construct, a CDK object passed under the wrong prop name): named, not a crash.
  }
  if (text !== undefined) return text.length > 120 ? `${text.slice(0, 120)}…` : text;
  const path = (value as { node?: { path?: unknown } }).node?.path;
  if (typeof path === 'string') return `the construct ${JSON.stringify(path)}`;
  return `a ${(value as { constructor?: { name?: string } }).constructor?.name || typeof value}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reports keys not in `allowed`, with the closest allowed key when the unknown one looks like a typo of it, or the
 * name it goes by here when it is another's (`renamed`: a configuration file key given to the construct).
 */
export function checkKeys(
  p: Problems,
  path: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
  options: { renamed?: Readonly<Record<string, string>>; noun?: string } = {},
): void {
  const noun = options.noun ?? 'key';
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const renamed = Object.hasOwn(options.renamed ?? {}, key) ? options.renamed?.[key] : undefined;
    const guess = renamed !== undefined && allowed.includes(renamed) ? renamed : closest(key, allowed);
    p.add(
      `${path}${path ? '.' : ''}${key}`,
      value[key],
      `unknown ${noun}${guess ? ` (did you mean "${guess}"?)` : ''}; allowed ${noun}s: ${allowed.join(', ')}`,
    );
  }
}

/**
 * Checks a value against its declaration (lambda/engine/model/fields.ts) and reports what the declaration allows: a
 * list's size and each item, an object's keys (with "did you mean") and each of its fields that the declaration
 * does not leave to code (`custom`). A string the CDK resolves only at deploy time (a token) is not checked.
 * True when it found no problem.
 */
export function checkField(p: Problems, path: string, value: unknown, field: Field): boolean {
  const before = p.found;
  const fail = () => p.add(path, value, `allowed: ${allowedText(field, value)}`);
  switch (field.type) {
    case 'list':
      if (
        !Array.isArray(value) ||
        value.length < (field.minItems ?? 0) ||
        value.length > (field.maxItems ?? Number.POSITIVE_INFINITY)
      ) {
        fail();
        break;
      }
      value.forEach((item, i) => {
        checkField(p, `${path}[${i}]`, item, field.items);
      });
      break;
    case 'object':
      if (value === null && field.nullable) break;
      if (!isObject(value)) {
        fail();
        break;
      }
      checkKeys(p, path, value, Object.keys(field.fields));
      for (const [key, inner] of Object.entries(field.fields)) {
        const here = `${path}.${key}`;
        if (value[key] === undefined) {
          if (inner.required) p.add(here, undefined, `allowed: ${allowedText(inner, undefined)}`);
        } else if (!inner.custom) {
          checkField(p, here, value[key], inner);
        }
      }
      break;
    case 'allOrList':
      if (value === field.all) break;
      if (!Array.isArray(value) || value.length > (field.maxItems ?? Number.POSITIVE_INFINITY)) {
        fail();
        break;
      }
      value.forEach((item, i) => {
        checkField(p, `${path}[${i}]`, item, field.items);
      });
      break;
    case 'regionMap':
      if (!isObject(value)) {
        fail();
        break;
      }
      for (const [key, inner] of Object.entries(value)) checkField(p, `${path}.${key}`, inner, field.values);
      break;
    default:
      if (typeof value === 'string' && p.unresolved(value)) break;
      if (!accepts(field, value)) fail();
  }
  return p.found === before;
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
  if (!ok) p.add(path, value, `allowed: ${numberAllowed(range, { integer, unit: opts.unit })}`);
  return ok;
}

export function checkBoolean(p: Problems, path: string, value: unknown): value is boolean {
  if (typeof value === 'boolean') return true;
  p.add(path, value, 'allowed: true or false');
  return false;
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
    p.add(`${path}.image`, target.image, `allowed: ${allowedText(TARGET_FIELDS.image, target.image)}`);
    return null;
  }
  // Each key as declared; the image, which only the probe's parser can judge, below.
  for (const [key, field] of Object.entries(TARGET_FIELDS as Fields)) {
    if (!field.custom && target[key] !== undefined) checkField(p, `${path}.${key}`, target[key], field);
  }
  try {
    const ref = parseImageReference(target.image);
    const registryUrl = target.registryUrl;
    // The ECR token goes only to ECR or to a registry the user named: another host is refused here, before
    // anything is built (the probe refuses it again at run time).
    if (needsExplicitRegistry(ref, registryUrl === undefined ? undefined : String(registryUrl))) {
      p.add(`${path}.image`, target.image, `allowed: ${tokenHostAllowed(`set ${path}.registryUrl`)}`);
    }
    // A well-formed host in no region (`…dkr.ecr.eu-wset-1.amazonaws.com`) would get pulls granted there.
    if (ref.region !== null && !isKnownRegion(ref.region)) {
      p.add(
        `${path}.image`,
        target.image,
        `allowed: an ECR registry host in ${knownRegionAllowed(ref.region)}`,
      );
    }
  } catch (error) {
    p.add(`${path}.image`, target.image, `allowed: a valid image reference (${(error as Error).message})`);
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

/** Alarm tuning, including the CloudWatch rules that only show at deploy time (M ≤ N, N × period ≤ one day). */
export function checkAlarmOptions(p: Problems, path: string, value: unknown, scheduleMinutes: number): void {
  if (value === undefined) return;
  // Each alarm's keys, switch and threshold as declared (ALARM_FIELDS); M of N, which depends on the period, below.
  checkField(p, path, value, CONFIG_FIELDS.alarms);
  if (!isObject(value)) return;
  for (const kind of Object.keys(ALARM_FIELDS) as Array<keyof typeof ALARM_FIELDS>) {
    const tuning = value[kind];
    if (!isObject(tuning)) continue;
    const here = `${path}.${kind}`;
    const merged: Record<string, unknown> = { ...ALARM_DEFAULTS[kind], ...tuning };
    const multiplier = kind === 'heartbeat' ? merged.periodMultiplier : 1;
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
  }
}

/** A VPC placement: both lists, IDs of the right form (tokens pass), within Lambda's limits. */
export function checkVpc(p: Problems, path: string, value: unknown): void {
  if (value === undefined || value === null) return;
  checkField(p, path, value, CONFIG_FIELDS.vpc);
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
  if (keyArn === undefined || (typeof keyArn === 'string' && p.unresolved(keyArn))) return;
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
    p.add(path, keyArn, `allowed: ${allowedText(NOTIFICATION_FIELDS.topicKmsKeyArn, keyArn)}`);
    return;
  }
  if (typeof topicArn !== 'string' || p.unresolved(topicArn)) return;
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
  const scheduleOk = checkField(
    p,
    paths.scheduleMinutes,
    settings.scheduleMinutes,
    CONFIG_FIELDS.scheduleMinutes,
  );
  const scheduleMinutes = scheduleOk ? (settings.scheduleMinutes as number) : CANARY_DEFAULTS.scheduleMinutes;
  checkField(p, paths.canaryName, settings.canaryName, CONFIG_FIELDS.name);
  checkField(p, paths.namespace, settings.namespace, CONFIG_FIELDS.namespace);
  if (settings.memoryMiB !== undefined) {
    checkField(p, paths.memoryMiB, settings.memoryMiB, CONFIG_FIELDS.memoryMiB);
  }
  if (settings.reminderHours !== undefined) {
    checkField(p, paths.reminderHours, settings.reminderHours, CONFIG_FIELDS.reminderHours);
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
  checkField(p, paths.knownGoodImage, settings.knownGoodImage, CONFIG_FIELDS.knownGoodImage);
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
  if (topicArn === undefined || (typeof topicArn === 'string' && p.unresolved(topicArn))) return false;
  if (typeof topicArn === 'string' && parseTopicArn(topicArn)) return true;
  p.add(path, topicArn, `allowed: ${allowedText(NOTIFICATION_FIELDS.topicArn, topicArn)}`);
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
  const topic = p.unresolved(topicArn) ? null : parseTopicArn(topicArn);
  if (!topic) return;
  const region = stack.region !== undefined && !p.unresolved(stack.region) ? stack.region : undefined;
  const account = stack.account !== undefined && !p.unresolved(stack.account) ? stack.account : undefined;
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
  const partition = region === undefined ? undefined : regionPartition(region);
  if (partition !== undefined && topic.partition !== partition) {
    p.add(path, topicArn, `allowed: an ARN in partition ${partition}`);
  }
}
