import { SNS_TOPIC_ARN } from './model/arn.ts';
import { CODE_DATA } from './model/code-data.ts';
import { ENV, type HandlerTarget, type ProbeCodeData } from './model/contract.ts';
import { CANARY_DEFAULTS, LIMITS, type Range } from './model/limits.ts';
import { type ResolvedTarget, resolveTarget } from './model/target.ts';

export interface HandlerConfig {
  canaryName: string;
  region: string;
  targets: ResolvedTarget[];
  namespace: string;
  topicArn: string | null;
  stateTable: string | null;
  reminderHours: number;
  clockSkewThresholdSeconds: number;
  dashboardName: string | null;
  logGroupName: string | null;
}

export class HandlerConfigError extends Error {
  override name = 'HandlerConfigError';
}

/** Where the targets are read from, in problem messages. */
const TARGETS_SOURCE = `${CODE_DATA.file} targets`;

/**
 * Reads the configuration the construct put in the environment and, for the targets, in the function's code
 * (`data`: the code data document, lambda/functions/code-data-file.ts). Called per invocation, never at module scope, so
 * a test (or a changed deployment) is never served a stale configuration. All problems are reported at once.
 */
export function readHandlerConfig(env: NodeJS.ProcessEnv, data: unknown): HandlerConfig {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? '';
  if (!region) problems.push('AWS_REGION is not set; the Lambda runtime always sets it');

  let targets: ResolvedTarget[] = [];
  const rawTargets = (data as Partial<ProbeCodeData> | null | undefined)?.targets;
  try {
    const parsed: unknown = rawTargets;
    if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('expected a non-empty JSON array');
    targets = (parsed as HandlerTarget[]).map((target, i) => {
      if (typeof target?.image !== 'string' || typeof target.name !== 'string' || target.name === '') {
        throw new Error(`target ${i} needs string "image" and "name"`);
      }
      return resolveTarget(target, region || undefined);
    });
  } catch (error) {
    const shown = rawTargets === undefined ? '(unset)' : JSON.stringify(rawTargets);
    problems.push(`${TARGETS_SOURCE}=${truncate(shown)}: ${(error as Error).message}`);
  }

  const names = targets.map((t) => t.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate)
    problems.push(`${TARGETS_SOURCE}: target name "${duplicate}" is used twice; names are metric dimensions`);

  // The same ranges and defaults the construct and the configuration file validate against.
  const number = (key: string, range: Range & { default: number }) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return range.default;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < range.min || value > range.max) {
      problems.push(`${key}="${raw}": must be a number from ${range.min} to ${range.max}`);
      return range.default;
    }
    return value;
  };
  const config: HandlerConfig = {
    canaryName: env[ENV.canaryName] || CANARY_DEFAULTS.name,
    region,
    targets,
    namespace: env[ENV.namespace] || CANARY_DEFAULTS.namespace,
    topicArn: env[ENV.topicArn] || null,
    stateTable: env[ENV.stateTable] || null,
    reminderHours: number(ENV.reminderHours, LIMITS.reminderHours),
    clockSkewThresholdSeconds: number(ENV.clockSkewThresholdSeconds, LIMITS.clockSkewSeconds),
    dashboardName: env[ENV.dashboardName] || null,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME || null,
  };
  if (config.topicArn && !SNS_TOPIC_ARN.test(config.topicArn)) {
    problems.push(`${ENV.topicArn}="${config.topicArn}": must be an SNS topic ARN`);
  }
  if (problems.length > 0)
    throw new HandlerConfigError(`invalid canary configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
