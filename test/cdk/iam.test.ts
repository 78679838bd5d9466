import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { evaluateIdentity, type PolicyStatement } from '../../lambda/engine/model/iam-policy.ts';
import { ACCOUNT, canaryTemplate, logicalIdByPath, resolveJoins } from './helpers.ts';

const REGION = 'eu-west-1';

function statementsOf(template: Template, policyPath: string): unknown[] {
  const id = logicalIdByPath(template, policyPath);
  const json = template.toJSON() as {
    Resources: Record<string, { Properties: { PolicyDocument: { Statement: unknown[] } } }>;
  };
  return json.Resources[id]?.Properties.PolicyDocument.Statement ?? [];
}

const repoArn = (region: string, account: string, repository: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${region}:${account}:repository/${repository}`]],
});

const ref = (template: Template, path: string) => ({ Ref: logicalIdByPath(template, path) });
const arnOf = (template: Template, path: string) => ({
  'Fn::GetAtt': [logicalIdByPath(template, path), 'Arn'],
});

describe('probe role: exactly what the probe calls', () => {
  it('with only the seeded image: a token, its repository, its namespace, its topic, its table', () => {
    const template = canaryTemplate({ regions: [REGION] });
    expect(statementsOf(template, '/Canary/Probe/Role/DefaultPolicy/Resource')).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: arnOf(template, '/Canary/Probe/LogGroup/Resource'),
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      // Its manifest, and the layer phase reads the first byte of one of its layers: one statement per set of
      // actions, each repository in one of them.
      {
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: repoArn(REGION, ACCOUNT, 'ecr-pull-canary/known-good'),
      },
      {
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'EcrPullCanary' } },
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: 'sns:Publish',
        Effect: 'Allow',
        Resource: ref(template, '/Canary/Notifications/Topic/Resource'),
      },
      {
        // GetItem and a conditional PutItem are all the state store calls (no UpdateItem).
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Effect: 'Allow',
        Resource: [arnOf(template, '/Canary/State/Resource')],
      },
    ]);
  });

  it('with targets: blobs where the layer phase or a platform check reads them, AssumeRole only on configured roles, KMS only on its key', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/eks-node-role`;
    const template = canaryTemplate({
      regions: [REGION],
      namespace: 'Team/Canary',
      notifications: { encryption: true },
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
      targets: [
        { image: 'app:1', platforms: ['linux/arm64'] },
        { image: '444455556666.dkr.ecr.us-east-1.amazonaws.com/shared/base:2' },
        { image: 'workload/api:3', assumeRoleArn: role },
        { image: 'paid/mirror:4', layerCheck: false },
      ],
    });
    expect(statementsOf(template, '/Canary/Probe/Role/DefaultPolicy/Resource')).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: arnOf(template, '/Canary/Probe/LogGroup/Resource'),
      },
      {
        Action: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      // Manifests only: the target that switched the layer phase off (and checks no platform).
      {
        Action: 'ecr:BatchGetImage',
        Effect: 'Allow',
        Resource: repoArn(REGION, ACCOUNT, 'paid/mirror'),
      },
      // Every other target the probe pulls itself: its manifest, and a blob for the layer phase.
      {
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: [
          repoArn(REGION, ACCOUNT, 'ecr-pull-canary/known-good'),
          repoArn(REGION, ACCOUNT, 'app'),
          repoArn('us-east-1', '444455556666', 'shared/base'),
        ],
      },
      { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: role },
      {
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Team/Canary' } },
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: 'sns:Publish',
        Effect: 'Allow',
        Resource: ref(template, '/Canary/Notifications/Topic/Resource'),
      },
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: arnOf(template, '/Canary/Notifications/Key/Resource'),
      },
      {
        // GetItem and a conditional PutItem are all the state store calls (no UpdateItem).
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Effect: 'Allow',
        Resource: [arnOf(template, '/Canary/State/Resource')],
      },
    ]);
  });

  it("with an existing SSE-KMS topic: may use that topic's key to publish, and nothing else of KMS", () => {
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:oncall`;
    const topicKmsKeyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const template = canaryTemplate({ regions: [REGION], notifications: { topicArn, topicKmsKeyArn } });
    const statements = statementsOf(template, '/Canary/Probe/Role/DefaultPolicy/Resource');
    expect(statements).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: topicArn });
    // What SNS asks KMS for on behalf of a publisher to an encrypted topic; without it Publish fails.
    expect(statements).toContainEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Effect: 'Allow',
      Resource: topicKmsKeyArn,
    });
    const kmsActions = statements.flatMap((statement) =>
      [(statement as { Action: string | string[] }).Action]
        .flat()
        .filter((action) => action.startsWith('kms:')),
    );
    expect(kmsActions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // An imported key: the canary creates none and changes no key policy.
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  // "ecr:BatchImportUpstreamImage – Grants permission to retrieve the external image and import it to your private
  // registry"; "ecr:CreateRepository – ... required if the repository storing the cached images doesn't already
  // exist" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html). Evaluated by
  // IAM's rules on the role's identity policy: allowed on the cached target's repository only.
  it('for a pull-through-cache target: may import upstream images into, and create, that repository only', () => {
    const template = canaryTemplate({
      regions: [REGION],
      targets: [
        { image: 'ecr-public/nginx/nginx:stable', pullThroughCache: true, layerCheck: false },
        { image: 'team/api:1' },
      ],
    });
    // CDK writes repository ARNs as Fn::Join over the partition; resolve them for the aws partition.
    const statements = resolveJoins(
      statementsOf(template, '/Canary/Probe/Role/DefaultPolicy/Resource'),
    ) as PolicyStatement[];
    const decide = (action: string, repository: string) =>
      evaluateIdentity(statements, {
        action,
        resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}`,
        context: {},
      });
    for (const action of ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository', 'ecr:BatchGetImage']) {
      expect(decide(action, 'ecr-public/nginx/nginx'), action).toBe('allow');
    }
    expect(decide('ecr:BatchImportUpstreamImage', 'team/api')).toBe('implicit-deny');
    expect(decide('ecr:CreateRepository', 'team/api')).toBe('implicit-deny');
    expect(decide('ecr:CreateRepository', 'ecr-public/other')).toBe('implicit-deny');
    // An ordinary target gets neither.
    const plain = canaryTemplate({ regions: [REGION], targets: [{ image: 'team/api:1' }] });
    expect(JSON.stringify(plain.toJSON())).not.toMatch(/BatchImportUpstreamImage|ecr:CreateRepository/);
  });

  it('refuses a pullThroughCache that is not a boolean', () => {
    expect(() =>
      canaryTemplate({
        regions: [REGION],
        targets: [{ image: 'team/api:1', pullThroughCache: 'yes' as never }],
      }),
    ).toThrow(/targets\[0\]\.pullThroughCache: got "yes"; allowed: true or false/);
  });

  it('needs no ECR permission of its own when every target is pulled as another role', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/eks-node-role`;
    const template = canaryTemplate({
      regions: [REGION],
      knownGoodImage: false,
      targets: [{ image: 'workload/api:3', assumeRoleArn: role }],
    });
    const actions = statementsOf(template, '/Canary/Probe/Role/DefaultPolicy/Resource').map(
      (statement) => (statement as { Action: unknown }).Action,
    );
    expect(actions.flat().filter((action) => String(action).startsWith('ecr:'))).toEqual([]);
    expect(actions).toContain('sts:AssumeRole');
  });

  it('is assumable by Lambda only and carries no managed policy', () => {
    const template = canaryTemplate({ regions: [REGION] });
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Execution role of ecr-pull-canary: probes ECR pulls and reports',
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
    });
  });
});

describe('seeding role', () => {
  it('may push to the canary repository only, and get a token', () => {
    const template = canaryTemplate({ regions: [REGION] });
    expect(statementsOf(template, '/Canary/KnownGoodImage/SeedFunction/Role/DefaultPolicy/Resource')).toEqual(
      [
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: arnOf(template, '/Canary/KnownGoodImage/SeedFunction/LogGroup/Resource'),
        },
        { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
        {
          Action: [
            'ecr:BatchGetImage',
            'ecr:BatchCheckLayerAvailability',
            'ecr:InitiateLayerUpload',
            'ecr:UploadLayerPart',
            'ecr:CompleteLayerUpload',
            'ecr:PutImage',
          ],
          Effect: 'Allow',
          Resource: arnOf(template, '/Canary/KnownGoodImage/Repository/Resource'),
        },
      ],
    );
  });
});

describe('scheduler role', () => {
  it('may invoke the probe only, and only EventBridge Scheduler of this account may assume it', () => {
    const template = canaryTemplate({ regions: [REGION] });
    const fn = arnOf(template, '/Canary/Probe/Function/Resource');
    expect(statementsOf(template, '/Canary/ScheduleRole/DefaultPolicy/Resource')).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [fn, { 'Fn::Join': ['', [fn, ':*']] }] },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
          },
        ],
      },
    });
  });
});
