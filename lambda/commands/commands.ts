import { runDoctor } from './doctor/cli.ts';
import { type ExplainIo, runExplain } from './explain/cli.ts';
import { VERSION } from './package-info.ts';
import { type CliIo, runCli } from './probe/cli.ts';

/** The installed command's name (package.json `bin`). */
export const PROGRAM = 'ecr-pull-canary';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;

/** What every subcommand gets: output, the environment and, for those that read it, standard input. */
export interface CommandIo extends CliIo, ExplainIo {}

export interface Command {
  /** One line in `ecr-pull-canary --help`. */
  readonly summary: string;
  /** Runs the subcommand with the arguments after its name (its own `--help` included); returns the exit status. */
  readonly run: (argv: string[], io: CommandIo) => Promise<number>;
}

/**
 * Every subcommand of `ecr-pull-canary`, in the order `--help` lists them. The dispatcher and the help read
 * only this table, so a new subcommand is one entry here.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  probe: {
    summary: "fetch an ECR token and IMAGE's manifest the way docker and kubelet do, and say what is wrong",
    run: runCli,
  },
  explain: {
    summary: 'put a pull or login error message into the failure categories, with the evidence and the fix',
    run: runExplain,
  },
  doctor: {
    summary:
      "check this host's own pull path: credential chain, IMDS, clock, docker login, region and DNS, the pull",
    run: runDoctor,
  },
  preflight: {
    summary:
      "before cdk deploy: what CloudFormation would refuse, read with the deployer's credentials in every account and region",
    // Loaded when run: its SDK clients and the configuration's validation stay out of every other command's start.
    run: async (argv, io) => (await import('./preflight/cli.ts')).runPreflightCommand(argv, io),
  },
  inventory: {
    summary:
      "list the ECR images this region's ECS services, tasks and Lambda functions run, and which may not pull next time",
    // Loaded when run, like preflight: its ECS and Lambda clients stay out of every other command's start.
    run: async (argv, io) => (await import('./inventory/cli.ts')).runInventoryCommand(argv, io),
  },
  status: {
    summary:
      'after cdk deploy: is the canary alive and can it page (stack, schedule, runs, alarms, subscriptions)',
    // Loaded when run, like preflight: its SDK clients stay out of every other command's start.
    run: async (argv, io) => (await import('./status/cli.ts')).runStatusCommand(argv, io),
  },
  drill: {
    summary: "prove one alarm's pager path: set it to ALARM, report each action's outcome, set it back to OK",
    run: async (argv, io) => (await import('./drill/cli.ts')).runDrillCommand(argv, io),
  },
};

/** `ecr-pull-canary IMAGE …` with no subcommand, as before there were subcommands. */
export const DEFAULT_COMMAND = 'probe';

const HELP_FLAGS = new Set(['-h', '--help', 'help']);
/** `-V` as well as `--version`: `-v` is left alone, as many tools use it for verbose. */
const VERSION_FLAGS = new Set(['-V', '--version']);

export function commandsUsage(commands: Readonly<Record<string, Command>> = COMMANDS): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((name) => name.length)) + 2;
  return `Usage: ${PROGRAM} COMMAND [options]
       ${PROGRAM} IMAGE [options]   (the same as: ${PROGRAM} ${DEFAULT_COMMAND} IMAGE [options])

Commands:
${names.map((name) => `  ${name.padEnd(width)}${commands[name]?.summary}`).join('\n')}

Run \`${PROGRAM} COMMAND --help\` for the options of a command; \`${PROGRAM} --version\` prints the version.`;
}

/**
 * Runs `ecr-pull-canary ARGS…`: the subcommand named first, `--help` (or `help [COMMAND]`), or, when the first
 * argument names no subcommand, `probe` with all of them.
 */
export async function runCommand(
  argv: string[],
  io: CommandIo,
  commands: Readonly<Record<string, Command>> = COMMANDS,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(`${PROGRAM}: missing COMMAND or IMAGE\n${commandsUsage(commands)}\n`);
    return EXIT_USAGE;
  }
  if (VERSION_FLAGS.has(first)) {
    io.stdout(`${PROGRAM} ${VERSION}\n`);
    return EXIT_OK;
  }
  if (HELP_FLAGS.has(first)) {
    const [topic] = rest;
    const command = topic === undefined ? undefined : commandNamed(commands, topic);
    if (topic !== undefined && !command) {
      io.stderr(`${PROGRAM}: no command "${topic}"; commands: ${Object.keys(commands).join(', ')}\n`);
      return EXIT_USAGE;
    }
    if (command) return command.run(['--help'], io);
    io.stdout(`${commandsUsage(commands)}\n`);
    return EXIT_OK;
  }
  const named = commandNamed(commands, first);
  if (named) return named.run(rest, io);
  const fallback = commandNamed(commands, DEFAULT_COMMAND);
  if (!fallback) throw new Error(`the default command "${DEFAULT_COMMAND}" is not in the table`);
  return fallback.run(argv, io);
}

function commandNamed(commands: Readonly<Record<string, Command>>, name: string): Command | undefined {
  return Object.hasOwn(commands, name) ? commands[name] : undefined;
}
