/**
 * With `workloadWatch.eks`: each cluster the watcher will read, as DescribeCluster shows it: its authentication
 * mode reads access entries (API or API_AND_CONFIG_MAP), its endpoint is reachable from where the function runs
 * (public and open to every address, or private with a placement in its VPC whose security groups the cluster
 * security group admits on 443). The same rules the function applies (lambda/engine/eks/clusters.ts), before
 * anything is deployed.
 */
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, paginateListClusters } from '@aws-sdk/client-eks';
import type { EksWatchConfig } from '../../engine/config/schema.ts';
import { type ClusterInfo, clusterGate, clusterInfo } from '../../engine/eks/clusters.ts';
import { EKS_ALL_CLUSTERS, EKS_VIEW_POLICY } from '../../engine/model/eks-contract.ts';
import { type CheckContext, call, check, type Place, type PreflightCheck, unanswered } from './check.ts';
import { cidrContains, coversHttps } from './network.ts';

type PrivateCluster = NonNullable<EksWatchConfig['privateClusters']>[number];

export async function eksChecks(
  ctx: CheckContext,
  place: Place,
  eks: EksWatchConfig,
  /** Where this region's clusters are named in the file (eksSettingsPath), for the fixes. */
  path: string,
): Promise<PreflightCheck[]> {
  const client = ctx.clients.eks(place.region);
  const privateClusters = eks.privateClusters ?? [];
  let names: string[];
  if (eks.clusters === EKS_ALL_CLUSTERS) {
    const listed = await call(ctx, async (abortSignal) => {
      const found: string[] = [];
      for await (const page of paginateListClusters({ client }, {}, { abortSignal }))
        found.push(...(page.clusters ?? []));
      return found;
    });
    if (!listed.ok) return [unanswered('eks-cluster', place, 'eks:ListClusters', listed)];
    names = listed.value.filter((name) => !privateClusters.some((c) => c.name === name));
    if (names.length === 0 && privateClusters.length === 0)
      return [
        check('eks-cluster', place, 'warn', `no EKS cluster in ${place.region}: "all" reads none yet`, null),
      ];
  } else {
    names = eks.clusters ?? [];
  }
  const work = [
    ...names.map((name) => clusterCheck(ctx, place, path, name, null, eks.clusters === EKS_ALL_CLUSTERS)),
    ...privateClusters.map((cluster) => clusterCheck(ctx, place, path, cluster.name, cluster, false)),
  ];
  return Promise.all(work);
}

async function clusterCheck(
  ctx: CheckContext,
  place: Place,
  path: string,
  name: string,
  placement: PrivateCluster | null,
  discovered: boolean,
): Promise<PreflightCheck> {
  const described = await call(ctx, (abortSignal) =>
    ctx.clients.eks(place.region).send(new DescribeClusterCommand({ name }), { abortSignal }),
  );
  if (!described.ok) {
    if (described.name === 'ResourceNotFoundException') {
      return check(
        'eks-cluster',
        place,
        'fail',
        `${name}: no such EKS cluster in ${place.region}`,
        `check the name and the region in ${path}`,
        { cluster: name },
      );
    }
    return unanswered('eks-cluster', place, 'eks:DescribeCluster', described);
  }
  const cluster = clusterInfo(described.value.cluster ?? { name });
  const details = {
    cluster: name,
    authenticationMode: cluster.authenticationMode,
    publicAccess: cluster.publicAccess,
    privateAccess: cluster.privateAccess,
    publicAccessCidrs: cluster.publicAccessCidrs,
  };
  const gate = clusterGate(cluster, placement !== null);
  if (gate)
    return check(
      'eks-cluster',
      place,
      gate.reason === 'not-active' ? 'warn' : 'fail',
      `${name}: ${gate.reason}`,
      gate.detail,
      details,
    );
  if (placement) return privatePath(ctx, place, path, cluster, placement, details);
  const entry = discovered
    ? `create its access entry (${EKS_VIEW_POLICY}, cluster scope) for the watcher's role yourself after the deploy (docs/workload-watch.md)`
    : 'the stack creates its access entry';
  if (!cluster.publicAccessCidrs.includes('0.0.0.0/0')) {
    return check(
      'eks-cluster',
      place,
      'fail',
      `${name}: the public endpoint admits only ${cluster.publicAccessCidrs.join(', ')}; Lambda's addresses are not fixed`,
      `move ${name} to ${path}.privateClusters with subnets in ${cluster.vpcId ?? 'its VPC'} (its private endpoint must be on), or open the public endpoint`,
      details,
    );
  }
  return check(
    'eks-cluster',
    place,
    'pass',
    `${name}: ${cluster.authenticationMode}, public endpoint; ${entry}`,
    null,
    details,
  );
}

/** A private cluster's reader: subnets in the cluster's VPC, its groups admitted on 443 by the cluster's group. */
async function privatePath(
  ctx: CheckContext,
  place: Place,
  path: string,
  cluster: ClusterInfo,
  placement: PrivateCluster,
  details: Record<string, unknown>,
): Promise<PreflightCheck> {
  if (!cluster.privateAccess) {
    return check(
      'eks-cluster',
      place,
      'fail',
      `${cluster.name}: its private endpoint is off, so a function in its VPC cannot reach it either`,
      cluster.publicAccess
        ? `move ${cluster.name} from ${path}.privateClusters to ${path}.clusters, or turn its private endpoint on`
        : 'turn its private endpoint on',
      details,
    );
  }
  const ec2 = ctx.clients.ec2(place.region);
  const [subnets, groups] = await Promise.all([
    call(ctx, (abortSignal) =>
      ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: placement.subnetIds }] }),
        { abortSignal },
      ),
    ),
    call(ctx, (abortSignal) =>
      ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: 'group-id', Values: [cluster.clusterSecurityGroupId ?? 'none'] }],
        }),
        { abortSignal },
      ),
    ),
  ]);
  if (!subnets.ok) return unanswered('eks-cluster', place, 'ec2:DescribeSubnets', subnets);
  if (!groups.ok) return unanswered('eks-cluster', place, 'ec2:DescribeSecurityGroups', groups);
  const found = subnets.value.Subnets ?? [];
  const elsewhere = placement.subnetIds.filter(
    (id) => !found.some((s) => s.SubnetId === id && s.VpcId === cluster.vpcId),
  );
  if (elsewhere.length > 0) {
    return check(
      'eks-cluster',
      place,
      'fail',
      `${cluster.name}: subnets ${elsewhere.join(', ')} are missing or not in the cluster's VPC ${cluster.vpcId}`,
      `give subnets of ${cluster.vpcId} in ${path}.privateClusters`,
      details,
    );
  }
  const rules = (groups.value.SecurityGroups ?? []).flatMap((g) => g.IpPermissions ?? []).filter(coversHttps);
  const cidrs = found.map((s) => s.CidrBlock ?? '');
  const admitted = rules.some(
    (rule) =>
      (rule.UserIdGroupPairs ?? []).some((pair) => placement.securityGroupIds.includes(pair.GroupId ?? '')) ||
      (rule.IpRanges ?? []).some(
        (range) => cidrs.length > 0 && cidrs.every((cidr) => cidrContains(range.CidrIp ?? '', cidr)),
      ),
  );
  if (!admitted) {
    return check(
      'eks-cluster',
      place,
      'fail',
      `${cluster.name}: the cluster security group ${cluster.clusterSecurityGroupId} admits no HTTPS from ${placement.securityGroupIds.join(', ')}`,
      `aws ec2 authorize-security-group-ingress --group-id ${cluster.clusterSecurityGroupId} --protocol tcp --port 443 --source-group ${placement.securityGroupIds[0]}`,
      details,
    );
  }
  return check(
    'eks-cluster',
    place,
    'pass',
    `${cluster.name}: ${cluster.authenticationMode}, private endpoint reachable from ${placement.subnetIds.join(', ')} on 443; the function there also needs routes to the EKS, CloudWatch, SNS and DynamoDB APIs`,
    null,
    details,
  );
}
