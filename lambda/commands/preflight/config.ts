/**
 * What preflight reads of the app: its configuration file, through the very validation `cdk synth` runs
 * (lambda/engine/config/, which imports nothing of the CDK), and the CDK bootstrap qualifier from cdk.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alarmName } from '../../engine/config/alarm-naming.ts';
import { loadConfig } from '../../engine/config/load.ts';
import { USER_CONFIG_FILE } from '../../engine/config/locate.ts';

export type { CanaryConfig, NotificationsConfig, RegionConfig } from '../../engine/config/schema.ts';
export { alarmName, loadConfig, USER_CONFIG_FILE };

/** The CDK's default bootstrap qualifier, and the cdk.json context key that changes it. */
export const DEFAULT_QUALIFIER = 'hnb659fds';
export const QUALIFIER_CONTEXT_KEY = '@aws-cdk/core:bootstrapQualifier';

/**
 * The configuration file preflight checks: `-c config=PATH` (relative to the working directory), else
 * canary.config.json in the working directory. Never the shipped example, unlike `cdk synth`: there is nothing to
 * check in an example's made-up accounts. Null when neither is there.
 */
export function configPath(given: string | undefined, cwd: string): string | null {
  if (given) return resolve(cwd, given);
  const user = join(cwd, USER_CONFIG_FILE);
  return existsSync(user) ? user : null;
}

/** The bootstrap qualifier: `-c @aws-cdk/core:bootstrapQualifier=Q`, else cdk.json's context, else the CDK's. */
export function bootstrapQualifier(given: string | undefined, cwd: string): string {
  if (given) return given;
  try {
    const cdkJson = JSON.parse(readFileSync(join(cwd, 'cdk.json'), 'utf8')) as {
      context?: Record<string, unknown>;
    };
    const value = cdkJson.context?.[QUALIFIER_CONTEXT_KEY];
    if (typeof value === 'string' && value !== '') return value;
  } catch {
    // No cdk.json, or one that `cdk` itself would reject: the default applies.
  }
  return DEFAULT_QUALIFIER;
}
