import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { USER_CONFIG_FILE } from '../../engine/config/locate.ts';

/**
 * The configuration file a command that reads the deployment uses: `-c config=PATH` (relative to the working
 * directory), else canary.config.json in the working directory; never the shipped example. Null when neither is there.
 */
export function configPath(given: string | undefined, cwd: string): string | null {
  if (given) return resolve(cwd, given);
  const user = join(cwd, USER_CONFIG_FILE);
  return existsSync(user) ? user : null;
}
