import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { ACCOUNT, synthApp } from './helpers.ts';

const CONFIGS: Array<[string, CanaryConfigFile]> = [
  ['the defaults', { regions: ['eu-west-1'] }],
  ['both parts of the workload watch', { regions: ['eu-west-1'], workloadWatch: { ecrApiCalls: true } }],
  [
    'the EKS watch, named and private clusters',
    {
      regions: ['eu-west-1'],
      workloadWatch: {
        eks: {
          clusters: ['prod-eu'],
          privateClusters: [
            {
              name: 'private-prod',
              subnetIds: ['subnet-0123456789abcdef0'],
              securityGroupIds: ['sg-0123456789abcdef0'],
            },
          ],
        },
      },
    },
  ],
  ['the EKS watch of every cluster', { regions: ['eu-west-1'], workloadWatch: { eks: { clusters: 'all' } } }],
  [
    'targets, VPC placement, an encrypted topic and subscriptions',
    {
      regions: ['eu-west-1', 'us-east-1'],
      targets: [
        { image: 'app:1', platforms: ['linux/arm64'] },
        { image: 'workload/api:3', assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/eks-node-role` },
      ],
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
      // Subnets are regional: the second region has its own.
      regionOverrides: {
        'us-east-1': {
          vpc: { subnetIds: ['subnet-0fedcba9876543210'], securityGroupIds: ['sg-0fedcba9876543210'] },
        },
      },
      notifications: {
        encryption: true,
        emails: ['oncall@example.com'],
        httpsEndpoints: ['https://events.example.com/x'],
      },
    },
  ],
  [
    'an existing encrypted topic and no seeded image',
    {
      regions: ['eu-west-1'],
      knownGoodImage: false,
      targets: [{ image: 'app:1' }],
      notifications: {
        topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:pager`,
        topicKmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      },
    },
  ],
];

function acknowledgments(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(
          `${construct.node.path.split('/').slice(1).join('/')} ${id.replace(/^annotation::/i, '')}`,
          reason,
        );
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it.each(CONFIGS)('finds nothing unacknowledged with %s', (_what, config) => {
    const { app } = synthApp(config);
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.description}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it('acknowledges only these rules, each with a reason', () => {
    const found = new Map<string, string>();
    for (const [, config] of CONFIGS) {
      for (const [key, reason] of acknowledgments(synthApp(config).app)) found.set(key, reason);
    }
    expect([...found.keys()].sort()).toEqual([
      'Canary/FirstRunRelay/framework-onEvent AwsSolutions-L1',
      'Canary/FirstRunRelayRole AwsSolutions-IAM5[Resource::<CanaryProbeFunction4E563096.Arn>:*]',
      'Canary/KnownGoodImage/SeedFunction/Function AwsSolutions-L1',
      'Canary/KnownGoodImage/SeedFunction/Role AwsSolutions-IAM5[Resource::*]',
      'Canary/Notifications/Topic AwsSolutions-SNS2',
      'Canary/Probe/Function AwsSolutions-L1',
      'Canary/Probe/Role AwsSolutions-IAM5[Resource::*]',
      'Canary/ScheduleRole AwsSolutions-IAM5[Resource::<CanaryProbeFunction4E563096.Arn>:*]',
      'Canary/State AwsSolutions-DDB3',
      'WorkloadWatch/Eks/Function/Function AwsSolutions-L1',
      'WorkloadWatch/Eks/Private0/Function AwsSolutions-L1',
      'WorkloadWatch/Eks/Role AwsSolutions-IAM5[Resource::*]',
      'WorkloadWatch/Eks/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:eks:eu-west-1:111122223333:cluster/*]',
      'WorkloadWatch/Function/Function AwsSolutions-L1',
      'WorkloadWatch/Function/Role AwsSolutions-IAM5[Resource::*]',
    ]);
    for (const [key, reason] of found) expect(reason.length, key).toBeGreaterThan(80);
  });

  it('does report what is not acknowledged (the check is live)', () => {
    const { app, canaries } = synthApp({ regions: ['eu-west-1'] });
    const stack = canaries[0] as NonNullable<(typeof canaries)[0]>;
    new iam.Role(stack, 'Unchecked', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    const rules = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.map((violation) => violation.ruleName);
    expect(rules).toContain('AwsSolutions-IAM5[Action::s3:*]');
  });
});
