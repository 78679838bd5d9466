import { createInterface } from 'node:readline/promises';
import { USER_CONFIG_FILE } from '../../engine/config/locate.ts';
import { LIMITS } from '../../engine/model/limits.ts';
import { contextOptions, numberOption, requireConfigPath, startConfigCommand } from '../config-command.ts';
import { CHECKS_EXIT, checksReport, parseCommandOptions, printChecks, UsageError } from '../doctor/check.ts';
import type { CliIo } from '../probe/cli.ts';
import { STATUS_TIMEOUT_MS } from '../status/check.ts';
import {
  DEFAULT_DRILL_ALARM,
  DRILL_PERMISSIONS_LINK,
  DRILL_POLL_MS,
  DRILL_TITLES,
  DRILL_WAIT_MS,
  runDrill,
} from './run.ts';

export const DRILL_SYNOPSIS =
  'Usage: ecr-pull-canary drill [-c config=PATH] [--region R] [--alarm KIND|NAME] [--yes] [--wait S] [--timeout MS] [--json]';

export const DRILL_USAGE = `${DRILL_SYNOPSIS}

Proves the pager path of one alarm, as CloudWatch documents it: sets the alarm to ALARM with a reason that says it
is a drill (SetAlarmState), waits for the alarm's history to record each action's outcome ("Successfully executed
action …" or "Failed to execute action …", e.g. a topic key that refuses CloudWatch), reports each, then sets the
alarm back to OK and reports its OK actions the same way. Whoever the alarm pages is paged: it asks first, unless
--yes. It changes nothing else, and sets the alarm back to OK on Ctrl-C and at the deadline too. It refuses an
alarm already in ALARM (that is a real page, and CloudWatch runs no action for a change to the same state) and one
whose actions are disabled. Permissions (cloudwatch:DescribeAlarms, DescribeAlarmHistory, SetAlarmState):
  ${DRILL_PERMISSIONS_LINK}

Options:
  -c config=PATH          the configuration file, as for cdk (default ${USER_CONFIG_FILE} in this directory)
  --region R              one of the configuration's regions (default: the first)
  --alarm KIND|NAME       the alarm: a kind (availability, auth, throttle, clock-skew, heartbeat, latency,
                          workload-auth, workload-throttle) or a full alarm name (default ${DEFAULT_DRILL_ALARM})
  --yes                   do not ask before paging (CI); without it and without a terminal to ask on, it refuses
  --wait S                how long to wait for the history to show each outcome (default ${DRILL_WAIT_MS / 1000})
  --timeout MS            deadline of each AWS call (default ${STATUS_TIMEOUT_MS})
  --json                  print one JSON object: ok, summary, and every step with status, saw, fix, details
  -h, --help              show this help

Exit status: 0 every action succeeded, 1 an action failed or the drill could not run, 2 usage or configuration
error (or no --yes where it cannot ask), 130 interrupted (the alarm is set back to OK first).`;

interface DrillArgs {
  configPath: string;
  region: string | undefined;
  alarm: string;
  yes: boolean;
  waitMs: number;
  timeoutMs: number;
  json: boolean;
}

export function parseDrillArgs(argv: string[], cwd: string): DrillArgs | 'help' {
  const values = parseCommandOptions(argv, {
    context: { type: 'string', short: 'c', multiple: true },
    region: { type: 'string' },
    alarm: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    wait: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values === 'help') return 'help';
  const { config } = contextOptions(values.context, { config: 'PATH' });
  const { min, max } = LIMITS.cliPhaseTimeoutMs;
  const timeoutMs = numberOption('timeout', values.timeout, STATUS_TIMEOUT_MS, min, max);
  const waitMs = numberOption('wait', values.wait, DRILL_WAIT_MS / 1000, 1, max / 1000) * 1000;
  const path = requireConfigPath(config, cwd);
  return {
    configPath: path,
    region: values.region,
    alarm: values.alarm ?? DEFAULT_DRILL_ALARM,
    yes: Boolean(values.yes),
    waitMs,
    timeoutMs,
    json: Boolean(values.json),
  };
}

/** What a test replaces: the working directory, how to ask, and where Ctrl-C comes from. */
export interface DrillDeps {
  cwd: string;
  /** null: there is no terminal to ask on. */
  ask?: ((question: string) => Promise<string>) | null;
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  pollMs?: number;
}

/** A terminal's question, on stderr so --json output stays one object; null when standard input is no terminal. */
function terminalAsk(): ((question: string) => Promise<string>) | null {
  if (!process.stdin.isTTY) return null;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
}

export const DRILL_EXIT = { ...CHECKS_EXIT, interrupted: 130 } as const;

/** `ecr-pull-canary drill`: returns the exit status; never throws for a failing endpoint. */
export async function runDrillCommand(
  argv: string[],
  io: CliIo,
  deps: DrillDeps = { cwd: process.cwd() },
): Promise<number> {
  const started = startConfigCommand(
    { name: 'drill', usage: DRILL_USAGE, synopsis: DRILL_SYNOPSIS },
    io,
    () => parseDrillArgs(argv, deps.cwd),
    (parsed, config) => {
      const regions = config.regions.map((r) => r.region);
      const region = parsed.region ?? regions[0] ?? '';
      if (!regions.includes(region)) {
        throw new UsageError(
          `--region "${region}" is not one of the configuration's regions (${regions.join(', ')})`,
        );
      }
      return { args: parsed, region };
    },
  );
  if ('exit' in started) return started.exit;
  const {
    request: { args, region },
    config,
  } = started;
  const ask = deps.ask === undefined ? terminalAsk() : deps.ask;
  const yes = args.yes;
  const interrupt = new AbortController();
  const signals = deps.signals ?? process;
  // Every Ctrl-C (and SIGTERM) only stops the waiting: the drill then sets the alarm back to OK before it exits, so
  // a second Ctrl-C during that must not kill it either.
  const onSignal = () => {
    if (!interrupt.signal.aborted) io.stderr('\nInterrupted: setting the alarm back to OK…\n');
    interrupt.abort();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  let result: Awaited<ReturnType<typeof runDrill>>;
  try {
    result = await runDrill({
      config,
      region,
      alarm: args.alarm,
      timeoutMs: args.timeoutMs,
      waitMs: args.waitMs,
      pollMs: deps.pollMs ?? DRILL_POLL_MS,
      interrupted: interrupt.signal,
      progress: (line) => {
        if (!args.json) io.stderr(`${line}\n`);
      },
      confirm: async (question) => {
        if (yes) return true;
        if (!ask) return null;
        return /^y(es)?$/i.test((await ask(question)).trim());
      },
    });
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
  if (result.outcome === 'cannot-ask') {
    io.stderr(
      'ecr-pull-canary drill: refusing to page anyone without asking: standard input is no terminal to ask on. Run it in a terminal, or pass --yes (e.g. in CI) to drill without asking.\n',
    );
    return DRILL_EXIT.usage;
  }
  const report = checksReport(result.checks);
  const failures = report.summary.fail;
  printChecks(io, report, {
    json: args.json,
    command: 'drill',
    titles: DRILL_TITLES,
    extra: { interrupted: result.outcome === 'interrupted' },
    closing:
      result.outcome === 'declined'
        ? 'Nothing was changed.'
        : result.outcome === 'interrupted'
          ? 'Interrupted; the alarm was set back to OK (see above).'
          : failures === 0
            ? 'Every action of the alarm ran: the pager path works.'
            : `${failures} problem(s) above: an alarm of this canary may page nobody.`,
  });
  if (result.outcome === 'interrupted') return DRILL_EXIT.interrupted;
  if (result.outcome === 'declined') return DRILL_EXIT.failed;
  return report.ok ? DRILL_EXIT.ok : DRILL_EXIT.failed;
}
