#!/usr/bin/env node
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfig } from '../lambda/engine/config/load.ts';
import { locateConfig } from '../lambda/engine/config/locate.ts';
import { buildCanaryApp } from '../lib/canary-app.ts';
import { buildOrganizationApp } from '../lib/organization/organization-app.ts';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const app = new App();
// `-c config=PATH`, else canary.config.json at the repository root, else the shipped example (with a notice).
const source = locateConfig({
  given: app.node.tryGetContext('config') as string | undefined,
  cwd: process.cwd(),
  root: REPOSITORY_ROOT,
});
if (source.notice) process.stderr.write(`${source.notice}\n`);

try {
  const config = loadConfig(source.path);
  if (config.organization) buildOrganizationApp(app, { ...config, organization: config.organization });
  else buildCanaryApp(app, config, { defaultAccount: process.env.CDK_DEFAULT_ACCOUNT });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Exit before synth: an invalid configuration must leave no template behind.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
