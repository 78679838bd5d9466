import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { METRIC } from '../../lambda/engine/model/contract.ts';
import { evaluate, type PolicyStatement } from '../../lambda/engine/model/iam-policy.ts';
import { TEMPLATE_LIMITS } from '../../lambda/engine/model/limits.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../../lambda/engine/model/seed-contract.ts';
import { assetBucketName } from '../../lib/organization/naming.ts';
import { buildOrganizationApp, type OrganizationAppStacks } from '../../lib/organization/organization-app.ts';
import { LINK_LABEL_TEMPLATE, linkMetricFilter } from '../../lib/organization/organization-stack.ts';

const EXAMPLE_PATH = fileURLToPath(new URL('../fixtures/organization-linked.config.json', import.meta.url));
const EXAMPLE = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as CanaryConfigFile;
const ORG = EXAMPLE.organization as NonNullable<CanaryConfigFile['organization']>;
const MANAGEMENT = EXAMPLE.account as string;
const EXPLICIT = ['333333333333', '444444444444'];

/** The linked-sinks fixture with the most a member template can hold: 20 targets of every form, explicit accounts. */
const TWENTY_TARGETS: CanaryConfigFile = {
  ...EXAMPLE,
  targets: Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? { image: `team/service-${i}:release-${i}`, platforms: ['linux/amd64', 'linux/arm64'] }
      : {
          image: `555555555555.dkr.ecr.eu-west-1.amazonaws.com/shared/image-number-${i}:v${i}`,
          assumeRoleArn: `arn:aws:iam::555555555555:role/pull-role-${i}`,
        },
  ),
  organization: { ...ORG, accounts: EXPLICIT, accountFilter: 'INTERSECTION' },
};

type Resource = { Type: string; Properties: Record<string, unknown>; Condition?: string };
type Json = {
  Resources: Record<string, Resource>;
  Parameters?: object;
  Rules?: object;
  Mappings?: object;
  Conditions?: Record<string, unknown>;
};

let app: App;
let stacks: OrganizationAppStacks;
let member: Json;
let memberText: string;
let stackSet: Record<string, unknown>;

beforeAll(() => {
  const { config, problems } = validateConfig(TWENTY_TARGETS);
  if (!config?.organization) throw new Error(problems.join('\n'));
  // Bundling skipped: the member's assets are the function entry directories, staged as they are.
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stacks = buildOrganizationApp(app, { ...config, organization: config.organization });
  const assembly = app.synth();
  memberText = readFileSync(join(assembly.directory, stacks.organization.member.templateFile), 'utf8');
  member = JSON.parse(memberText) as Json;
  const resources = Template.fromStack(stacks.organization).findResources('AWS::CloudFormation::StackSet');
  stackSet = (Object.values(resources)[0] as Resource).Properties;
});

const ofType = (template: Json, type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

describe('the StackSet in the management account', () => {
  it('is service-managed, follows the OUs, and deletes the stacks of accounts that leave', () => {
    expect(stackSet.PermissionModel).toBe('SERVICE_MANAGED');
    expect(stackSet.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
    expect(stackSet.CallAs).toBe('DELEGATED_ADMIN');
  });

  it('targets the three OUs, narrowed to the explicit accounts, in the four regions', () => {
    expect(stackSet.StackInstancesGroup).toEqual([
      {
        DeploymentTargets: {
          OrganizationalUnitIds: ORG.organizationalUnits,
          Accounts: EXPLICIT,
          AccountFilterType: 'INTERSECTION',
        },
        Regions: EXAMPLE.regions,
      },
    ]);
  });

  it('rolls out at the configured concurrency and tolerance, regions in parallel', () => {
    expect(stackSet.OperationPreferences).toEqual({
      MaxConcurrentPercentage: 25,
      FailureToleranceCount: 1,
      RegionConcurrencyType: 'PARALLEL',
      RegionOrder: EXAMPLE.regions,
      ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    });
  });

  it('acknowledges IAM for the member roles, and names only the capabilities the member needs', () => {
    const roles = ofType(member, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    const named = roles.some((role) => role.Properties.RoleName !== undefined);
    expect(stackSet.Capabilities).toEqual(
      named ? ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] : ['CAPABILITY_IAM'],
    );
  });

  it('reads the member template by URL from the management account’s own asset bucket', () => {
    expect(JSON.stringify(stackSet.TemplateURL)).toContain(`assets-${MANAGEMENT}-${EXAMPLE.regions?.[0]}`);
    expect(stackSet.TemplateBody).toBeUndefined();
  });

  it('is deployed after every region’s code bucket', () => {
    const dependencies = stacks.organization.dependencies.map((stack) => stack.stackName).sort();
    expect(dependencies).toEqual(stacks.assets.map((stack) => stack.stackName).sort());
  });
});

describe('the member template', () => {
  it('is the per-region canary: function, schedule, alarms, topic, state table, seeded image', () => {
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::Scheduler::Schedule',
      'AWS::CloudWatch::Alarm',
      'AWS::SNS::Topic',
      'AWS::DynamoDB::Table',
      'AWS::ECR::Repository',
    ]) {
      expect(ofType(member, type).length, type).toBeGreaterThan(0);
    }
    expect(memberText).toContain(KNOWN_GOOD_TARGET_NAME);
  });

  it('references no account-local CDK bootstrap resource: no bootstrap bucket, role, parameter or rule', () => {
    expect(memberText).not.toMatch(/hnb659fds|cdk-bootstrap|BootstrapVersion|AssetParameters/);
    expect(member.Parameters).toBeUndefined();
    expect(member.Rules).toBeUndefined();
  });

  it('reads every function’s code from the management account’s bucket of the member’s own region', () => {
    const codes = ofType(member, 'AWS::Lambda::Function').map(
      (fn) => fn.Properties.Code as { S3Bucket: unknown; S3Key: string },
    );
    const bucket = {
      'Fn::Join': [
        '',
        [`${assetBucketName(EXAMPLE.name as string, MANAGEMENT, '')}`, { Ref: 'AWS::Region' }],
      ],
    };
    for (const code of codes) expect(code.S3Bucket).toEqual(bucket);
    // Every key is one the code stacks publish, in every region, under the same key.
    for (const assets of stacks.assets) {
      const deployment = ofType(
        Template.fromStack(assets).toJSON() as Json,
        'Custom::CDKBucketDeployment',
      )[0] as Resource;
      expect(deployment.Properties.Extract).toBe(false);
      for (const code of codes) expect(deployment.Properties.SourceObjectKeys).toContain(code.S3Key);
    }
  });

  it('links to its region’s sink, sharing only the canary namespace’s metrics', () => {
    const [link] = ofType(member, 'AWS::Oam::Link');
    expect(link?.Properties).toMatchObject({
      ResourceTypes: ['AWS::CloudWatch::Metric'],
      SinkIdentifier: { 'Fn::FindInMap': ['Sinks', { Ref: 'AWS::Region' }, 'Arn'] },
      LinkConfiguration: { MetricConfiguration: { Filter: linkMetricFilter('EcrPullCanary') } },
    });
    expect(linkMetricFilter('EcrPullCanary')).toBe("Namespace IN ('EcrPullCanary')");
    expect(member.Mappings).toEqual({
      Sinks: Object.fromEntries(
        Object.entries(ORG.sinkArns ?? {}).map(([region, arn]) => [region, { Arn: arn }]),
      ),
    });
  });

  // OAM CreateLink: LabelTemplate "Required: Yes" (https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html),
  // although the CloudFormation schema says "Required: No": without it every stack instance fails with "Invalid
  // request provided: Missing LabelTemplate" (aws/aws-cdk#35367).
  it('names the link with a label template, as CreateLink requires', () => {
    const [link] = ofType(member, 'AWS::Oam::Link');
    expect(link?.Properties.LabelTemplate).toBe(LINK_LABEL_TEMPLATE);
    expect(LINK_LABEL_TEMPLATE).toMatch(/^.{1,64}$/);
  });

  // The monitoring account inside a targeted OU gets a stack instance like any member; its link would point at a
  // sink of its own account. Which accounts an OU holds is known only at deploy time, so the template decides,
  // by CloudFormation's condition functions (Fn::Not, Fn::Equals on the AWS::AccountId pseudo parameter,
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html):
  // a resource whose condition is false is not created.
  it('creates the link in every member but the monitoring account', () => {
    const [link] = ofType(member, 'AWS::Oam::Link');
    const created = (account: string) =>
      link?.Condition === undefined ||
      evaluateCondition(member.Conditions?.[link.Condition], { 'AWS::AccountId': account });
    expect(created(EXPLICIT[0] as string)).toBe(true);
    expect(created(ORG.monitoringAccount as string)).toBe(false);
  });

  it('stays under CloudFormation’s template size limits with 20 targets', () => {
    // The StackSet reads the template by TemplateURL (1 MB); an inline TemplateBody (51,200 bytes) would not hold
    // even one target's template, which is why the template is an asset (CloudFormation quotas,
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
    const bytes = Buffer.byteLength(memberText);
    expect(stackSet.TemplateURL).toBeDefined();
    expect(bytes, `member template with 20 targets: ${bytes} bytes`).toBeLessThan(TEMPLATE_LIMITS.urlBytes);
    expect(bytes).toBeGreaterThan(TEMPLATE_LIMITS.bodyBytes);
  });
});

describe('the code buckets', () => {
  const bucketPolicy = (index: number) => {
    const template = Template.fromStack(
      stacks.assets[index] as NonNullable<OrganizationAppStacks['assets'][0]>,
    );
    const json = template.toJSON() as Json;
    const [bucketId] = Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket') ?? [];
    const bucket = (json.Resources[bucketId as string] as Resource).Properties.BucketName as string;
    const policy = ofType(json, 'AWS::S3::BucketPolicy')[0] as Resource;
    // Resolve the bucket's own ARN in the statements: the only intrinsic functions CDK puts there.
    const resolved = JSON.parse(
      JSON.stringify((policy.Properties.PolicyDocument as { Statement: unknown }).Statement),
      (_key, value) => {
        if (value?.['Fn::GetAtt']?.[0] === bucketId) return `arn:aws:s3:::${bucket}`;
        if (Array.isArray(value?.['Fn::Join']))
          return (value['Fn::Join'][1] as string[]).join(value['Fn::Join'][0]);
        return value;
      },
    ) as PolicyStatement[];
    return { bucket, statements: resolved };
  };

  it('one per region, named deterministically in the management account', () => {
    expect(stacks.assets.map((stack) => bucketPolicy(stacks.assets.indexOf(stack)).bucket)).toEqual(
      (EXAMPLE.regions ?? []).map((region) => assetBucketName(EXAMPLE.name as string, MANAGEMENT, region)),
    );
  });

  // Lambda's CreateFunction reads S3 code with the caller's credentials, from a bucket in the function's region
  // that "can be in a different AWS account" (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html);
  // in a StackSet the caller is the member account's StackSets execution role
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html).
  it('let any principal of the organization read the code over TLS, and nobody else', () => {
    const { bucket, statements } = bucketPolicy(0);
    const object = `arn:aws:s3:::${bucket}/b22a79f3.zip`;
    const execRole = 'arn:aws:iam::333333333333:role/stacksets-exec-0123456789abcdef';
    const inOrg = { 'aws:PrincipalOrgID': ORG.organizationId, 'aws:SecureTransport': 'true' };
    const read = (principal: string, context: Record<string, string>, action = 's3:GetObject') =>
      evaluate(statements, { principal, action, resource: object, context });
    expect(read(execRole, inOrg)).toBe('allow');
    expect(
      read('arn:aws:iam::999999999999:role/outsider', {
        'aws:PrincipalOrgID': 'o-zzzzzzzzzz',
        'aws:SecureTransport': 'true',
      }),
    ).toBe('implicit-deny');
    expect(read('arn:aws:iam::999999999999:role/no-org', { 'aws:SecureTransport': 'true' })).toBe(
      'implicit-deny',
    );
    expect(read(execRole, { ...inOrg, 'aws:SecureTransport': 'false' })).toBe('explicit-deny');
    expect(read(execRole, inOrg, 's3:PutObject')).toBe('implicit-deny');
    expect(read(execRole, inOrg, 's3:DeleteObject')).toBe('implicit-deny');
  });
});

describe('the monitoring account', () => {
  it('has a sink per region that accepts links from the organization for metrics only', () => {
    expect(stacks.monitoring.map((stack) => stack.region)).toEqual(EXAMPLE.regions);
    for (const stack of stacks.monitoring) {
      expect(stack.account).toBe(ORG.monitoringAccount);
      Template.fromStack(stack).hasResourceProperties('AWS::Oam::Sink', {
        Policy: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: ['oam:CreateLink', 'oam:UpdateLink'],
              Condition: {
                StringEquals: { 'aws:PrincipalOrgID': ORG.organizationId },
                'ForAllValues:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric'] },
              },
            },
          ],
        },
      });
      Template.fromStack(stack).hasOutput('SinkArn', {});
    }
  });

  it('has one dashboard, in the first region, with every region and every explicit account', () => {
    const dashboards = stacks.monitoring.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')),
    );
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(Template.fromStack(stacks.monitoring[0] as never).toJSON());
    for (const region of EXAMPLE.regions ?? []) {
      expect(body).toContain(`${region}: failed probes by account and target`);
    }
    // The metrics the members send every run (Latency) and only on failure (Failures{Target}): no Success.
    expect(body).toContain(`SUM(${METRIC.failures}) FROM SCHEMA`);
    expect(body).toContain(`COUNT(${METRIC.latency}) FROM SCHEMA`);
    expect(body).toContain('1 - FILL(failed_0_0, 0) / runs_0_0');
    expect(body).not.toContain('"Success"');
    for (const account of EXPLICIT) expect(body).toContain(account);
    expect(body).toContain('GROUP BY AWS.AccountId');
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in any stack, the member template included', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.description}`)).toEqual([]);
  });
});

/** CloudFormation's condition functions the member template uses: Fn::Not, Fn::Equals, Fn::And, Fn::Or and Ref. */
function evaluateCondition(expression: unknown, pseudo: Record<string, string>): boolean {
  const value = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const [fn, args] = Object.entries(node)[0] as [string, unknown];
    if (fn === 'Ref') {
      const resolved = pseudo[args as string];
      if (resolved === undefined) throw new Error(`unresolved Ref ${String(args)}`);
      return resolved;
    }
    const list = args as unknown[];
    switch (fn) {
      case 'Fn::Equals':
        return value(list[0]) === value(list[1]);
      case 'Fn::Not':
        return !value(list[0]);
      case 'Fn::And':
        return list.every((item) => value(item) === true);
      case 'Fn::Or':
        return list.some((item) => value(item) === true);
      default:
        throw new Error(`condition function ${fn} not modelled`);
    }
  };
  if (expression === undefined) throw new Error('no such condition');
  return value(expression) === true;
}
