import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { CODE_DATA } from '../../lambda/engine/model/code-data.ts';
import { ENV, type ProbeCodeData } from '../../lambda/engine/model/contract.ts';
import { buildCanaryApp, type CanaryAppStacks } from '../../lib/canary-app.ts';

export const ACCOUNT = '111122223333';

/**
 * Tests read their configurations from test/fixtures, never the user's canary.config.json: editing that file
 * as the README says must not change a test result. This one is the smallest deployable configuration: one
 * region, the seeded image as the only target, one e-mail address.
 */
export const MINIMAL_CONFIG_PATH = fileURLToPath(new URL('../fixtures/minimal.config.json', import.meta.url));
export const MINIMAL_CONFIG = JSON.parse(readFileSync(MINIMAL_CONFIG_PATH, 'utf8')) as CanaryConfigFile;

/**
 * Builds the app from a configuration as bin/app.ts does. The functions' code is the prebuilt directories
 * the global setup builds once per run (test/support/build-shipped-code.ts), as in a user's app; `bundle` only
 * adds the asset metadata tests use to find each function's code in the assembly.
 */
export function synthApp(
  file: CanaryConfigFile,
  options: { bundle?: boolean; account?: string } = {},
): CanaryAppStacks & {
  app: App;
} {
  const { config, problems } = validateConfig(file);
  if (!config) throw new Error(`test configuration is invalid:\n${problems.join('\n')}`);
  // Path metadata as the CLI enables it, so tests can find resources by construct path.
  const context = {
    'aws:cdk:enable-path-metadata': true,
    // Asset metadata as the CLI enables it, so tests can find each function's bundle.
    ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : {}),
  };
  const app = new App({ context });
  const stacks = buildCanaryApp(app, config, { defaultAccount: options.account ?? ACCOUNT });
  return { app, ...stacks };
}

/** Templates already synthesized in this test file (each file is its own module instance), by configuration. */
const canaryTemplates = new Map<string, Template>();

/**
 * The template of the only (or the first) canary stack of a configuration, synthesized once per configuration
 * per test file: tests only read templates, and a synthesis costs about a second.
 */
export function canaryTemplate(file: CanaryConfigFile): Template {
  const key = JSON.stringify(file);
  const cached = canaryTemplates.get(key);
  if (cached) return cached;
  const { canaries } = synthApp(file);
  const first = canaries[0];
  if (!first) throw new Error('no canary stack');
  const template = Template.fromStack(first);
  canaryTemplates.set(key, template);
  codeDataOf.set(
    template,
    readCodeData(template, first.node.root instanceof App ? first.node.root.outdir : ''),
  );
  return template;
}

/**
 * The code data of each function of a {@link canaryTemplate} template, by its code's S3 key, read when it was
 * synthesized: the assembly is a temporary directory that the cleanup after a test file removes, while the
 * template cache lives as long as the worker.
 */
const codeDataOf = new WeakMap<Template, Map<string, unknown>>();

function readCodeData(template: Template, dir: string): Map<string, unknown> {
  const data = new Map<string, unknown>();
  for (const fn of Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))) {
    const key = (fn.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
    if (typeof key !== 'string' || !key.endsWith('.zip')) continue;
    const file = join(dir, `asset.${key.slice(0, -'.zip'.length)}`, CODE_DATA.file);
    if (existsSync(file)) data.set(key, JSON.parse(readFileSync(file, 'utf8')));
  }
  return data;
}

/**
 * The code data (lambda/engine/model/code-data.ts) a function of a {@link canaryTemplate} template deploys with:
 * the file in the asset its `Code.S3Key` names, in the cloud assembly, as the CLI would upload it.
 */
export function functionCodeData(template: Template, fn: { Properties?: Record<string, unknown> }): unknown {
  const key = (fn.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const data = codeDataOf.get(template)?.get(String(key));
  if (data === undefined)
    throw new Error(`no code data for ${JSON.stringify(key)} (a canaryTemplate() template?)`);
  return data;
}

/** The probe function of a template: the one whose environment names the canary. */
export function probeFunctionOf(template: Template): { Type: string; Properties: Record<string, unknown> } {
  const probe = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).find(
    (r) => ENV.canaryName in ((r.Properties?.Environment as { Variables?: object })?.Variables ?? {}),
  );
  if (!probe?.Properties) throw new Error('no probe function');
  return probe as { Type: string; Properties: Record<string, unknown> };
}

/** The targets the probe function of a {@link canaryTemplate} template deploys with, the heartbeat target first. */
export function probeTargetsOf(template: Template): ProbeCodeData['targets'] {
  return (functionCodeData(template, probeFunctionOf(template)) as ProbeCodeData).targets;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function resourcesOfType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The one resource of a type, for tests that read a property instead of matching it. */
export function onlyResource(
  template: Template,
  type: string,
): { Type: string; Properties: Record<string, unknown> } {
  const found = Object.values(resourcesOfType(template, type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [only] = found as [{ Type: string; Properties: Record<string, unknown> }];
  return only;
}

/** Logical ID of the resource whose construct path ends with `pathSuffix`. */
export function logicalIdByPath(template: Template, pathSuffix: string): string {
  const json = template.toJSON() as { Resources: Record<string, { Metadata?: Record<string, string> }> };
  const match = Object.entries(json.Resources).find(([, resource]) =>
    resource.Metadata?.['aws:cdk:path']?.endsWith(pathSuffix),
  );
  if (!match) throw new Error(`no resource at …${pathSuffix}`);
  return match[0];
}

/**
 * Replaces asset hashes (bundle file names) so a snapshot changes only when the template does. Image digests
 * (`sha256:…`) stay: a changed seeded image is a change worth reviewing.
 */
export function maskAssetHashes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/(?<!sha256:)\b[0-9a-f]{64}\b/g, '[ASSET HASH]'));
}

/**
 * A template fragment with CDK's ARN joins resolved for the `aws` partition: `Fn::Join` over strings and
 * `Ref: AWS::Partition` (what CDK writes for ARNs in a stack with a concrete account and region), for policy
 * evaluation by IAM's rules. Any other intrinsic is left as it is, so a policy that depends on one does not match.
 */
export function resolveJoins<T>(fragment: T): T {
  return JSON.parse(JSON.stringify(fragment), (_key, value) =>
    Array.isArray(value?.['Fn::Join'])
      ? (value['Fn::Join'][1] as unknown[])
          .map((part) => ((part as { Ref?: string })?.Ref === 'AWS::Partition' ? 'aws' : part))
          .join(value['Fn::Join'][0])
      : value,
  ) as T;
}
