import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type CanaryDeps, phaseDeadlines, runCanary } from '../lambda/engine/canary-run.ts';
import type { HandlerConfig } from '../lambda/engine/handler-config.ts';
import { RUN_BUDGET_MS } from '../lambda/engine/model/limits.ts';
import type { ResolvedTarget } from '../lambda/engine/model/target.ts';
import type { ProbeResult } from '../lambda/engine/model/types.ts';
import { runDatapoints } from '../lambda/engine/outputs/datapoints.ts';
import type { TargetState } from '../lambda/engine/outputs/dedup.ts';
import { toEmfLines } from '../lambda/engine/outputs/emf.ts';
import type { ProbeOptions } from '../lambda/engine/probe/probe.ts';
import {
  type MemoryStore,
  memoryStore,
  type RecordingNotifier,
  type RecordingSink,
  recordingNotifier,
  recordingSink,
} from './support/fake-outputs.ts';
import { failedResult, healthyResult } from './support/probe-results.ts';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const PROBE_MS = 1234;
const RESOLVED: ResolvedTarget = {
  target: { image: 'canary/known-good:v1', name: 'known-good' },
  name: 'known-good',
  ref: {
    raw: 'canary/known-good:v1',
    host: null,
    registryId: null,
    region: null,
    repository: 'canary/known-good',
    tag: 'v1',
    digest: null,
  },
  region: 'eu-west-1',
};

const CONFIG: HandlerConfig = {
  canaryName: 'prod-canary',
  region: 'eu-west-1',
  targets: [RESOLVED],
  namespace: 'EcrPullCanary',
  topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
  stateTable: 'prod-canary-state',
  reminderHours: 6,
  clockSkewThresholdSeconds: 60,
  dashboardName: 'prod-canary',
  logGroupName: '/aws/lambda/prod-canary-probe',
};

let clock: number;
let sink: RecordingSink;
let notifier: RecordingNotifier;
let store: MemoryStore;
let lines: string[];
let probeCalls: Array<{ targets: ResolvedTarget[]; options: ProbeOptions }>;

beforeEach(() => {
  clock = T0;
  sink = recordingSink();
  notifier = recordingNotifier();
  store = memoryStore();
  lines = [];
  probeCalls = [];
});

/** Deps whose probe answers `results` after PROBE_MS on the fake clock; a fresh container unless one is given. */
function deps(results: ProbeResult[], overrides: Partial<CanaryDeps> = {}): CanaryDeps {
  return {
    probe: async (targets, options) => {
      probeCalls.push({ targets, options });
      clock += PROBE_MS;
      return results;
    },
    metrics: sink,
    notifier,
    store,
    lastKnown: new Map(),
    now: () => clock,
    write: (line) => lines.push(line),
    ...overrides,
  };
}

const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const ofType = (type: string) => records().filter((record) => record.type === type);

describe('runCanary', () => {
  it('probes the configured targets within the time left, minus what the outputs need', async () => {
    await runCanary({ ...CONFIG, clockSkewThresholdSeconds: 30 }, 20_000, deps([healthyResult()]));
    expect(probeCalls).toEqual([
      {
        targets: [RESOLVED],
        options: {
          defaultRegion: 'eu-west-1',
          clockSkewThresholdSeconds: 30,
          ...phaseDeadlines(20_000 - RUN_BUDGET_MS.outputReserve),
        },
      },
    ]);
  });

  it('a healthy run: one log line per target, the metrics in one call, no notification, a summary', async () => {
    const result = healthyResult();
    const summary = await runCanary(CONFIG, 30_000, deps([result]));

    expect(summary).toEqual({
      ok: true,
      targets: 1,
      failed: 0,
      metrics: { via: 'PutMetricData', datapoints: 1, fallbackReason: null },
      notifications: [{ target: 'known-good', kind: null, published: false }],
    });
    expect(sink.calls).toEqual([
      { namespace: 'EcrPullCanary', points: runDatapoints([result]), timestamp: new Date(T0) },
    ]);
    expect(notifier.published).toEqual([]);
    const at = new Date(T0 + PROBE_MS).toISOString();
    expect(records()).toEqual([
      {
        timestamp: at,
        level: 'INFO',
        type: 'probe-result',
        canary: 'prod-canary',
        target: 'known-good',
        region: 'eu-west-1',
        ok: true,
        category: null,
        phase: null,
        errorCode: null,
        message: null,
        image: result.image,
        digest: result.digest,
        latencyMs: result.latencyMs,
        timings: result.timings,
        layer: result.layer,
        clockSkewSeconds: 0.1,
        clockSkewUncertaintySeconds: 0.5,
        clockSkewSdkCorrected: false,
        tokenAttempts: 1,
        throttledResponses: 0,
        identity: result.identity,
        tokenExpiresAt: result.tokenExpiresAt,
        registryUrl: result.registryUrl,
        startedAt: result.startedAt,
      },
      {
        timestamp: at,
        level: 'INFO',
        type: 'run-summary',
        canary: 'prod-canary',
        ok: true,
        targets: 1,
        failed: 0,
        metricsVia: 'PutMetricData',
        notified: [],
        durationMs: PROBE_MS,
      },
    ]);
  });

  it('a failed target is a WARN line and a notification, and the run itself resolves', async () => {
    const summary = await runCanary(
      CONFIG,
      30_000,
      deps([failedResult('auth'), healthyResult({ target: 'b' })]),
    );

    expect(summary).toMatchObject({ ok: false, targets: 2, failed: 1 });
    expect(summary.notifications).toEqual([
      { target: 'known-good', kind: 'failure', published: true },
      { target: 'b', kind: null, published: false },
    ]);
    expect(ofType('probe-result').map((r) => [r.level, r.target, r.category, r.clockSkewSeconds])).toEqual([
      ['WARN', 'known-good', 'auth', 0.1],
      ['INFO', 'b', null, 0.1],
    ]);
    expect(ofType('run-summary')[0]).toMatchObject({
      ok: false,
      failed: 1,
      notified: ['known-good:failure'],
    });
  });

  it('links the dashboard and the logs and names the canary in the notification', async () => {
    await runCanary(CONFIG, 30_000, deps([failedResult('auth')]));
    const [notification] = notifier.published;
    expect(notification?.message).toContain(
      'ECR pull canary "prod-canary" in eu-west-1: known-good cannot pull',
    );
    expect(notification?.message).toContain(
      'Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/prod-canary',
    );
    expect(notification?.message).toContain(
      '#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fprod-canary-probe',
    );
  });

  it('without a topic, nothing is notified and the dedup store is never read', async () => {
    store.readBehaviour = new Error('must not be read');
    const summary = await runCanary(
      { ...CONFIG, topicArn: null },
      30_000,
      deps([failedResult('auth')], { notifier: null }),
    );
    expect(summary.notifications).toEqual([]);
    expect(ofType('dedup-store-read-failed')).toEqual([]);
  });

  it('when PutMetricData fails, the same datapoints go to the log as EMF, with a warning that says why', async () => {
    sink.behaviour = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    const result = failedResult('auth');
    const summary = await runCanary(
      { ...CONFIG, topicArn: null },
      30_000,
      deps([result], { notifier: null }),
    );

    expect(summary.metrics).toEqual({
      via: 'EMF',
      datapoints: 5,
      fallbackReason: 'AccessDenied: not authorized',
    });
    const emf = toEmfLines(runDatapoints([result]), 'EcrPullCanary', T0);
    expect(emf).toHaveLength(1);
    expect(lines[1]).toBe(emf[0]);
    expect(records().map((r) => r.type ?? 'emf')).toEqual([
      'probe-result',
      'emf',
      'metrics-fallback',
      'run-summary',
    ]);
    expect(ofType('metrics-fallback')[0]).toMatchObject({
      level: 'WARN',
      reason: 'AccessDenied: not authorized',
      datapoints: 5,
    });
    expect(ofType('run-summary')[0]?.metricsVia).toBe('EMF');
  });

  it('when PutMetricData hangs, the run ends at the output deadline with the datapoints as EMF', async () => {
    vi.useFakeTimers();
    try {
      sink.behaviour = 'hang';
      let settled = false;
      const running = runCanary(
        { ...CONFIG, topicArn: null },
        20_000,
        deps([healthyResult()], { notifier: null }),
      );
      void running.finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(RUN_BUDGET_MS.outputCall - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const summary = await running;

      expect(summary.metrics).toEqual({
        via: 'EMF',
        datapoints: 1,
        fallbackReason: `DEADLINE_EXCEEDED: PutMetricData did not finish within ${RUN_BUDGET_MS.outputCall} ms`,
      });
      const emf = lines.filter((line) => line.includes('"_aws"'));
      expect(emf).toHaveLength(1);
      expect(JSON.parse(emf[0] as string)).toMatchObject({ Latency: 48.9, Target: 'known-good' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('across cold starts: 1 message on failure start, 0 on repeats, 1 on category change, 1 on recovery', async () => {
    const runs = [
      healthyResult(),
      failedResult('auth'),
      failedResult('auth'),
      failedResult('auth'),
      failedResult('auth'),
      failedResult('service'),
      healthyResult(),
    ];
    const counts: number[] = [];
    for (const result of runs) {
      const before = notifier.published.length;
      clock += 5 * 60_000;
      // A fresh container each time: only the store carries the state between runs.
      await runCanary(CONFIG, 30_000, deps([result]));
      counts.push(notifier.published.length - before);
    }
    expect(counts).toEqual([0, 1, 0, 0, 0, 1, 1]);
    expect(notifier.published.map((n) => [n.attributes.kind, n.attributes.category])).toEqual([
      ['failure', 'auth'],
      ['category-changed', 'service'],
      ['recovery', 'service'],
    ]);
  });

  it('reminds about an unchanged failure once the configured reminder interval has passed', async () => {
    const config = { ...CONFIG, reminderHours: 0.25 };
    const published = async (atMinutes: number) => {
      const before = notifier.published.length;
      clock = T0 + atMinutes * 60_000 - PROBE_MS;
      await runCanary(config, 30_000, deps([failedResult('auth')]));
      return notifier.published.map((n) => n.attributes.kind).slice(before);
    };
    // 15 minutes: one minute short of it is silent, the minute itself reminds, and the count starts again.
    expect([await published(0), await published(14), await published(15), await published(29)]).toEqual([
      ['failure'],
      [],
      ['reminder'],
      [],
    ]);
    expect(notifier.published[1]?.subject).toBe('ECR pull canary STILL FAILING auth: eu-west-1 known-good');
  });

  it('a warm container remembers the streak when the store cannot be read', async () => {
    store.readBehaviour = new Error('Internal server error');
    const lastKnown = new Map<string, TargetState>();
    await runCanary(CONFIG, 30_000, deps([failedResult('auth')], { lastKnown }));
    await runCanary(CONFIG, 30_000, deps([failedResult('auth')], { lastKnown }));
    expect(notifier.published).toHaveLength(1);
  });

  it('a broken notifier and store are logged and never fail the run', async () => {
    store.readBehaviour = Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    notifier.behaviour = Object.assign(new Error('not authorized to perform: SNS:Publish'), {
      name: 'AuthorizationErrorException',
    });
    const summary = await runCanary(CONFIG, 30_000, deps([failedResult('auth')]));
    expect(summary).toMatchObject({ ok: false, metrics: { via: 'PutMetricData' } });
    expect(ofType('dedup-store-read-failed')).toHaveLength(1);
    expect(ofType('notification-failed')[0]).toMatchObject({
      level: 'ERROR',
      errorCode: 'AuthorizationErrorException',
    });
    expect(ofType('run-summary')[0]?.notified).toEqual([]);
  });
});

describe('phaseDeadlines', () => {
  it('gives the probe its default deadlines when they fit', () => {
    expect(phaseDeadlines(40_000)).toEqual({
      credentialsTimeoutMs: 5000,
      tokenTimeoutMs: 10_000,
      manifestTimeoutMs: 10_000,
      layerTimeoutMs: 5000,
    });
    expect(phaseDeadlines(60_000)).toEqual(phaseDeadlines(40_000));
  });

  it('shrinks all of them in proportion when they do not', () => {
    expect(phaseDeadlines(20_000)).toEqual({
      credentialsTimeoutMs: 2500,
      tokenTimeoutMs: 5000,
      manifestTimeoutMs: 5000,
      layerTimeoutMs: 2500,
    });
  });

  it('never gives a phase less than 500 ms, even with no time left', () => {
    expect(phaseDeadlines(4000)).toEqual({
      credentialsTimeoutMs: 500,
      tokenTimeoutMs: 1000,
      manifestTimeoutMs: 1000,
      layerTimeoutMs: 500,
    });
    const floor = {
      credentialsTimeoutMs: 500,
      tokenTimeoutMs: 500,
      manifestTimeoutMs: 500,
      layerTimeoutMs: 500,
    };
    expect(phaseDeadlines(0)).toEqual(floor);
    expect(phaseDeadlines(-5000)).toEqual(floor);
  });
});
