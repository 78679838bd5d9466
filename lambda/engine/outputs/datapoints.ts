import { AUTH_CATEGORIES, DIMENSION, METRIC } from '../model/contract.ts';
import type { Category, ProbeResult } from '../model/types.ts';

export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';

/** One value of one metric, before it is put on a wire (PutMetricData or EMF). */
export interface Datapoint {
  name: string;
  dimensions: Record<string, string>;
  value: number;
  unit: MetricUnit;
}

/**
 * The datapoints of one run: the one place that decides what a verdict publishes (PutMetricData and the EMF
 * fallback both send exactly these). Only Latency is sent for every target on every run,
 * healthy or failed (STEADY_STATE_METRICS_PER_TARGET); the rest only when there is something to say, so a
 * healthy region is billed for one metric per target (see METRIC in lambda/engine/model/contract.ts for why, and
 * what the heartbeat and the latency alarm read).
 */
export function runDatapoints(results: ProbeResult[]): Datapoint[] {
  const points: Datapoint[] = [];
  for (const result of results) {
    points.push({
      name: METRIC.latency,
      dimensions: { [DIMENSION.target]: result.target },
      value: result.latencyMs,
      unit: 'Milliseconds',
    });
  }

  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) {
    points.push({ name: METRIC.failures, dimensions: {}, value: failed.length, unit: 'Count' });
    for (const result of failed) {
      points.push({
        name: METRIC.failures,
        dimensions: { [DIMENSION.target]: result.target },
        value: 1,
        unit: 'Count',
      });
    }
    const byCategory = new Map<Category, number>();
    for (const result of failed) {
      const category = result.category ?? 'unknown';
      byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
    }
    for (const [category, count] of byCategory) {
      points.push({
        name: METRIC.failures,
        dimensions: { [DIMENSION.category]: category },
        value: count,
        unit: 'Count',
      });
    }
    const authFailures = failed.filter((r) =>
      (AUTH_CATEGORIES as readonly string[]).includes(r.category ?? ''),
    ).length;
    if (authFailures > 0)
      points.push({ name: METRIC.authFailures, dimensions: {}, value: authFailures, unit: 'Count' });
  }

  const throttled = results.reduce((sum, result) => sum + result.throttledResponses, 0);
  if (throttled > 0) points.push({ name: METRIC.throttled, dimensions: {}, value: throttled, unit: 'Count' });

  const skew = regionSkew(results);
  if (skew !== null) points.push({ name: METRIC.clockSkew, dimensions: {}, value: skew, unit: 'Seconds' });
  return points;
}

/**
 * One skew value for the region: the largest measurable one. Targets that share a token share its samples,
 * and an estimate within its own uncertainty says "no measurable skew", which is not worth a metric-hour.
 */
function regionSkew(results: ProbeResult[]): number | null {
  let worst: number | null = null;
  for (const { clockSkew } of results) {
    if (!clockSkew || Math.abs(clockSkew.seconds) <= clockSkew.uncertaintySeconds) continue;
    if (worst === null || Math.abs(clockSkew.seconds) > Math.abs(worst)) worst = clockSkew.seconds;
  }
  return worst;
}
