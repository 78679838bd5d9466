/**
 * Names of the organization rollout's stacks and buckets, each derived once from the canary name, so two
 * canaries with different names never touch each other's resources. The ones `ecr-pull-canary status` looks up
 * live in lambda/engine/model/deployment.ts.
 */
import {
  monitoringStackName,
  organizationStackName,
  stackSetName,
} from '../../lambda/engine/model/deployment.ts';

export { monitoringStackName, organizationStackName, stackSetName };

/** The code bucket stack of one region, in the management account. */
export function assetStackName(name: string, region: string): string {
  return `${name}-org-assets-${region}`;
}

/**
 * The code bucket of one region: `<name>-<account>-<region>`, at most 32 + 1 + 12 + 1 + 14 = 60 characters
 * (S3 allows 63). Deterministic, so the member template names it without any reference to the management
 * account's stacks: `region` may be the `AWS::Region` token, which each stack instance resolves to its own.
 */
export function assetBucketName(name: string, account: string, region: string): string {
  return `${name}-${account}-${region}`;
}
