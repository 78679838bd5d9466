import { USER_CONFIG_FILE } from '../../engine/config/locate.ts';
import { LIMITS } from '../../engine/model/limits.ts';
import { contextOptions, numberOption, requireConfigPath, startConfigCommand } from '../config-command.ts';
import { CHECKS_EXIT, checksReport, parseCommandOptions, printChecks } from '../doctor/check.ts';
import type { CliIo } from '../probe/cli.ts';
import {
  STATUS_CHECK_IDS,
  STATUS_CHECKS_HELP,
  STATUS_PERMISSIONS_LINK,
  STATUS_TIMEOUT_MS,
  STATUS_TITLES,
} from './check.ts';
import { runStatus } from './run.ts';

export const STATUS_SYNOPSIS =
  'Usage: ecr-pull-canary status [-c config=PATH] [--timeout MS] [--no-scan] [--json]';

export const STATUS_USAGE = `${STATUS_SYNOPSIS}

After \`cdk deploy\`: is the canary alive, and can it page? Reads, with your credentials, every account and region
of the configuration (the same file and validation as cdk synth) and says for each what it saw and the fix:
${STATUS_CHECK_IDS.map((id) => `  ${id.padEnd(14)}${STATUS_CHECKS_HELP[id]}`).join('\n')}
Read-only: it changes nothing. The read permissions it needs:
  ${STATUS_PERMISSIONS_LINK}

Options:
  -c config=PATH          the configuration file, as for cdk (default ${USER_CONFIG_FILE} in this directory)
  --timeout MS            deadline of each AWS call (default ${STATUS_TIMEOUT_MS})
  --no-scan               do not look for leftover stacks in the partition's other regions (one DescribeStacks
                          per region; a network that reaches only the configured regions' endpoints waits out
                          the deadline there)
  --json                  print one JSON object: ok, summary, and every check with status, saw, fix, details
  -h, --help              show this help

Exit status: 0 everything can page (warnings, such as a read that was denied, alone exit 0), 1 something cannot
page or is paging, 2 usage or configuration error.
AWS endpoints follow the SDK's variables (AWS_ENDPOINT_URL_CLOUDFORMATION, AWS_ENDPOINT_URL_CLOUDWATCH, ...).`;

export function parseStatusArgs(
  argv: string[],
  cwd: string,
): { configPath: string; timeoutMs: number; json: boolean; scan: boolean } | 'help' {
  const values = parseCommandOptions(argv, {
    context: { type: 'string', short: 'c', multiple: true },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    'no-scan': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values === 'help') return 'help';
  const { config } = contextOptions(values.context, { config: 'PATH' });
  const { min, max } = LIMITS.cliPhaseTimeoutMs;
  const timeoutMs = numberOption('timeout', values.timeout, STATUS_TIMEOUT_MS, min, max);
  const path = requireConfigPath(config, cwd);
  return { configPath: path, timeoutMs, json: Boolean(values.json), scan: !values['no-scan'] };
}

export interface StatusDeps {
  cwd: string;
  now?: () => Date;
  /** The regions the leftover scan looks in (tests name a few). @default every known region of the partition */
  scanRegions?: readonly string[];
}

/** `ecr-pull-canary status`: returns the exit status; never throws for a failing endpoint. */
export async function runStatusCommand(
  argv: string[],
  io: CliIo,
  deps: StatusDeps = { cwd: process.cwd() },
): Promise<number> {
  const started = startConfigCommand(
    { name: 'status', usage: STATUS_USAGE, synopsis: STATUS_SYNOPSIS },
    io,
    () => parseStatusArgs(argv, deps.cwd),
    (args) => args,
  );
  if ('exit' in started) return started.exit;
  const { request, config } = started;
  const report = checksReport(
    await runStatus({
      config,
      timeoutMs: request.timeoutMs,
      scan: request.scan,
      ...(deps.now ? { now: deps.now() } : {}),
      ...(deps.scanRegions ? { scanRegions: deps.scanRegions } : {}),
    }),
  );
  const failures = report.summary.fail;
  printChecks(io, report, {
    json: request.json,
    command: 'status',
    titles: STATUS_TITLES,
    closing: `${
      failures === 0
        ? 'Everything can page.'
        : `${failures} problem(s) above: until they are fixed, a pull failure may page nobody.`
    }${report.summary.warn > 0 ? ` ${report.summary.warn} warning(s).` : ''}`,
  });
  return report.ok ? CHECKS_EXIT.ok : CHECKS_EXIT.failed;
}
