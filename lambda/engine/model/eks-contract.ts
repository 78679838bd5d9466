/**
 * The contract between the EKS part of the workload watch (lib/workload-watch.ts creates it; the function is
 * lambda/functions/eks-watch/handler.ts) and its engine (lambda/engine/eks/): environment, the access it is given in each
 * cluster, its schedule and its dedup keys. Pure data.
 */
import { WATCH_STATE_PREFIX, type WatchCodeData } from './watch-contract.ts';

/** `workloadWatch.eks: "all"`: every cluster of the region, listed each run. */
export const EKS_ALL_CLUSTERS = 'all';

export const EKS_WATCH_ENV = {
  /** "true" when the function runs in a VPC, so it can reach private endpoints of that VPC. */
  inVpc: 'EKS_WATCH_IN_VPC',
} as const;

/**
 * What the EKS watch function reads from the data file in its code (lambda/engine/model/code-data.ts), not its
 * environment: a hundred cluster names of 100 characters are 10 KB, and Lambda's environment holds 4 KB
 * (SERVICE_LIMITS.lambdaEnvironmentBytes; test/cdk/limits.test.ts measures it).
 */
export interface EksWatchCodeData extends WatchCodeData {
  /** "all", or the cluster names this function reads. */
  clusters: typeof EKS_ALL_CLUSTERS | string[];
  /** Names another function (in a VPC) reads: skipped by this one's "all". */
  exclude: string[];
}

/** How often the clusters are read: one schedule, one run reads all of them. */
export const EKS_WATCH_SCHEDULE_MINUTES = 5;

/**
 * The EKS access policy the watcher's access entry gets, at cluster scope: get, list, watch on pods and events
 * among others, nothing that writes ("Review access policy permissions", AmazonEKSViewPolicy).
 */
export const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

export function eksViewPolicyArn(partition: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${EKS_VIEW_POLICY}`;
}

/** The access entry type whose principal may be in another account and takes access policies. */
export const EKS_ACCESS_ENTRY_TYPE = 'STANDARD';

/** Authentication modes that read access entries ("Change authentication mode to use access entries"). */
export const EKS_ACCESS_ENTRY_MODES = ['API', 'API_AND_CONFIG_MAP'] as const;

/** The EKS API calls of the function: IAM grants these and nothing else of EKS. */
export const EKS_WATCH_ACTIONS = ['eks:DescribeCluster', 'eks:ListClusters'] as const;

/** Dedup items of EKS containers (per cluster, namespace, pod, container and image), and each cluster's index. */
export const EKS_STATE_PREFIX = `${WATCH_STATE_PREFIX}eks#`;
export const EKS_INDEX_PREFIX = `${WATCH_STATE_PREFIX}eks-index#`;

/** Cluster names EKS accepts (CreateCluster `name`): 1-100 characters. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** Whether `workloadWatch.eks` names any cluster at all: off by default. */
export function eksWatchEnabled(
  options: { clusters?: typeof EKS_ALL_CLUSTERS | string[]; privateClusters?: unknown[] } | undefined,
): boolean {
  const clusters = options?.clusters ?? [];
  return clusters === EKS_ALL_CLUSTERS || clusters.length > 0 || (options?.privateClusters ?? []).length > 0;
}
