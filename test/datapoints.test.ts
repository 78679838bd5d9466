import { describe, expect, it } from 'vitest';
import { AUTH_CATEGORIES } from '../lambda/model/contract.ts';
import { CATEGORIES } from '../lambda/model/types.ts';
import { runDatapoints } from '../lambda/outputs/datapoints.ts';
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
  it('sends exactly Success 1 and the latency for one healthy target', () => {
    const points = runDatapoints([healthyResult({ latencyMs: 48.9, ...noSkew })]);
    expect(points).toEqual([
      { name: 'Success', dimensions: { Target: 'known-good' }, value: 1, unit: 'Count' },
      { name: 'Latency', dimensions: { Target: 'known-good' }, value: 48.9, unit: 'Milliseconds' },
    ]);
  });

  it('sends nothing for a run without targets', () => {
    expect(runDatapoints([])).toEqual([]);
  });

  it.each(CATEGORIES)('a %s failure: Success 0, no latency, the failure counts', (category) => {
    const points = runDatapoints([failedResult(category, noSkew)]);
    const auth = (AUTH_CATEGORIES as readonly string[]).includes(category);
    expect(byKey(points)).toEqual({
      'Success{Target=known-good}': 0,
      'Failures{}': 1,
      [`Failures{Category=${category}}`]: 1,
      ...(auth ? { 'AuthFailures{}': 1 } : {}),
    });
    expect(points.find((p) => p.name === 'Failures')?.unit).toBe('Count');
  });

  it('counts failures per category and in total across targets', () => {
    const points = runDatapoints([
      failedResult('auth', { target: 'a', ...noSkew }),
      failedResult('permission', { target: 'b', ...noSkew }),
      failedResult('service', { target: 'c', ...noSkew }),
      failedResult('auth', { target: 'd', ...noSkew }),
      healthyResult({ target: 'e', latencyMs: 10, ...noSkew }),
    ]);
    expect(byKey(points)).toEqual({
      'Success{Target=a}': 0,
      'Success{Target=b}': 0,
      'Success{Target=c}': 0,
      'Success{Target=d}': 0,
      'Success{Target=e}': 1,
      'Latency{Target=e}': 10,
      'Failures{}': 4,
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
