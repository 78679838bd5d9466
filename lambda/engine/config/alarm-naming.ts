/** How bad a breach is: pager routing rules key on the suffix of the alarm name. */
export type AlarmSeverity = 'critical' | 'warning';

/** The alarms a canary has; `latency` exists once per target. */
export const CANARY_ALARM_KINDS = [
  'auth',
  'throttle',
  'clock-skew',
  'availability',
  'heartbeat',
  'latency',
] as const;
export type CanaryAlarmKind = (typeof CANARY_ALARM_KINDS)[number];

/** Every alarm kind: the canary's and the workload watcher's (lib/workload-watch.ts), same prefix, so the pager filter routes them too. */
export const ALARM_KINDS = [
  ...CANARY_ALARM_KINDS,
  'workload-auth',
  'workload-throttle',
  // The images-in-use inventory (lib/image-inventory.ts).
  'images-at-risk',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

export interface AlarmNameParts {
  /** Unique per account (the construct and the config validator make sure of it). */
  readonly canaryName: string;
  readonly region: string;
  readonly alarm: AlarmKind;
  readonly severity: AlarmSeverity;
  /**
   * The target of a per-target alarm (latency).
   * @default - none: the alarm covers the whole canary
   */
  readonly target?: string;
}

const MAX_TARGET_SLUG = 64;

/**
 * The only place alarm names are made: `<canary>-<region>-<alarm>[-<target>]-<severity>`. The canary name is
 * unique per account and the region is in the name, so two canaries (or one canary's regions, side by side in
 * a pager) never share a name; the dashboard rebuilds alarm ARNs from the same function.
 */
export function alarmName(parts: AlarmNameParts): string {
  const target = parts.target === undefined ? '' : `-${targetSlug(parts.target)}`;
  return `${parts.canaryName}-${parts.region}-${parts.alarm}${target}-${parts.severity}`;
}

/**
 * Target names are image references (`repo:tag`, `repo@sha256:…`); alarm names stay to letters, digits and
 * `._-` so they read the same in every console, pager and URL.
 */
export function targetSlug(target: string): string {
  const slug = target
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_TARGET_SLUG);
  return slug === '' ? 'target' : slug;
}

/** What every name {@link alarmName} gives this canary's alarms in `region` starts with. */
export function alarmNamePrefix(canaryName: string, region: string): string {
  return `${canaryName}-${region}-`;
}

/** Matches every name {@link alarmName} gives this canary's alarms in `region` (for ARN conditions). */
export function alarmNamePattern(canaryName: string, region: string): string {
  return `${alarmNamePrefix(canaryName, region)}*`;
}
