/**
 * Issue 17's method: every resource the app emits carries what its service API requires, not only what the
 * CloudFormation schema marks required (test/support/api-required.ts holds the requirements and their sources).
 * Synthesizes the widest single-account configuration (VPC, encryption, an existing topic and key, subscriptions,
 * workload watch, dashboard) and the organization app with its links.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { buildOrganizationApp } from '../../lib/organization/organization-app.ts';
import { missingRequired, type TemplateJson } from '../support/api-required.ts';
import { synthApp } from './helpers.ts';

const WIDEST: CanaryConfigFile = {
  name: 'api-check',
  regions: ['eu-west-1', 'us-east-1'],
  targets: [
    { image: 'team/api:stable', platforms: ['linux/arm64'] },
    {
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:stable',
      assumeRoleArn: 'arn:aws:iam::123456789012:role/pull',
    },
  ],
  vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
  notifications: {
    emails: ['oncall@example.com'],
    httpsEndpoints: ['https://events.pagerduty.com/integration/0123456789abcdef/enqueue'],
    encryption: true,
  },
  regionOverrides: {
    'us-east-1': {
      vpc: null,
      notifications: {
        topicArn: 'arn:aws:sns:us-east-1:111122223333:pager',
        encryption: false,
        subscribeExistingTopic: true,
        topicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-1111-4e5f-8a9b-000000000001',
      },
    },
  },
  workloadWatch: { ecsTasks: true, ecrApiCalls: true },
};

const ORG_EXAMPLE = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../fixtures/organization-linked.config.json', import.meta.url)),
    'utf8',
  ),
) as CanaryConfigFile;

describe('every emitted resource has what its create API requires', () => {
  it('in the single-account stacks (canary per region, dashboard)', () => {
    const { app } = synthApp(WIDEST);
    const assembly = app.synth();
    const problems = assembly.stacks.flatMap((stack) =>
      missingRequired(stack.template as TemplateJson).map((line) => `${stack.stackName}: ${line}`),
    );
    expect(assembly.stacks.length).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });

  it('in the organization: StackSet, code buckets, sinks, and the member template with its link', () => {
    const { config, problems: invalid } = validateConfig(ORG_EXAMPLE);
    if (!config?.organization) throw new Error(invalid.join('\n'));
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = buildOrganizationApp(app, { ...config, organization: config.organization });
    const assembly = app.synth();
    const member = JSON.parse(
      readFileSync(join(assembly.directory, stacks.organization.member.templateFile), 'utf8'),
    ) as TemplateJson;
    expect(Object.values(member.Resources).map((r) => r.Type)).toContain('AWS::Oam::Link');
    const problems = [
      ...assembly.stacks.flatMap((stack) =>
        missingRequired(stack.template as TemplateJson).map((line) => `${stack.stackName}: ${line}`),
      ),
      ...missingRequired(member).map((line) => `member: ${line}`),
    ];
    expect(problems).toEqual([]);
  });

  it('names a missing member, a refused combination and a type nobody has checked', () => {
    expect(
      missingRequired({
        Resources: {
          Link: { Type: 'AWS::Oam::Link', Properties: { ResourceTypes: [], SinkIdentifier: 'x' } },
          Set: {
            Type: 'AWS::CloudFormation::StackSet',
            Properties: {
              StackSetName: 's',
              PermissionModel: 'SERVICE_MANAGED',
              TemplateURL: 'https://example.com/t',
              StackInstancesGroup: [
                {
                  DeploymentTargets: {
                    OrganizationalUnitIds: ['ou-ab12-cdef3456'],
                    AccountFilterType: 'UNION',
                  },
                },
              ],
            },
          },
          Thing: { Type: 'AWS::Example::Thing', Properties: {} },
        },
      }),
    ).toEqual([
      'Link (AWS::Oam::Link): oam:CreateLink requires LabelTemplate (https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html)',
      'Set (AWS::CloudFormation::StackSet): refused: "UNION is not supported for create operations when using StackSet as a resource" (DeploymentTargets; resource-providers-cloudformation#100)',
      "Thing (AWS::Example::Thing): no entry; read its create API's required members first",
    ]);
  });
});
