/**
 * One event through the watcher: parse and classify it, count it, and notify once per workload and category
 * within the dedup window, with the canary's latest verdict in the region. Depends only on the narrow output
 * ports (lambda/engine/outputs/ports.ts), so it is tested in process with fakes; the handler builds the SDK-backed
 * ones. Never rejects: a bad event or a broken output is one log line, because a thrown error would make
 * Lambda's asynchronous invocation retry the event.
 */
import { AUTH_CATEGORIES, DIMENSION } from '../model/contract.ts';
import type { Category } from '../model/types.ts';
import { WATCH_METRIC, WATCH_STATE_PREFIX } from '../model/watch-contract.ts';
import type { Datapoint } from '../outputs/datapoints.ts';
import type { TargetState } from '../outputs/dedup.ts';
import { canaryStateKey } from '../outputs/notify.ts';
import type { MetricsSink, Notifier, StateStore } from '../outputs/ports.ts';
import { type MetricsOutcome, publishMetrics } from '../outputs/publish-metrics.ts';
import { withDeadline } from '../probe/deadline.ts';
import { type CanaryVerdict, formatWatchNotification, type WatchNotification } from './watch-message.ts';
import { parseWorkloadEvent } from './workload-event.ts';

export interface WatchConfig {
  canaryName: string;
  region: string;
  namespace: string;
  topicArn: string | null;
  stateTable: string | null;
  /** The canary's target names in this region: their state items hold its latest verdict. */
  canaryTargets: string[];
  dedupHours: number;
  dashboardUrl: string | null;
  logsUrl: string | null;
}

export interface WatchDeps {
  metrics: MetricsSink;
  notifier: Notifier<WatchNotification> | null;
  store: StateStore | null;
  now: () => number;
  /** One raw line to the function's log. */
  write: (line: string) => void;
}

export interface WatchSummary {
  handled: boolean;
  /** Why the event was not handled: the field, what it was and what is allowed. */
  ignored?: string;
  category?: Category;
  workload?: string;
  metricsVia: MetricsOutcome['via'];
  notified: boolean;
  /** A notification for this workload and category went out within the dedup window already. */
  duplicate: boolean;
  verdict?: CanaryVerdict['status'];
}

/** Deadline of each output call, the SDK's retries included; the function's timeout leaves room for all. */
export const WATCH_CALL_TIMEOUT_MS = 3000;

/** The datapoints of one failure: the category, the total and, for auth-like categories, the auth count. */
export function watchDatapoints(category: Category): Datapoint[] {
  const points: Datapoint[] = [
    {
      name: WATCH_METRIC.pullFailures,
      dimensions: { [DIMENSION.category]: category },
      value: 1,
      unit: 'Count',
    },
    { name: WATCH_METRIC.pullFailures, dimensions: {}, value: 1, unit: 'Count' },
  ];
  if ((AUTH_CATEGORIES as readonly string[]).includes(category)) {
    points.push({ name: WATCH_METRIC.authFailures, dimensions: {}, value: 1, unit: 'Count' });
  }
  return points;
}

/** The watcher's dedup item: its own namespace, so it never collides with a canary target's item. */
export function watchStateKey(
  canaryName: string,
  region: string,
  workload: string,
  category: Category,
): string {
  return `${WATCH_STATE_PREFIX}${canaryName}#${region}#${workload}#${category}`;
}

/**
 * The state to write when this failure should be announced, or null when one was announced within the window.
 * The version makes the write conditional: of two concurrent invocations, one wins and only it notifies.
 */
export function decideWatchNotification(
  previous: TargetState | null,
  category: Category,
  nowMs: number,
  windowMs: number,
): TargetState | null {
  const now = new Date(nowMs).toISOString();
  const last = previous?.lastNotifiedAt ? Date.parse(previous.lastNotifiedAt) : Number.NEGATIVE_INFINITY;
  if (previous && nowMs - last < windowMs) return null;
  return {
    status: 'failing',
    category,
    since: previous?.since && nowMs - last < 2 * windowMs ? previous.since : now,
    lastNotifiedAt: now,
    version: (previous?.version ?? 0) + 1,
  };
}

/** The canary's verdict from its per-target items: no item, or `ok`, is a healthy target. */
export async function readCanaryVerdict(
  store: StateStore | null,
  config: Pick<WatchConfig, 'canaryName' | 'region' | 'canaryTargets'>,
): Promise<CanaryVerdict> {
  if (!store) return { status: 'unknown', reason: 'no state table configured' };
  if (config.canaryTargets.length === 0) return { status: 'unknown', reason: 'no canary targets configured' };
  try {
    const states = await Promise.all(
      config.canaryTargets.map(async (target) => ({
        target,
        state: await store.get(canaryStateKey(config.canaryName, config.region, target)),
      })),
    );
    const failing = states
      .filter(({ state }) => state?.status === 'failing')
      .map(({ target, state }) => ({
        target,
        category: state?.category ?? null,
        since: state?.since ?? null,
      }));
    return failing.length > 0
      ? { status: 'failing', failing }
      : { status: 'ok', targets: config.canaryTargets };
  } catch (error) {
    return { status: 'unknown', reason: errorText(error) };
  }
}

export async function handleWorkloadEvent(
  event: unknown,
  config: WatchConfig,
  deps: WatchDeps,
): Promise<WatchSummary> {
  const log = (record: Record<string, unknown>) =>
    deps.write(JSON.stringify({ timestamp: new Date(deps.now()).toISOString(), ...record }));
  const parsed = parseWorkloadEvent(event);
  if ('ignored' in parsed) {
    log({ level: 'WARN', type: 'event-ignored', reason: parsed.ignored });
    return { handled: false, ignored: parsed.ignored, metricsVia: 'none', notified: false, duplicate: false };
  }
  const { failure } = parsed;
  const category = failure.classification.category;
  const startedMs = deps.now();

  const [metrics, notification] = await Promise.all([
    publishMetrics(
      deps.metrics,
      config.namespace,
      watchDatapoints(category),
      startedMs,
      WATCH_CALL_TIMEOUT_MS,
      deps.write,
    ),
    notifyOnce(failure, config, deps),
  ]);
  // The one line per event: what failed, how it was classified, and what was sent.
  log({
    level: 'WARN',
    type: 'workload-pull-failure',
    source: failure.source,
    workload: failure.workload,
    category,
    rule: failure.classification.evidence?.rule ?? null,
    fields: failure.classification.fields,
    text: failure.classification.text,
    metricsVia: metrics.via,
    ...(metrics.fallbackReason ? { metricsFallbackReason: metrics.fallbackReason } : {}),
    notified: notification.notified,
    duplicate: notification.duplicate,
    verdict: notification.verdict ?? null,
    ...(notification.problems.length > 0 ? { problems: notification.problems } : {}),
  });
  return {
    handled: true,
    category,
    workload: failure.workload,
    metricsVia: metrics.via,
    notified: notification.notified,
    duplicate: notification.duplicate,
    ...(notification.verdict ? { verdict: notification.verdict } : {}),
  };
}

async function notifyOnce(
  failure: Parameters<typeof formatWatchNotification>[0],
  config: WatchConfig,
  deps: WatchDeps,
): Promise<{ notified: boolean; duplicate: boolean; verdict?: CanaryVerdict['status']; problems: string[] }> {
  const problems: string[] = [];
  if (!deps.notifier) return { notified: false, duplicate: false, problems };
  const category = failure.classification.category;
  const key = watchStateKey(config.canaryName, config.region, failure.workload, category);
  let previous: TargetState | null = null;
  let storeHealthy = deps.store !== null;
  if (deps.store) {
    try {
      previous = await deps.store.get(key);
    } catch (error) {
      // Without the state a duplicate is possible; a missed first message would be worse.
      storeHealthy = false;
      problems.push(`dedup-store-read-failed: ${errorText(error)}`);
    }
  }
  const next = decideWatchNotification(previous, category, deps.now(), config.dedupHours * 3_600_000);
  if (!next) return { notified: false, duplicate: true, problems };
  if (storeHealthy && deps.store) {
    try {
      // Lost the conditional write: another invocation is announcing this very failure.
      if (!(await deps.store.put(key, next))) return { notified: false, duplicate: true, problems };
    } catch (error) {
      problems.push(`dedup-store-write-failed: ${errorText(error)}`);
    }
  }
  const verdict = await readCanaryVerdict(deps.store, config).catch(
    (error): CanaryVerdict => ({ status: 'unknown', reason: errorText(error) }),
  );
  const notification = formatWatchNotification(failure, verdict, {
    canaryName: config.canaryName,
    region: config.region,
    dashboardUrl: config.dashboardUrl,
    logsUrl: config.logsUrl,
  });
  const notifier = deps.notifier;
  try {
    await withDeadline(
      (abortSignal) => notifier.publish(notification, abortSignal),
      WATCH_CALL_TIMEOUT_MS,
      'SNS Publish',
    );
    return { notified: true, duplicate: false, verdict: verdict.status, problems };
  } catch (error) {
    problems.push(`notification-failed: ${errorText(error)}`);
    return { notified: false, duplicate: false, verdict: verdict.status, problems };
  }
}

function errorText(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  return `${e?.code ?? e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}
