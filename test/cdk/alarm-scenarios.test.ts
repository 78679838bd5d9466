/**
 * Every alarm of the typical instance (the seeded image plus one target) through the failures it exists for,
 * evaluated over time by CloudWatch's documented rules (test/support/cloudwatch-alarm.ts): missing-data
 * treatment, M of N, the evaluation range, OK once the datapoints stop breaching. The alarms come from the
 * synthesized template, the datapoints from the function's own `runDatapoints()`, and what a run sends in each
 * failure from how Lambda reports it.
 *
 * Sources:
 * - Amazon CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data":
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 * - AWS Lambda Developer Guide, "Types of metrics for Lambda functions" (Invocations are not recorded for a
 *   throttled request; Errors include timeouts): https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 *   A run that is not invoked or dies (crash, timeout) never reaches PutMetricData, so it sends none of the
 *   canary's own metrics: that silence is what the heartbeat pages on.
 *
 * Issue 12 dropped the Success metric (one steady-state metric per target: Latency, for every probe). Each
 * scenario also replays the metrics as the function sent them before (`beforeIssue12`) against the same
 * alarms with the heartbeat on `Success`, so the test shows that every page of before still happens, no later.
 */
import { describe, expect, it } from 'vitest';
import { DIMENSION } from '../../lambda/engine/model/contract.ts';
import type { ProbeResult } from '../../lambda/engine/model/types.ts';
import { type Datapoint, runDatapoints } from '../../lambda/engine/outputs/datapoints.ts';
import {
  type AlarmDefinition,
  type AlarmState,
  alarmFromTemplate,
  alarmMetricFromTemplate,
  metricKey,
  type Sample,
  simulateAlarm,
} from '../support/cloudwatch-alarm.ts';
import { failedResult, healthyResult } from '../support/probe-results.ts';
import { canaryTemplate, probeTargetsOf, resourcesOfType } from './helpers.ts';

const REGION = 'eu-west-1';
const PREFIX = `ecr-pull-canary-${REGION}-`;
const MIN = 60_000;
const T0 = Date.parse('2026-11-27T03:00:00Z');
const TEMPLATE = canaryTemplate({ regions: [REGION], targets: [{ image: 'app:1' }] });

/** The probe function's targets, from its code: the first is the heartbeat target. */
const TARGETS = probeTargetsOf(TEMPLATE).map((t) => t.name);
const [FIRST = '', SECOND = ''] = TARGETS;

interface TemplateAlarm {
  /** The alarm name without the canary's `<name>-<region>-` prefix. */
  name: string;
  definition: AlarmDefinition;
  metric: string;
}

/** The canary's alarms as the template defines them (the workload watcher's read other metrics). */
const ALARMS: TemplateAlarm[] = Object.values(resourcesOfType(TEMPLATE, 'AWS::CloudWatch::Alarm'))
  .map((r) => r.Properties ?? {})
  .filter((p) => !String(p.AlarmName).includes('-workload-'))
  .map((p) => ({
    name: String(p.AlarmName).slice(PREFIX.length),
    definition: alarmFromTemplate(p),
    metric: alarmMetricFromTemplate(p).key,
  }));

/** What happened to one scheduled run. */
type Run =
  /** The function ran to the end and published the datapoints of these results. */
  | { kind: 'published'; results: ProbeResult[] }
  /** The schedule did not invoke it (disabled, deleted) or Lambda throttled it: no Invocations. */
  | { kind: 'not-invoked' }
  /** Invoked, then died before publishing: an unhandled error or the function timeout (Lambda's Errors). */
  | { kind: 'died' };

const healthy = (target: string) => healthyResult({ target, latencyMs: 140, clockSkew: null });
const HEALTHY_RUN: Run = { kind: 'published', results: TARGETS.map(healthy) };

/**
 * What the function sent before issue 12, for the comparison: Success 1/0 and the latency of healthy probes
 * per target every run; failures, auth failures, throttling and skew only when non-zero (unchanged since).
 */
function beforeIssue12(results: ProbeResult[]): Datapoint[] {
  const now = runDatapoints(results).filter(
    (p) => p.name !== 'Latency' && !(p.name === 'Failures' && DIMENSION.target in p.dimensions),
  );
  const perTarget = results.flatMap((r): Datapoint[] => [
    { name: 'Success', dimensions: { [DIMENSION.target]: r.target }, value: r.ok ? 1 : 0, unit: 'Count' },
    ...(r.ok
      ? [
          {
            name: 'Latency',
            dimensions: { [DIMENSION.target]: r.target },
            value: r.latencyMs,
            unit: 'Milliseconds' as const,
          },
        ]
      : []),
  ]);
  return [...perTarget, ...now];
}

interface Scenario {
  name: string;
  /** The run while the fault lasts. */
  faulty: Run;
  /** Alarms that page (go to ALARM) during the fault, names without the prefix. */
  pages: string[];
}

const SCENARIOS: Scenario[] = [
  { name: 'healthy', faulty: HEALTHY_RUN, pages: [] },
  {
    // The heartbeat target itself fails: its latency is still sent, so the heartbeat stays quiet.
    name: 'the first target cannot pull (permission)',
    faulty: {
      kind: 'published',
      results: [
        failedResult('permission', { target: FIRST, latencyMs: 90, clockSkew: null }),
        healthy(SECOND),
      ],
    },
    pages: ['auth-critical', 'availability-critical'],
  },
  {
    // Slower than the latency threshold, then failed: now also a latency warning (it was a missing datapoint).
    name: 'the second target hangs until the deadline (network)',
    faulty: {
      kind: 'published',
      results: [
        healthy(FIRST),
        failedResult('network', { target: SECOND, latencyMs: 10_000, clockSkew: null }),
      ],
    },
    pages: ['availability-critical', `latency-${SECOND.replace(':', '-')}-warning`],
  },
  {
    name: 'ECR throttles the token call in a scale-out storm',
    faulty: {
      kind: 'published',
      results: TARGETS.map((target) =>
        failedResult('throttle', { target, latencyMs: 2_400, throttledResponses: 3, clockSkew: null }),
      ),
    },
    pages: ['throttle-critical', 'availability-critical'],
  },
  {
    name: 'the host clock is 20 minutes behind',
    faulty: {
      kind: 'published',
      results: TARGETS.map((target) =>
        failedResult('clock-skew', {
          target,
          clockSkew: { seconds: -1200, uncertaintySeconds: 0.5, source: 'date-header', sdkCorrected: true },
        }),
      ),
    },
    pages: ['clock-skew-warning', 'availability-critical'],
  },
  {
    name: 'the canary stopped: schedule disabled, no invocations',
    faulty: { kind: 'not-invoked' },
    pages: ['heartbeat-critical'],
  },
  {
    name: 'Lambda throttles the function (account concurrency taken by a scale-out)',
    faulty: { kind: 'not-invoked' },
    pages: ['heartbeat-critical'],
  },
  { name: 'the function crashes before publishing', faulty: { kind: 'died' }, pages: ['heartbeat-critical'] },
  { name: 'the function times out', faulty: { kind: 'died' }, pages: ['heartbeat-critical'] },
];

const FAULT_FROM = T0 + 60 * MIN;
const FAULT_TO = T0 + 150 * MIN;
const END = T0 + 300 * MIN;

/** Every metric's samples over the timeline: runs every 5 minutes, each up to 40 s late, the fault in the middle. */
function samplesOf(faulty: Run, datapoints: (results: ProbeResult[]) => Datapoint[]): Map<string, Sample[]> {
  const series = new Map<string, Sample[]>();
  for (let k = 0, at = T0 - 60 * MIN; at < END; k++, at += 5 * MIN) {
    const run = at >= FAULT_FROM && at < FAULT_TO ? faulty : HEALTHY_RUN;
    if (run.kind !== 'published') continue;
    const startedAt = at + ((k * 7919) % 41) * 1000;
    for (const point of datapoints(run.results)) {
      const key = metricKey(point.name, point.dimensions);
      series.set(key, [...(series.get(key) ?? []), { atMs: startedAt, value: point.value }]);
    }
  }
  return series;
}

interface Outcome {
  /** First ALARM during the fault, per alarm. */
  pagedAt: Map<string, number>;
  final: Map<string, AlarmState>;
  /** Whether every alarm that paged went back to OK after the fault. */
  resolved: Map<string, boolean>;
}

function replay(alarms: TemplateAlarm[], series: Map<string, Sample[]>): Outcome {
  const outcome: Outcome = { pagedAt: new Map(), final: new Map(), resolved: new Map() };
  for (const alarm of alarms) {
    const sim = simulateAlarm(alarm.definition, series.get(alarm.metric) ?? [], {
      createdAtMs: T0,
      untilMs: END,
    });
    const paged = sim.transitions.find((t) => t.to === 'ALARM');
    if (paged) {
      outcome.pagedAt.set(alarm.name, paged.atMs);
      outcome.resolved.set(
        alarm.name,
        sim.transitions.some((t) => t.from === 'ALARM' && t.to === 'OK' && t.atMs >= FAULT_TO),
      );
    }
    outcome.final.set(alarm.name, sim.stateAt(END));
  }
  return outcome;
}

/** The alarms as they were before issue 12: the same, with the heartbeat on Success of the first target. */
const BEFORE_ALARMS: TemplateAlarm[] = ALARMS.map((alarm) =>
  alarm.name === 'heartbeat-critical'
    ? { ...alarm, metric: metricKey('Success', { [DIMENSION.target]: FIRST }) }
    : alarm,
);

describe('the alarms of the seeded image plus one target, through each failure', () => {
  it('are the six kinds: auth, throttle, clock skew, availability, heartbeat on the first target, latency per target', () => {
    expect(ALARMS.map((a) => [a.name, a.metric])).toEqual([
      ['auth-critical', 'AuthFailures{}'],
      ['throttle-critical', 'Failures{Category=throttle}'],
      ['clock-skew-warning', 'ClockSkew{}'],
      ['availability-critical', 'Failures{}'],
      ['heartbeat-critical', `Latency{Target=${FIRST}}`],
      [`latency-${FIRST}-warning`, `Latency{Target=${FIRST}}`],
      [`latency-${SECOND.replace(':', '-')}-warning`, `Latency{Target=${SECOND}}`],
    ]);
  });

  describe.each(SCENARIOS)('$name', ({ faulty, pages }) => {
    const now = replay(ALARMS, samplesOf(faulty, runDatapoints));
    const before = replay(BEFORE_ALARMS, samplesOf(faulty, beforeIssue12));

    it('pages exactly the alarms for it, and every one goes back to OK once it is over', () => {
      expect([...now.pagedAt.keys()].sort()).toEqual([...pages].sort());
      for (const name of pages) expect(now.resolved.get(name), `${name} resolves`).toBe(true);
      for (const [name, state] of now.final) expect(state, name).toBe('OK');
    });

    it('pages for everything that paged before issue 12, no later', () => {
      for (const [name, at] of before.pagedAt) {
        const nowAt = now.pagedAt.get(name);
        expect(nowAt, `${name} pages`).toBeDefined();
        expect(
          (nowAt ?? Number.POSITIVE_INFINITY) - at,
          `${name}: minutes later than before`,
        ).toBeLessThanOrEqual(0);
      }
      // What pages now and did not before: only the latency warning of a target that fails slowly.
      const added = [...now.pagedAt.keys()].filter((name) => !before.pagedAt.has(name));
      for (const name of added) expect(name).toMatch(/^latency-.*-warning$/);
    });
  });

  it('pages a silent canary within the evaluation range after its last report (about 25 minutes)', () => {
    const { pagedAt } = replay(ALARMS, samplesOf({ kind: 'died' }, runDatapoints));
    const heartbeat = ALARMS.find((a) => a.name === 'heartbeat-critical')?.definition;
    const periodMs = (heartbeat?.periodSeconds ?? 0) * 1000;
    const lastReport = FAULT_FROM - 5 * MIN;
    const lastPeriodStart = Math.floor(lastReport / periodMs) * periodMs;
    // The guide's evaluation range for 3 evaluation periods is 5 datapoints.
    const expected = lastPeriodStart + ((heartbeat?.evaluationPeriods ?? 0) + 2) * periodMs;
    expect(pagedAt.get('heartbeat-critical')).toBeGreaterThanOrEqual(expected);
    expect(pagedAt.get('heartbeat-critical')).toBeLessThan(expected + MIN);
  });
});
