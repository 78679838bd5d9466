#!/usr/bin/env node
import { runCommand } from '../lambda/commands/commands.ts';

process.exitCode = await runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  // Read only by the subcommands that take standard input; null when it is a terminal (nothing was piped).
  get stdin() {
    return process.stdin.isTTY ? null : process.stdin;
  },
});
