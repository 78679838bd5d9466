import { Aws, CfnCondition, CfnMapping, Fn, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as oam from 'aws-cdk-lib/aws-oam';
import type { Construct } from 'constructs';
import type { CountOrPercentage, OrganizationConfig } from '../../lambda/engine/config/schema.ts';
import { OAM_LINK_RESOURCE_TYPES } from '../../lambda/engine/model/limits.ts';
import { CanaryStack, type CanaryStackProps } from '../canary-stack.ts';
import { MemberSynthesizer } from './member-synthesizer.ts';
import { assetBucketName, stackSetName } from './naming.ts';

export interface OrganizationStackProps extends StackProps {
  readonly canaryName: string;
  readonly organization: OrganizationConfig;
  readonly regions: readonly string[];
  /** The per-region canary, as a one-account deployment would build it, minus its environment. */
  readonly member: Omit<CanaryStackProps, 'env' | 'synthesizer'>;
}

/** Only this product's metrics cross to the monitoring account (OAM MetricConfiguration filter syntax). */
export function linkMetricFilter(namespace: string): string {
  return `Namespace IN ('${namespace}')`;
}

/**
 * The name each member's link shows in the monitoring account. OAM's CreateLink requires it ("Invalid request
 * provided: Missing LabelTemplate", aws/aws-cdk#35367), although the CloudFormation schema says "Required: No";
 * `$AccountName` is one of the variables CreateLink documents.
 */
export const LINK_LABEL_TEMPLATE = '$AccountName';

/** The StackSet operation preference of a count or a percentage, under CloudFormation's property names. */
function preference(
  kind: 'maxConcurrent' | 'failureTolerance',
  value: CountOrPercentage,
): Record<string, number> {
  const name = kind === 'maxConcurrent' ? 'maxConcurrent' : 'failureTolerance';
  return 'count' in value ? { [`${name}Count`]: value.count } : { [`${name}Percentage`]: value.percentage };
}

/**
 * The management (or delegated-administrator) account's stack: one service-managed StackSet whose template is
 * the per-region canary ({@link member}, synthesized by {@link MemberSynthesizer}), deployed to every account
 * of the configured OUs in every configured region, following accounts as they join or leave the OUs. Deleting
 * this stack deletes the StackSet, and CloudFormation deletes its stack instances first.
 */
export class OrganizationStack extends Stack {
  readonly member: CanaryStack;
  readonly memberSynthesizer: MemberSynthesizer;
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: OrganizationStackProps) {
    super(scope, id, props);
    const org = props.organization;
    this.memberSynthesizer = new MemberSynthesizer({
      parent: this,
      bucketName: (region) => assetBucketName(props.canaryName, org.managementAccount, region),
    });
    this.member = new CanaryStack(this, 'Member', { ...props.member, synthesizer: this.memberSynthesizer });
    if (Object.keys(org.sinkArns).length > 0 && org.monitoringAccount !== undefined) {
      this.linkMember(props.member.canary.namespace, org.sinkArns, org.monitoringAccount);
    }
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: stackSetName(props.canaryName),
      description: `ecr-pull-canary ${props.canaryName}: the ECR pull canary in every account of the OUs`,
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: org.autoDeployment, retainStacksOnAccountRemoval: false },
      callAs: org.callAs,
      capabilities: Lazy.list({ produce: () => this.capabilities() }),
      managedExecution: { Active: true },
      operationPreferences: {
        ...preference('maxConcurrent', org.maxConcurrent),
        ...preference('failureTolerance', org.failureTolerance),
        regionConcurrencyType: org.regionConcurrency,
        regionOrder: [...props.regions],
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      stackInstancesGroup: [
        {
          deploymentTargets: {
            organizationalUnitIds: org.organizationalUnits,
            ...(org.accounts.length > 0
              ? { accounts: org.accounts, accountFilterType: org.accountFilter }
              : {}),
          },
          regions: [...props.regions],
        },
      ],
      templateUrl: this.memberSynthesizer.templateUrl,
    });
  }

  /**
   * In each member, a link to its region's sink in the monitoring account, sharing this product's metric
   * namespace only. One template serves every region, so the sink ARN comes from a mapping keyed by region
   * (the configuration names a sink for every region or for none). The monitoring account itself, when it is in
   * a targeted OU, runs the canary but gets no link: its metrics are already where the sink is, and a link to a
   * sink in its own account is not a source-to-monitoring link. Which accounts an OU holds is known only at
   * deploy time, so a condition on the account decides, in the template.
   */
  private linkMember(
    namespace: string | undefined,
    sinkArns: Record<string, string>,
    monitoringAccount: string,
  ): void {
    const member = this.member;
    const sinks = new CfnMapping(member, 'Sinks', {
      mapping: Object.fromEntries(Object.entries(sinkArns).map(([region, arn]) => [region, { Arn: arn }])),
    });
    const notMonitoring = new CfnCondition(member, 'NotMonitoringAccount', {
      expression: Fn.conditionNot(Fn.conditionEquals(Aws.ACCOUNT_ID, monitoringAccount)),
    });
    const link = new oam.CfnLink(member, 'MonitoringLink', {
      labelTemplate: LINK_LABEL_TEMPLATE,
      resourceTypes: [...OAM_LINK_RESOURCE_TYPES],
      sinkIdentifier: sinks.findInMap(member.region, 'Arn'),
      linkConfiguration: {
        metricConfiguration: { filter: linkMetricFilter(namespace ?? member.canary.namespace) },
      },
    });
    link.cfnOptions.condition = notMonitoring;
  }

  /** CAPABILITY_IAM for the member's roles; CAPABILITY_NAMED_IAM only if one of them is named. */
  private capabilities(): string[] {
    const iamResources = this.member.node
      .findAll()
      .filter(
        (c): c is iam.CfnRole | iam.CfnManagedPolicy =>
          c instanceof iam.CfnRole || c instanceof iam.CfnManagedPolicy,
      );
    if (iamResources.length === 0) return [];
    // The L2 Role leaves a lazy name that resolves to nothing unless a name was given.
    const named = iamResources.some(
      (c) => this.member.resolve(c instanceof iam.CfnRole ? c.roleName : c.managedPolicyName) !== undefined,
    );
    return named ? ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] : ['CAPABILITY_IAM'];
  }
}
