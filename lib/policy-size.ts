/**
 * How big the policy statements of a role may be made so CDK can spread them over the role's inline policy and its
 * overflow managed policies: shared by the probe role (lib/ecr-pull-canary.ts) and the EKS watcher's role
 * (lib/eks-watch.ts).
 */

/**
 * The longest an ARN the probe role (and the EKS watcher's role) names can be, resolved: the longest partition
 * (`aws-us-gov`) and region (`ap-southeast-7`). What a policy statement's size is estimated with, so statements stay small enough for CDK
 * to spread them over the role's inline policy and its overflow managed policies (SERVICE_LIMITS.iamRolePolicyChars,
 * iamManagedPolicyChars, iamManagedPoliciesPerRole).
 */
export const LONGEST_ARN_PREFIX = {
  /** `arn:aws-us-gov:ecr:ap-southeast-7:123456789012:repository/`, before the repository name. */
  ecrRepository: 'arn:aws-us-gov:ecr:ap-southeast-7:123456789012:repository/'.length,
  /** `arn:aws-us-gov:eks:ap-southeast-7:123456789012:cluster/`, before the cluster name. */
  eksCluster: 'arn:aws-us-gov:eks:ap-southeast-7:123456789012:cluster/'.length,
  /** How much longer an ARN written for `aws` gets in the longest partition. */
  partitionGrowth: 'aws-us-gov'.length - 'aws'.length,
} as const;

/** The context key CDK reads its estimate of an unresolved ARN's length from (aws-iam PolicyStatement). */
export const ARN_SIZE_ESTIMATE_CONTEXT = '@aws-cdk/aws-iam.arnSizeEstimate';

/**
 * The longest ARN of a resource named by CloudFormation (255 characters at most), resolved in the longest partition
 * and region: the attribute ARNs a role names (a log group per function) may be this long, twice CDK's own estimate.
 */
export const LONGEST_GENERATED_ARN_CHARS =
  'arn:aws-us-gov:logs:ap-southeast-7:123456789012:log-group:'.length + 255 + ':*'.length;

/**
 * Characters of resource ARNs in one statement: two such statements fit one managed policy
 * (SERVICE_LIMITS.iamManagedPolicyChars), and the largest configuration's probe role stays within the managed
 * policies a role may have (test/cdk/limits.test.ts).
 */
const STATEMENT_RESOURCE_CHARS = 2800;

/** Resource lists of at most STATEMENT_RESOURCE_CHARS characters each, in order. */
export function statementChunks(arns: readonly string[], length: (arn: string) => number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const arn of arns) {
    const next = length(arn) + 3; // quotes and comma
    if (current.length > 0 && size + next > STATEMENT_RESOURCE_CHARS) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(arn);
    size += next;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
