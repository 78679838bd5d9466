import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  type Command,
  type CommandIo,
  commandsUsage,
  DEFAULT_COMMAND,
  EXIT_USAGE,
  PROGRAM,
  runCommand,
} from '../lambda/commands/commands.ts';
import { EXPLAIN_USAGE } from '../lambda/commands/explain/cli.ts';
import { SYNOPSIS, USAGE } from '../lambda/commands/probe/cli.ts';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ecr-pull-canary ARGS…` in process, with nothing on standard input and no AWS variables. */
async function run(argv: string[], commands?: Readonly<Record<string, Command>>): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
    stdin: null,
  };
  const code = await runCommand(argv, io, commands);
  return { code, stdout, stderr };
}

describe('the ecr-pull-canary command', () => {
  it('--help lists every command of the table with its summary, and nothing else', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    const listed = help.stdout
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line))
      .map((line) => line.trim().split(/\s{2,}/));
    expect(listed).toEqual(Object.entries(COMMANDS).map(([name, command]) => [name, command.summary]));
    expect((await run(['-h'])).stdout).toBe(help.stdout);
    expect((await run(['help'])).stdout).toBe(help.stdout);
  });

  it('lists and runs a command added to the table: a new command is one entry', async () => {
    const calls: string[][] = [];
    const extra: Command = {
      summary: 'checks the host',
      run: async (argv, io) => {
        calls.push(argv);
        io.stdout('checked\n');
        return 0;
      },
    };
    const table = { ...COMMANDS, hostcheck: extra };
    expect((await run(['--help'], table)).stdout).toMatch(/^ {2}hostcheck +checks the host$/m);
    expect(await run(['hostcheck', '--json', 'x'], table)).toEqual({
      code: 0,
      stdout: 'checked\n',
      stderr: '',
    });
    expect(await run(['help', 'hostcheck'], table)).toMatchObject({ code: 0, stdout: 'checked\n' });
    expect(calls).toEqual([['--json', 'x'], ['--help']]);
  });

  it.each(Object.keys(COMMANDS))('`%s --help` and `help %s` print that command usage', async (name) => {
    const direct = await run([name, '--help']);
    expect(direct.code).toBe(0);
    expect(direct.stdout.startsWith(`Usage: ${PROGRAM} ${name} `)).toBe(true);
    expect(await run(['help', name])).toEqual(direct);
  });

  it('gives probe and explain their own usage texts', async () => {
    expect((await run(['probe', '--help'])).stdout).toBe(`${USAGE}\n`);
    expect((await run(['explain', '-h'])).stdout).toBe(`${EXPLAIN_USAGE}\n`);
  });

  it('without a command, runs probe with every argument (`ecr-pull-canary IMAGE`, as before subcommands)', async () => {
    expect(DEFAULT_COMMAND).toBe('probe');
    // A malformed IMAGE is a probe usage error, decided before any network call.
    const bare = await run(['Bad_Image', '--json']);
    expect(bare.code).toBe(EXIT_USAGE);
    expect(bare.stderr).toContain('invalid image reference "Bad_Image"');
    expect(bare.stderr.trimEnd().split('\n').at(-1)).toBe(SYNOPSIS);
    expect(await run(['probe', 'Bad_Image', '--json'])).toEqual(bare);
    expect((await run(['--region', 'eu-west-1'])).stderr).toContain('missing IMAGE');
  });

  it('--version and -V print the version package.json gives, and nothing else', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      expect(await run([flag])).toEqual({ code: 0, stdout: `${PROGRAM} ${version}\n`, stderr: '' });
    }
    expect((await run(['--help'])).stdout).toContain(`${PROGRAM} --version`);
  });

  it('without any argument, or asked for help on a command that does not exist, is a usage error', async () => {
    const none = await run([]);
    expect(none).toMatchObject({ code: EXIT_USAGE, stdout: '' });
    expect(none.stderr).toBe(`${PROGRAM}: missing COMMAND or IMAGE\n${commandsUsage()}\n`);
    const unknown = await run(['help', 'nope']);
    expect(unknown).toMatchObject({ code: EXIT_USAGE, stdout: '' });
    expect(unknown.stderr).toBe(
      `${PROGRAM}: no command "nope"; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
  });
});
