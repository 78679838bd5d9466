import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RUN_BUDGET_MS } from '../engine/model/limits.ts';
import type { ProbeResult } from '../engine/model/types.ts';
import { OUTPUT_CLIENT_CONFIG } from '../engine/outputs/client-config.ts';
import { cloudWatchMetricsSink } from '../engine/outputs/cloudwatch-sink.ts';
import { runDatapoints } from '../engine/outputs/datapoints.ts';
import { toEmfLines } from '../engine/outputs/emf.ts';
import type { MetricsSink } from '../engine/outputs/ports.ts';
import { type MetricsOutcome, publishMetrics } from '../engine/outputs/publish-metrics.ts';

/**
 * Host metrics from the probe CLI (`--emit emf`, `--publish`): exactly the datapoints the Lambda publishes for the
 * same verdicts (`runDatapoints`, one place), on the same wires (`toEmfLines`, the PutMetricData sink with its EMF
 * fallback). No per-host dimension: a fleet of hosts adds samples to the canary's own metrics, not new metrics.
 */

/** Values `--emit` takes. */
export const EMIT_FORMATS = ['emf'] as const;
export type EmitFormat = (typeof EMIT_FORMATS)[number];

export function isEmitFormat(value: string): value is EmitFormat {
  return (EMIT_FORMATS as readonly string[]).includes(value);
}

/** The EMF lines for a probe's results, stamped with the probe's start (`startedAt` of the first result). */
export function probeEmfLines(results: ProbeResult[], namespace: string): string[] {
  return toEmfLines(runDatapoints(results), namespace, runTimestampMs(results));
}

/** Builds the sink for a region; injected so tests can count calls without a client. */
export type MetricsSinkFactory = (region: string) => MetricsSink;

/** PutMetricData through the SDK's default chain, with the output calls' client settings. */
export const cloudWatchSinkFor: MetricsSinkFactory = (region) =>
  cloudWatchMetricsSink(new CloudWatchClient({ region, ...OUTPUT_CLIENT_CONFIG }));

/**
 * Sends the datapoints with PutMetricData to the results' region (alarms read metrics of their own region); on
 * any failure the same datapoints go to `write` as EMF lines, as the Lambda does.
 */
export function publishProbeMetrics(
  results: ProbeResult[],
  namespace: string,
  write: (line: string) => void,
  sinkFor: MetricsSinkFactory = cloudWatchSinkFor,
): Promise<MetricsOutcome> {
  const region = results[0]?.region;
  if (!region) return Promise.resolve({ via: 'none', datapoints: 0, fallbackReason: null });
  return publishMetrics(
    sinkFor(region),
    namespace,
    runDatapoints(results),
    runTimestampMs(results),
    RUN_BUDGET_MS.outputCall,
    write,
  );
}

function runTimestampMs(results: ProbeResult[]): number {
  const started = results[0] ? Date.parse(results[0].startedAt) : Number.NaN;
  return Number.isNaN(started) ? Date.now() : started;
}
