import { loadConfig } from '../engine/config/load.ts';
import { configPath, USER_CONFIG_FILE } from '../engine/config/locate.ts';
import type { CanaryConfig } from '../engine/config/schema.ts';
import { CHECKS_EXIT, UsageError } from './doctor/check.ts';
import type { CliIo } from './probe/cli.ts';
import { dueSdkNodeNotice, SDK_NODE_WARNING_OPT_OUT } from './sdk-node-notice.ts';

/** A command that reads the canary's configuration: its name, its `--help` text and the synopsis a usage error ends with. */
export interface ConfigCommandSpec {
  name: string;
  usage: string;
  synopsis: string;
}

/**
 * The start every command that reads the deployed configuration shares (preflight, status, drill): parse the
 * arguments, answer `--help`, load the configuration through the same validation as `cdk synth` (its message names
 * every problem's field, value and what is allowed), let the command check its arguments against it (`prepare`
 * throws a UsageError), and answer a usage or configuration error with exit 2. Then the SDK's Node notice, in its
 * place and at most once a day, instead of the SDK's own block.
 */
export function startConfigCommand<A extends { configPath: string }, R>(
  spec: ConfigCommandSpec,
  io: CliIo,
  parse: () => A | 'help',
  prepare: (args: A, config: CanaryConfig) => R,
): { request: R; config: CanaryConfig } | { exit: number } {
  let request: R;
  let config: CanaryConfig;
  try {
    const args = parse();
    if (args === 'help') {
      io.stdout(`${spec.usage}\n`);
      return { exit: CHECKS_EXIT.ok };
    }
    config = loadConfig(args.configPath);
    request = prepare(args, config);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ecr-pull-canary ${spec.name}: ${error.message}\n${spec.synopsis}\n`);
      return { exit: CHECKS_EXIT.usage };
    }
    if (error instanceof Error && error.name === 'ConfigError') {
      io.stderr(`ecr-pull-canary ${spec.name}: ${error.message}\n`);
      return { exit: CHECKS_EXIT.usage };
    }
    throw error;
  }
  const notice = dueSdkNodeNotice(process.version, io.env);
  if (notice) io.stderr(notice);
  // The SDK reads its opt-out from process.env when a client is created; the line above replaces its block.
  if (process.env[SDK_NODE_WARNING_OPT_OUT] !== 'true') process.env[SDK_NODE_WARNING_OPT_OUT] = 'true';
  return { request, config };
}

/**
 * The `-c KEY=VALUE` options of such a command (as `cdk synth -c` takes them), each key one of `allowed` (key →
 * what its value is, for the refusal); the last value of a key wins.
 */
export function contextOptions<K extends string>(
  pairs: readonly string[] | undefined,
  allowed: Readonly<Record<K, string>>,
): Partial<Record<K, string>> {
  const context: Partial<Record<K, string>> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const key = (eq > 0 ? pair.slice(0, eq) : pair) as K;
    const value = eq > 0 ? pair.slice(eq + 1) : '';
    if (!Object.hasOwn(allowed, key) || value === '') {
      const forms = Object.entries(allowed).map(([k, v]) => `-c ${k}=${v}`);
      throw new UsageError(`-c "${pair}" is not allowed; allowed: ${forms.join(', ')}`);
    }
    context[key] = value;
  }
  return context;
}

/** The configuration file: `-c config=PATH`, else the user's file in `cwd`; a usage error when there is none. */
export function requireConfigPath(given: string | undefined, cwd: string): string {
  const path = configPath(given, cwd);
  if (!path)
    throw new UsageError(`no ${USER_CONFIG_FILE} in ${cwd}; give the configuration with -c config=PATH`);
  return path;
}

/** A numeric option from `lo` to `hi` (`fallback` when absent); a usage error names the option and the range. */
export function numberOption(
  option: string,
  text: string | undefined,
  fallback: number,
  lo: number,
  hi: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < lo || value > hi) {
    throw new UsageError(`--${option} "${text}" must be a number from ${lo} to ${hi}`);
  }
  return value;
}
