import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import { MIN_BOOTSTRAP_VERSION, type PreflightCheckId } from '../lambda/commands/preflight/check.ts';
import { runPreflightCommand } from '../lambda/commands/preflight/cli.ts';
import { USER_CONFIG_FILE } from '../lambda/engine/config/locate.ts';
import { cliBundle, runCliProcess } from './support/cli-process.ts';
import { FEW_SCAN_REGIONS, useCommandDouble } from './support/command-double.ts';
import type { PreflightDouble, PreflightState } from './support/preflight-double.ts';

/**
 * Issue 17, `preflight`: the command end to end in process (its real SDK clients, over HTTP, signed) against the
 * preflight double on loopback, for one healthy configuration and one broken thing at a time; and once as the
 * shipped bundle in its own process, for its exit status and its output's secrets. moto is not installable here
 * (no PyPI), so the double stands in for AWS (test/support/preflight-double.ts).
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DEPLOYER = {
  accessKeyId: 'AKIAPREFLIGHTDEPLOY1',
  secretAccessKey: 'preflight-deployer-secret-000000000000000',
};
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:team-pager`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];
const GROUP = 'sg-0123456789abcdef0';
const ENDPOINT_GROUP = 'sg-0eeeeeeeeeeeeeeee';
const VPC = 'vpc-0aaaaaaaaaaaaaaaa';
const ORG = 'o-a1b2c3d4e5';
const LAYER_BUCKET_ONLY = {
  // The policy ECR's VPC endpoint guide recommends for the S3 gateway endpoint.
  Statement: [
    {
      Sid: 'Access-to-specific-bucket-only',
      Principal: '*',
      Action: ['s3:GetObject'],
      Effect: 'Allow',
      Resource: [`arn:aws:s3:::prod-${REGION}-starport-layer-bucket/*`],
    },
  ],
};
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'AllowCloudWatchAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    },
  ],
};

/** The account as a healthy deploy needs it. */
function healthy(): PreflightState {
  return {
    account: ACCOUNT,
    // us-east-1: the organization trail's home, which answers for its selectors.
    regions: [REGION, 'us-east-1'],
    bootstrap: { [REGION]: '30' },
    subnets: SUBNETS.map((id, i) => ({ region: REGION, id, vpcId: VPC, cidr: `10.0.${i}.0/24` })),
    securityGroups: [
      { region: REGION, id: GROUP, vpcId: VPC, httpsOut: true },
      { region: REGION, id: ENDPOINT_GROUP, vpcId: VPC, httpsOut: true, httpsIn: { groups: [GROUP] } },
    ],
    routeTables: [
      { region: REGION, id: 'rtb-0aaaaaaaaaaaaaaaa', vpcId: VPC, main: true, subnetIds: SUBNETS },
    ],
    vpcEndpoints: [
      ...['ecr.api', 'ecr.dkr', 'sts', 'monitoring', 'sns'].map((service, i) => ({
        region: REGION,
        id: `vpce-0000000000000000${i}`,
        vpcId: VPC,
        service,
        type: 'Interface' as const,
        groups: [ENDPOINT_GROUP],
      })),
      ...['s3', 'dynamodb'].map((service, i) => ({
        region: REGION,
        id: `vpce-1000000000000000${i}`,
        vpcId: VPC,
        service,
        type: 'Gateway' as const,
        routeTableIds: ['rtb-0aaaaaaaaaaaaaaaa'],
      })),
    ],
    topics: [
      {
        arn: TOPIC,
        kmsMasterKeyId: 'alias/team-pager',
        subscriptions: [{ protocol: 'email', endpoint: 'team@example.com' }],
      },
    ],
    keys: [{ arn: KEY, aliases: ['alias/team-pager'], manager: 'CUSTOMER', policy: KEY_POLICY }],
    trails: [
      {
        name: 'org-trail',
        homeRegion: 'us-east-1',
        multiRegion: true,
        logging: true,
        eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      },
    ],
    sinks: [],
  };
}

/** Subscriptions to an existing topic are opt-in (issue 17, item 4): the configuration here opts in. */
const SUBSCRIBE_EXISTING = { subscribeExistingTopic: true };

const CONFIG = {
  account: ACCOUNT,
  regions: [REGION],
  vpc: { subnetIds: SUBNETS, securityGroupIds: [GROUP] },
  notifications: {
    topicArn: TOPIC,
    topicKmsKeyArn: KEY,
    ...SUBSCRIBE_EXISTING,
    emails: ['oncall@example.com'],
  },
  workloadWatch: { ecrApiCalls: true },
};

const ORG_CONFIG = {
  account: ACCOUNT,
  regions: [REGION],
  organization: {
    organizationId: ORG,
    organizationalUnits: ['ou-ab12-prod0001'],
    callAs: 'DELEGATED_ADMIN',
  },
};

let dir: string;
let double: PreflightDouble;

const hostEnv = useCommandDouble(
  'preflight-',
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

function configFile(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

async function preflight(
  config: unknown,
  extra: string[] = [],
): Promise<{ code: number; report: ChecksReport<PreflightCheckId>; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runPreflightCommand(
    ['-c', `config=${configFile('preflight.config.json', config)}`, '--json', ...extra],
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env },
    { cwd: dir, scanRegions: FEW_SCAN_REGIONS },
  );
  return { code, report: stdout ? JSON.parse(stdout) : null, stderr };
}

const only = (report: ChecksReport<PreflightCheckId>, id: PreflightCheckId) => {
  const found = report.checks.filter((c) => c.id === id);
  expect(found, `one ${id} check in ${JSON.stringify(report.checks.map((c) => c.id))}`).toHaveLength(1);
  return found[0] as ChecksReport<PreflightCheckId>['checks'][number];
};

describe('ecr-pull-canary preflight, in process against the double', () => {
  it('passes a healthy single-account configuration, having asked every service it checks', async () => {
    const { code, report } = await preflight(CONFIG);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
    expect(report.checks.map((c) => c.id).sort()).toEqual(
      [
        'account',
        'bootstrap',
        'credentials',
        'dashboard',
        'network',
        'subnets',
        'topic',
        'topic-key',
        'trail',
      ].sort(),
    );
    expect(only(report, 'bootstrap').details).toMatchObject({ version: 30, qualifier: 'hnb659fds' });
    for (const service of ['sts', 'ssm', 'ec2', 'sns', 'kms', 'cloudtrail', 'cloudformation']) {
      expect(double.calls.some((c) => c.startsWith(`${service}:`))).toBe(true);
    }
    // The multi-region trail answers for its selectors in its home region only.
    expect(double.calls).toContain('cloudtrail:GetEventSelectors@us-east-1');
    // Read-only: nothing but Describe, Get and List.
    expect(double.calls.filter((c) => !/:(Describe|Get|List)/.test(c))).toEqual([]);
  });

  it("passes a VPC whose S3 endpoint policy is ECR's recommended one: the layer bucket only (the first run is answered from outside the VPC)", async () => {
    const s3 = double.state.vpcEndpoints.find((e) => e.service === 's3');
    if (s3) s3.policy = LAYER_BUCKET_ONLY;
    const { report } = await preflight(CONFIG);
    const network = only(report, 'network');
    expect(network.status).toBe('pass');
    // Neither bucket is reported: the layer bucket is allowed, and CloudFormation's response bucket is not needed.
    expect(network.saw).not.toContain('starport-layer-bucket');
    expect(network.saw).not.toContain('cloudformation-custom-resource-response');
  });

  it('fails a VPC whose S3 endpoint policy lets no layer through, and one whose subnets have no path at all', async () => {
    const s3 = double.state.vpcEndpoints.find((e) => e.service === 's3');
    if (s3)
      s3.policy = {
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::my-bucket/*' },
        ],
      };
    let network = only((await preflight(CONFIG)).report, 'network');
    expect(network.status).toBe('fail');
    expect(network.saw).toContain(`s3:GetObject on prod-${REGION}-starport-layer-bucket`);

    // No endpoints, and a default route to an internet gateway only: a function in a VPC has no public IP.
    double.state.vpcEndpoints = [];
    const [table] = double.state.routeTables;
    if (table) table.defaultRoute = { gatewayId: 'igw-0aaaaaaaaaaaaaaaa' };
    network = only((await preflight(CONFIG)).report, 'network');
    expect(network.status).toBe('fail');
    expect(network.saw).toContain('igw-0aaaaaaaaaaaaaaaa');
    expect(network.saw).toContain('ecr.api, ecr.dkr, s3, sts, monitoring, sns, dynamodb');

    // A NAT gateway is a path to everything.
    if (table) table.defaultRoute = { natGatewayId: 'nat-0aaaaaaaaaaaaaaaa' };
    network = only((await preflight(CONFIG)).report, 'network');
    expect(network.status).toBe('pass');
  });

  it("fails interface endpoints whose security group does not let the function's HTTPS in", async () => {
    // As an endpoint created with the VPC's default security group: it admits its own members only.
    const endpointGroup = double.state.securityGroups.find((g) => g.id === ENDPOINT_GROUP);
    if (endpointGroup) endpointGroup.httpsIn = { groups: [ENDPOINT_GROUP] };
    let network = only((await preflight(CONFIG)).report, 'network');
    expect(network.status).toBe('fail');
    expect(network.saw).toBe(
      `the security groups ${ENDPOINT_GROUP} of vpce-00000000000000000 (ecr.api), vpce-00000000000000001 (ecr.dkr), vpce-00000000000000002 (sts), vpce-00000000000000003 (monitoring), vpce-00000000000000004 (sns) admit no HTTPS from ${GROUP} or ${SUBNETS[0]} (10.0.0.0/24), ${SUBNETS[1]} (10.0.1.0/24)`,
    );
    expect(network.fix).toBe(`add an inbound rule for TCP 443 from ${GROUP} to ${ENDPOINT_GROUP}`);
    // The VPC's range holds both subnets: admitted.
    if (endpointGroup) endpointGroup.httpsIn = { cidrs: ['10.0.0.0/16'] };
    network = only((await preflight(CONFIG)).report, 'network');
    expect(network.status).toBe('pass');
    // One subnet's range only: the other subnet is not admitted.
    if (endpointGroup) endpointGroup.httpsIn = { cidrs: ['10.0.0.0/24'] };
    network = only((await preflight(CONFIG)).report, 'network');
    expect(network.status).toBe('fail');
    expect(network.saw).toContain(`${SUBNETS[1]} (10.0.1.0/24)`);
    expect(network.saw).not.toContain(`${SUBNETS[0]} (10.0.0.0/24)`);
  });

  it('fails a region without the CDK bootstrap, with the bootstrap command', async () => {
    double.state.bootstrap = {};
    const { code, report } = await preflight(CONFIG);
    const bootstrap = only(report, 'bootstrap');
    expect(bootstrap.status).toBe('fail');
    expect(bootstrap.saw).toContain('/cdk-bootstrap/hnb659fds/version');
    expect(bootstrap.fix).toBe(`npx cdk bootstrap aws://${ACCOUNT}/${REGION}`);
    expect(code).toBe(1);
    // A custom qualifier (cdk.json's context) is the parameter asked for, and in the command.
    writeFileSync(
      join(dir, 'cdk.json'),
      JSON.stringify({ context: { '@aws-cdk/core:bootstrapQualifier': 'team42' } }),
    );
    try {
      double.state.qualifier = 'team42';
      double.state.bootstrap = { [REGION]: '5' };
      const old = only((await preflight(CONFIG)).report, 'bootstrap');
      expect(old.saw).toContain('bootstrap version 5');
      expect(old.fix).toContain('--qualifier team42');
    } finally {
      rmSync(join(dir, 'cdk.json'));
      delete double.state.qualifier;
    }
  });

  it('fails a subnet that does not exist in the region, naming it, and does not judge paths from it', async () => {
    double.state.subnets = double.state.subnets.filter((s) => s.id !== SUBNETS[1]);
    const { code, report } = await preflight(CONFIG);
    const subnets = only(report, 'subnets');
    expect(subnets.status).toBe('fail');
    expect(subnets.saw).toBe(`${SUBNETS[1]} does not exist in account ${ACCOUNT}, region ${REGION}`);
    expect(only(report, 'network').status).toBe('skip');
    expect(code).toBe(1);
  });

  it('gives a verdict, not a hang, when an endpoint never answers: EC2 here, with a 300 ms deadline', async () => {
    double.hang.add('ec2');
    const { code, report } = await preflight(CONFIG, ['--timeout', '300']);
    const subnets = only(report, 'subnets');
    expect(subnets.status).toBe('fail');
    expect(subnets.saw).toMatch(
      /^ec2:Describe(Subnets|SecurityGroups) in eu-west-1: no answer within 300 ms$/,
    );
    // The other services still answered.
    expect(only(report, 'bootstrap').status).toBe('pass');
    expect(code).toBe(1);
  });

  it('says to check the path, not the credentials, when STS cannot be reached (refused here; DNS and TLS alike)', async () => {
    // A port that was just free and is closed again: the connection is refused, at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
    const { code, report } = await preflight(CONFIG);
    const credentials = only(report, 'credentials');
    expect(credentials.status).toBe('fail');
    expect(credentials.saw).toMatch(/^sts:GetCallerIdentity: .*ECONNREFUSED/);
    expect(credentials.fix).toMatch(/^check the path to the AWS endpoint from here \(DNS, proxy/);
    expect(code).toBe(1);
  });

  it('fails an existing topic whose key policy does not let CloudWatch use the key, or whose key the configuration does not name', async () => {
    const [key] = double.state.keys;
    if (key) key.policy = { Statement: [KEY_POLICY.Statement[0]] };
    let topicKey = only((await preflight(CONFIG)).report, 'topic-key');
    expect(topicKey.status).toBe('fail');
    expect(topicKey.saw).toContain('does not let cloudwatch.amazonaws.com use it');
    expect(topicKey.saw).not.toContain('delegate');

    // A key policy for CloudWatch alone: the function's role, granted by IAM, is not admitted.
    if (key) key.policy = { Statement: [KEY_POLICY.Statement[1]] };
    topicKey = only((await preflight(CONFIG)).report, 'topic-key');
    expect(topicKey.saw).toContain(`does not delegate to IAM in account ${ACCOUNT}`);

    if (key) key.policy = KEY_POLICY;
    const { topicKmsKeyArn: _, ...withoutKey } = CONFIG.notifications;
    topicKey = only((await preflight({ ...CONFIG, notifications: withoutKey })).report, 'topic-key');
    expect(topicKey.status).toBe('fail');
    expect(topicKey.fix).toBe(`set notifications.topicKmsKeyArn to ${KEY}`);
  });

  // In China the policies the account holds name aws-cn ARNs (the layer bucket, the account root); judged with
  // arn:aws: ones, a healthy account would fail (https://docs.amazonaws.cn/en_us/general/latest/gr/aws-arns-and-namespaces.html).
  it("judges the policies of a China region with that partition's ARNs", async () => {
    const china = 'cn-north-1';
    const inChina = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replaceAll(REGION, china).replaceAll('arn:aws:', 'arn:aws-cn:')) as T;
    double.state = Object.assign(double.state, inChina(healthy()));
    const s3 = double.state.vpcEndpoints.find((e) => e.service === 's3');
    if (s3) s3.policy = inChina(LAYER_BUCKET_ONLY);
    const { report } = await preflight(inChina({ ...CONFIG, workloadWatch: { ecrApiCalls: false } }));
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(only(report, 'network').where).toBe(`${ACCOUNT}/${china}`);
    expect(only(report, 'topic-key').status).toBe('pass');
  });

  // The statement lib/alarm-topic.ts recommends for CloudWatch (alarmPublisherConditions): this canary's alarms of
  // this account only. CloudWatch calls KMS with its alarm's ARN as aws:SourceArn.
  it("passes a key policy that admits CloudWatch for this canary's alarms only, and fails one for another canary's", async () => {
    const scoped = (canary: string) => ({
      ...KEY_POLICY,
      Statement: [
        KEY_POLICY.Statement[0],
        {
          ...KEY_POLICY.Statement[1],
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: {
              'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${canary}-${REGION}-*`,
            },
          },
        },
      ],
    });
    const [key] = double.state.keys;
    if (key) key.policy = scoped('team-canary');
    const config = { ...CONFIG, name: 'team-canary' };
    expect(only((await preflight(config)).report, 'topic-key').status).toBe('pass');
    if (key) key.policy = scoped('other-canary');
    const topicKey = only((await preflight(config)).report, 'topic-key');
    expect(topicKey.status).toBe('fail');
    expect(topicKey.saw).toContain('does not let cloudwatch.amazonaws.com use it');
  });

  it('warns, not fails, where the deployer may not read (exit 0), and fails a topic that does not exist', async () => {
    double.deny.add('kms:GetKeyPolicy');
    double.deny.add('ec2:DescribeRouteTables');
    const { code, report } = await preflight(CONFIG);
    for (const id of ['topic-key', 'network'] as const) {
      expect(only(report, id).status).toBe('warn');
      expect(only(report, id).saw).toMatch(
        /^not checked: (kms:GetKeyPolicy|ec2:DescribeRouteTables) was denied \((AccessDeniedException|UnauthorizedOperation): /,
      );
    }
    expect(code).toBe(0);
    double.deny.clear();
    double.state.topics = [];
    const topic = only((await preflight(CONFIG)).report, 'topic');
    expect(topic.status).toBe('fail');
    expect(topic.saw).toBe(`notifications.topicArn ${TOPIC} does not exist`);
  });

  it('fails an existing topic that the app would subscribe a URL the team already subscribed', async () => {
    const url = 'https://events.pagerduty.com/integration/abc/enqueue';
    double.state.topics[0]?.subscriptions.push({ protocol: 'https', endpoint: url });
    const topic = only(
      (await preflight({ ...CONFIG, notifications: { ...CONFIG.notifications, httpsEndpoints: [url] } }))
        .report,
      'topic',
    );
    // The app adds subscriptions to an existing topic unless the configuration has the opt-in and leaves it off.
    expect(topic.status).toBe('fail');
    expect(topic.saw).toContain('Subscription already exists with different attributes');
  });

  it("never prints the password of a subscribed URL's basic-auth credentials", async () => {
    const password = 'pager-basic-auth-s3cret';
    const url = `https://canary:${password}@hooks.example.com/sns`;
    double.state.topics[0]?.subscriptions.push({ protocol: 'https', endpoint: url });
    const config = { ...CONFIG, notifications: { ...CONFIG.notifications, httpsEndpoints: [url] } };
    const { report } = await preflight(config);
    const topic = only(report, 'topic');
    expect(topic.status).toBe('fail');
    expect(topic.saw).toContain('https://canary:[REDACTED]@hooks.example.com/sns');
    expect(JSON.stringify(report)).not.toContain(password);
    let text = '';
    await runPreflightCommand(
      ['-c', `config=${configFile('preflight.config.json', config)}`],
      { stdout: (t) => (text += t), stderr: (t) => (text += t), env: process.env },
      { cwd: dir, scanRegions: FEW_SCAN_REGIONS },
    );
    expect(text).toContain('canary:[REDACTED]@');
    expect(text).not.toContain(password);
  });

  it('fails ecrApiCalls when no trail records read management events', async () => {
    const [trail] = double.state.trails;
    if (trail) trail.eventSelectors = [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }];
    const { code, report } = await preflight(CONFIG);
    const check = only(report, 'trail');
    expect(check.status).toBe('fail');
    expect(check.saw).toContain('org-trail records no read management events');
    expect(check.fix).toContain('workloadWatch.ecrApiCalls');
    expect(code).toBe(1);
    // Off, nothing to look for.
    const off = await preflight({ ...CONFIG, workloadWatch: { ecrApiCalls: false } });
    expect(off.report.checks.map((c) => c.id)).not.toContain('trail');
  });

  it('fails an organization configuration whose organization has no trusted access for StackSets', async () => {
    double.state.organization = {
      id: ORG,
      managementAccount: '999988887777',
      trustedAccess: ['cloudtrail.amazonaws.com'],
      delegatedAdministrators: [ACCOUNT],
    };
    const { code, report } = await preflight(ORG_CONFIG);
    const organization = only(report, 'organization');
    expect(organization.status).toBe('fail');
    expect(organization.saw).toContain('trusted access for StackSets is off');
    expect(organization.fix).toContain('activate-organizations-access');
    expect(only(report, 'stackset-admin').status).toBe('pass');
    expect(code).toBe(1);

    double.state.organization.trustedAccess.push('member.org.stacksets.cloudformation.amazonaws.com');
    double.state.organization.delegatedAdministrators = [];
    const again = await preflight(ORG_CONFIG);
    expect(only(again.report, 'organization').status).toBe('pass');
    expect(only(again.report, 'stackset-admin').fix).toContain(`--account-id ${ACCOUNT}`);
  });

  it('checks the sinks as the monitoring account: a missing one fails, one whose policy admits the organization passes', async () => {
    const sink = `arn:aws:oam:${REGION}:${ACCOUNT}:sink/0a1b2c3d-1111-4e5f-8a9b-000000000001`;
    const config = {
      ...ORG_CONFIG,
      account: '999988887777',
      organization: { ...ORG_CONFIG.organization, monitoringAccount: ACCOUNT, sinkArns: { [REGION]: sink } },
    };
    let check = only((await preflight(config)).report, 'sink');
    expect(check.status).toBe('fail');
    expect(check.saw).toContain('does not exist');
    double.state.sinks = [
      {
        arn: sink,
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Resource: '*',
              Action: ['oam:CreateLink', 'oam:UpdateLink'],
              Condition: {
                StringEquals: { 'aws:PrincipalOrgID': ORG },
                'ForAllValues:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric'] },
              },
            },
          ],
        },
      },
    ];
    check = only((await preflight(config)).report, 'sink');
    expect(check.status).toBe('pass');
    expect(double.calls).toContain(`oam:GetSinkPolicy@${REGION}`);
    // A policy for another organization admits none of this one's accounts.
    const other = JSON.stringify(double.state.sinks[0]?.policy).replace(ORG, 'o-zzzzzzzzzz');
    double.state.sinks = [{ arn: sink, policy: JSON.parse(other) }];
    check = only((await preflight(config)).report, 'sink');
    expect(check.status).toBe('fail');
    expect(check.saw).toBe(`${sink}'s policy does not admit the accounts of ${ORG}`);
  });

  it('refuses bad usage and an invalid configuration with exit 2, before calling AWS', async () => {
    const { code, stderr } = await preflight({ ...CONFIG, regions: ['eu-wset-1'] });
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean "eu-west-1"');
    let err = '';
    const io = { stdout: () => undefined, stderr: (t: string) => (err += t), env: process.env };
    expect(await runPreflightCommand(['-c', 'region=x'], io, { cwd: dir })).toBe(2);
    expect(err).toContain('-c config=VALUE');
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(await runPreflightCommand([], io, { cwd: empty })).toBe(2);
    expect(err).toContain(`no ${USER_CONFIG_FILE} in ${empty}`);
    expect(double.calls).toEqual([]);
  });
});

describe('the bootstrap version preflight asks for', () => {
  it("is the oldest the app's templates accept: their CheckBootstrapVersion rule rejects every version below it", () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: REGION } });
    new CfnWaitConditionHandle(stack, 'Anything');
    const rule = app.synth().getStackByName('S').template.Rules.CheckBootstrapVersion;
    // {"Fn::Not": [{"Fn::Contains": [["1", …, "5"], {"Ref": "BootstrapVersion"}]}]}
    const rejected: string[] = rule.Assertions[0].Assert['Fn::Not'][0]['Fn::Contains'][0];
    expect(rejected.map(Number)).toEqual(Array.from({ length: MIN_BOOTSTRAP_VERSION - 1 }, (_, i) => i + 1));
  });
});

describe('the shipped command', () => {
  it('exits 0 on a healthy account, 1 on a failed check, 2 on usage, and prints no secret', async () => {
    const config = configFile('shipped.json', CONFIG);
    const run = (args: string[]) => runCliProcess(args, hostEnv(), cliBundle('preflight'));
    const ok = await run(['-c', `config=${config}`]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK {4}ecr-pull-canary preflight: 9 pass\n/);
    double.state.bootstrap = {};
    const failed = await run(['-c', `config=${config}`, '--json']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, summary: { fail: 1 } });
    // STS never answers: the deadline gives the verdict, and the process ends.
    double.hang.add('sts');
    const hung = await run(['-c', `config=${config}`, '--timeout', '300']);
    expect(hung.code).toBe(1);
    expect(hung.stdout).toContain('sts:GetCallerIdentity: no answer within 300 ms');
    double.hang.clear();
    const usage = await run(['--region', REGION]);
    expect(usage.code).toBe(2);
    for (const out of [ok, failed, hung, usage]) {
      expect(out.stdout + out.stderr).not.toContain(DEPLOYER.secretAccessKey);
    }
  });
});
