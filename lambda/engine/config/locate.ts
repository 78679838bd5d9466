import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The user's own configuration, at the repository root. It is not tracked (.gitignore): it holds the user's
 * account, regions, images and addresses, which must not be committed by accident, and an upstream change to
 * a tracked file would collide with every user's edits on the next pull.
 */
export const USER_CONFIG_FILE = 'canary.config.json';
/** Tracked, and shows every section; the app synthesizes it while the user has no configuration yet. */
export const EXAMPLE_CONFIG_FILE = 'canary.config.example.json';

export interface ConfigSource {
  /** Absolute path of the file to load. */
  readonly path: string;
  /** One line for stderr when the app falls back to the example; absent otherwise. */
  readonly notice?: string;
}

/**
 * Which configuration file the app synthesizes: the file given with `-c config=PATH` (relative to the working
 * directory); else the user's canary.config.json at the repository root; else, on a fresh clone, the shipped
 * example, with a notice saying so. An explicitly given file is never replaced by another one: if it is
 * missing, loading it reports that.
 */
export function locateConfig(options: {
  given?: string | undefined;
  cwd: string;
  root: string;
  exists?: (path: string) => boolean;
}): ConfigSource {
  const { given, cwd, root, exists = existsSync } = options;
  if (given) return { path: resolve(cwd, given) };
  const user = resolve(root, USER_CONFIG_FILE);
  if (exists(user)) return { path: user };
  return {
    path: resolve(root, EXAMPLE_CONFIG_FILE),
    notice:
      `${USER_CONFIG_FILE} not found in ${root}: synthesizing the shipped example ${EXAMPLE_CONFIG_FILE} ` +
      `instead; create ${USER_CONFIG_FILE} (README, Quick start) before you deploy.`,
  };
}

/**
 * The configuration file a command that reads AWS checks against (preflight, status, drill): `-c config=PATH`
 * (relative to the working directory), else canary.config.json in the working directory. Never the shipped
 * example, unlike `cdk synth`: there is nothing to check in an example's made-up accounts. Null when neither is there.
 */
export function configPath(given: string | undefined, cwd: string): string | null {
  if (given) return resolve(cwd, given);
  const user = join(cwd, USER_CONFIG_FILE);
  return existsSync(user) ? user : null;
}
