// The EKS part of the workload watch as synthesized: one scheduled function (and one per private cluster, in its
// subnets) on one role, that role's access entry with the view policy at cluster scope in each named cluster, the
// least privilege it gets, what its create APIs require, and what the configuration refuses.
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { EKS_WATCH_ENV, type EksWatchCodeData } from '../../lambda/engine/model/eks-contract.ts';
import { missingRequired, type TemplateJson } from '../support/api-required.ts';
import { canaryTemplate, functionCodeData, resolveJoins, resourcesOfType } from './helpers.ts';

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

  it('refuses named clusters with several regions (a name and its subnets belong to one region)', () => {
    const result = validateConfig({
      regions: [REGION, 'us-east-1'],
      workloadWatch: { eks: { clusters: ['prod-eu'] } },
    } as CanaryConfigFile);
    expect(result.problems.join('\n')).toMatch(/only \{ "clusters": "all" \}/);
    expect(
      validateConfig({ regions: [REGION, 'us-east-1'], workloadWatch: { eks: { clusters: 'all' } } })
        .problems,
    ).toEqual([]);
  });
});
