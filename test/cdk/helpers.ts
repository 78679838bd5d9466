import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
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
  return template;
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
