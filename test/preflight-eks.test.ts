import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import type { PreflightCheckId } from '../lambda/commands/preflight/check.ts';
import { runPreflightCommand } from '../lambda/commands/preflight/cli.ts';
import { FEW_SCAN_REGIONS, useCommandDouble } from './support/command-double.ts';
import { emptyAccount, type PreflightDouble, type PreflightState } from './support/preflight-double.ts';

/**
 * Issue 28, `preflight` with `workloadWatch.eks`: each cluster's authentication mode, endpoint access and, for a
 * private cluster, the path from its subnets; the command in process with its real SDK clients (EKS and EC2 signed,
 * over HTTP) against the preflight double, one broken thing at a time.
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DEPLOYER = {
  accessKeyId: 'AKIAPREFLIGHTEKS0001',
  secretAccessKey: 'preflight-eks-secret-0000000000000000000',
};
const VPC = 'vpc-0aaaaaaaaaaaaaaaa';
const CLUSTER_SG = 'sg-0c1c1c1c1c1c1c1c1';
const WATCH_SG = 'sg-0123456789abcdef0';
const SUBNET = 'subnet-0123456789abcdef0';

function cluster(
  name: string,
  overrides: Record<string, unknown> = {},
  vpc: Record<string, unknown> = {},
  region = REGION,
) {
  return {
    region,
    cluster: {
      name,
      status: 'ACTIVE',
      endpoint: `https://${name}.gr7.${region}.eks.amazonaws.com`,
      certificateAuthority: { data: Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64') },
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      resourcesVpcConfig: {
        vpcId: VPC,
        clusterSecurityGroupId: CLUSTER_SG,
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        publicAccessCidrs: ['0.0.0.0/0'],
        ...vpc,
      },
      ...overrides,
    },
  };
}

function healthy(): PreflightState {
  return {
    ...emptyAccount(ACCOUNT, [REGION]),
    bootstrap: { [REGION]: '30' },
    subnets: [{ region: REGION, id: SUBNET, vpcId: VPC, cidr: '10.0.1.0/24' }],
    securityGroups: [
      { region: REGION, id: WATCH_SG, vpcId: VPC, httpsOut: true },
      { region: REGION, id: CLUSTER_SG, vpcId: VPC, httpsOut: true, httpsIn: { groups: [WATCH_SG] } },
    ],
    eksClusters: [
      cluster('prod-eu'),
      cluster('old', { accessConfig: undefined }),
      cluster('private-prod', {}, { endpointPublicAccess: false }),
      cluster('office-only', {}, { publicAccessCidrs: ['203.0.113.0/24'] }),
    ],
  };
}

let dir: string;
let double: PreflightDouble;

useCommandDouble(
  'preflight-eks-',
  DEPLOYER,
  REGION,
  healthy,
  (made) => {
    dir = made;
  },
  (started) => {
    double = started;
  },
);

async function eksChecks(
  eks: unknown,
  more: Record<string, unknown> = {},
): Promise<ChecksReport<PreflightCheckId>['checks']> {
  const path = join(dir, 'preflight.config.json');
  writeFileSync(
    path,
    JSON.stringify({ account: ACCOUNT, regions: [REGION], workloadWatch: { eks }, ...more }),
  );
  let stdout = '';
  await runPreflightCommand(
    ['-c', `config=${path}`, '--json'],
    { stdout: (t) => (stdout += t), stderr: () => undefined, env: process.env },
    { cwd: dir, scanRegions: FEW_SCAN_REGIONS },
  );
  const report = JSON.parse(stdout) as ChecksReport<PreflightCheckId>;
  return report.checks.filter((c) => c.id === 'eks-cluster');
}

const verdicts = (checks: Awaited<ReturnType<typeof eksChecks>>) =>
  Object.fromEntries(
    checks.map((c) => [
      String((c.details as { cluster?: string } | undefined)?.cluster ?? c.saw),
      [c.status, c.saw, c.fix],
    ]),
  );

describe('preflight with workloadWatch.eks', () => {
  it('passes a public cluster in API_AND_CONFIG_MAP mode, and names CONFIG_MAP, private-only and CIDR-limited ones', async () => {
    const checks = await eksChecks({ clusters: ['prod-eu', 'old', 'private-prod', 'office-only'] });
    const by = verdicts(checks);
    expect(by['prod-eu']).toEqual([
      'pass',
      expect.stringMatching(/API_AND_CONFIG_MAP, public endpoint; the stack creates its access entry/),
      null,
    ]);
    expect(by.old).toEqual([
      'fail',
      'old: config-map-mode',
      expect.stringMatching(/authenticationMode=API_AND_CONFIG_MAP/),
    ]);
    expect(by['private-prod']).toEqual([
      'fail',
      'private-prod: private-endpoint',
      expect.stringMatching(/VPC placement/),
    ]);
    expect(by['office-only']).toEqual([
      'fail',
      expect.stringMatching(/admits only 203\.0\.113\.0\/24/),
      expect.stringMatching(/privateClusters/),
    ]);
    expect(double.calls.filter((c) => c.startsWith('eks:DescribeCluster'))).toHaveLength(4);
  });

  it('checks a private cluster’s path: subnets in its VPC, its security group admitting the watcher on 443', async () => {
    const placement = { name: 'private-prod', subnetIds: [SUBNET], securityGroupIds: [WATCH_SG] };
    expect(verdicts(await eksChecks({ privateClusters: [placement] }))['private-prod']?.[0]).toBe('pass');

    const closed = healthy();
    closed.securityGroups = closed.securityGroups.map((g) =>
      g.id === CLUSTER_SG ? { ...g, httpsIn: {} } : g,
    );
    double.state = Object.assign(double.state, closed);
    expect(verdicts(await eksChecks({ privateClusters: [placement] }))['private-prod']).toEqual([
      'fail',
      expect.stringMatching(/admits no HTTPS from sg-0123456789abcdef0/),
      `aws ec2 authorize-security-group-ingress --group-id ${CLUSTER_SG} --protocol tcp --port 443 --source-group ${WATCH_SG}`,
    ]);

    const elsewhere = healthy();
    elsewhere.subnets = [{ region: REGION, id: SUBNET, vpcId: 'vpc-0bbbbbbbbbbbbbbbb', cidr: '10.9.0.0/24' }];
    double.state = Object.assign(double.state, elsewhere);
    expect(verdicts(await eksChecks({ privateClusters: [placement] }))['private-prod']?.[1]).toMatch(
      /not in the cluster's VPC/,
    );
  });

  it('names a cluster that does not exist, and warns when DescribeCluster is denied', async () => {
    expect(verdicts(await eksChecks({ clusters: ['nope'] })).nope).toEqual([
      'fail',
      expect.stringMatching(/no such EKS cluster/),
      expect.any(String),
    ]);
    double.deny.add('eks:DescribeCluster');
    const [denied] = await eksChecks({ clusters: ['prod-eu'] });
    expect(denied).toMatchObject({
      status: 'warn',
      saw: expect.stringMatching(/eks:DescribeCluster was denied/),
    });
  });

  it('with "all", lists the clusters and checks each, saying the access entries are made by hand', async () => {
    const by = verdicts(await eksChecks({ clusters: 'all' }));
    expect(Object.keys(by).sort()).toEqual(['office-only', 'old', 'private-prod', 'prod-eu']);
    expect(by['prod-eu']?.[1]).toMatch(/create its access entry .* yourself/);
    expect(double.calls).toContain(`eks:ListClusters@${REGION}`);
  });

  it('reads each region’s own clusters, from its override, in that region only, and names the override in its fixes', async () => {
    const US = 'us-east-1';
    const two = healthy();
    two.regions = [REGION, US];
    two.bootstrap = { [REGION]: '30', [US]: '30' };
    // `prod-eu` exists in eu-west-1 only: asked for in us-east-1, it is no cluster there.
    two.eksClusters = [
      ...(two.eksClusters ?? []),
      cluster('prod-us', {}, {}, US),
      cluster('office-us', {}, { publicAccessCidrs: ['203.0.113.0/24'] }, US),
    ];
    double.state = Object.assign(double.state, two);
    const checks = await eksChecks(
      { clusters: 'all' },
      {
        regions: [REGION, US],
        regionOverrides: {
          [US]: { workloadWatch: { eks: { clusters: ['prod-us', 'office-us', 'prod-eu'] } } },
        },
      },
    );
    const inRegion = (region: string) =>
      verdicts(checks.filter((c) => (c.details as { region?: string } | undefined)?.region === region));
    // eu-west-1 inherits "all": the four clusters listed there.
    expect(Object.keys(inRegion(REGION)).sort()).toEqual(['office-only', 'old', 'private-prod', 'prod-eu']);
    const us = inRegion(US);
    expect(Object.keys(us).sort()).toEqual(['office-us', 'prod-eu', 'prod-us']);
    expect(us['prod-us']?.slice(0, 2)).toEqual([
      'pass',
      expect.stringMatching(/public endpoint; the stack creates its access entry/),
    ]);
    expect(us['prod-eu']).toEqual([
      'fail',
      `prod-eu: no such EKS cluster in ${US}`,
      `check the name and the region in regionOverrides.${US}.workloadWatch.eks`,
    ]);
    expect(us['office-us']?.[2]).toMatch(
      new RegExp(`^move office-us to regionOverrides\\.${US}\\.workloadWatch\\.eks\\.privateClusters `),
    );
    expect(double.calls).toContain(`eks:ListClusters@${REGION}`);
    expect(double.calls).not.toContain(`eks:ListClusters@${US}`);
    expect(
      double.calls.filter((c) => c.startsWith('eks:DescribeCluster') && c.endsWith(`@${US}`)),
    ).toHaveLength(3);
  });

  it('asks nothing of EKS when the EKS watch is off', async () => {
    expect(await eksChecks({})).toEqual([]);
    expect(double.calls.filter((c) => c.startsWith('eks:'))).toEqual([]);
  });
});
