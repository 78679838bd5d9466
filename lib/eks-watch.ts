import { Arn, ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  EKS_ACCESS_ENTRY_TYPE,
  EKS_ALL_CLUSTERS,
  EKS_WATCH_ACTIONS,
  EKS_WATCH_ENV,
  EKS_WATCH_SCHEDULE_MINUTES,
  type EksWatchCodeData,
  eksViewPolicyArn,
  eksWatchEnabled,
} from '../lambda/engine/model/eks-contract.ts';
import { WATCH_ENV, WATCH_STATE_PREFIX } from '../lambda/engine/model/watch-contract.ts';

export { eksWatchEnabled };

import { CanaryFunction, type VpcPlacement } from './canary-function.ts';
import type { EcrPullCanary } from './ecr-pull-canary.ts';
import {
  ARN_SIZE_ESTIMATE_CONTEXT,
  LONGEST_ARN_PREFIX,
  LONGEST_GENERATED_ARN_CHARS,
  statementChunks,
} from './policy-size.ts';

/** A cluster whose API endpoint is private only: read by a function in its VPC. */
export interface EksPrivateCluster extends VpcPlacement {
  readonly name: string;
}

export interface EksWatchOptions {
  /**
   * `"all"`: every cluster of the region, listed each run (create their access entries yourself); or these
   * cluster names, each given an access entry for the watcher's role with AmazonEKSViewPolicy at cluster scope.
   * @default - none
   */
  readonly clusters?: typeof EKS_ALL_CLUSTERS | string[];
  /**
   * Clusters whose endpoint is private only, each read by a function of its own in the given subnets.
   * @default - none
   */
  readonly privateClusters?: EksPrivateCluster[];
}

export interface EksWatchProps extends EksWatchOptions {
  readonly canary: EcrPullCanary;
  /** One notification per container and image within this many hours. */
  readonly dedupHours: number;
  readonly logRetention?: logs.RetentionDays;
  readonly dashboardName?: string;
}

/** Two lists per cluster and page, four clusters at once, 20 s per cluster at most, outputs after. */
const EKS_WATCH_TIMEOUT = Duration.seconds(90);

/**
 * The EKS part of the workload watch: a scheduled function that reads each watched cluster's waiting pods and
 * failed-pull events through the Kubernetes API with a token of its own role, so nothing runs in the clusters.
 * Its role gets an EKS access entry (type STANDARD, AmazonEKSViewPolicy at cluster scope) in each named cluster;
 * clusters with a private-only endpoint get a function of their own in their VPC. Metrics and notifications are
 * the workload watch's: the same alarms page.
 */
export class EksWatch extends Construct {
  readonly role: iam.Role;
  readonly functions: CanaryFunction[] = [];
  readonly accessEntries: eks.CfnAccessEntry[] = [];

  constructor(scope: Construct, id: string, props: EksWatchProps) {
    super(scope, id);
    const { canary } = props;
    // CDK spreads the role's policy over overflow managed policies by an estimate of each ARN; the role names a log
    // group per function and up to 110 clusters, so estimate each unresolved ARN at its longest.
    this.node.setContext(ARN_SIZE_ESTIMATE_CONTEXT, LONGEST_GENERATED_ARN_CHARS);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the EKS workload watch of ecr-pull-canary ${canary.canaryName}; its access entries let it read pods and events`,
    });
    const privateClusters = props.privateClusters ?? [];
    const clusters = props.clusters ?? [];
    const environment = (inVpc: boolean) => ({
      [WATCH_ENV.canaryName]: canary.canaryName,
      [WATCH_ENV.namespace]: canary.namespace,
      [WATCH_ENV.topicArn]: canary.topic.topic.topicArn,
      [WATCH_ENV.stateTable]: canary.stateTable.tableName,
      [WATCH_ENV.dedupHours]: String(props.dedupHours),
      ...(props.dashboardName === undefined ? {} : { [WATCH_ENV.dashboardName]: props.dashboardName }),
      [EKS_WATCH_ENV.inVpc]: String(inVpc),
    });
    // The cluster names go in the function's code, not its environment: 100 names of 100 characters are 10 KB.
    const data = (names: typeof EKS_ALL_CLUSTERS | string[], exclude: string[]): EksWatchCodeData => ({
      canaryTargets: canary.targetNames,
      clusters: names,
      exclude,
    });
    if (clusters === EKS_ALL_CLUSTERS || clusters.length > 0) {
      this.addFunction(
        'Function',
        props,
        environment(false),
        data(
          clusters,
          privateClusters.map((c) => c.name),
        ),
      );
    }
    privateClusters.forEach((cluster, i) => {
      this.addFunction(
        `Private${i}`,
        props,
        environment(true),
        data([cluster.name], []),
        { subnetIds: cluster.subnetIds, securityGroupIds: cluster.securityGroupIds },
        cluster.name,
      );
    });
    const named = [...(clusters === EKS_ALL_CLUSTERS ? [] : clusters), ...privateClusters.map((c) => c.name)];
    for (const name of named) this.addAccessEntry(name);
    this.grant(props, clusters === EKS_ALL_CLUSTERS ? null : named);
  }

  private addFunction(
    id: string,
    props: EksWatchProps,
    environment: Record<string, string>,
    data: EksWatchCodeData,
    vpcPlacement?: VpcPlacement,
    cluster?: string,
  ): void {
    const fn = new CanaryFunction(this, id, {
      code: 'eks-watch',
      description: `ecr-pull-canary ${props.canary.canaryName}: reads EKS image-pull failures${cluster ? ` of ${cluster} from its VPC` : ''}`,
      timeout: EKS_WATCH_TIMEOUT,
      role: this.role,
      environment,
      data,
      ...(vpcPlacement ? { vpcPlacement } : {}),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
    });
    // A missed run is made up by the next one in five minutes; a retry would only overlap it.
    fn.function.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(EKS_WATCH_SCHEDULE_MINUTES),
    });
    new events.Rule(this, `${id}Schedule`, {
      description: `ecr-pull-canary ${props.canary.canaryName}: reads EKS image-pull failures every ${EKS_WATCH_SCHEDULE_MINUTES} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(EKS_WATCH_SCHEDULE_MINUTES)),
      targets: [new eventTargets.LambdaFunction(fn.function, { retryAttempts: 0 })],
    });
    this.functions.push(fn);
  }

  /**
   * The watcher's way into one cluster: its role as a STANDARD entry with the view policy at cluster scope. Its
   * logical ID comes from the cluster's name, not its place in the list: ClusterName requires replacement, and a
   * replacement is created before the old entry is deleted, while a role has one entry per cluster (CreateAccessEntry,
   * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html). By index, removing or reordering
   * a cluster would create a second entry for a cluster that still has one, and the update would fail.
   */
  private addAccessEntry(clusterName: string): void {
    const entry = new eks.CfnAccessEntry(this, `AccessEntry-${clusterName}`, {
      clusterName,
      principalArn: this.role.roleArn,
      type: EKS_ACCESS_ENTRY_TYPE,
      accessPolicies: [
        { policyArn: eksViewPolicyArn(Stack.of(this).partition), accessScope: { type: 'cluster' } },
      ],
    });
    this.accessEntries.push(entry);
  }

  private grant(props: EksWatchProps, named: string[] | null): void {
    const { canary } = props;
    const stack = Stack.of(this);
    canary.grantPutMetricData(this.role);
    canary.topic.grantPublish(this.role);
    canary.stateTable.grant(this.role, 'dynamodb:GetItem');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [canary.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${WATCH_STATE_PREFIX}*`] } },
      }),
    );
    const clusterArn = (name: string) =>
      Arn.format(
        { service: 'eks', resource: 'cluster', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
        stack,
      );
    const [describe, list] = EKS_WATCH_ACTIONS;
    // A hundred named clusters' ARNs are 16 KB, over one managed policy (SERVICE_LIMITS.iamManagedPolicyChars):
    // statements small enough for CDK to spread over the inline policy and its overflow managed policies.
    const chunks = named
      ? statementChunks(named, (name) => LONGEST_ARN_PREFIX.eksCluster + name.length).map((names) =>
          names.map(clusterArn),
        )
      : [[clusterArn('*')]];
    for (const resources of chunks)
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [describe], resources }));
    // ListClusters has no resource-level permission; only "all" needs it.
    if (!named)
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [list], resources: ['*'] }));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" for cloudwatch:PutMetricData (no resource-level permissions; the namespace condition limits it), for eks:ListClusters (no resource-level permissions) and, in a VPC, the network-interface actions Lambda needs.',
    });
    if (!named) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:eks:${tokenText(stack.region, 'AWS::Region')}:${tokenText(stack.account, 'AWS::AccountId')}:cluster/*]`,
        reason:
          'workloadWatch.eks.clusters is "all": every cluster of the region, listed each run, is described.',
      });
    }
  }
}

/** How cdk-nag names a pseudo parameter in a finding: the value when the stack's environment is known. */
function tokenText(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}
