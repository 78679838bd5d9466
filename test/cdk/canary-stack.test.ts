import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, FIRST_RUN, STATE_TABLE } from '../../lambda/engine/model/contract.ts';
import { evaluate, type PolicyStatement } from '../../lambda/engine/model/iam-policy.ts';
import { buildMultiArchImage } from '../../lambda/engine/model/oci-image.ts';
import { KNOWN_GOOD_TARGET_NAME, SEED_PROPERTIES } from '../../lambda/engine/model/seed-contract.ts';
import {
  ACCOUNT,
  canaryTemplate,
  logicalIdByPath,
  onlyResource,
  probeTargetsOf,
  resolveJoins,
  resourcesOfType,
  synthApp,
} from './helpers.ts';

const REGION = 'eu-west-1';
const DEFAULTS = canaryTemplate({ regions: [REGION] });
const SEED_DIGEST = buildMultiArchImage().index.digest;
const SEED_TAG = `known-good-${SEED_DIGEST.slice('sha256:'.length, 'sha256:'.length + 16)}`;

function probeFunction(template: Template) {
  const functions = resourcesOfType(template, 'AWS::Lambda::Function');
  const probe = Object.entries(functions).find(([id]) => id.startsWith('CanaryProbeFunction'));
  if (!probe) throw new Error('no probe function');
  return probe[1].Properties as Record<string, unknown> & {
    Environment: { Variables: Record<string, unknown> };
  };
}

function targetsOf(template: Template): unknown[] {
  return probeTargetsOf(template);
}

describe('probe function defaults', () => {
  it('runs Node.js 22 on arm64 with JSON logs into its own log group', () => {
    DEFAULTS.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('probes ECR pulls'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 60,
      LoggingConfig: {
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalIdByPath(DEFAULTS, '/Canary/Probe/LogGroup/Resource') },
      },
    });
  });

  it('keeps its logs 30 days and removes them with the stack', () => {
    DEFAULTS.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('is never retried and drops a run that waited over a minute', () => {
    DEFAULTS.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdByPath(DEFAULTS, '/Canary/Probe/Function/Resource') },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      Qualifier: '$LATEST',
    });
  });

  it('gets exactly the environment of the contract', () => {
    expect(probeFunction(DEFAULTS).Environment.Variables).toEqual({
      [ENV.canaryName]: 'ecr-pull-canary',
      [ENV.namespace]: 'EcrPullCanary',
      [ENV.topicArn]: { Ref: logicalIdByPath(DEFAULTS, '/Canary/Notifications/Topic/Resource') },
      [ENV.stateTable]: { Ref: logicalIdByPath(DEFAULTS, '/Canary/State/Resource') },
      [ENV.reminderHours]: '6',
      [ENV.clockSkewThresholdSeconds]: '60',
      [ENV.dashboardName]: 'ecr-pull-canary',
    });
  });

  it('probes the seeded image first, pinned to the digest it was built with', () => {
    expect(targetsOf(DEFAULTS)).toEqual([
      {
        name: KNOWN_GOOD_TARGET_NAME,
        image: `ecr-pull-canary/known-good:${SEED_TAG}`,
        platforms: ['linux/amd64', 'linux/arm64'],
        expectedDigest: SEED_DIGEST,
      },
    ]);
  });
});

describe('schedule', () => {
  it('runs every 5 minutes by EventBridge Scheduler, without flexible window or retries', () => {
    DEFAULTS.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdByPath(DEFAULTS, '/Canary/Probe/Function/Resource'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    });
  });

  it('starts only after the known-good image is seeded', () => {
    DEFAULTS.hasResource('AWS::Scheduler::Schedule', {
      DependsOn: Match.arrayWith([logicalIdByPath(DEFAULTS, '/Canary/KnownGoodImage/Seed/Default')]),
    });
  });

  it.each([
    [1, 'rate(1 minute)', 50],
    [2, 'rate(2 minutes)', 60],
    [60, 'rate(1 hour)', 60],
  ])(
    'every %i minutes: expression %s and a timeout of %i s that ends before the next run',
    (minutes, expression, timeout) => {
      const template = canaryTemplate({ regions: [REGION], scheduleMinutes: minutes });
      template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: expression });
      expect(probeFunction(template).Timeout).toBe(timeout);
    },
  );
});

describe('known-good image', () => {
  it('lives in a canary-owned repository: immutable tags, lifecycle rule, emptied and removed on delete', () => {
    DEFAULTS.hasResource('AWS::ECR::Repository', {
      Properties: {
        RepositoryName: 'ecr-pull-canary/known-good',
        ImageTagMutability: 'IMMUTABLE',
        EmptyOnDelete: true,
        LifecyclePolicy: {
          LifecyclePolicyText: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: 'Keep the newest seeded images',
                selection: {
                  tagStatus: 'tagged',
                  tagPrefixList: ['known-good-'],
                  countType: 'imageCountMoreThan',
                  countNumber: 3,
                },
                action: { type: 'expire' },
              },
            ],
          }),
        },
        // ECR encrypts every repository; AES256 with the ECR-managed key is what an absent setting means.
        EncryptionConfiguration: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
  });

  it('is pushed by a custom resource that answers within 5 minutes', () => {
    DEFAULTS.hasResource('Custom::EcrPullCanaryKnownGoodImage', {
      Properties: {
        ServiceToken: {
          'Fn::GetAtt': [logicalIdByPath(DEFAULTS, '/KnownGoodImage/SeedFunction/Function/Resource'), 'Arn'],
        },
        ServiceTimeout: '300',
        [SEED_PROPERTIES.repository]: 'ecr-pull-canary/known-good',
        [SEED_PROPERTIES.tag]: SEED_TAG,
        [SEED_PROPERTIES.platforms]: ['linux/amd64', 'linux/arm64'],
        [SEED_PROPERTIES.digest]: SEED_DIGEST,
      },
      DependsOn: [logicalIdByPath(DEFAULTS, '/KnownGoodImage/Repository/Resource')],
    });
  });

  it('can be turned off, leaving only the configured targets', () => {
    const template = canaryTemplate({
      regions: [REGION],
      knownGoodImage: false,
      targets: [{ image: 'app:1' }],
    });
    template.resourceCountIs('AWS::ECR::Repository', 0);
    template.resourceCountIs('Custom::EcrPullCanaryKnownGoodImage', 0);
    // The probe, and the workload watcher (on by default); no seeding function.
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(targetsOf(template)).toEqual([{ image: 'app:1', name: 'app:1' }]);
  });
});

describe('dedup store', () => {
  it('is an on-demand table keyed by the contract, with TTL, removed with the stack', () => {
    DEFAULTS.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('notifications', () => {
  it('creates an unencrypted, TLS-only topic that the canary alarms may publish to', () => {
    const topic = onlyResource(DEFAULTS, 'AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
    const topicRef = { Ref: logicalIdByPath(DEFAULTS, '/Canary/Notifications/Topic/Resource') };
    DEFAULTS.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowPublishThroughSSLOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'AllowCanaryAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: {
              StringEquals: { 'aws:SourceAccount': ACCOUNT },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      `:cloudwatch:${REGION}:${ACCOUNT}:alarm:ecr-pull-canary-${REGION}-*`,
                    ],
                  ],
                },
              },
            },
          },
        ],
      },
    });
  });

  // What SNS then delivers to each of them is evaluated in routing.test.ts.
  it('subscribes e-mail to everything and HTTPS pager endpoints to alarm notifications only', () => {
    const template = canaryTemplate({
      regions: [REGION],
      notifications: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.example.com/hook'] },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      FilterPolicy: Match.absent(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://events.example.com/hook',
      // Alarm notifications carry no message attributes, so the pager filters on their JSON body: this
      // canary's alarms, ALARM and OK. (The old `{"kind": [{"exists": false}]}` attribute policy matched no
      // alarm notification at all: SNS never matches `exists: false` on an empty attribute set.)
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { AlarmName: [{ prefix: `ecr-pull-canary-${REGION}-` }], NewStateValue: ['ALARM', 'OK'] },
    });
  });

  it('encrypts with a rotating customer-managed key that CloudWatch may use, when asked', () => {
    const template = canaryTemplate({ regions: [REGION], notifications: { encryption: true } });
    const keyId = logicalIdByPath(template, '/Canary/Notifications/Key/Resource');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          }),
        ]),
      },
    });
  });

  // The key policy evaluated by IAM's rules for the CloudWatch service principal: on behalf of this canary's
  // alarms it may use the key; on behalf of another account's alarm (the confused deputy, IAM "The confused deputy
  // problem": aws:SourceAccount / aws:SourceArn) or another alarm of this account it may not.
  it('lets CloudWatch use the topic key for this canary’s alarms only, not as a confused deputy', () => {
    const template = canaryTemplate({ regions: [REGION], notifications: { encryption: true } });
    const key = onlyResource(template, 'AWS::KMS::Key').Properties as {
      KeyPolicy: { Statement: PolicyStatement[] };
    };
    const statements = resolveJoins(key.KeyPolicy.Statement);
    const alarmNames = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties?.AlarmName as string,
    );
    expect(alarmNames.length).toBeGreaterThan(0);
    const asCloudWatch = (account: string, alarmName: string, action = 'kms:GenerateDataKey') =>
      evaluate(statements, {
        principal: { service: 'cloudwatch.amazonaws.com' },
        action,
        resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0a1b2c3d-1111-4e5f-8a9b-000000000001`,
        context: {
          'aws:SourceAccount': account,
          'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${account}:alarm:${alarmName}`,
        },
      });
    for (const name of alarmNames) {
      expect(asCloudWatch(ACCOUNT, name), name).toBe('allow');
      expect(asCloudWatch(ACCOUNT, name, 'kms:Decrypt'), name).toBe('allow');
      expect(asCloudWatch('999988887777', name), `${name} of another account`).toBe('implicit-deny');
    }
    expect(asCloudWatch(ACCOUNT, 'someone-elses-alarm')).toBe('implicit-deny');
    // Without the source keys (a request no alarm makes) nothing is allowed either.
    expect(
      evaluate(statements, {
        principal: { service: 'cloudwatch.amazonaws.com' },
        action: 'kms:GenerateDataKey',
        resource: '*',
        context: {},
      }),
    ).toBe('implicit-deny');
  });

  it('uses an existing topic in the region and creates none', () => {
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:pager`;
    const template = canaryTemplate({ regions: [REGION], notifications: { topicArn } });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(probeFunction(template).Environment.Variables[ENV.topicArn]).toBe(topicArn);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [topicArn],
      OKActions: [topicArn],
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes to an existing topic only when told to, and refuses subscriptions it was not told to make', () => {
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:pager`;
    const emails = ['oncall@example.com'];
    expect(() => synthApp({ regions: [REGION], notifications: { topicArn, emails } })).toThrow(
      /notifications\.emails: got \["oncall@example\.com"\]; allowed: none with notifications\.topicArn, unless notifications\.subscribeExistingTopic is true/,
    );
    const opted = canaryTemplate({
      regions: [REGION],
      notifications: { topicArn, emails, subscribeExistingTopic: true },
    });
    opted.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: topicArn,
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });
});

describe('overrides', () => {
  it('passes namespace, reminder, skew threshold and memory through', () => {
    const template = canaryTemplate({
      regions: [REGION],
      namespace: 'Team/Canary',
      reminderHours: 2,
      memoryMiB: 512,
      logRetentionDays: 7,
      alarms: { clockSkew: { thresholdSeconds: 30 } },
    });
    const props = probeFunction(template);
    expect(props.MemorySize).toBe(512);
    expect(props.Environment.Variables).toMatchObject({
      [ENV.namespace]: 'Team/Canary',
      [ENV.reminderHours]: '2',
      [ENV.clockSkewThresholdSeconds]: '30',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('deploys to the configured account', () => {
    const { canaries, dashboard } = synthApp({ regions: [REGION], account: '444455556666' });
    expect([canaries[0]?.account, dashboard?.account]).toEqual(['444455556666', '444455556666']);
  });

  it('leaves the dashboard link out when there is no dashboard', () => {
    const template = canaryTemplate({ regions: [REGION], dashboard: false });
    expect(probeFunction(template).Environment.Variables[ENV.dashboardName]).toBeUndefined();
  });

  it('places the probe in the given subnets and security groups, and only the probe', () => {
    const vpc = {
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      securityGroupIds: ['sg-0123456789abcdef0'],
    };
    const template = canaryTemplate({ regions: [REGION], vpc });
    expect(probeFunction(template).VpcConfig).toEqual({
      SubnetIds: vpc.subnetIds,
      SecurityGroupIds: vpc.securityGroupIds,
    });
    const seed = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).find(([id]) =>
      id.includes('Seed'),
    );
    expect(seed?.[1].Properties?.VpcConfig).toBeUndefined();
  });
});

describe('cdk destroy', () => {
  it('leaves nothing behind: no resource of a fully featured stack is retained or snapshotted', () => {
    const template = canaryTemplate({
      regions: [REGION],
      targets: [{ image: 'team/api:1', platforms: ['linux/arm64'] }],
      notifications: { encryption: true, emails: ['oncall@example.com'] },
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
    });
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; DeletionPolicy?: string }
    >;
    const kept = Object.entries(resources)
      .filter(([, resource]) => resource.DeletionPolicy !== undefined && resource.DeletionPolicy !== 'Delete')
      .map(([id, resource]) => `${id} (${resource.Type}): ${resource.DeletionPolicy}`);
    // Only the deploy-time first run, a custom resource that holds nothing in any account: retained so that leaving
    // the template sends no Delete to a service token that may not be able to answer (lib/ecr-pull-canary.ts).
    expect(kept).toEqual([
      expect.stringMatching(
        new RegExp(`^CanaryFirstRunRelayed\\w+ \\(${FIRST_RUN.resourceType}\\): Retain$`),
      ),
    ]);
    // KMS cannot delete a key at once; the shortest pending window is what "removed" means for a key.
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: { PendingWindowInDays: 7 },
    });
  });
});
