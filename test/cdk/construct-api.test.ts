import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import type { CanaryAlarm } from '../../lib/canary-alarms.ts';
import { DashboardStack } from '../../lib/dashboard-stack.ts';
import { EcrPullCanary, type EcrPullCanaryProps, type IEcrPullCanary } from '../../lib/ecr-pull-canary.ts';
import { logicalIdByPath } from './helpers.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TARGET_ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-node-role`;

/** A user's stack with path metadata (to find resources by construct path); bundling skipped. */
function userStack(): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true } });
  return new Stack(app, 'Platform', { env: { account: ACCOUNT, region: REGION } });
}

function canaryIn(stack: Stack, props: EcrPullCanaryProps = {}): EcrPullCanary {
  return new EcrPullCanary(stack, 'EcrCanary', { canaryName: 'api', ...props });
}

/** Every statement of the IAM policies attached to the role with this logical ID or name. */
function statementsOf(template: Template, role: string | { Ref: string }): Array<Record<string, unknown>> {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
    Properties: { Roles: unknown[]; PolicyDocument: { Statement: Array<Record<string, unknown>> } };
  }>;
  return policies
    .filter((policy) => policy.Properties.Roles.some((r) => JSON.stringify(r) === JSON.stringify(role)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const actionsOf = (statements: Array<Record<string, unknown>>) => statements.map((s) => s.Action);

/** The probe's grants, in the order the construct adds them (no targets of the user's: the seeded image only). */
const PROBE_ACTIONS = [
  ['logs:CreateLogStream', 'logs:PutLogEvents'],
  'ecr:GetAuthorizationToken',
  // Its manifest, and the layer phase reads a layer of the seeded image (issue 13): one statement per set of
  // actions.
  ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
  'cloudwatch:PutMetricData',
  'sns:Publish',
  ['dynamodb:GetItem', 'dynamodb:PutItem'],
];

describe('EcrPullCanary role', () => {
  it('runs the probe as a role of the user’s and adds the probe’s grants to it', () => {
    // GIVEN a role the user created in their stack
    const stack = userStack();
    const role = new iam.Role(stack, 'ProbeRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // WHEN the canary is given it
    const canary = canaryIn(stack, { role });
    // THEN the probe function runs as that role, the construct creates no probe role of its own, and the user's
    // role holds exactly the probe's grants
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('probes ECR pulls'),
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    expect(canary.probe.role).toBe(role);
    expect(() => logicalIdByPath(template, 'EcrCanary/Probe/Role/Resource')).toThrow('no resource');
    expect(actionsOf(statementsOf(template, { Ref: roleId }))).toEqual(PROBE_ACTIONS);
  });

  it('adds the grants to an imported mutable role, before the deploy-time first run', () => {
    // GIVEN an imported role, which CDK may attach a policy to
    const stack = userStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/probe-role`);
    // WHEN the canary is given it
    canaryIn(stack, { role });
    // THEN a policy attached to that role name carries the grants, and the first run waits for it
    const template = Template.fromStack(stack);
    expect(actionsOf(statementsOf(template, 'probe-role'))).toEqual(PROBE_ACTIONS);
    const policyId = logicalIdByPath(template, 'Imported/Policy/Resource');
    template.hasResource('Custom::EcrPullCanaryFirstRun', { DependsOn: Match.arrayWith([policyId]) });
  });

  it('changes nothing on an imported immutable role: the user grants what the prop documents', () => {
    // GIVEN an imported role CDK must not change
    const stack = userStack();
    const arn = `arn:aws:iam::${ACCOUNT}:role/locked-role`;
    const role = iam.Role.fromRoleArn(stack, 'Locked', arn, { mutable: false });
    // WHEN the canary is given it
    canaryIn(stack, { role });
    // THEN the function runs as it and no policy names it
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('probes ECR pulls'),
      Role: arn,
    });
    expect(statementsOf(template, 'locked-role')).toEqual([]);
  });
});

describe('EcrPullCanary grants', () => {
  it('grantPullTargets gives another principal what the probe needs to pull the targets, and no more', () => {
    // GIVEN a canary with a single-arch target checked for its platform, and one pulled as another role
    const stack = userStack();
    const canary = canaryIn(stack, {
      knownGoodImage: false,
      targets: [
        { image: 'team/api:1', platforms: ['linux/arm64'] },
        { image: 'team/worker:2', assumeRoleArn: TARGET_ROLE },
      ],
    });
    const host = new iam.Role(stack, 'CliHost', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN another principal is granted the pulls
    const grant = canary.grantPullTargets(host);
    // THEN the returned grant holds the statements, and the principal's policy has exactly them
    expect(grant.success).toBe(true);
    const repository = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${REGION}:${ACCOUNT}:repository/team/api`]],
    };
    const expected = [
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      {
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: repository,
      },
      { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: TARGET_ROLE },
    ];
    expect(grant.principalStatements.map((statement) => stack.resolve(statement.toStatementJson()))).toEqual(
      expected,
    );
    const hostId = stack.getLogicalId(host.node.defaultChild as iam.CfnRole);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: hostId }],
      PolicyDocument: { Statement: expected },
    });
  });

  it('grantPutMetricData allows PutMetricData in the canary’s namespace only', () => {
    // GIVEN a canary with its own namespace and another principal
    const stack = userStack();
    const canary = canaryIn(stack, { namespace: 'Team/Canary' });
    const host = new iam.Role(stack, 'CliHost', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN granted
    const grant = canary.grantPutMetricData(host);
    // THEN one statement, conditioned on the namespace
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(host.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'cloudwatch:PutMetricData',
            Effect: 'Allow',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'Team/Canary' } },
          },
        ],
      },
    });
  });

  it('topic.grantPublish returns one grant: publish on the topic, exactly two KMS actions on its key', () => {
    // GIVEN a canary with an encrypted topic and another principal
    const stack = userStack();
    const canary = canaryIn(stack, { notifications: { encryption: true } });
    const publisher = new iam.Role(stack, 'Publisher', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    });
    // WHEN granted publishing
    const grant = canary.topic.grantPublish(publisher);
    // THEN the grant holds both statements, and the principal's policy has them with the exact KMS actions
    expect(grant.principalStatements.map((statement) => statement.actions)).toEqual([
      ['sns:Publish'],
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
    const template = Template.fromStack(stack);
    const topicId = logicalIdByPath(template, 'EcrCanary/Notifications/Topic/Resource');
    const keyId = logicalIdByPath(template, 'EcrCanary/Notifications/Key/Resource');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(publisher.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: topicId } },
          {
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        ],
      },
    });
    // AND the key policy does not name the publisher (the grant did not widen it)
    expect(JSON.stringify(template.toJSON().Resources[keyId])).not.toContain(
      stack.getLogicalId(publisher.node.defaultChild as iam.CfnRole),
    );
  });
});

/** A canary of another team's making: same metrics contract, other namespace; not an EcrPullCanary. */
class HandMadeCanary extends Construct implements IEcrPullCanary {
  readonly canaryName = 'hand-made';
  readonly region = 'ap-south-1';
  readonly targetNames = ['svc:1'];
  readonly alarms: CanaryAlarm[] = [];
  private readonly metricOf = (metricName: string, props?: cloudwatch.MetricOptions) =>
    new cloudwatch.Metric({ namespace: 'Other/Canary', metricName, ...props });
  metricRuns = (_target: string, props?: cloudwatch.MetricOptions) => this.metricOf('Runs', props);
  metricTargetFailures = (_target: string, props?: cloudwatch.MetricOptions) => this.metricOf('Bad', props);
  metricSuccess = (_target: string, props: cloudwatch.MetricOptions = {}) =>
    new cloudwatch.MathExpression({
      expression: 'ok',
      usingMetrics: { ok: this.metricOf('Ok', { ...(props.region ? { region: props.region } : {}) }) },
      ...(props.label ? { label: props.label } : {}),
      ...(props.region ? { searchRegion: props.region } : {}),
    });
  metricLatency = (_target: string, props?: cloudwatch.MetricOptions) => this.metricOf('Ms', props);
  metricFailures = (_category?: string, props?: cloudwatch.MetricOptions) => this.metricOf('Bad', props);
  metricAuthFailures = (props?: cloudwatch.MetricOptions) => this.metricOf('Auth', props);
  metricClockSkew = (props?: cloudwatch.MetricOptions) => this.metricOf('Skew', props);
  metricThrottledResponses = (props?: cloudwatch.MetricOptions) => this.metricOf('Throttled', props);
  metricFailuresByCategory = (props?: cloudwatch.MathExpressionOptions) =>
    new cloudwatch.MathExpression({ expression: "SEARCH('{Other/Canary} Bad', 'Sum', 300)", ...props });
}

/** The dashboard body with CloudFormation joins flattened. */
function dashboardBody(stack: Stack): string {
  const dashboard = Object.values(
    Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'),
  )[0] as {
    Properties: { DashboardBody: string | { 'Fn::Join': [string, unknown[]] } };
  };
  const body = dashboard.Properties.DashboardBody;
  if (typeof body === 'string') return body;
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
}

describe('IEcrPullCanary', () => {
  it('is all the dashboard needs: a canary that is not an EcrPullCanary gets its row', () => {
    // GIVEN a hand-made canary that only implements the interface
    const app = new App();
    const canary = new HandMadeCanary(app, 'Canary');
    // WHEN a dashboard shows it
    const dashboard = new DashboardStack(app, 'Dashboard', { dashboardName: 'd', canaries: [canary] });
    // THEN its row shows its name, region and metrics (by its own namespace)
    const widgets = (
      JSON.parse(dashboardBody(dashboard)) as { widgets: Array<{ properties: Record<string, unknown> }> }
    ).widgets;
    expect(widgets.map((widget) => widget.properties.markdown ?? widget.properties.title)).toEqual([
      '## hand-made — ap-south-1',
      'Success rate (ap-south-1)',
      'Pull latency p90, ms (ap-south-1)',
      'Failures by category (ap-south-1)',
      'Clock skew, s: host minus AWS (ap-south-1)',
      'Throttled responses, retried ones included (ap-south-1)',
      'Alarms (ap-south-1)',
    ]);
    expect(widgets[1]?.properties.metrics).toEqual([
      [{ expression: 'ok', label: 'svc:1', region: 'ap-south-1' }],
      ['Other/Canary', 'Ok', { region: 'ap-south-1', visible: false, id: 'ok' }],
    ]);
    expect(JSON.stringify(widgets[3]?.properties.metrics)).toContain("SEARCH('{Other/Canary} Bad'");
  });

  it('metricFailuresByCategory searches the canary’s namespace per period, one series per category', () => {
    // GIVEN a canary with its own namespace and a two-minute schedule
    const canary = canaryIn(userStack(), { namespace: 'Team/Canary', schedule: Duration.minutes(2) });
    // WHEN the metric is asked for, with the default and with another period
    const byDefault = canary.metricFailuresByCategory();
    const hourly = canary.metricFailuresByCategory({ period: Duration.hours(1), searchRegion: 'us-east-1' });
    // THEN the SEARCH names the namespace, the category dimension and the period it is drawn with
    expect([byDefault.expression, byDefault.period.toSeconds(), byDefault.label]).toEqual([
      `SEARCH('{Team/Canary,Category} MetricName="Failures"', 'Sum', 120)`,
      120,
      '',
    ]);
    expect([hourly.expression, hourly.period.toSeconds(), hourly.searchRegion]).toEqual([
      `SEARCH('{Team/Canary,Category} MetricName="Failures"', 'Sum', 3600)`,
      3600,
      'us-east-1',
    ]);
  });
});
