import type { ProbeResult } from '../model/types.ts';
import { withDeadline } from '../probe/deadline.ts';
import { decideNotification, INITIAL_STATE, type NotificationKind, type TargetState } from './dedup.ts';
import { formatNotification, type NotificationContext } from './notification.ts';
import type { Notifier, StateStore } from './ports.ts';

export interface NotifyDeps {
  notifier: Notifier;
  store: StateStore | null;
  /**
   * Last-known states of this warm container: when the store cannot be read, they keep a failure streak from
   * re-announcing itself every run. Cold starts without a store fall back to notifying, since a duplicate page
   * is better than a missed one. The handler keeps one map for the container's life.
   */
  lastKnown: Map<string, TargetState>;
  now: () => number;
  /** Structured log for store and SNS trouble: it is reported, never fatal. */
  log: (record: Record<string, unknown>) => void;
  timeoutMs: number;
}

export interface NotifyOutcome {
  target: string;
  kind: NotificationKind | null;
  published: boolean;
}

export type NotifyContext = Omit<NotificationContext, 'since' | 'recoveredCategory'> & {
  /** Minimum time between reminders of one unchanged failure streak. */
  reminderMs: number;
};

/**
 * The dedup item of one canary target: it also holds the canary's latest verdict for that target (no item, or
 * `status: ok`, means healthy), which the workload watcher reads (lambda/engine/watch/).
 */
export function canaryStateKey(canaryName: string, region: string, target: string): string {
  return `${canaryName}#${region}#${target}`;
}

export async function notifyResult(
  result: ProbeResult,
  context: NotifyContext,
  deps: NotifyDeps,
): Promise<NotifyOutcome> {
  const key = canaryStateKey(context.canaryName, context.region, result.target);
  let previous: TargetState | null;
  let storeHealthy = deps.store !== null;
  try {
    previous = deps.store ? ((await deps.store.get(key)) ?? INITIAL_STATE) : null;
  } catch (error) {
    storeHealthy = false;
    previous = null;
    deps.log(problem('dedup-store-read-failed', result.target, error));
  }
  previous ??= deps.lastKnown.get(key) ?? INITIAL_STATE;

  const decision = decideNotification(previous, result, deps.now(), context.reminderMs);
  if (!decision.kind || !decision.next) return { target: result.target, kind: null, published: false };

  if (storeHealthy && deps.store) {
    try {
      const won = await deps.store.put(key, decision.next);
      // Another run announced this transition between our read and write; saying it twice is noise.
      if (!won) return { target: result.target, kind: null, published: false };
    } catch (error) {
      deps.log(problem('dedup-store-write-failed', result.target, error));
    }
  }
  deps.lastKnown.set(key, decision.next);

  const notification = formatNotification(decision.kind, result, {
    ...context,
    since: decision.kind === 'recovery' ? previous.since : decision.next.since,
    recoveredCategory: previous.category,
  });
  try {
    await withDeadline(
      (abortSignal) => deps.notifier.publish(notification, abortSignal),
      deps.timeoutMs,
      'SNS Publish',
    );
    return { target: result.target, kind: decision.kind, published: true };
  } catch (error) {
    deps.log(problem('notification-failed', result.target, error));
    return { target: result.target, kind: decision.kind, published: false };
  }
}

function problem(type: string, target: string, error: unknown): Record<string, unknown> {
  const e = error as { name?: string; code?: string; message?: string };
  return {
    level: 'ERROR',
    type,
    target,
    errorCode: e.code ?? e.name ?? 'Error',
    message: e.message ?? String(error),
  };
}
