import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/engine/config/load.ts';
import { EXAMPLE_CONFIG_FILE } from '../../lambda/engine/config/locate.ts';
import { buildCanaryApp } from '../../lib/canary-app.ts';
import { buildOrganizationApp } from '../../lib/organization/organization-app.ts';

/**
 * Issue 27, item 3: cdk.json sets the feature flags a new CDK app gets (what `cdk init` of the installed aws-cdk
 * writes is aws-cdk-lib's CURRENTLY_RECOMMENDED_FLAGS), so `cdk synth` no longer ends with "N feature flags are not
 * configured". Three are set off on purpose, because each changes what the app deploys (IAM statements merged,
 * `arn:aws:` written out instead of `AWS::Partition`, a retained log group for CDK's own BucketDeployment function
 * in the organization's asset stack) while every test synthesizes without cdk.json: on, the templates the tests
 * read would no longer be the ones `cdk deploy` sends.
 */
const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
const DEPARTURES: Record<string, unknown> = {
  '@aws-cdk/aws-iam:minimizePolicies': false,
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': false,
  '@aws-cdk/core:enablePartitionLiterals': false,
};
const ORG_EXAMPLE_FILE = new URL('../../canary.org.example.json', import.meta.url).pathname;

/** Every template an app built from `file` (as bin/app.ts builds it) synthesizes, by file name, CDKMetadata aside. */
function templates(file: string, context: Record<string, unknown>): Record<string, unknown> {
  const config = loadConfig(file);
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  if (config.organization) buildOrganizationApp(app, { ...config, organization: config.organization });
  else buildCanaryApp(app, config, { defaultAccount: '111122223333' });
  const dir = app.synth().directory;
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.template.json'))
      .sort()
      .map((name) => {
        const template = JSON.parse(readFileSync(join(dir, name), 'utf8'));
        delete template.Resources?.CDKMetadata;
        return [name, template];
      }),
  );
}

describe("cdk.json's feature flags", () => {
  it('are the ones `cdk init` gives a new app, each with its recommended value but the three departures', () => {
    const expected = { ...CURRENTLY_RECOMMENDED_FLAGS, ...DEPARTURES };
    expect(CDK_JSON.context).toEqual(expected);
    // A departure is a real flag whose recommended value we do not take.
    for (const [flag, value] of Object.entries(DEPARTURES))
      expect((CURRENTLY_RECOMMENDED_FLAGS as Record<string, unknown>)[flag], flag).not.toEqual(value);
  });

  it('change no template the example configurations synthesize: the tested templates are the deployed ones', () => {
    for (const file of [EXAMPLE_CONFIG_FILE, ORG_EXAMPLE_FILE]) {
      const withFlags = templates(file, CDK_JSON.context);
      expect(Object.keys(withFlags).length, file).toBeGreaterThan(1);
      expect(withFlags, file).toEqual(templates(file, {}));
    }
    // And the check can fail: the recommended value of a departure does change them.
    const recommended = { ...CDK_JSON.context, ...CURRENTLY_RECOMMENDED_FLAGS };
    expect(templates(EXAMPLE_CONFIG_FILE, recommended)).not.toEqual(templates(EXAMPLE_CONFIG_FILE, {}));
  });
});
