import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/engine/config/load.ts';
import { canaryLabel } from '../../lib/description.ts';
import { buildOrganizationApp } from '../../lib/organization/organization-app.ts';
import { MINIMAL_CONFIG, synthApp } from './helpers.ts';

/**
 * Issue 27, item 11: the descriptions of the stacks and of what they create name the product once, whether the
 * canary keeps the default name (the product's own) or has a name of its own.
 */
function descriptionsOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) descriptionsOf(item, into);
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Description' && typeof inner === 'string') into.push(inner);
      else descriptionsOf(inner, into);
    }
  return into;
}

function templatesOf(app: App): unknown[] {
  const assembly = app.synth();
  return assembly.stacks.map((stack) => stack.template);
}

describe('the descriptions', () => {
  it('name the product once: "ecr-pull-canary NAME", or the name alone when it is the product\'s', () => {
    expect(canaryLabel('ecr-pull-canary')).toBe('ecr-pull-canary');
    expect(canaryLabel('platform')).toBe('ecr-pull-canary platform');
    const example = JSON.parse(
      readFileSync(new URL('../../canary.config.example.json', import.meta.url), 'utf8'),
    );
    const org = loadConfig(new URL('../../canary.org.example.json', import.meta.url).pathname);
    const orgApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    if (!org.organization) throw new Error('the organization example has no organization');
    buildOrganizationApp(orgApp, { ...org, organization: org.organization });
    for (const [label, app] of [
      ['default name', synthApp(MINIMAL_CONFIG).app],
      ['the example', synthApp(example).app],
      ['the organization example', orgApp],
    ] as const) {
      const descriptions = templatesOf(app).flatMap((template) => descriptionsOf(template));
      expect(descriptions.length, label).toBeGreaterThan(3);
      expect(
        descriptions.filter((text) => /ecr-pull-canary[\s\S]*ecr-pull-canary/.test(text)),
        label,
      ).toEqual([]);
      expect(descriptions.filter((text) => text.includes('ecr-pull-canary')).length, label).toBeGreaterThan(
        0,
      );
    }
  });
});
