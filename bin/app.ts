#!/usr/bin/env node
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildCanaryApp } from '../lib/canary-app.ts';
import { ConfigError, loadConfig } from '../lib/config/load.ts';

/** `canary.config.json` at the repository root, or the file given with `-c config=PATH` (relative to the cwd). */
const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const app = new App();
const given = app.node.tryGetContext('config') as string | undefined;
const path = given ? resolve(process.cwd(), given) : resolve(REPOSITORY_ROOT, 'canary.config.json');

try {
  const config = loadConfig(path);
  buildCanaryApp(app, config, { defaultAccount: process.env.CDK_DEFAULT_ACCOUNT });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Exit before synth: an invalid configuration must leave no template behind.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
