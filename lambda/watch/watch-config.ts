import { DEFAULT_NAMESPACE, DEFAULT_REMINDER_HOURS } from '../contract.ts';
import { SNS_TOPIC_ARN_PATTERN } from '../handler-config.ts';
import { consoleUrls } from '../outputs/notification.ts';
import { WATCH_ENV } from './contract.ts';
import type { WatchConfig } from './watch-run.ts';

/** The dedup window's bounds, in hours: the same as the canary's reminder interval. */
export const WATCH_DEDUP_HOURS = { min: 0.25, max: 168 } as const;

/**
 * Reads the configuration the construct put in the environment, per invocation. All problems at once, each
 * naming the variable, the value and what is allowed; the handler logs them as one line.
 */
export function readWatchConfig(env: NodeJS.ProcessEnv): WatchConfig {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? '';
  if (!region) problems.push('AWS_REGION is not set; the Lambda runtime always sets it');
  let canaryTargets: string[] = [];
  const rawTargets = env[WATCH_ENV.canaryTargets] ?? '[]';
  try {
    const parsed: unknown = JSON.parse(rawTargets);
    if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string' && name !== '')) {
      throw new Error('allowed: a JSON array of target names');
    }
    canaryTargets = parsed;
  } catch (error) {
    problems.push(`${WATCH_ENV.canaryTargets}=${rawTargets.slice(0, 200)}: ${(error as Error).message}`);
  }
  let dedupHours = DEFAULT_REMINDER_HOURS;
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
  if (topicArn && !SNS_TOPIC_ARN_PATTERN.test(topicArn)) {
    problems.push(`${WATCH_ENV.topicArn}="${topicArn}": allowed: an SNS topic ARN`);
  }
  if (problems.length > 0) throw new Error(`invalid watcher configuration: ${problems.join('; ')}`);
  const urls = consoleUrls(
    region,
    env[WATCH_ENV.dashboardName] || undefined,
    env.AWS_LAMBDA_LOG_GROUP_NAME || undefined,
  );
  return {
    canaryName: env[WATCH_ENV.canaryName] || 'ecr-pull-canary',
    region,
    namespace: env[WATCH_ENV.namespace] || DEFAULT_NAMESPACE,
    topicArn,
    stateTable: env[WATCH_ENV.stateTable] || null,
    canaryTargets,
    dedupHours,
    ...urls,
  };
}
