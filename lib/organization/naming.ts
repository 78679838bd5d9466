/**
 * Names of the organization rollout's stacks and buckets, each derived once from the canary name, so two
 * canaries with different names never touch each other's resources.
 */

/** The StackSet stack, in the management (or delegated-administrator) account and the first region. */
export function organizationStackName(name: string): string {
  return `${name}-org`;
}

/** The code bucket stack of one region, in the management account. */
export function assetStackName(name: string, region: string): string {
  return `${name}-org-assets-${region}`;
}

/** The sink stack of one region (the first also holds the dashboard), in the monitoring account. */
export function monitoringStackName(name: string, region: string): string {
  return `${name}-monitoring-${region}`;
}

/**
 * The code bucket of one region: `<name>-<account>-<region>`, at most 32 + 1 + 12 + 1 + 14 = 60 characters
 * (S3 allows 63). Deterministic, so the member template names it without any reference to the management
 * account's stacks: `region` may be the `AWS::Region` token, which each stack instance resolves to its own.
 */
export function assetBucketName(name: string, account: string, region: string): string {
  return `${name}-${account}-${region}`;
}

/** The StackSet, and the OAM sink of each region. */
export function stackSetName(name: string): string {
  return name;
}
