/**
 * Names of the organization rollout's stacks and buckets, each derived once from the canary name, so two
 * canaries with different names never touch each other's resources. The ones `ecr-pull-canary status` looks up
 * live in lambda/engine/model/deployment.ts.
 */
import {
  assetStackName,
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
  stackSetName,
} from '../../lambda/engine/model/deployment.ts';

export {
  assetStackName,
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
  stackSetName,
};

/**
 * The code bucket of one region: `<name>-<account>-<region>`, at most 32 + 1 + 12 + 1 + 14 = 60 characters
 * (S3 allows 63). Deterministic, so the member template names it without any reference to the management
 * account's stacks: `region` may be the `AWS::Region` token, which each stack instance resolves to its own.
 */
export function assetBucketName(name: string, account: string, region: string): string {
  return `${name}-${account}-${region}`;
}
