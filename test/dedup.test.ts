import { describe, expect, it } from 'vitest';
import { decideNotification, INITIAL_STATE, type TargetState } from '../lambda/engine/outputs/dedup.ts';
import { failedResult, healthyResult } from './support/probe-results.ts';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const HOUR = 3_600_000;
const REMINDER = 6 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const failing = (overrides: Partial<TargetState> = {}): TargetState => ({
  status: 'failing',
  category: 'auth',
  since: iso(T0),
  lastNotifiedAt: iso(T0),
  version: 3,
  ...overrides,
});

describe('decideNotification', () => {
  it('stays silent and writes nothing while a healthy target stays healthy', () => {
    expect(decideNotification(INITIAL_STATE, healthyResult(), T0, REMINDER)).toEqual({
      kind: null,
      next: null,
    });
  });

  it('announces the start of a failure streak and records when it started', () => {
    const decision = decideNotification(INITIAL_STATE, failedResult('auth'), T0, REMINDER);
    expect(decision).toEqual({
      kind: 'failure',
      next: { status: 'failing', category: 'auth', since: iso(T0), lastNotifiedAt: iso(T0), version: 1 },
    });
  });

  it('counts a failure without a category as unknown', () => {
    const decision = decideNotification(
      INITIAL_STATE,
      failedResult('auth', { category: null }),
      T0,
      REMINDER,
    );
    expect(decision.next?.category).toBe('unknown');
  });

  it('stays silent while the same failure repeats within the reminder interval', () => {
    const now = T0 + REMINDER - 1;
    expect(decideNotification(failing(), failedResult('auth'), now, REMINDER)).toEqual({
      kind: null,
      next: null,
    });
  });

  it('reminds once the reminder interval has passed, keeping the start of the streak', () => {
    const now = T0 + REMINDER;
    expect(decideNotification(failing(), failedResult('auth'), now, REMINDER)).toEqual({
      kind: 'reminder',
      next: { status: 'failing', category: 'auth', since: iso(T0), lastNotifiedAt: iso(now), version: 4 },
    });
  });

  it('reminds at once about a failing state that was never announced', () => {
    const decision = decideNotification(
      failing({ lastNotifiedAt: null }),
      failedResult('auth'),
      T0,
      REMINDER,
    );
    expect(decision.kind).toBe('reminder');
  });

  it('announces a change of category at once, keeping the start of the streak', () => {
    const now = T0 + 5 * 60_000;
    expect(decideNotification(failing(), failedResult('service'), now, REMINDER)).toEqual({
      kind: 'category-changed',
      next: { status: 'failing', category: 'service', since: iso(T0), lastNotifiedAt: iso(now), version: 4 },
    });
  });

  it('starts the streak now on a category change when its start was never recorded', () => {
    const now = T0 + 60_000;
    const decision = decideNotification(failing({ since: null }), failedResult('network'), now, REMINDER);
    expect(decision.next?.since).toBe(iso(now));
  });

  it('announces recovery once and clears the streak', () => {
    const now = T0 + HOUR;
    expect(decideNotification(failing(), healthyResult(), now, REMINDER)).toEqual({
      kind: 'recovery',
      next: { status: 'ok', category: null, since: null, lastNotifiedAt: iso(now), version: 4 },
    });
  });
});
