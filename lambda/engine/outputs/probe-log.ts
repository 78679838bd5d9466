import type { ProbeResult } from '../model/types.ts';

/**
 * One JSON log line per target per run, with everything Logs Insights needs (per-phase timings live here,
 * not in metrics, because they would cost a metric each: the dashboard's layer-phase widget queries them).
 * Results carry no secret by construction.
 */
export function probeLogRecord(result: ProbeResult, canaryName: string): Record<string, unknown> {
  return {
    level: result.ok ? 'INFO' : 'WARN',
    type: 'probe-result',
    canary: canaryName,
    target: result.target,
    region: result.region,
    ok: result.ok,
    category: result.category,
    phase: result.phase,
    errorCode: result.errorCode,
    message: result.message,
    image: result.image,
    digest: result.digest,
    latencyMs: result.latencyMs,
    timings: result.timings,
    // The layer phase (which blob, from which storage host); its timings are in `timings.layer*`.
    layer: result.layer,
    clockSkewSeconds: result.clockSkew?.seconds ?? null,
    clockSkewUncertaintySeconds: result.clockSkew?.uncertaintySeconds ?? null,
    clockSkewSdkCorrected: result.clockSkew?.sdkCorrected ?? false,
    tokenAttempts: result.tokenAttempts,
    throttledResponses: result.throttledResponses,
    identity: result.identity,
    tokenExpiresAt: result.tokenExpiresAt,
    registryUrl: result.registryUrl,
    startedAt: result.startedAt,
  };
}
