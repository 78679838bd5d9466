#!/usr/bin/env node
// Temporary entry until `ecr-pull-canary doctor` is part of the command dispatch: `npm run doctor -- [options]`.
import { runDoctor } from '../lambda/doctor/cli.ts';

process.exitCode = await runDoctor(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
