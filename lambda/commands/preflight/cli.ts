import { LIMITS } from '../../engine/model/limits.ts';
import { contextOptions, numberOption, requireConfigPath, startConfigCommand } from '../config-command.ts';
import { CHECKS_EXIT, checksReport, parseCommandOptions, printChecks } from '../doctor/check.ts';
import type { CliIo } from '../probe/cli.ts';
import {
  PREFLIGHT_CHECK_IDS,
  PREFLIGHT_CHECKS_HELP,
  PREFLIGHT_TIMEOUT_MS,
  PREFLIGHT_TITLES,
  READ_PERMISSIONS_LINK,
} from './check.ts';
import { bootstrapQualifier, QUALIFIER_CONTEXT_KEY, USER_CONFIG_FILE } from './config.ts';
import { type PreflightRequest, runPreflight } from './run.ts';

export const PREFLIGHT_SYNOPSIS =
  'Usage: ecr-pull-canary preflight [-c config=PATH] [-c @aws-cdk/core:bootstrapQualifier=Q] [--timeout MS] [--json]';

export const PREFLIGHT_USAGE = `${PREFLIGHT_SYNOPSIS}

Before \`cdk deploy\`: reads, with the deployer's credentials, what CloudFormation would otherwise find out after
many minutes, in every account and region of the configuration, and says for each check what it saw and the fix:
${PREFLIGHT_CHECK_IDS.map((id) => `  ${id.padEnd(16)}${PREFLIGHT_CHECKS_HELP[id]}`).join('\n')}
Read-only: it deploys nothing and changes nothing. The read permissions it needs:
  ${READ_PERMISSIONS_LINK}

Options:
  -c config=PATH          the configuration file, as for cdk (default ${USER_CONFIG_FILE} in this directory)
  -c ${QUALIFIER_CONTEXT_KEY}=Q
                          the CDK bootstrap qualifier (default: cdk.json's context, else the CDK's)
  --timeout MS            deadline of each AWS call (default ${PREFLIGHT_TIMEOUT_MS})
  --json                  print one JSON object: ok, summary, and every check with status, saw, fix, details
  -h, --help              show this help

Each check is pass, warn, fail or skip (nothing to check, e.g. no VPC).
Exit status: 0 no check failed (warnings alone exit 0), 1 a check failed, 2 usage or configuration error.
AWS endpoints follow the SDK's variables (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_OAM, ...).`;

export function parsePreflightArgs(
  argv: string[],
  cwd: string,
): (Omit<PreflightRequest, 'config'> & { configPath: string; json: boolean }) | 'help' {
  const values = parseCommandOptions(argv, {
    context: { type: 'string', short: 'c', multiple: true },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values === 'help') return 'help';
  const context = contextOptions(values.context, { config: 'VALUE', [QUALIFIER_CONTEXT_KEY]: 'VALUE' });
  const { min, max } = LIMITS.cliPhaseTimeoutMs;
  const timeoutMs = numberOption('timeout', values.timeout, PREFLIGHT_TIMEOUT_MS, min, max);
  const path = requireConfigPath(context.config, cwd);
  return {
    configPath: path,
    qualifier: bootstrapQualifier(context[QUALIFIER_CONTEXT_KEY], cwd),
    timeoutMs,
    json: Boolean(values.json),
  };
}

/** Dependencies a test replaces: the working directory (where the configuration and cdk.json are). */
export interface PreflightDeps {
  cwd: string;
  /** The regions the dashboard checks look in (tests name a few). @default every known region of the partition */
  scanRegions?: readonly string[];
}

/** `ecr-pull-canary preflight`: returns the exit status; never throws for a failing endpoint. */
export async function runPreflightCommand(
  argv: string[],
  io: CliIo,
  deps: PreflightDeps = { cwd: process.cwd() },
): Promise<number> {
  const started = startConfigCommand(
    { name: 'preflight', usage: PREFLIGHT_USAGE, synopsis: PREFLIGHT_SYNOPSIS },
    io,
    () => parsePreflightArgs(argv, deps.cwd),
    (args) => args,
  );
  if ('exit' in started) return started.exit;
  const { request, config } = started;
  const report = checksReport(
    await runPreflight({
      ...request,
      config,
      ...(deps.scanRegions ? { scanRegions: deps.scanRegions } : {}),
    }),
  );
  printChecks(io, report, { json: request.json, command: 'preflight', titles: PREFLIGHT_TITLES });
  return report.ok ? CHECKS_EXIT.ok : CHECKS_EXIT.failed;
}
