// The images-in-use inventory as synthesized: opt-in by configuration, its schedule, the function's environment
// (read back by the function's own parser), its read-only role judged with the IAM evaluator, the alarm on the
// one steady metric, and the dashboard widget.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { readInventoryConfig } from '../../lambda/engine/inventory/scheduled.ts';
import { evaluateIdentity, type PolicyStatement } from '../../lambda/engine/model/iam-policy.ts';
import { INVENTORY_ENV } from '../../lambda/engine/model/inventory-contract.ts';
import { INVENTORY_READ_ACTIONS } from '../../lib/image-inventory.ts';
import { canaryTemplate, logicalIdByPath, resolveJoins, resourcesOfType, synthApp } from './helpers.ts';

const REGION = 'eu-west-1';
const ON = { regions: [REGION], imageInventory: { enabled: true } };

function statementsOf(template: Template, policyPath: string): PolicyStatement[] {
  const id = logicalIdByPath(template, policyPath);
  const json = template.toJSON() as {
    Resources: Record<string, { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }>;
  };
  return resolveJoins(json.Resources[id]?.Properties.PolicyDocument.Statement ?? []);
}

describe('imageInventory in the configuration', () => {
  it('is off unless enabled: no function, rule or alarm of it', () => {
    const template = canaryTemplate({ regions: [REGION] });
    const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions.some((f) => JSON.stringify(f).includes(INVENTORY_ENV.canaryName))).toBe(false);
  });

  it.each([
    [{ scheduleMinutes: 2 }, 'imageInventory.scheduleMinutes'],
    [{ horizonDays: 0 }, 'imageInventory.horizonDays'],
    [{ enabled: 'yes' }, 'imageInventory.enabled'],
  ])('refuses %j, naming the key', (value, key) => {
    const { config, problems } = validateConfig({ regions: [REGION], imageInventory: value as never });
    expect(config).toBeUndefined();
    expect(problems.join('\n')).toContain(key);
  });
});

describe('the inventory stack resources', () => {
  const template = canaryTemplate({
    ...ON,
    imageInventory: { enabled: true, scheduleMinutes: 60, horizonDays: 14 },
  });

  it('runs on the configured schedule, without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it("sets an environment the function's own parser reads back", () => {
    const fn = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f).includes(INVENTORY_ENV.horizonDays),
    );
    if (!fn) throw new Error('no inventory function');
    const variables = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
      .Variables;
    const plain = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : 'resolved-at-deploy']),
    );
    const config = readInventoryConfig({ ...plain, AWS_REGION: REGION });
    expect(config).toMatchObject({ horizonDays: 14, reminderHours: 6, canaryName: 'ecr-pull-canary' });
    expect((fn.Properties as { Timeout: number }).Timeout).toBe(660);
  });

  it('has a read-only role: the reads it makes are allowed, no write is', () => {
    const statements = statementsOf(template, '/ImageInventory/Function/Role/DefaultPolicy/Resource');
    const allowed = (action: string, resource = '*', context = {}) =>
      evaluateIdentity(statements, { action, resource, context }) === 'allow';
    for (const action of INVENTORY_READ_ACTIONS)
      expect(allowed(action, `arn:aws:ecr:${REGION}:444455556666:repository/base`), action).toBe(true);
    for (const action of [
      'ecr:PutImage',
      'ecr:BatchDeleteImage',
      'ecr:PutLifecyclePolicy',
      'ecr:UpdateImageStorageClass',
      'ecr:SetRepositoryPolicy',
      'ecs:UpdateService',
      'ecs:RegisterTaskDefinition',
      'lambda:UpdateFunctionCode',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ])
      expect(allowed(action), action).toBe(false);
    // The state table: its own item only.
    const table = statements.find((s) => JSON.stringify(s.Action).includes('dynamodb:PutItem'));
    const tableArn = (table?.Resource as unknown as Array<unknown>)?.[0] ?? table?.Resource;
    expect(table?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['inventory#*'] },
    });
    expect(tableArn).toBeDefined();
  });

  it('has one alarm on the steady metric, routed to the topic both ways', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `ecr-pull-canary-${REGION}-images-at-risk-critical`,
      MetricName: 'InUseImagesAtRisk',
      Namespace: 'EcrPullCanary',
      Dimensions: Match.absent(),
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [Match.anyValue()],
      OKActions: [Match.anyValue()],
    });
  });
});

describe('the dashboard', () => {
  it('shows the images at risk of each region with an inventory', () => {
    const { dashboard } = synthApp({ ...ON, regions: [REGION, 'us-east-1'] });
    if (!dashboard) throw new Error('no dashboard stack');
    const body = JSON.stringify(Template.fromStack(dashboard).toJSON());
    expect(body).toContain(`Images in use at risk (${REGION})`);
    expect(body).toContain('Images in use at risk (us-east-1)');
    expect(body).toContain('InUseImagesAtRisk');
  });
});
