import type { Category, ProbeResult } from '../model/types.ts';

/** What the canary last told people about one target. */
export interface TargetState {
  status: 'ok' | 'failing';
  category: Category | null;
  /** When the current failure streak started (ISO). */
  since: string | null;
  /** When a notification for this streak was last sent (ISO). */
  lastNotifiedAt: string | null;
  /** Optimistic-lock counter: a write succeeds only if nobody wrote since we read. */
  version: number;
}

export type NotificationKind = 'failure' | 'category-changed' | 'reminder' | 'recovery';

export interface Decision {
  kind: NotificationKind | null;
  /** The state to write, or null when nothing changed (steady state costs one read, no write). */
  next: TargetState | null;
}

export const INITIAL_STATE: TargetState = {
  status: 'ok',
  category: null,
  since: null,
  lastNotifiedAt: null,
  version: 0,
};

/**
 * One message when a failure streak starts or changes category, a reminder at most every `reminderMs`, one on
 * recovery, nothing otherwise.
 */
export function decideNotification(
  previous: TargetState,
  result: Pick<ProbeResult, 'ok' | 'category'>,
  nowMs: number,
  reminderMs: number,
): Decision {
  const now = new Date(nowMs).toISOString();
  const version = previous.version + 1;
  if (result.ok) {
    if (previous.status === 'ok') return { kind: null, next: null };
    return {
      kind: 'recovery',
      next: { status: 'ok', category: null, since: null, lastNotifiedAt: now, version },
    };
  }
  const category = result.category ?? 'unknown';
  if (previous.status === 'ok') {
    return {
      kind: 'failure',
      next: { status: 'failing', category, since: now, lastNotifiedAt: now, version },
    };
  }
  if (previous.category !== category) {
    return {
      kind: 'category-changed',
      next: { status: 'failing', category, since: previous.since ?? now, lastNotifiedAt: now, version },
    };
  }
  const lastNotifiedMs = previous.lastNotifiedAt
    ? Date.parse(previous.lastNotifiedAt)
    : Number.NEGATIVE_INFINITY;
  if (nowMs - lastNotifiedMs >= reminderMs) {
    return { kind: 'reminder', next: { ...previous, lastNotifiedAt: now, version } };
  }
  return { kind: null, next: null };
}
