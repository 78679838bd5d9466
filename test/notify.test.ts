import { beforeEach, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../lambda/engine/model/types.ts';
import type { TargetState } from '../lambda/engine/outputs/dedup.ts';
import { type NotifyContext, type NotifyDeps, notifyResult } from '../lambda/engine/outputs/notify.ts';
import {
  type MemoryStore,
  memoryStore,
  type RecordingNotifier,
  recordingNotifier,
} from './support/fake-outputs.ts';
import { failedResult, healthyResult } from './support/probe-results.ts';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const KEY = 'prod-canary#eu-west-1#known-good';
const CONTEXT: NotifyContext = {
  canaryName: 'prod-canary',
  region: 'eu-west-1',
  dashboardUrl: null,
  logsUrl: null,
  reminderMs: 6 * 3_600_000,
};

let notifier: RecordingNotifier;
let store: MemoryStore;
let logged: Array<Record<string, unknown>>;
let clock: number;

beforeEach(() => {
  notifier = recordingNotifier();
  store = memoryStore();
  logged = [];
  clock = T0;
});

function deps(overrides: Partial<NotifyDeps> = {}): NotifyDeps {
  return {
    notifier,
    store,
    lastKnown: new Map(),
    now: () => clock,
    log: (record) => logged.push(record),
    timeoutMs: 1000,
    ...overrides,
  };
}

const notify = (result: ProbeResult, overrides: Partial<NotifyDeps> = {}) =>
  notifyResult(result, CONTEXT, deps(overrides));

describe('notifyResult', () => {
  it('publishes the start of a streak and stores it under canary, region and target', async () => {
    const outcome = await notify(failedResult('auth'));
    expect(outcome).toEqual({ target: 'known-good', kind: 'failure', published: true });
    expect(notifier.published.map((n) => n.subject)).toEqual([
      'ECR pull canary FAILING auth: eu-west-1 known-good',
    ]);
    expect(store.items.get(KEY)).toMatchObject({ status: 'failing', category: 'auth', version: 1 });
    expect(logged).toEqual([]);
  });

  it('tells a recovery when the streak started, from the stored state', async () => {
    await notify(failedResult('auth'));
    clock = T0 + 60_000;
    const outcome = await notify(healthyResult());
    expect(outcome.kind).toBe('recovery');
    expect(notifier.published[1]?.message).toContain(
      `(was failing with auth since ${new Date(T0).toISOString()})`,
    );
  });

  it('stays silent when another run wrote the same transition between read and write', async () => {
    // The read saw no state; by the write, the other run had stored version 1.
    const racing = memoryStore();
    racing.get = async () => null;
    racing.items.set(KEY, {
      status: 'failing',
      category: 'auth',
      since: null,
      lastNotifiedAt: null,
      version: 1,
    });
    const outcome = await notify(failedResult('auth'), { store: racing });
    expect(outcome).toEqual({ target: 'known-good', kind: null, published: false });
    expect(notifier.published).toEqual([]);
  });

  it('an unreadable store is logged; the warm container remembers the streak instead', async () => {
    store.readBehaviour = Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    const lastKnown = new Map<string, TargetState>();
    const first = await notify(failedResult('auth'), { lastKnown });
    const second = await notify(failedResult('auth'), { lastKnown });

    expect([first.published, second.published]).toEqual([true, false]);
    expect(store.items.size).toBe(0);
    expect(logged).toEqual([
      {
        level: 'ERROR',
        type: 'dedup-store-read-failed',
        target: 'known-good',
        errorCode: 'InternalServerError',
        message: 'Internal server error',
      },
      expect.objectContaining({ type: 'dedup-store-read-failed' }),
    ]);
  });

  it('an unreadable store on a cold start notifies: a duplicate page beats a missed one', async () => {
    store.items.set(KEY, {
      status: 'failing',
      category: 'auth',
      since: new Date(T0).toISOString(),
      lastNotifiedAt: new Date(T0).toISOString(),
      version: 4,
    });
    store.readBehaviour = new Error('unreachable');
    expect((await notify(failedResult('auth'))).published).toBe(true);
  });

  it('an unwritable store is logged and the notification still goes out', async () => {
    store.writeBehaviour = Object.assign(new Error('denied'), { code: 'AccessDeniedException' });
    const outcome = await notify(failedResult('permission'));
    expect(outcome).toEqual({ target: 'known-good', kind: 'failure', published: true });
    expect(logged).toEqual([
      {
        level: 'ERROR',
        type: 'dedup-store-write-failed',
        target: 'known-good',
        errorCode: 'AccessDeniedException',
        message: 'denied',
      },
    ]);
  });

  it('without a store, the warm container alone deduplicates', async () => {
    const lastKnown = new Map<string, TargetState>();
    const outcomes = [
      await notify(failedResult('auth'), { store: null, lastKnown }),
      await notify(failedResult('auth'), { store: null, lastKnown }),
      await notify(healthyResult(), { store: null, lastKnown }),
    ];
    expect(outcomes.map((o) => o.kind)).toEqual(['failure', null, 'recovery']);
    expect(notifier.published).toHaveLength(2);
  });

  it('a failed publish is logged with its error code and counted as not published', async () => {
    notifier.behaviour = Object.assign(new Error('not authorized to perform: SNS:Publish'), {
      name: 'AuthorizationErrorException',
    });
    const outcome = await notify(failedResult('auth'));
    expect(outcome).toEqual({ target: 'known-good', kind: 'failure', published: false });
    expect(logged).toEqual([
      {
        level: 'ERROR',
        type: 'notification-failed',
        target: 'known-good',
        errorCode: 'AuthorizationErrorException',
        message: 'not authorized to perform: SNS:Publish',
      },
    ]);
  });

  it('a hung publish ends at the deadline and is logged as DEADLINE_EXCEEDED', async () => {
    notifier.behaviour = 'hang';
    const started = performance.now();
    const outcome = await notify(failedResult('auth'), { timeoutMs: 50 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(outcome.published).toBe(false);
    expect(logged).toEqual([
      {
        level: 'ERROR',
        type: 'notification-failed',
        target: 'known-good',
        errorCode: 'DEADLINE_EXCEEDED',
        message: 'SNS Publish did not finish within 50 ms',
      },
    ]);
  });
});
