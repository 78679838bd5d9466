/**
 * What the watcher needs to know of each cluster before it reads it (DescribeCluster), and whether it can read
 * it at all: a cluster it cannot reach or authenticate to is "not checked" with the reason and what to do,
 * never a page. Pure but for the EKS port the function implements with the SDK.
 */
import { EKS_ACCESS_ENTRY_MODES, EKS_VIEW_POLICY } from '../model/eks-contract.ts';
import type { NotCheckedReason } from './kube-client.ts';

export interface ClusterInfo {
  name: string;
  status: string;
  endpoint: string | null;
  /** PEM, decoded from DescribeCluster's base64 `certificateAuthority.data`. */
  caPem: string | null;
  authenticationMode: string;
  publicAccess: boolean;
  privateAccess: boolean;
  publicAccessCidrs: string[];
  vpcId: string | null;
  clusterSecurityGroupId: string | null;
  autoMode: boolean;
}

/** The two EKS calls, each ending at `signal`. */
export interface EksApi {
  listClusters(signal: AbortSignal): Promise<string[]>;
  describeCluster(name: string, signal: AbortSignal): Promise<ClusterInfo>;
}

/** DescribeCluster's `cluster` object (the SDK's shape, read loosely) to what the watcher uses. */
export function clusterInfo(cluster: {
  name?: string;
  status?: string;
  endpoint?: string;
  certificateAuthority?: { data?: string };
  accessConfig?: { authenticationMode?: string };
  resourcesVpcConfig?: {
    endpointPublicAccess?: boolean;
    endpointPrivateAccess?: boolean;
    publicAccessCidrs?: string[];
    vpcId?: string;
    clusterSecurityGroupId?: string;
  };
  computeConfig?: { enabled?: boolean };
}): ClusterInfo {
  const vpc = cluster.resourcesVpcConfig ?? {};
  const ca = cluster.certificateAuthority?.data;
  return {
    name: cluster.name ?? '',
    status: cluster.status ?? 'UNKNOWN',
    endpoint: cluster.endpoint ?? null,
    caPem: ca ? Buffer.from(ca, 'base64').toString('utf8') : null,
    // Clusters made before access entries existed report no mode: they read the aws-auth ConfigMap only.
    authenticationMode: cluster.accessConfig?.authenticationMode ?? 'CONFIG_MAP',
    publicAccess: vpc.endpointPublicAccess ?? true,
    privateAccess: vpc.endpointPrivateAccess ?? false,
    publicAccessCidrs: vpc.publicAccessCidrs ?? ['0.0.0.0/0'],
    vpcId: vpc.vpcId ?? null,
    clusterSecurityGroupId: vpc.clusterSecurityGroupId ?? null,
    autoMode: cluster.computeConfig?.enabled ?? false,
  };
}

export interface NotChecked {
  reason: NotCheckedReason;
  /** What was found, and what to do, in one sentence for the log and the CLI. */
  detail: string;
}

/** Why this cluster cannot be read from where the function runs, or null when it can be tried. */
export function clusterGate(cluster: ClusterInfo, inVpc: boolean): NotChecked | null {
  if (cluster.status !== 'ACTIVE') {
    return { reason: 'not-active', detail: `the cluster is ${cluster.status}; it is read once it is ACTIVE` };
  }
  if (!(EKS_ACCESS_ENTRY_MODES as readonly string[]).includes(cluster.authenticationMode)) {
    return {
      reason: 'config-map-mode',
      detail: `authentication mode ${cluster.authenticationMode} reads no access entries: switch it to API_AND_CONFIG_MAP (aws eks update-cluster-config --name ${cluster.name} --access-config authenticationMode=API_AND_CONFIG_MAP; it cannot be switched back), or map the watcher's role in the aws-auth ConfigMap to a group bound to the view ClusterRole`,
    };
  }
  if (!cluster.endpoint || !cluster.caPem) {
    return { reason: 'not-active', detail: 'DescribeCluster gave no endpoint or certificate authority' };
  }
  if (!cluster.publicAccess && !inVpc) {
    return {
      reason: 'private-endpoint',
      detail:
        `the API endpoint is private only: give the cluster a VPC placement in workloadWatch.eks.privateClusters, or regionOverrides.<region>.workloadWatch.eks.privateClusters with several regions (subnets of ${cluster.vpcId ?? 'its VPC'} and a security group the cluster security group ${cluster.clusterSecurityGroupId ?? ''} admits on 443)`.replace(
          ' )',
          ')',
        ),
    };
  }
  return null;
}

/** What a refused or silent API means for this cluster, and what to do. */
export function notCheckedDetail(
  cluster: ClusterInfo,
  reason: NotCheckedReason,
  detail: string,
  inVpc: boolean,
): string {
  switch (reason) {
    case 'unauthorized':
      return `${detail}: the cluster does not know the watcher's role: no access entry for it (or one created seconds ago; entries are eventually consistent)`;
    case 'forbidden':
      return `${detail}: the access entry lacks ${EKS_VIEW_POLICY} at cluster scope`;
    case 'timeout': {
      const limited = cluster.publicAccess && !cluster.publicAccessCidrs.includes('0.0.0.0/0');
      if (limited && !inVpc)
        return `${detail}: the public endpoint admits only ${cluster.publicAccessCidrs.join(', ')}; give the cluster a VPC placement`;
      return detail;
    }
    default:
      return detail;
  }
}
