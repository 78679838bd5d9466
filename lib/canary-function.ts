import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CANARY_DEFAULTS } from '../lambda/engine/model/limits.ts';
import {
  BUNDLE_HANDLER,
  type CodeWithData,
  type LambdaCodeName,
  lambdaCodeWithData,
  prebuiltLambdaCode,
} from './lambda-code.ts';

/** Subnets and security groups by ID, so synthesis needs no VPC lookup (and no credentials). */
export interface VpcPlacement {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

export interface CanaryFunctionProps {
  /** Which of the prebuilt functions (lib/lambda-code.ts) it runs. */
  readonly code: LambdaCodeName;
  readonly description: string;
  readonly timeout: Duration;
  /**
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Retention of the function's own log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * @default - no variables
   */
  readonly environment?: Record<string, string>;
  /**
   * Data the function reads from a file in its code rather than from its environment (lambda/engine/model/code-data.ts):
   * anything that grows with the configuration, such as the targets. Lambda limits the environment to 4 KB; the
   * code may hold 250 MB unzipped.
   * @default - no data file
   */
  readonly data?: unknown;
  /**
   * Name of the function's log group, for readers that must name it (a dashboard in another region).
   * @default - a name CloudFormation generates
   */
  readonly logGroupName?: string;
  /**
   * Runs the function in these subnets, with these security groups, so it reaches ECR the way the workloads do.
   * @default - not in a VPC
   */
  readonly vpcPlacement?: VpcPlacement;
  /**
   * Execution role of the function. The construct adds what the function itself needs to it: writing to its
   * log group and, with `vpcPlacement`, the network-interface actions. An imported immutable role
   * (`Role.fromRoleArn(…, { mutable: false })`) gets none of these, so it must already allow them and trust
   * `lambda.amazonaws.com`.
   * @default - a new role that may only write to the function's log group
   */
  readonly role?: iam.IRole;
}

/**
 * The one place the canary's functions are defined, so the probe and the seeding function agree on all of it:
 * - Node.js 22 on arm64: the oldest runtime the SDK keeps supporting, at the lower arm64 GB-s price;
 * - prebuilt by esbuild as minified CommonJS with every SDK client inside (lib/lambda-code.ts,
 *   lib/handler-bundling.ts), so the deployed code is the tested code and not whatever SDK version the runtime
 *   ships, and synthesis bundles nothing;
 * - an explicit log group with retention that is removed with the stack, and JSON log lines;
 * - its own role that may only write to that log group (or the role given, which gets the same); callers add
 *   what else it needs.
 */
export class CanaryFunction extends Construct implements iam.IGrantable {
  readonly function: lambda.Function;
  /** The execution role: the one given in `role`, or the one the construct created. */
  readonly role: iam.IRole;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;
  /** SHA-256 of the data file in the code, when there is one: changes exactly when the data does. */
  readonly dataDigest?: string;
  private readonly codeWithData?: CodeWithData;

  constructor(scope: Construct, id: string, props: CanaryFunctionProps) {
    super(scope, id);
    if (props.data !== undefined) {
      this.codeWithData = lambdaCodeWithData(this, props.code, props.data);
      this.dataDigest = this.codeWithData.dataDigest;
    }
    this.logGroup = this.createLogGroup(props);
    this.role = props.role ?? this.createRole(props);
    this.grantPrincipal = this.role;
    this.logGroup.grantWrite(this.role);
    this.function = this.createFunction(props);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, the runtime the bundle is built for (target node22) and tested on, supported by Lambda into 2027; moving to a newer runtime is a deliberate, tested change rather than a side effect of a CDK upgrade.',
    });
    if (props.vpcPlacement) this.placeInVpc(props.vpcPlacement);
  }

  private createLogGroup(props: CanaryFunctionProps): logs.LogGroup {
    return new logs.LogGroup(this, 'LogGroup', {
      ...(props.logGroupName === undefined ? {} : { logGroupName: props.logGroupName }),
      retention: props.logRetention ?? CANARY_DEFAULTS.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** No AWS managed policy: AWSLambdaBasicExecutionRole would also allow creating any log group. */
  private createRole(props: CanaryFunctionProps): iam.Role {
    return new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
  }

  private createFunction(props: CanaryFunctionProps): lambda.Function {
    return new lambda.Function(this, 'Function', {
      code: this.codeWithData?.code ?? prebuiltLambdaCode(props.code),
      handler: BUNDLE_HANDLER,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? CANARY_DEFAULTS.memoryMiB,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment, ...this.codeWithData?.environment },
    });
  }

  /**
   * Set on the CloudFormation resource rather than through `vpc`, which would need a VPC lookup or VPC
   * attributes the user does not have to give, and would attach the AWS managed VPC access policy.
   */
  private placeInVpc(placement: VpcPlacement): void {
    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    cfn.vpcConfig = { subnetIds: placement.subnetIds, securityGroupIds: placement.securityGroupIds };
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // What Lambda needs to manage the function's network interfaces (the AWSLambdaVPCAccessExecutionRole
        // actions). EC2 Describe* has no resource-level permissions, and Lambda checks these at creation.
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
  }
}
