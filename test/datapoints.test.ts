import { describe, expect, it } from 'vitest';
import { AUTH_CATEGORIES, STEADY_STATE_METRICS_PER_TARGET } from '../lambda/engine/model/contract.ts';
import { CATEGORIES } from '../lambda/engine/model/types.ts';
import { runDatapoints } from '../lambda/engine/outputs/datapoints.ts';
import { failedResult, healthyResult } from './support/probe-results.ts';

/** `Name{Dim=Value,…}` → value, so a test states the whole set of datapoints in one object. */
function byKey(points: ReturnType<typeof runDatapoints>): Record<string, number> {
  const entries = points.map((p) => [
    `${p.name}{${Object.entries(p.dimensions)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}}`,
    p.value,
  ]);
  const keys = entries.map(([key]) => key);
  expect(new Set(keys).size, `duplicate datapoints: ${keys.join(' ')}`).toBe(keys.length);
  return Object.fromEntries(entries);
}

const noSkew = { clockSkew: null };

describe('runDatapoints', () => {
  it('sends exactly the latency for one healthy target: one steady-state metric', () => {
    const points = runDatapoints([healthyResult({ latencyMs: 48.9, ...noSkew })]);
    expect(points).toEqual([
      { name: 'Latency', dimensions: { Target: 'known-good' }, value: 48.9, unit: 'Milliseconds' },
    ]);
  });

  it('sends, for healthy targets, exactly the steady-state metrics the cost model bills for each target', () => {
    const targets = ['a', 'b', 'c'];
    const points = runDatapoints(targets.map((target) => healthyResult({ target, ...noSkew })));
    expect(points.map((p) => `${p.name}{${p.dimensions.Target}}`)).toEqual(
      targets.flatMap((target) => STEADY_STATE_METRICS_PER_TARGET.map((name) => `${name}{${target}}`)),
    );
  });

  it('sends the latency of a failed probe too, so a run that publishes always feeds the heartbeat', () => {
    const points = runDatapoints([failedResult('network', { latencyMs: 10_002.5, ...noSkew })]);
    expect(points).toContainEqual({
      name: 'Latency',
      dimensions: { Target: 'known-good' },
      value: 10_002.5,
      unit: 'Milliseconds',
    });
  });

  it('sends nothing for a run without targets', () => {
    expect(runDatapoints([])).toEqual([]);
  });

  it.each(CATEGORIES)(
    'a %s failure: its latency, and the failure counts in total, per target and category',
    (category) => {
      const points = runDatapoints([failedResult(category, noSkew)]);
      const auth = (AUTH_CATEGORIES as readonly string[]).includes(category);
      expect(byKey(points)).toEqual({
        'Latency{Target=known-good}': 48.9,
        'Failures{}': 1,
        'Failures{Target=known-good}': 1,
        [`Failures{Category=${category}}`]: 1,
        ...(auth ? { 'AuthFailures{}': 1 } : {}),
      });
      expect(points.find((p) => p.name === 'Failures')?.unit).toBe('Count');
    },
  );

  it('counts failures per category, per target and in total across targets', () => {
    const points = runDatapoints([
      failedResult('auth', { target: 'a', ...noSkew }),
      failedResult('permission', { target: 'b', ...noSkew }),
      failedResult('service', { target: 'c', ...noSkew }),
      failedResult('auth', { target: 'd', ...noSkew }),
      healthyResult({ target: 'e', latencyMs: 10, ...noSkew }),
    ]);
    expect(byKey(points)).toEqual({
      'Latency{Target=a}': 48.9,
      'Latency{Target=b}': 48.9,
      'Latency{Target=c}': 48.9,
      'Latency{Target=d}': 48.9,
      'Latency{Target=e}': 10,
      'Failures{}': 4,
      'Failures{Target=a}': 1,
      'Failures{Target=b}': 1,
      'Failures{Target=c}': 1,
      'Failures{Target=d}': 1,
      'Failures{Category=auth}': 2,
      'Failures{Category=permission}': 1,
      'Failures{Category=service}': 1,
      'AuthFailures{}': 3,
    });
  });

  it('counts a failure without a category as unknown', () => {
    const points = runDatapoints([failedResult('auth', { category: null, ...noSkew })]);
    expect(byKey(points)).toMatchObject({ 'Failures{Category=unknown}': 1 });
    expect(byKey(points)['AuthFailures{}']).toBeUndefined();
  });

  it('sums throttled responses over targets, healthy ones included', () => {
    const points = runDatapoints([
      failedResult('throttle', { target: 'a', throttledResponses: 3, ...noSkew }),
      healthyResult({ target: 'b', throttledResponses: 2, ...noSkew }),
    ]);
    expect(points).toContainEqual({ name: 'ThrottledResponses', dimensions: {}, value: 5, unit: 'Count' });
  });

  it('sends one clock skew for the region: the largest measurable one, with its sign', () => {
    const skew = (seconds: number, uncertaintySeconds = 0.5) => ({
      clockSkew: { seconds, uncertaintySeconds, source: 'date-header' as const, sdkCorrected: false },
    });
    const points = runDatapoints([
      healthyResult({ target: 'a', ...skew(2) }),
      failedResult('clock-skew', { target: 'b', ...skew(-1200) }),
      healthyResult({ target: 'c', ...skew(0.4) }),
    ]);
    expect(points.filter((p) => p.name === 'ClockSkew')).toEqual([
      { name: 'ClockSkew', dimensions: {}, value: -1200, unit: 'Seconds' },
    ]);
  });

  it('sends no clock skew when every estimate is within its own uncertainty, or unknown', () => {
    const points = runDatapoints([
      healthyResult({
        target: 'a',
        clockSkew: { seconds: 0.9, uncertaintySeconds: 1, source: 'date-header', sdkCorrected: false },
      }),
      healthyResult({
        target: 'b',
        clockSkew: { seconds: -0.5, uncertaintySeconds: 0.5, source: 'sdk-offset', sdkCorrected: false },
      }),
      healthyResult({ target: 'c', clockSkew: null }),
    ]);
    expect(points.map((p) => p.name)).not.toContain('ClockSkew');
  });
});
