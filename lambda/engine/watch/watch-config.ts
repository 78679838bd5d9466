import { SNS_TOPIC_ARN } from '../model/arn.ts';
import { CODE_DATA } from '../model/code-data.ts';
import { CANARY_DEFAULTS, LIMITS } from '../model/limits.ts';
import { WATCH_ENV, type WatchCodeData } from '../model/watch-contract.ts';
import { consoleUrls } from '../outputs/notification.ts';
import type { WatchConfig } from './watch-run.ts';

/** The dedup window's bounds, in hours: the same as the canary's reminder interval. */
/** The watcher's dedup window has the canary's reminder range: it is the same setting, seen from the workloads. */
export const WATCH_DEDUP_HOURS = LIMITS.reminderHours;

/**
 * Reads the configuration the construct put in the environment and, for the target names, in the function's
 * code (`data`, lambda/functions/code-data-file.ts), per invocation. All problems at once, each naming the variable, the
 * value and what is allowed; the handler logs them as one line.
 */
export function readWatchConfig(env: NodeJS.ProcessEnv, data: unknown): WatchConfig {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? '';
  if (!region) problems.push('AWS_REGION is not set; the Lambda runtime always sets it');
  let canaryTargets: string[] = [];
  const rawTargets = (data as Partial<WatchCodeData> | null | undefined)?.canaryTargets ?? [];
  if (Array.isArray(rawTargets) && rawTargets.every((name) => typeof name === 'string' && name !== '')) {
    canaryTargets = rawTargets;
  } else {
    problems.push(
      `${CODE_DATA.file} canaryTargets=${JSON.stringify(rawTargets).slice(0, 200)}: allowed: a list of target names`,
    );
  }
  let dedupHours: number = CANARY_DEFAULTS.reminderHours;
  const rawDedup = env[WATCH_ENV.dedupHours];
  if (rawDedup !== undefined && rawDedup !== '') {
    const value = Number(rawDedup);
    if (!Number.isFinite(value) || value < WATCH_DEDUP_HOURS.min || value > WATCH_DEDUP_HOURS.max) {
      problems.push(
        `${WATCH_ENV.dedupHours}="${rawDedup}": allowed: a number from ${WATCH_DEDUP_HOURS.min} to ${WATCH_DEDUP_HOURS.max}`,
      );
    } else dedupHours = value;
  }
  const topicArn = env[WATCH_ENV.topicArn] || null;
  if (topicArn && !SNS_TOPIC_ARN.test(topicArn)) {
    problems.push(`${WATCH_ENV.topicArn}="${topicArn}": allowed: an SNS topic ARN`);
  }
  if (problems.length > 0) throw new Error(`invalid watcher configuration: ${problems.join('; ')}`);
  const urls = consoleUrls(
    region,
    env[WATCH_ENV.dashboardName] || undefined,
    env.AWS_LAMBDA_LOG_GROUP_NAME || undefined,
  );
  return {
    canaryName: env[WATCH_ENV.canaryName] || CANARY_DEFAULTS.name,
    region,
    namespace: env[WATCH_ENV.namespace] || CANARY_DEFAULTS.namespace,
    topicArn,
    stateTable: env[WATCH_ENV.stateTable] || null,
    canaryTargets,
    dedupHours,
    ...urls,
  };
}
