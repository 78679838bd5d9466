import { loadConfig } from '../engine/config/load.ts';
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
