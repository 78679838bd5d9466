import { withDeadline } from '../probe/deadline.ts';
import type { Datapoint } from './datapoints.ts';
import { toEmfLines } from './emf.ts';
import type { MetricsSink } from './ports.ts';

export interface MetricsOutcome {
  via: 'PutMetricData' | 'EMF' | 'none';
  datapoints: number;
  /** Why PutMetricData was not used. */
  fallbackReason: string | null;
}

/**
 * All datapoints of a run in one PutMetricData call; if that fails (no monitoring endpoint in the VPC, an IAM
 * slip, throttling) the same datapoints go out as EMF log lines instead, so CloudWatch still gets them.
 * A call that times out after sending could in principle have landed too; a deadline that covers connection
 * set-up and the SDK's own retries keeps that window small, and a double count is better than a gap.
 */
export async function publishMetrics(
  sink: MetricsSink,
  namespace: string,
  points: Datapoint[],
  timestampMs: number,
  timeoutMs: number,
  write: (line: string) => void,
): Promise<MetricsOutcome> {
  if (points.length === 0) return { via: 'none', datapoints: 0, fallbackReason: null };
  const timestamp = new Date(timestampMs);
  try {
    await withDeadline(
      (abortSignal) => sink.put(namespace, points, timestamp, abortSignal),
      timeoutMs,
      'PutMetricData',
    );
    return { via: 'PutMetricData', datapoints: points.length, fallbackReason: null };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    for (const line of toEmfLines(points, namespace, timestampMs)) write(line);
    return {
      via: 'EMF',
      datapoints: points.length,
      fallbackReason: `${e.code ?? e.name ?? 'Error'}: ${e.message ?? String(error)}`,
    };
  }
}
