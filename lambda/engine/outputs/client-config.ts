/**
 * SDK client settings of every output call (PutMetricData, SNS Publish, the dedup store), in the probe function
 * and the watcher alike: two attempts with short socket deadlines, since each call has only a few seconds
 * (RUN_BUDGET_MS.outputCall in lambda/engine/model/limits.ts).
 */
export const OUTPUT_CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 2000, requestTimeout: 2500, throwOnRequestTimeout: true },
} as const;
