// The EKS part of the workload watch as synthesized: one scheduled function (and one per private cluster, in its
// subnets) on one role, that role's access entry with the view policy at cluster scope in each named cluster, the
// least privilege it gets, what its create APIs require, and what the configuration refuses.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { EKS_WATCH_ENV, type EksWatchCodeData } from '../../lambda/engine/model/eks-contract.ts';
import { missingRequired, type TemplateJson } from '../support/api-required.ts';
import { canaryTemplate, functionCodeData, resolveJoins, resourcesOfType, synthApp } from './helpers.ts';

const REGION = 'eu-west-1';
const PRIVATE = {
  name: 'private-prod',
  subnetIds: ['subnet-0123456789abcdef0'],
  securityGroupIds: ['sg-0123456789abcdef0'],
};
const NAMED: CanaryConfigFile = {
  regions: [REGION],
  workloadWatch: { eks: { clusters: ['prod-eu', 'staging'], privateClusters: [PRIVATE] } },
};

type Props = Record<string, unknown>;
const props = (template: ReturnType<typeof canaryTemplate>, type: string) =>
  Object.values(resourcesOfType(template, type)).map((r) => r.Properties as Props);

describe('workloadWatch.eks with named and private clusters', () => {
  const template = canaryTemplate(NAMED);

  it('gives the one role a STANDARD access entry with AmazonEKSViewPolicy at cluster scope in each cluster', () => {
    const entries = props(template, 'AWS::EKS::AccessEntry');
    expect(entries.map((e) => e.ClusterName).sort()).toEqual(['private-prod', 'prod-eu', 'staging']);
    for (const entry of entries) {
      expect(entry.Type).toBe('STANDARD');
      expect(resolveJoins(entry.AccessPolicies)).toEqual([
        {
          PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
          AccessScope: { Type: 'cluster' },
        },
      ]);
    }
    expect(new Set(entries.map((e) => JSON.stringify(e.PrincipalArn))).size).toBe(1);
    expect(missingRequired(template.toJSON() as TemplateJson)).toEqual([]);
  });

  it('reads the public clusters from one function and the private one from its own function in its subnets, every 5 minutes', () => {
    const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).filter(
      (f) =>
        (f.Properties?.Environment as { Variables?: Props } | undefined)?.Variables?.[EKS_WATCH_ENV.inVpc] !==
        undefined,
    );
    // The cluster names are in each function's code (they outgrow the 4 KB environment), not its environment.
    const byClusters = Object.fromEntries(
      functions.map((f) => {
        const fn = f.Properties as Props;
        const vars = (fn.Environment as { Variables: Props }).Variables;
        const data = functionCodeData(template, f) as EksWatchCodeData;
        return [
          JSON.stringify(data.clusters),
          { vars, exclude: data.exclude, vpc: fn.VpcConfig, role: JSON.stringify(fn.Role) },
        ];
      }),
    );
    expect(Object.keys(byClusters).sort()).toEqual(['["private-prod"]', '["prod-eu","staging"]']);
    expect(byClusters['["prod-eu","staging"]']).toMatchObject({
      vars: { [EKS_WATCH_ENV.inVpc]: 'false' },
      exclude: ['private-prod'],
      vpc: undefined,
    });
    expect(byClusters['["private-prod"]']).toMatchObject({
      vars: { [EKS_WATCH_ENV.inVpc]: 'true' },
      exclude: [],
      vpc: { SubnetIds: PRIVATE.subnetIds, SecurityGroupIds: PRIVATE.securityGroupIds },
    });
    expect(byClusters['["private-prod"]']?.role).toBe(byClusters['["prod-eu","staging"]']?.role);
    const schedules = props(template, 'AWS::Events::Rule').filter(
      (r) => r.ScheduleExpression === 'rate(5 minutes)',
    );
    expect(schedules).toHaveLength(2);
  });

  it('may describe the named clusters only, and never list or write to them', () => {
    const statements = props(template, 'AWS::IAM::Policy').flatMap(
      (p) =>
        (p.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> })
          .Statement,
    );
    const eksStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('eks:')));
    expect(eksStatements.map((s) => [s.Action, resolveJoins(s.Resource)])).toEqual([
      [
        'eks:DescribeCluster',
        ['prod-eu', 'staging', 'private-prod'].map(
          (name) => `arn:aws:eks:${REGION}:111122223333:cluster/${name}`,
        ),
      ],
    ]);
  });
});

describe('workloadWatch.eks "all"', () => {
  const template = canaryTemplate({ regions: [REGION], workloadWatch: { eks: { clusters: 'all' } } });

  it('creates no access entry, lists and describes every cluster, and keeps the ECS part as configured', () => {
    expect(props(template, 'AWS::EKS::AccessEntry')).toEqual([]);
    const actions = props(template, 'AWS::IAM::Policy')
      .flatMap((p) => (p.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement)
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('eks:'));
    expect(actions.sort()).toEqual(['eks:DescribeCluster', 'eks:ListClusters']);
  });
});

// Issue: per-region EKS settings. A cluster name is unique only "within the AWS Region and AWS account"
// (CreateCluster, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html) and an
// AWS::EKS::AccessEntry names its cluster by name in its stack's region
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-accessentry.html), so each
// regional stack must create the entries of its own region's clusters only: the same name in another region is
// another cluster.
describe('regionOverrides.<region>.workloadWatch.eks: each region reads its own clusters', () => {
  const US = 'us-east-1';
  const AP = 'ap-southeast-2';
  const US_PRIVATE = { ...PRIVATE, name: 'private-us', subnetIds: ['subnet-0fedcba9876543210'] };
  const { canaries } = synthApp({
    regions: [REGION, US, AP],
    workloadWatch: { eks: { clusters: 'all' } },
    regionOverrides: {
      [REGION]: { workloadWatch: { eks: NAMED.workloadWatch?.eks } },
      // `prod` in both regions: two clusters, one entry in each region's stack.
      [US]: { workloadWatch: { eks: { clusters: ['prod', 'prod-us'], privateClusters: [US_PRIVATE] } } },
    },
  } as CanaryConfigFile);
  const templates = Object.fromEntries(
    canaries.map((stack) => [stack.region, Template.fromStack(stack)] as const),
  );
  const templateOf = (region: string) => {
    const template = templates[region];
    if (!template) throw new Error(`no stack in ${region}`);
    return template;
  };
  const describable = (region: string) =>
    props(templateOf(region), 'AWS::IAM::Policy')
      .flatMap(
        (p) =>
          (p.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> })
            .Statement,
      )
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('eks:')))
      .map((s) => [s.Action, resolveJoins(s.Resource)]);

  it('creates in each regional stack the access entries of that region’s clusters, and no other', () => {
    const entries = (region: string) =>
      props(templateOf(region), 'AWS::EKS::AccessEntry')
        .map((e) => e.ClusterName)
        .sort();
    expect(entries(REGION)).toEqual(['private-prod', 'prod-eu', 'staging']);
    expect(entries(US)).toEqual(['private-us', 'prod', 'prod-us']);
    // The region without an override reads "all": no entry of anyone's, as the top level says.
    expect(entries(AP)).toEqual([]);
    for (const region of [REGION, US])
      expect(missingRequired(templateOf(region).toJSON() as TemplateJson), region).toEqual([]);
  });

  it('lets each region’s role describe its own clusters, in its own region; the inheriting one lists', () => {
    expect(describable(US)).toEqual([
      [
        'eks:DescribeCluster',
        ['prod', 'prod-us', 'private-us'].map((name) => `arn:aws:eks:${US}:111122223333:cluster/${name}`),
      ],
    ]);
    expect(describable(REGION)).toEqual([
      [
        'eks:DescribeCluster',
        ['prod-eu', 'staging', 'private-prod'].map(
          (name) => `arn:aws:eks:${REGION}:111122223333:cluster/${name}`,
        ),
      ],
    ]);
    expect(
      describable(AP)
        .flatMap(([action]) => [action].flat())
        .sort(),
    ).toEqual(['eks:DescribeCluster', 'eks:ListClusters']);
  });

  it('puts each region’s private cluster in that region’s subnets, in a function of its own', () => {
    const vpcFunctions = (region: string) =>
      props(templateOf(region), 'AWS::Lambda::Function')
        .filter(
          (f) =>
            (f.Environment as { Variables?: Props } | undefined)?.Variables?.[EKS_WATCH_ENV.inVpc] === 'true',
        )
        .map((f) => (f.VpcConfig as { SubnetIds: string[] }).SubnetIds);
    expect(vpcFunctions(REGION)).toEqual([PRIVATE.subnetIds]);
    expect(vpcFunctions(US)).toEqual([US_PRIVATE.subnetIds]);
    expect(vpcFunctions(AP)).toEqual([]);
  });
});

describe('the configuration', () => {
  it('is off by default: no EKS function, role or entry', () => {
    const template = canaryTemplate({ regions: [REGION] });
    expect(props(template, 'AWS::EKS::AccessEntry')).toEqual([]);
    expect(
      props(template, 'AWS::Lambda::Function').filter(
        (f) => (f.Environment as { Variables?: Props } | undefined)?.Variables?.[EKS_WATCH_ENV.inVpc],
      ),
    ).toEqual([]);
  });

  it.each([
    [{ clusters: 'some' }, /workloadWatch\.eks\.clusters.*"some".*allowed: "all" \(every cluster/],
    [{ clusters: ['bad name'] }, /workloadWatch\.eks\.clusters\[0\].*allowed: an EKS cluster name/],
    [{ clusters: ['a'], privateClusters: [{ ...PRIVATE, name: 'a' }] }, /each cluster once/],
    [{ privateClusters: [{ name: 'p', subnetIds: [] }] }, /privateClusters\[0\]\.subnetIds/],
  ])('names the field, the value and what is allowed: %j', (eks, message) => {
    const result = validateConfig({
      regions: [REGION],
      workloadWatch: { eks },
    } as unknown as CanaryConfigFile);
    expect(result.problems.join('\n')).toMatch(message);
  });

  it.each([
    ['named', { clusters: ['prod-eu'] }],
    ['private', { privateClusters: [PRIVATE] }],
  ])(
    'refuses %s clusters at the top level with several regions, naming the override as the fix',
    (_, eks) => {
      const problems = validateConfig({
        regions: [REGION, 'us-east-1'],
        workloadWatch: { eks },
      } as CanaryConfigFile).problems;
      // The value is shortened in the message when long (a private cluster); the rest is whole.
      expect(problems).toHaveLength(1);
      expect(problems[0]?.startsWith(`workloadWatch.eks: got ${JSON.stringify(eks).slice(0, 40)}`)).toBe(
        true,
      );
      expect(problems[0]).toContain(
        `; allowed: with several regions, only { "clusters": "all" } at the top level (a cluster's name and subnets belong to one region, and every region's stack would create its access entry); name each region's clusters in regionOverrides.<region>.workloadWatch.eks, e.g. regionOverrides.${REGION}.workloadWatch.eks`,
      );
      expect(problems[0]?.endsWith('regionOverrides.eu-west-1.workloadWatch.eks')).toBe(true);
    },
  );

  it('refuses them at the top level even when every region overrides them: one place per region', () => {
    expect(
      validateConfig({
        regions: [REGION, 'us-east-1'],
        workloadWatch: { eks: { clusters: ['prod-eu'] } },
        regionOverrides: {
          [REGION]: { workloadWatch: { eks: { clusters: ['prod-eu'] } } },
          'us-east-1': { workloadWatch: { eks: { clusters: 'all' } } },
        },
      } as CanaryConfigFile).problems,
    ).toEqual([
      expect.stringMatching(/^workloadWatch\.eks: got .*name each region's clusters in regionOverrides/),
    ]);
  });

  it('accepts "all" at the top level with several regions, and named clusters per region, the same name in two', () => {
    expect(
      validateConfig({ regions: [REGION, 'us-east-1'], workloadWatch: { eks: { clusters: 'all' } } })
        .problems,
    ).toEqual([]);
    const { config, problems } = validateConfig({
      regions: [REGION, 'us-east-1', 'eu-central-1'],
      regionOverrides: {
        [REGION]: { workloadWatch: { eks: { clusters: ['prod'], privateClusters: [PRIVATE] } } },
        'us-east-1': { workloadWatch: { eks: { clusters: ['prod'] } } },
      },
    } as CanaryConfigFile);
    expect(problems).toEqual([]);
    expect(config?.regions.map((r) => [r.region, r.eks])).toEqual([
      [REGION, { clusters: ['prod'], privateClusters: [PRIVATE] }],
      ['us-east-1', { clusters: ['prod'], privateClusters: [] }],
      ['eu-central-1', { clusters: [], privateClusters: [] }],
    ]);
  });

  it('an override with {} turns the EKS watch off in its region, "all" at the top level notwithstanding', () => {
    const { config } = validateConfig({
      regions: [REGION, 'us-east-1'],
      workloadWatch: { eks: { clusters: 'all' } },
      regionOverrides: { 'us-east-1': { workloadWatch: { eks: {} } } },
    });
    expect(config?.regions.map((r) => r.eks.clusters)).toEqual(['all', []]);
  });

  it.each([
    [
      'a bad cluster name, under the override’s own path',
      { clusters: ['bad name'] },
      /^regionOverrides\.us-east-1\.workloadWatch\.eks\.clusters\[0\]: got "bad name"; allowed: an EKS cluster name/,
    ],
    [
      'a cluster twice in one region',
      { clusters: ['a'], privateClusters: [{ ...PRIVATE, name: 'a' }] },
      /^regionOverrides\.us-east-1\.workloadWatch\.eks: got "a"; allowed: each cluster once, in clusters or in privateClusters$/,
    ],
    [
      'more clusters than a region’s stack holds',
      { clusters: Array.from({ length: 101 }, (_, i) => `c${i}`) },
      /^regionOverrides\.us-east-1\.workloadWatch\.eks\.clusters: got .*allowed: .*at most 100 EKS cluster names/,
    ],
  ])('refuses in an override %s, naming the field, the value and what is allowed', (_, eks, message) => {
    const problems = validateConfig({
      regions: [REGION, 'us-east-1'],
      regionOverrides: { 'us-east-1': { workloadWatch: { eks } } },
    } as unknown as CanaryConfigFile).problems;
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it('refuses the parts of the workload watch that every region shares in an override', () => {
    expect(
      validateConfig({
        regions: [REGION, 'us-east-1'],
        regionOverrides: { 'us-east-1': { workloadWatch: { ecsTasks: false } } },
      } as unknown as CanaryConfigFile).problems,
    ).toEqual([
      'regionOverrides.us-east-1.workloadWatch.ecsTasks: got false; unknown key; allowed keys: eks',
    ]);
  });

  it('refuses an override for a region not in regions, as every override', () => {
    expect(
      validateConfig({
        regions: [REGION, 'us-east-1'],
        regionOverrides: { 'us-west-2': { workloadWatch: { eks: { clusters: ['prod'] } } } },
      } as CanaryConfigFile).problems,
    ).toEqual([
      'regionOverrides.us-west-2: got {"workloadWatch":{"eks":{"clusters":["prod"]}}}; allowed: only regions listed in "regions" (eu-west-1, us-east-1); us-west-2 is not in regions: add it to regions or remove the override',
    ]);
  });

  it('with organization, refuses the override (one template serves every region) and named clusters at the top level', () => {
    const org = {
      account: '111122223333',
      regions: [REGION],
      organization: { organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-cdef3456'] },
    };
    const overridden = validateConfig({
      ...org,
      regionOverrides: { [REGION]: { workloadWatch: { eks: { clusters: ['prod'] } } } },
    } as CanaryConfigFile).problems;
    expect(overridden).toEqual([
      'regionOverrides: got {"eu-west-1":{"workloadWatch":{"eks":{"clusters":["prod"]}}}}; allowed: nothing with organization (one template serves every region)',
    ]);
    const named = validateConfig({
      ...org,
      workloadWatch: { eks: { clusters: ['prod'] } },
    } as CanaryConfigFile).problems;
    expect(named).toEqual([
      `workloadWatch.eks: got {"clusters":["prod"]}; allowed: with organization, only { "clusters": "all" } (each cluster's access entry then made in its account); named and private clusters belong to one account, and organization takes no regionOverrides`,
    ]);
    expect(
      validateConfig({ ...org, workloadWatch: { eks: { clusters: 'all' } } } as CanaryConfigFile).problems,
    ).toEqual([]);
  });
});
