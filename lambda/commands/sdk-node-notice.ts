import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * The AWS SDK for JavaScript v3 warns on Node.js below 22 with an eight-line `NodeVersionSupportWarning`,
 * once per process that creates a client (`@aws-sdk/core`, `emitWarningIfUnsupportedVersion`). This
 * variable set to `true` is its documented opt-out: https://github.com/aws/aws-sdk-js-v3/issues/7983
 * ("January 2027: End of Support for Node.js 20.x in AWS SDK for JavaScript").
 */
export const SDK_NODE_WARNING_OPT_OUT = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** SDK releases after the first week of January 2027 require this Node.js major (same announcement). */
export const SDK_NODE_MAJOR = 22;

/**
 * The one line the CLI prints instead of the SDK's warning block, or nothing when this Node.js is new
 * enough or the user set the SDK's opt-out (the SDK reads it as the exact string `true`, and so do we).
 */
export function sdkNodeNotice(nodeVersion: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env[SDK_NODE_WARNING_OPT_OUT] === 'true') return undefined;
  const major = Number.parseInt(nodeVersion.replace(/^v/, ''), 10);
  if (!Number.isFinite(major) || major >= SDK_NODE_MAJOR) return undefined;
  return `ecr-pull-canary: note: AWS SDK releases after January 2027 need Node.js ${SDK_NODE_MAJOR}+; this is ${nodeVersion} (shown once a day; ${SDK_NODE_WARNING_OPT_OUT}=true hides it)\n`;
}

/** How often a user sees the notice: once a day is enough to be known, and not noise on every command. */
export const SDK_NODE_NOTICE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * The user's cache directory, from the environment the command was given: `$XDG_CACHE_HOME`, else
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, `~/.cache` elsewhere; null when the environment names
 * no home (the notice is then printed every time, and nothing is written).
 */
export function userCacheDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return env.XDG_CACHE_HOME;
  if (platform === 'win32') return env.LOCALAPPDATA || null;
  if (!env.HOME) return null;
  return platform === 'darwin' ? join(env.HOME, 'Library', 'Caches') : join(env.HOME, '.cache');
}

/** Where the time of the last notice is kept: one small file in the user's cache directory. */
export function sdkNodeNoticeStamp(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const cache = userCacheDir(env, platform);
  return cache === null ? null : join(cache, 'ecr-pull-canary', 'sdk-node-notice');
}

/**
 * {@link sdkNodeNotice}, at most once a day per user: undefined when the stamp in the cache directory is younger
 * than a day; otherwise the line, and the stamp is renewed. A stamp that cannot be read or written never stops
 * the command: the line is then printed.
 */
export function dueSdkNodeNotice(
  nodeVersion: string,
  env: NodeJS.ProcessEnv,
  now: number = Date.now(),
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const notice = sdkNodeNotice(nodeVersion, env);
  const stamp = notice === undefined ? null : sdkNodeNoticeStamp(env, platform);
  if (notice === undefined || stamp === null) return notice;
  try {
    const last = statSync(stamp).mtimeMs;
    if (now - last >= 0 && now - last < SDK_NODE_NOTICE_INTERVAL_MS) return undefined;
  } catch {
    // No stamp yet (or unreadable): due.
  }
  try {
    mkdirSync(dirname(stamp), { recursive: true });
    writeFileSync(stamp, `${new Date(now).toISOString()}\n`);
    utimesSync(stamp, now / 1000, now / 1000);
  } catch {
    // A read-only home: the line every time rather than a failed command.
  }
  return notice;
}
