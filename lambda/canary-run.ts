import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { HandlerConfig } from './handler-config.ts';
import { runDatapoints } from './outputs/datapoints.ts';
import { consoleUrls } from './outputs/notification.ts';
import { type NotifyOutcome, notifyResult } from './outputs/notify.ts';
import { probeLogRecord } from './outputs/probe-log.ts';
import { type MetricsOutcome, publishMetrics } from './outputs/publish-metrics.ts';
import type { StateStore } from './outputs/state-store.ts';
import type { AwsClientFactory } from './probe/aws-clients.ts';
import { PROBE_DEFAULTS, probeTargets } from './probe/probe.ts';

export interface CanaryDeps {
  clients: AwsClientFactory;
  cloudwatch: CloudWatchClient;
  sns: SNSClient | null;
  store: StateStore | null;
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

/** Time kept back from the probes for metrics, notifications and the dedup store, which run after them. */
export const OUTPUT_RESERVE_MS = 8000;
const OUTPUT_CALL_TIMEOUT_MS = 3000;
const MIN_PHASE_MS = 500;

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

  const results = await probeTargets(
    config.targets,
    {
      defaultRegion: config.region,
      clockSkewThresholdSeconds: config.clockSkewThresholdSeconds,
      ...phaseDeadlines(remainingMs - OUTPUT_RESERVE_MS),
    },
    { clients: deps.clients, now: deps.now },
  );
  for (const result of results) log(probeLogRecord(result, config.canaryName));

  const urls = consoleUrls(
    config.region,
    config.dashboardName ?? undefined,
    config.logGroupName ?? undefined,
  );
  const [metrics, notifications] = await Promise.all([
    publishMetrics(
      deps.cloudwatch,
      config.namespace,
      runDatapoints(results),
      runStartedMs,
      OUTPUT_CALL_TIMEOUT_MS,
      deps.write,
    ),
    deps.sns && config.topicArn
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
                sns: deps.sns as SNSClient,
                topicArn: config.topicArn as string,
                store: deps.store,
                now: deps.now,
                log,
                timeoutMs: OUTPUT_CALL_TIMEOUT_MS,
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
 * shrunk in proportion (credentials, token and manifest run one after another; the config blob after that).
 */
export function phaseDeadlines(budgetMs: number): {
  credentialsTimeoutMs: number;
  tokenTimeoutMs: number;
  manifestTimeoutMs: number;
} {
  const { credentialsTimeoutMs, tokenTimeoutMs, manifestTimeoutMs } = PROBE_DEFAULTS;
  const total = credentialsTimeoutMs + tokenTimeoutMs + 2 * manifestTimeoutMs;
  const scale = Math.min(1, Math.max(0, budgetMs) / total);
  const scaled = (ms: number) => Math.max(MIN_PHASE_MS, Math.floor(ms * scale));
  return {
    credentialsTimeoutMs: scaled(credentialsTimeoutMs),
    tokenTimeoutMs: scaled(tokenTimeoutMs),
    manifestTimeoutMs: scaled(manifestTimeoutMs),
  };
}
