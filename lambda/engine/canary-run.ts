import type { HandlerConfig } from './handler-config.ts';
import { PROBE_DEFAULTS, RUN_BUDGET_MS } from './model/limits.ts';
import type { ResolvedTarget } from './model/target.ts';
import type { ProbeResult } from './model/types.ts';
import { runDatapoints } from './outputs/datapoints.ts';
import type { TargetState } from './outputs/dedup.ts';
import { consoleUrls } from './outputs/notification.ts';
import { type NotifyOutcome, notifyResult } from './outputs/notify.ts';
import type { MetricsSink, Notifier, StateStore } from './outputs/ports.ts';
import { probeLogRecord } from './outputs/probe-log.ts';
import { type MetricsOutcome, publishMetrics } from './outputs/publish-metrics.ts';
import type { ProbeOptions } from './probe/probe.ts';

/** Probes the targets within the given deadlines; never rejects for a failing endpoint (see `probeTargets`). */
export type ProbeFn = (targets: ResolvedTarget[], options: ProbeOptions) => Promise<ProbeResult[]>;

export interface CanaryDeps {
  probe: ProbeFn;
  metrics: MetricsSink;
  /** Where diagnoses go; null when the canary has no topic. */
  notifier: Notifier | null;
  store: StateStore | null;
  /** Last-known dedup states of this warm container (see `NotifyDeps.lastKnown`). */
  lastKnown: Map<string, TargetState>;
  now: () => number;
  /** Writes one line to the function's log (stdout), raw, so EMF and JSON records stay parseable. */
  write: (line: string) => void;
}

export interface RunSummary {
  ok: boolean;
  targets: number;
  failed: number;
  metrics: MetricsOutcome;
  notifications: NotifyOutcome[];
}

/**
 * One scheduled run: probe every target within the time left, then log, publish metrics and notify.
 * A failed probe is a result, and a broken output is logged: the run itself does not fail for either.
 */
export async function runCanary(
  config: HandlerConfig,
  remainingMs: number,
  deps: CanaryDeps,
): Promise<RunSummary> {
  const log = (record: Record<string, unknown>) =>
    deps.write(JSON.stringify({ timestamp: new Date(deps.now()).toISOString(), ...record }));
  const runStartedMs = deps.now();

  const results = await deps.probe(config.targets, {
    defaultRegion: config.region,
    clockSkewThresholdSeconds: config.clockSkewThresholdSeconds,
    ...phaseDeadlines(remainingMs - RUN_BUDGET_MS.outputReserve),
  });
  for (const result of results) log(probeLogRecord(result, config.canaryName));

  const { notifier } = deps;
  const urls = consoleUrls(
    config.region,
    config.dashboardName ?? undefined,
    config.logGroupName ?? undefined,
  );
  const [metrics, notifications] = await Promise.all([
    publishMetrics(
      deps.metrics,
      config.namespace,
      runDatapoints(results),
      runStartedMs,
      RUN_BUDGET_MS.outputCall,
      deps.write,
    ),
    notifier
      ? Promise.all(
          results.map((result) =>
            notifyResult(
              result,
              {
                canaryName: config.canaryName,
                region: config.region,
                reminderMs: config.reminderHours * 3_600_000,
                ...urls,
              },
              {
                notifier,
                store: deps.store,
                lastKnown: deps.lastKnown,
                now: deps.now,
                log,
                timeoutMs: RUN_BUDGET_MS.outputCall,
              },
            ),
          ),
        )
      : Promise.resolve([]),
  ]);
  if (metrics.via === 'EMF') {
    log({
      level: 'WARN',
      type: 'metrics-fallback',
      reason: metrics.fallbackReason,
      datapoints: metrics.datapoints,
    });
  }
  const failed = results.filter((result) => !result.ok).length;
  const summary: RunSummary = { ok: failed === 0, targets: results.length, failed, metrics, notifications };
  log({
    level: 'INFO',
    type: 'run-summary',
    canary: config.canaryName,
    ok: summary.ok,
    targets: summary.targets,
    failed,
    metricsVia: metrics.via,
    notified: notifications.filter((n) => n.published).map((n) => `${n.target}:${n.kind}`),
    durationMs: deps.now() - runStartedMs,
  });
  return summary;
}

/**
 * Fits the probe's phase deadlines into the time the function has left: the defaults when they fit, else
 * shrunk in proportion (credentials, token and manifest run one after another; the config blob after that, then
 * the layer phase).
 */
export function phaseDeadlines(budgetMs: number): {
  credentialsTimeoutMs: number;
  tokenTimeoutMs: number;
  manifestTimeoutMs: number;
  layerTimeoutMs: number;
} {
  const { credentialsTimeoutMs, tokenTimeoutMs, manifestTimeoutMs, layerTimeoutMs } = PROBE_DEFAULTS;
  const total = credentialsTimeoutMs + tokenTimeoutMs + 2 * manifestTimeoutMs + layerTimeoutMs;
  const scale = Math.min(1, Math.max(0, budgetMs) / total);
  const scaled = (ms: number) => Math.max(RUN_BUDGET_MS.minPhase, Math.floor(ms * scale));
  return {
    credentialsTimeoutMs: scaled(credentialsTimeoutMs),
    tokenTimeoutMs: scaled(tokenTimeoutMs),
    manifestTimeoutMs: scaled(manifestTimeoutMs),
    layerTimeoutMs: scaled(layerTimeoutMs),
  };
}
