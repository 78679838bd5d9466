/**
 * What preflight reads of the app: its configuration file, through the very validation `cdk synth` runs
 * (lambda/engine/config/, which imports nothing of the CDK), and the CDK bootstrap qualifier from cdk.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alarmName } from '../../engine/config/alarm-naming.ts';
import { loadConfig } from '../../engine/config/load.ts';
import { configPath, USER_CONFIG_FILE } from '../../engine/config/locate.ts';
import { eksSettingsPath } from '../../engine/config/validate.ts';

export type { CanaryConfig, NotificationsConfig, RegionConfig } from '../../engine/config/schema.ts';
export { alarmName, configPath, eksSettingsPath, loadConfig, USER_CONFIG_FILE };

/** The CDK's default bootstrap qualifier, and the cdk.json context key that changes it. */
export const DEFAULT_QUALIFIER = 'hnb659fds';
export const QUALIFIER_CONTEXT_KEY = '@aws-cdk/core:bootstrapQualifier';

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
