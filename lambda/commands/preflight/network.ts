import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  type RouteTable,
  type SecurityGroup,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import {
  evaluate,
  type PolicyRequest,
  policyStatements,
  UnmodelledPolicyError,
} from '../../engine/model/iam-policy.ts';
import { regionPartition } from '../../engine/model/regions.ts';
import { type CheckContext, call, check, type Place, type PreflightCheck, unanswered } from './check.ts';

/** The function's VPC placement as the configuration gives it (read by name: `vpc` or a region's override). */
export interface VpcPlacementInput {
  subnetIds: string[];
  securityGroupIds: string[];
}

/**
 * Every AWS service the canary's functions call from inside the VPC, by the last part of its VPC endpoint
 * service name (`com.amazonaws.<region>.<service>`), and what it is needed for. `gateway`: the service also has
 * a gateway endpoint, which works through the subnet's route table.
 */
const VPC_SERVICES = [
  { service: 'ecr.api', why: 'the ECR token', gateway: false },
  { service: 'ecr.dkr', why: 'manifests and the layer redirect', gateway: false },
  { service: 's3', why: "image layers from ECR's layer bucket", gateway: true },
  { service: 'sts', why: 'the identity and the targets’ roles', gateway: false },
  { service: 'monitoring', why: 'CloudWatch metrics', gateway: false },
  { service: 'sns', why: 'the diagnoses', gateway: false },
  { service: 'dynamodb', why: 'the alert state', gateway: true },
] as const;

/**
 * What the function needs of S3 through the VPC's S3 endpoint, as requests to judge its policy by. The layer
 * bucket is the one ECR's VPC endpoint guide names (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway).
 * CloudFormation's response bucket is not among them: the first run's answer is sent by a relay outside the VPC
 * (lib/ecr-pull-canary.ts, test/cdk/first-run.test.ts), so the recommended layer-bucket-only policy is enough.
 */
function s3Needs(
  region: string,
  account: string,
): Array<{ what: string; request: PolicyRequest; fix: string }> {
  const layerBucket = `prod-${region}-starport-layer-bucket`;
  // The region's partition names the ARNs a policy there is written with (arn:aws-cn:s3:::… in China).
  const partition = regionPartition(region);
  return [
    {
      what: `s3:GetObject on ${layerBucket} (image layers)`,
      request: {
        principal: `arn:${partition}:iam::${account}:role/ecr-pull-canary-probe`,
        action: 's3:GetObject',
        resource: `arn:${partition}:s3:::${layerBucket}/sha256-layer`,
        context: {},
      },
      fix: `allow s3:GetObject on arn:${partition}:s3:::${layerBucket}/* in the S3 endpoint's policy`,
    },
  ];
}

/** The subnets and security groups exist in this region, in one VPC, and the groups let HTTPS out. */
export async function subnetsCheck(
  ctx: CheckContext,
  place: Place,
  vpc: VpcPlacementInput,
): Promise<{ result: PreflightCheck; vpcId: string | null; subnetCidrs: Record<string, string> }> {
  const ec2 = ctx.clients.ec2(place.region);
  // Filters, not IDs: a missing ID is then simply absent from the answer, and every missing one is named at once.
  const [subnets, groups] = await Promise.all([
    call(ctx, (abortSignal) =>
      ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: vpc.subnetIds }] }), {
        abortSignal,
      }),
    ),
    call(ctx, (abortSignal) =>
      ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: vpc.securityGroupIds }] }),
        { abortSignal },
      ),
    ),
  ]);
  if (!subnets.ok)
    return {
      result: unanswered('subnets', place, 'ec2:DescribeSubnets', subnets),
      vpcId: null,
      subnetCidrs: {},
    };
  if (!groups.ok)
    return {
      result: unanswered('subnets', place, 'ec2:DescribeSecurityGroups', groups),
      vpcId: null,
      subnetCidrs: {},
    };
  const foundSubnets = subnets.value.Subnets ?? [];
  const foundGroups = groups.value.SecurityGroups ?? [];
  const subnetCidrs = Object.fromEntries(foundSubnets.map((x) => [x.SubnetId ?? '', x.CidrBlock ?? '']));
  const missingSubnets = vpc.subnetIds.filter((id) => !foundSubnets.some((s) => s.SubnetId === id));
  const missingGroups = vpc.securityGroupIds.filter((id) => !foundGroups.some((g) => g.GroupId === id));
  const vpcIds = [...new Set([...foundSubnets, ...foundGroups].map((x) => x.VpcId ?? '?'))];
  const details = {
    subnets: foundSubnets.map((s) => ({
      id: s.SubnetId,
      vpcId: s.VpcId,
      availabilityZone: s.AvailabilityZone,
    })),
    securityGroups: foundGroups.map((g) => ({ id: g.GroupId, vpcId: g.VpcId })),
  };
  if (missingSubnets.length > 0 || missingGroups.length > 0) {
    const missing = [...missingSubnets, ...missingGroups];
    return {
      result: check(
        'subnets',
        place,
        'fail',
        `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist in account ${place.account}, region ${place.region}`,
        `use subnet and security-group IDs of this account and region (aws ec2 describe-subnets --region ${place.region}) in vpc or regionOverrides.${place.region}.vpc`,
        { ...details, missing },
      ),
      vpcId: null,
      subnetCidrs,
    };
  }
  if (vpcIds.length > 1) {
    return {
      result: check(
        'subnets',
        place,
        'fail',
        `the subnets and security groups belong to ${vpcIds.length} VPCs (${vpcIds.join(', ')}); Lambda needs one`,
        'pick subnets and security groups of one VPC',
        details,
      ),
      vpcId: null,
      subnetCidrs,
    };
  }
  const vpcId = vpcIds[0] ?? null;
  if (!foundGroups.some(allowsHttpsOut)) {
    return {
      result: check(
        'subnets',
        place,
        'fail',
        `no rule of ${vpc.securityGroupIds.join(', ')} lets TCP 443 out: every call of the function times out`,
        'add an outbound rule for TCP 443 (to 0.0.0.0/0, or to the endpoints and the S3/DynamoDB prefix lists)',
        { ...details, vpcId },
      ),
      vpcId,
      subnetCidrs,
    };
  }
  return {
    result: check(
      'subnets',
      place,
      'pass',
      `${vpc.subnetIds.length} subnet(s) and ${vpc.securityGroupIds.length} security group(s) in ${vpcId}; HTTPS out allowed`,
      null,
      { ...details, vpcId },
    ),
    vpcId,
    subnetCidrs,
  };
}

function allowsHttpsOut(group: SecurityGroup): boolean {
  return (group.IpPermissionsEgress ?? []).some(coversHttps);
}

type Egress = 'nat' | 'other' | 'igw' | 'none';

/** The subnet's default route: through a NAT gateway, something preflight cannot see past, an internet gateway, or none. */
function egressOf(table: RouteTable | undefined): { kind: Egress; via: string | null } {
  const route = (table?.Routes ?? []).find(
    (r) =>
      (r.DestinationCidrBlock === '0.0.0.0/0' || r.DestinationIpv6CidrBlock === '::/0') &&
      r.State !== 'blackhole',
  );
  if (!route) return { kind: 'none', via: null };
  if (route.NatGatewayId) return { kind: 'nat', via: route.NatGatewayId };
  const other =
    route.TransitGatewayId ??
    route.InstanceId ??
    route.NetworkInterfaceId ??
    route.VpcPeeringConnectionId ??
    route.CoreNetworkArn ??
    route.LocalGatewayId;
  if (other) return { kind: 'other', via: other };
  if (route.GatewayId?.startsWith('igw-')) return { kind: 'igw', via: route.GatewayId };
  return { kind: 'none', via: null };
}

/** The route table of a subnet: its own association, else the VPC's main table. */
function tableOf(subnetId: string, tables: RouteTable[]): RouteTable | undefined {
  return (
    tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId)) ??
    tables.find((t) => (t.Associations ?? []).some((a) => a.Main))
  );
}

/**
 * A path from every subnet to every service the function calls: an interface endpoint with private DNS, a gateway
 * endpoint in the subnet's route table, or a NAT gateway. An internet gateway is no path: Lambda gives a function
 * in a VPC no public IP (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html). The S3
 * endpoint's policy must allow what the function reads and writes through it.
 */
export async function networkCheck(
  ctx: CheckContext,
  place: Place,
  vpc: VpcPlacementInput,
  vpcId: string,
  subnetCidrs: Record<string, string>,
): Promise<PreflightCheck> {
  const ec2 = ctx.clients.ec2(place.region);
  const byVpc = [{ Name: 'vpc-id', Values: [vpcId] }];
  const [tables, endpoints] = await Promise.all([
    call(ctx, (abortSignal) => ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc }), { abortSignal })),
    call(ctx, (abortSignal) =>
      ec2.send(new DescribeVpcEndpointsCommand({ Filters: byVpc }), { abortSignal }),
    ),
  ]);
  if (!tables.ok) return unanswered('network', place, 'ec2:DescribeRouteTables', tables);
  if (!endpoints.ok) return unanswered('network', place, 'ec2:DescribeVpcEndpoints', endpoints);
  const available = (endpoints.value.VpcEndpoints ?? []).filter(
    (e) => e.State?.toLowerCase() === 'available',
  );
  const endpointFor = (service: string) =>
    available.filter((e) => e.ServiceName?.endsWith(`.${place.region}.${service}`));

  const missing: string[] = [];
  const unseen: string[] = [];
  const policyProblems: PathProblem[] = [];
  const paths: Record<string, Record<string, string>> = {};
  const notes = new Set<string>();
  /** The interface endpoints a subnet's traffic goes to: their security groups must let it in. */
  const interfaceUses: Array<{ subnetId: string; service: string; endpoint: VpcEndpoint }> = [];
  for (const subnetId of vpc.subnetIds) {
    const table = tableOf(subnetId, tables.value.RouteTables ?? []);
    const egress = egressOf(table);
    const subnetPaths: Record<string, string> = {};
    const noPath: string[] = [];
    for (const { service, gateway } of VPC_SERVICES) {
      const candidates = endpointFor(service);
      const gatewayEndpoint = gateway
        ? candidates.find(
            (e) =>
              e.VpcEndpointType === 'Gateway' && (e.RouteTableIds ?? []).includes(table?.RouteTableId ?? ''),
          )
        : undefined;
      const interfaceEndpoint = candidates.find(
        (e) => e.VpcEndpointType === 'Interface' && e.PrivateDnsEnabled,
      );
      const dnsOff = candidates.find((e) => e.VpcEndpointType === 'Interface' && !e.PrivateDnsEnabled);
      if (dnsOff && !interfaceEndpoint)
        notes.add(`${dnsOff.VpcEndpointId} (${service}) has private DNS off, so the SDK does not use it`);
      // A gateway endpoint's prefix-list route is more specific than the default route: S3 and DynamoDB traffic
      // takes it even where a NAT gateway exists, so its policy applies then too.
      const endpoint = gatewayEndpoint ?? interfaceEndpoint;
      if (endpoint) {
        subnetPaths[service] =
          `${endpoint.VpcEndpointType?.toLowerCase()} endpoint ${endpoint.VpcEndpointId}`;
        if (service === 's3') policyProblems.push(...s3PathProblems(endpoint, place));
        if (endpoint === interfaceEndpoint) interfaceUses.push({ subnetId, service, endpoint });
      } else if (egress.kind === 'nat') {
        subnetPaths[service] = `NAT gateway ${egress.via}`;
      } else if (egress.kind === 'other') {
        subnetPaths[service] = `default route to ${egress.via}`;
        unseen.push(`${subnetId} → ${service} via ${egress.via}`);
      } else {
        noPath.push(service);
      }
    }
    if (noPath.length > 0) {
      const why =
        egress.kind === 'igw'
          ? `its default route goes to ${egress.via}, and a function in a VPC gets no public IP`
          : 'no default route and no endpoint';
      missing.push(
        `${subnetId} (route table ${table?.RouteTableId ?? 'none'}: ${why}) to ${noPath.join(', ')}`,
      );
    }
    paths[subnetId] = subnetPaths;
  }
  const ingress = await endpointIngressProblems(ctx, place, interfaceUses, vpc.securityGroupIds, subnetCidrs);
  if ('unanswered' in ingress) return ingress.unanswered;
  policyProblems.push(...ingress.problems);
  const details = { vpcId, paths, notes: [...notes] };
  const noteText = notes.size > 0 ? `; ${[...notes].join('; ')}` : '';
  if (missing.length > 0) {
    return check(
      'network',
      place,
      'fail',
      `no path from ${missing.join('; ')}${noteText}`,
      `add interface endpoints (private DNS on) for ${VPC_SERVICES.filter((s) => !s.gateway)
        .map((s) => s.service)
        .join(
          ', ',
        )} and gateway endpoints for s3 and dynamodb on the subnets' route tables, or a NAT gateway route`,
      details,
    );
  }
  if (policyProblems.length > 0) {
    // Subnets that share the endpoint would each repeat its problems.
    const judged = policyProblems.some((p) => p.status === 'fail');
    return check(
      'network',
      place,
      judged ? 'fail' : 'warn',
      [...new Set(policyProblems.map((p) => p.saw))].join('; '),
      [...new Set(policyProblems.map((p) => p.fix))].join('; '),
      details,
    );
  }
  if (unseen.length > 0) {
    return check(
      'network',
      place,
      'warn',
      `every service has a route, some through what preflight cannot see past: ${unseen.join('; ')}${noteText}`,
      'make sure that path reaches the AWS endpoints on HTTPS (and allows the S3 layer bucket)',
      details,
    );
  }
  const summary = VPC_SERVICES.map(({ service }) => {
    const kinds = new Set(
      Object.values(paths).map((p) => (p[service] ?? '').replace(/ (vpce|nat)-\w+$/, '')),
    );
    return `${service} via ${[...kinds].join('/')}`;
  }).join(', ');
  return check('network', place, 'pass', `every subnet reaches ${summary}${noteText}`, null, details);
}

/**
 * An interface endpoint takes only what its security groups let in: an inbound rule for TCP 443 from one of the
 * function's security groups, or from an address range holding the function's subnet. An endpoint created with
 * the VPC's default security group admits only that group's members, and every call through it times out.
 */
async function endpointIngressProblems(
  ctx: CheckContext,
  place: Place,
  uses: Array<{ subnetId: string; service: string; endpoint: VpcEndpoint }>,
  functionGroups: string[],
  subnetCidrs: Record<string, string>,
): Promise<{ problems: PathProblem[] } | { unanswered: PreflightCheck }> {
  const groupIds = [...new Set(uses.flatMap((u) => (u.endpoint.Groups ?? []).map((g) => g.GroupId ?? '')))];
  if (groupIds.length === 0) return { problems: [] };
  const answer = await call(ctx, (abortSignal) =>
    ctx.clients
      .ec2(place.region)
      .send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: groupIds }] }), {
        abortSignal,
      }),
  );
  if (!answer.ok) return { unanswered: unanswered('network', place, 'ec2:DescribeSecurityGroups', answer) };
  const groups = answer.value.SecurityGroups ?? [];
  // Endpoints that share their security groups share the verdict: one problem per set of groups.
  const refused = new Map<
    string,
    { groups: string[]; endpoints: Set<string>; subnets: Set<string>; prefixLists: boolean }
  >();
  for (const { subnetId, service, endpoint } of uses) {
    const own = groups.filter((g) => (endpoint.Groups ?? []).some((e) => e.GroupId === g.GroupId));
    const rules = own.flatMap((g) => g.IpPermissions ?? []).filter(coversHttps);
    const cidr = subnetCidrs[subnetId] ?? '';
    const admitted = rules.some(
      (rule) =>
        (rule.UserIdGroupPairs ?? []).some((pair) => functionGroups.includes(pair.GroupId ?? '')) ||
        (rule.IpRanges ?? []).some((range) => cidrContains(range.CidrIp ?? '', cidr)),
    );
    if (admitted) continue;
    const ids = own.map((g) => g.GroupId ?? '');
    const entry = refused.get(ids.join(',')) ?? {
      groups: ids,
      endpoints: new Set<string>(),
      subnets: new Set<string>(),
      prefixLists: false,
    };
    entry.endpoints.add(`${endpoint.VpcEndpointId} (${service})`);
    entry.subnets.add(`${subnetId} (${cidr})`);
    entry.prefixLists ||= rules.some((rule) => (rule.PrefixListIds ?? []).length > 0);
    refused.set(ids.join(','), entry);
  }
  const problems = [...refused.values()].map(
    (r): PathProblem => ({
      status: r.prefixLists ? 'warn' : 'fail',
      saw: `the security groups ${r.groups.join(', ') || '(none)'} of ${[...r.endpoints].join(', ')} admit no HTTPS from ${functionGroups.join(', ')} or ${[...r.subnets].join(', ')}${r.prefixLists ? ' unless a prefix list holds it' : ''}`,
      fix: `add an inbound rule for TCP 443 from ${functionGroups[0]} to ${r.groups[0] ?? "the endpoints' security group"}`,
    }),
  );
  return { problems };
}

export function coversHttps(rule: { IpProtocol?: string; FromPort?: number; ToPort?: number }): boolean {
  return (
    rule.IpProtocol === '-1' ||
    (rule.IpProtocol === 'tcp' && (rule.FromPort ?? 0) <= 443 && 443 <= (rule.ToPort ?? 65535))
  );
}

/** Whether the IPv4 range `outer` holds all of `inner` (both `a.b.c.d/n`). */
export function cidrContains(outer: string, inner: string): boolean {
  const parse = (cidr: string) => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) return null;
    const [a, b, c, d, bits] = m.slice(1).map(Number) as [number, number, number, number, number];
    return { base: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, bits };
  };
  const o = parse(outer);
  const i = parse(inner);
  if (!o || !i || i.bits < o.bits) return false;
  const mask = o.bits === 0 ? 0 : (0xffffffff << (32 - o.bits)) >>> 0;
  return (i.base & mask) >>> 0 === (o.base & mask) >>> 0;
}

/** What stands in a path that routes: an endpoint's policy or security groups. */
interface PathProblem {
  /** `warn` when it could not be judged, `fail` when it refuses. */
  status: 'fail' | 'warn';
  saw: string;
  fix: string;
}

function s3PathProblems(endpoint: VpcEndpoint, place: Place): PathProblem[] {
  // No policy document means the default: full access.
  if (!endpoint.PolicyDocument) return [];
  const problems: PathProblem[] = [];
  for (const need of s3Needs(place.region, place.account)) {
    let decision: string;
    try {
      const request = {
        ...need.request,
        context: { ...need.request.context, 'aws:SourceVpce': endpoint.VpcEndpointId ?? '' },
      };
      decision = evaluate(policyStatements(endpoint.PolicyDocument), request);
    } catch (error) {
      const why = error instanceof UnmodelledPolicyError ? error.message : 'a policy that is not JSON';
      problems.push({
        status: 'warn',
        saw: `${endpoint.VpcEndpointId}'s policy could not be judged (${why})`,
        fix: `check by hand that it allows ${need.what}`,
      });
      continue;
    }
    if (decision !== 'allow') {
      problems.push({
        status: 'fail',
        saw: `the S3 endpoint ${endpoint.VpcEndpointId}'s policy does not allow ${need.what} (${decision})`,
        fix: need.fix,
      });
    }
  }
  return problems;
}
