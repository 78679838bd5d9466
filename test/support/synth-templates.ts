/**
 * Every CloudFormation template a configuration deploys, by stack name, as the update judge reads them
 * (test/support/update-judge.ts): the canary stack of each region and the dashboard stack, or in organization
 * mode the StackSet stack, the code buckets, the monitoring stacks and the StackSet's member template (a StackSet
 * updates its stack instances by the same rules as a stack). Shared by the update test and the baseline script
 * (scripts/update-baseline.ts), so the baseline and the current templates are made the same way.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { buildCanaryApp } from '../../lib/canary-app.ts';
import { buildOrganizationApp } from '../../lib/organization/organization-app.ts';
import type { OrganizationStack } from '../../lib/organization/organization-stack.ts';

/** The account of a configuration that names none (as the CDK tests' helpers use). */
export const DEFAULT_ACCOUNT = '111122223333';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
}

export interface CfnTemplate {
  Resources: Record<string, TemplateResource>;
  [section: string]: unknown;
}

/** Templates by stack name; a StackSet's member template is `<stack name>/member`. */
export type StackTemplates = Record<string, CfnTemplate>;

/**
 * Asset hashes masked as the snapshot tests mask them (test/cdk/helpers.ts maskAssetHashes: 64 hex digits that
 * are not an image digest), and the construct metadata left out: neither changes what CloudFormation does.
 */
export function normalizeTemplate(template: unknown): CfnTemplate {
  const masked = JSON.parse(
    JSON.stringify(template).replace(/(?<!sha256:)\b[0-9a-f]{64}\b/g, '[ASSET HASH]'),
  ) as CfnTemplate;
  for (const resource of Object.values(masked.Resources ?? {})) {
    delete (resource as { Metadata?: unknown }).Metadata;
  }
  return masked;
}

/** Synthesizes the app of a configuration file as bin/app.ts does and returns its normalized templates. */
export function synthesizeTemplates(file: CanaryConfigFile): StackTemplates {
  const { config, problems } = validateConfig(file);
  if (!config) throw new Error(`configuration is invalid:\n${problems.join('\n')}`);
  const outdir = mkdtempSync(join(tmpdir(), 'update-synth-'));
  try {
    const app = new App({ outdir });
    let organization: OrganizationStack | undefined;
    if (config.organization) {
      organization = buildOrganizationApp(app, { ...config, organization: config.organization }).organization;
    } else buildCanaryApp(app, config, { defaultAccount: DEFAULT_ACCOUNT });
    const assembly = app.synth();
    const templates: StackTemplates = {};
    for (const stack of assembly.stacks) templates[stack.stackName] = normalizeTemplate(stack.template);
    if (organization) {
      templates[`${organization.stackName}/member`] = normalizeTemplate(
        JSON.parse(readFileSync(join(assembly.directory, organization.member.templateFile), 'utf8')),
      );
    }
    return templates;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
