#!/usr/bin/env node
import { runExplain } from '../lambda/explain/cli.ts';

process.exitCode = await runExplain(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin.isTTY ? null : process.stdin,
});
