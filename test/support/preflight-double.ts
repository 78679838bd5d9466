// One loopback endpoint for every read call `ecr-pull-canary preflight` makes, driven by the real SDK clients over
// HTTP (AWS_ENDPOINT_URL_<SERVICE> all point here). Each request's SigV4 signature is verified against the test's
// keys (test/support/ecr-double.ts verifySigV4); its credential scope names the service, which picks the wire
// protocol the installed client speaks:
// - JSON 1.1 (`X-Amz-Target: <target>.<Operation>`): SSM, KMS, CloudTrail, Organizations; errors as `__type`;
// - the EC2 query protocol: `Action=…` form in, `<…Response>` XML out, errors as `<Response><Errors><Error>`;
// - the AWS query protocol: SNS, STS and CloudFormation (preflight's DescribeStacks of the dashboard stack, answered
//   from the deployment below), errors as `<ErrorResponse><Error>`;
// - REST-JSON: OAM (`POST /GetSink`), Scheduler (`GET /schedules/{Name}`), errors named by `x-amzn-ErrorType`;
// - JSON 1.0 with query-compatible errors (`x-amzn-query-error: <Code>;<Type>`): CloudWatch.
// What a deployed canary looks like (stacks, schedules, rules, alarms and their history, metrics, StackSets) is
// modelled in test/support/deployment-double.ts, for `status` and `drill`; a topic's subscriptions may be
// `pending` (SNS lists `PendingConfirmation` as their ARN until someone confirms them).
// It answers from the state the test sets, only the operations preflight calls, and refuses anything else with an
// error naming this file. `hang` makes one service accept the request and never answer.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackServerSockets } from './close-server.ts';
import { type DeploymentState, deploymentModel, emptyDeployment, ModelError } from './deployment-double.ts';
import { verifySigV4 } from './ecr-double.ts';

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface PreflightState {
  account: string;
  /** Every region the calls may be signed for; a call signed for another region is refused. */
  regions: string[];
  /** Bootstrap version per region; a region without one has no `/cdk-bootstrap/<qualifier>/version`. */
  bootstrap: Record<string, string>;
  qualifier?: string;
  subnets: Array<{ region: string; id: string; vpcId: string; cidr: string }>;
  securityGroups: Array<{
    region: string;
    id: string;
    vpcId: string;
    httpsOut: boolean;
    /** Inbound TCP 443 rules: from these groups, from these ranges. */
    httpsIn?: { groups?: string[]; cidrs?: string[] };
  }>;
  routeTables: Array<{
    region: string;
    id: string;
    vpcId: string;
    main?: boolean;
    subnetIds: string[];
    defaultRoute?: { natGatewayId?: string; gatewayId?: string };
  }>;
  vpcEndpoints: Array<{
    region: string;
    id: string;
    vpcId: string;
    service: string;
    type: 'Interface' | 'Gateway';
    privateDns?: boolean;
    /** An interface endpoint's security groups. */
    groups?: string[];
    routeTableIds?: string[];
    policy?: unknown;
  }>;
  topics: Array<{
    arn: string;
    kmsMasterKeyId?: string;
    /** `pending`: not confirmed yet; SNS lists `PendingConfirmation` as its ARN. */
    subscriptions: Array<{ protocol: string; endpoint: string; pending?: boolean }>;
  }>;
  keys: Array<{ arn: string; aliases: string[]; manager: 'AWS' | 'CUSTOMER'; policy: unknown }>;
  trails: Array<{
    name: string;
    homeRegion: string;
    multiRegion: boolean;
    logging: boolean;
    eventSelectors?: Array<{ ReadWriteType: string; IncludeManagementEvents: boolean }>;
  }>;
  organization?: {
    id: string;
    managementAccount: string;
    trustedAccess: string[];
    delegatedAdministrators: string[];
  };
  sinks: Array<{ arn: string; policy: unknown }>;
  /** EKS clusters, as DescribeCluster's `cluster` (REST-JSON: `GET /clusters`, `GET /clusters/{name}`). */
  eksClusters?: Array<{ region: string; cluster: Record<string, unknown> & { name: string } }>;
  /** The deployed canary, for status and drill; empty when not given. */
  deployment?: DeploymentState;
}

/** An account with nothing in it but the caller (every list empty, no stack deployed): a test adds what it needs. */
export function emptyAccount(account: string, regions: string[]): PreflightState {
  return {
    account,
    regions,
    bootstrap: {},
    subnets: [],
    securityGroups: [],
    routeTables: [],
    vpcEndpoints: [],
    topics: [],
    keys: [],
    trails: [],
    sinks: [],
    deployment: emptyDeployment(),
  };
}

export type PreflightService =
  | 'sts'
  | 'ssm'
  | 'ec2'
  | 'sns'
  | 'kms'
  | 'cloudtrail'
  | 'organizations'
  | 'oam'
  | 'cloudformation'
  | 'scheduler'
  | 'eks'
  | 'events'
  | 'monitoring';

export interface PreflightDouble {
  url: string;
  state: PreflightState;
  /** Services that take the request and never answer. */
  hang: Set<PreflightService>;
  /** Services that take the request and never answer in one region only (`cloudformation@us-west-2`). */
  hangIn: Set<`${PreflightService}@${string}`>;
  /**
   * Operations (`kms:GetKeyPolicy`) the deployer may not call, anywhere or in one region
   * (`cloudformation:DescribeStacks@us-west-2`): each answers its service's access-denied error.
   */
  deny: Set<string>;
  /**
   * The same, denied by a service control policy (an organization closing regions): the access-denied error with
   * IAM's "with an explicit deny in a service control policy".
   */
  scpDeny: Set<string>;
  /** Every call, as `service:Operation@region`. */
  calls: string[];
  /** The endpoint variables that send every client preflight makes here. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const NOT_MODELLED = 'is not modelled by the preflight test double; extend test/support/preflight-double.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

class WireError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The access-denied error each service answers an identity without the permission with (EC2 and SNS name theirs). */
function accessDenied(service: PreflightService, op: string, account: string, scp = false): WireError {
  const message = `User: arn:aws:iam::${account}:user/deployer is not authorized to perform: ${service}:${op} ${
    scp
      ? `on resource: * with an explicit deny in a service control policy`
      : `because no identity-based policy allows the ${service}:${op} action`
  }`;
  if (service === 'ec2') return new WireError(403, 'UnauthorizedOperation', message);
  if (service === 'sns') return new WireError(403, 'AuthorizationError', message);
  if (service === 'sts' || service === 'cloudformation' || service === 'monitoring')
    return new WireError(403, 'AccessDenied', message);
  if (service === 'scheduler' || service === 'eks')
    return new WireError(403, 'AccessDeniedException', message);
  return new WireError(400, 'AccessDeniedException', message);
}

const JSON_TARGETS: Partial<Record<PreflightService, string>> = {
  ssm: 'AmazonSSM',
  kms: 'TrentService',
  cloudtrail: 'CloudTrail_20131101',
  organizations: 'AWSOrganizationsV20161128',
  events: 'AWSEvents',
};

const xml = (s: unknown) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** EC2's XML: lists as `<name><item>…</item></name>`, members by the names the EC2 schema gives them. */
function ec2Xml(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<item>${ec2Xml(item)}</item>`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${ec2Xml(v)}</${k}>`)
      .join('');
  }
  return xml(value);
}

/** EC2's `Filter.N.Name` / `Filter.N.Value.M` form fields. */
function ec2Filters(form: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (const [key, name] of form) {
    const m = /^Filter\.(\d+)\.Name$/.exec(key);
    if (!m) continue;
    const values = [...form].filter(([k]) => k.startsWith(`Filter.${m[1]}.Value.`)).map(([, v]) => v);
    filters.set(name, values);
  }
  return filters;
}

export async function startPreflightDouble(keys: Keys, state: PreflightState): Promise<PreflightDouble> {
  const hang = new Set<PreflightService>();
  const hangIn = new Set<`${PreflightService}@${string}`>();
  const deny = new Set<string>();
  const scpDeny = new Set<string>();
  const calls: string[] = [];
  const deployed = deploymentModel(() => {
    state.deployment ??= emptyDeployment();
    return state.deployment;
  }, state);

  function json(
    service: PreflightService,
    op: string,
    input: Record<string, unknown>,
    region: string,
  ): unknown {
    const s = state;
    switch (`${service}:${op}`) {
      case 'ssm:GetParameter': {
        const name = `/cdk-bootstrap/${s.qualifier ?? 'hnb659fds'}/version`;
        const value = s.bootstrap[region];
        if (input.Name !== name || value === undefined) throw new WireError(400, 'ParameterNotFound', '');
        return { Parameter: { Name: name, Type: 'String', Value: value, Version: 1 } };
      }
      case 'kms:DescribeKey': {
        const key = s.keys.find((k) => k.arn === input.KeyId || k.aliases.includes(String(input.KeyId)));
        if (!key) throw new WireError(400, 'NotFoundException', `Key '${input.KeyId}' does not exist`);
        return { KeyMetadata: { Arn: key.arn, KeyId: key.arn.split('/').pop(), KeyManager: key.manager } };
      }
      case 'kms:GetKeyPolicy': {
        const key = s.keys.find((k) => k.arn === input.KeyId);
        if (!key) throw new WireError(400, 'NotFoundException', `Key '${input.KeyId}' does not exist`);
        return { Policy: JSON.stringify(key.policy), PolicyName: 'default' };
      }
      case 'cloudtrail:DescribeTrails':
        return {
          trailList: s.trails
            .filter((t) => t.homeRegion === region || (t.multiRegion && input.includeShadowTrails !== false))
            .map((t) => ({
              Name: t.name,
              TrailARN: `arn:aws:cloudtrail:${t.homeRegion}:${s.account}:trail/${t.name}`,
              HomeRegion: t.homeRegion,
              IsMultiRegionTrail: t.multiRegion,
            })),
        };
      case 'cloudtrail:GetEventSelectors':
      case 'cloudtrail:GetTrailStatus': {
        const arn = String(input.TrailName ?? input.Name);
        const trail = s.trails.find((t) => arn.endsWith(`:trail/${t.name}`));
        if (!trail) throw new WireError(400, 'TrailNotFoundException', `Unknown trail: ${arn}`);
        if (trail.homeRegion !== region)
          throw new WireError(
            400,
            'TrailNotFoundException',
            `Unknown trail: ${arn} for the region ${region}`,
          );
        if (op === 'GetTrailStatus') return { IsLogging: trail.logging };
        return { TrailARN: arn, EventSelectors: trail.eventSelectors ?? [] };
      }
      case 'organizations:DescribeOrganization':
      case 'organizations:ListAWSServiceAccessForOrganization':
      case 'organizations:ListDelegatedAdministrators': {
        const org = s.organization;
        if (!org)
          throw new WireError(
            400,
            'AWSOrganizationsNotInUseException',
            'Your account is not a member of an organization.',
          );
        if (op === 'DescribeOrganization')
          return { Organization: { Id: org.id, MasterAccountId: org.managementAccount } };
        if (op === 'ListAWSServiceAccessForOrganization')
          return { EnabledServicePrincipals: org.trustedAccess.map((p) => ({ ServicePrincipal: p })) };
        return {
          DelegatedAdministrators:
            input.ServicePrincipal === 'member.org.stacksets.cloudformation.amazonaws.com'
              ? org.delegatedAdministrators.map((id) => ({ Id: id }))
              : [],
        };
      }
      case 'oam:GetSink':
      case 'oam:GetSinkPolicy': {
        const arn = String(input.Identifier ?? input.SinkIdentifier);
        const sink = s.sinks.find((x) => x.arn === arn);
        if (!sink) throw new WireError(404, 'ResourceNotFoundException', `Sink ${arn} not found`);
        if (op === 'GetSink') return { Arn: arn, Id: arn.split('/').pop(), Name: 'sink' };
        return { SinkArn: arn, Policy: JSON.stringify(sink.policy) };
      }
      default:
        if (service === 'events') return deployed.events(op, input, region);
        throw new WireError(400, 'ValidationException', `The operation ${service}:${op} ${NOT_MODELLED}`);
    }
  }

  function eksAnswer(op: string, name: string, region: string): unknown {
    const here = (state.eksClusters ?? []).filter((c) => c.region === region);
    if (op === 'ListClusters') return { clusters: here.map((c) => c.cluster.name) };
    if (op !== 'DescribeCluster')
      throw new WireError(400, 'InvalidRequestException', `eks:${op} ${NOT_MODELLED}`);
    const found = here.find((c) => c.cluster.name === name);
    if (!found) throw new WireError(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`);
    return { cluster: found.cluster };
  }

  function query(service: PreflightService, op: string, form: URLSearchParams, region: string): string {
    const s = state;
    const filters = ec2Filters(form);
    const only = <T extends { region: string }>(items: T[], name: string, id: (t: T) => string) =>
      items.filter((t) => t.region === region && (filters.get(name) ?? [id(t)]).includes(id(t)));
    switch (`${service}:${op}`) {
      case 'sts:GetCallerIdentity':
        return `<GetCallerIdentityResult><Arn>arn:aws:iam::${s.account}:user/deployer</Arn><UserId>AIDADEPLOYER</UserId><Account>${s.account}</Account></GetCallerIdentityResult>`;
      case 'ec2:DescribeSubnets':
        return ec2Xml({
          subnetSet: only(s.subnets, 'subnet-id', (x) => x.id).map((x) => ({
            subnetId: x.id,
            vpcId: x.vpcId,
            cidrBlock: x.cidr,
            availabilityZone: `${region}a`,
          })),
        });
      case 'ec2:DescribeSecurityGroups':
        return ec2Xml({
          securityGroupInfo: only(s.securityGroups, 'group-id', (x) => x.id).map((x) => ({
            groupId: x.id,
            vpcId: x.vpcId,
            ipPermissionsEgress: x.httpsOut
              ? [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }] }]
              : [],
            ipPermissions: x.httpsIn
              ? [
                  {
                    ipProtocol: 'tcp',
                    fromPort: 443,
                    toPort: 443,
                    groups: (x.httpsIn.groups ?? []).map((groupId) => ({ groupId })),
                    ipRanges: (x.httpsIn.cidrs ?? []).map((cidrIp) => ({ cidrIp })),
                  },
                ]
              : [],
          })),
        });
      case 'ec2:DescribeRouteTables':
        return ec2Xml({
          routeTableSet: only(s.routeTables, 'vpc-id', (x) => x.vpcId).map((x) => ({
            routeTableId: x.id,
            vpcId: x.vpcId,
            routeSet: [
              { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', state: 'active' },
              ...(x.defaultRoute
                ? [{ destinationCidrBlock: '0.0.0.0/0', ...x.defaultRoute, state: 'active' }]
                : []),
            ],
            associationSet: [
              ...(x.main ? [{ main: true, routeTableId: x.id }] : []),
              ...x.subnetIds.map((subnetId) => ({ main: false, routeTableId: x.id, subnetId })),
            ],
          })),
        });
      case 'ec2:DescribeVpcEndpoints':
        return ec2Xml({
          vpcEndpointSet: only(s.vpcEndpoints, 'vpc-id', (x) => x.vpcId).map((x) => ({
            vpcEndpointId: x.id,
            vpcEndpointType: x.type,
            vpcId: x.vpcId,
            serviceName: `com.amazonaws.${region}.${x.service}`,
            state: 'available',
            policyDocument: x.policy === undefined ? undefined : JSON.stringify(x.policy),
            routeTableIdSet: x.routeTableIds ?? [],
            groupSet: (x.groups ?? []).map((groupId) => ({ groupId })),
            privateDnsEnabled: x.privateDns ?? x.type === 'Interface',
          })),
        });
      case 'sns:GetTopicAttributes':
      case 'sns:ListSubscriptionsByTopic': {
        const topic = s.topics.find((t) => t.arn === form.get('TopicArn'));
        if (!topic) throw new WireError(404, 'NotFound', 'Topic does not exist');
        if (op === 'GetTopicAttributes') {
          const attributes: Record<string, string> = { TopicArn: topic.arn, Owner: s.account };
          if (topic.kmsMasterKeyId) attributes.KmsMasterKeyId = topic.kmsMasterKeyId;
          const entries = Object.entries(attributes).map(
            ([k, v]) => `<entry><key>${k}</key><value>${xml(v)}</value></entry>`,
          );
          return `<GetTopicAttributesResult><Attributes>${entries.join('')}</Attributes></GetTopicAttributesResult>`;
        }
        const members = topic.subscriptions.map(
          (x, i) =>
            `<member><TopicArn>${topic.arn}</TopicArn><Protocol>${x.protocol}</Protocol><Endpoint>${xml(x.endpoint)}</Endpoint><SubscriptionArn>${x.pending ? 'PendingConfirmation' : `${topic.arn}:sub-${i}`}</SubscriptionArn><Owner>${s.account}</Owner></member>`,
        );
        return `<ListSubscriptionsByTopicResult><Subscriptions>${members.join('')}</Subscriptions></ListSubscriptionsByTopicResult>`;
      }
      case 'sns:GetSubscriptionAttributes': {
        const arn = form.get('SubscriptionArn') ?? '';
        const topic = s.topics.find((t) => arn.startsWith(`${t.arn}:sub-`));
        const sub = topic?.subscriptions[Number(arn.slice(arn.lastIndexOf('-') + 1))];
        if (!topic || !sub || sub.pending)
          throw new WireError(404, 'NotFound', 'Subscription does not exist');
        const attributes: Record<string, string> = {
          SubscriptionArn: arn,
          TopicArn: topic.arn,
          Protocol: sub.protocol,
          Endpoint: sub.endpoint,
          Owner: s.account,
          PendingConfirmation: 'false',
          ConfirmationWasAuthenticated: 'true',
        };
        const entries = Object.entries(attributes).map(
          ([k, v]) => `<entry><key>${k}</key><value>${xml(v)}</value></entry>`,
        );
        return `<GetSubscriptionAttributesResult><Attributes>${entries.join('')}</Attributes></GetSubscriptionAttributesResult>`;
      }
      default:
        if (service === 'cloudformation') return deployed.cloudformation(op, form, region);
        throw new WireError(400, 'InvalidAction', `The action ${service}:${op} ${NOT_MODELLED}`);
    }
  }

  function answer(req: IncomingMessage, body: Buffer): Answer | 'hang' {
    const verified = verifySigV4(req, body, [keys]);
    const requestId = randomUUID();
    if (!verified.ok) {
      return {
        status: 403,
        headers: { 'content-type': 'text/plain' },
        body: `SignatureDoesNotMatch: ${verified.reason}`,
      };
    }
    const service = verified.service as PreflightService;
    const region = verified.region;
    const target = req.headers['x-amz-target'];
    const rest = service === 'oam' || service === 'scheduler' || service === 'eks';
    const form = new URLSearchParams(typeof target === 'string' || rest ? '' : body.toString('utf8'));
    const path = (req.url ?? '').split('?')[0] ?? '';
    const op =
      typeof target === 'string'
        ? target.slice(target.lastIndexOf('.') + 1)
        : service === 'oam'
          ? path.replace(/^\//, '')
          : service === 'scheduler'
            ? req.method === 'GET' && path.startsWith('/schedules/')
              ? 'GetSchedule'
              : `${req.method} ${path}`
            : service === 'eks'
              ? req.method === 'GET' && path === '/clusters'
                ? 'ListClusters'
                : req.method === 'GET' && path.startsWith('/clusters/')
                  ? 'DescribeCluster'
                  : `${req.method} ${path}`
              : form.get('Action');
    calls.push(`${service}:${op}@${region}`);
    if (hang.has(service) || hangIn.has(`${service}@${region}`)) return 'hang';
    const protocol =
      service in JSON_TARGETS
        ? 'json'
        : service === 'monitoring'
          ? 'json10'
          : rest
            ? 'rest-json'
            : service === 'ec2'
              ? 'ec2'
              : 'query';
    try {
      const denied = (set: Set<string>) =>
        set.has(`${service}:${op}`) || set.has(`${service}:${op}@${region}`);
      if (denied(scpDeny)) throw accessDenied(service, op ?? '', state.account, true);
      if (denied(deny)) throw accessDenied(service, op ?? '', state.account);
      // Organizations is one global endpoint; every other service answers only for the test's regions, and any other
      // region answers as one the account has not enabled (an opt-in region not opted in): the AWS query services
      // refuse the credentials there with InvalidClientTokenId, "The security token included in the request is
      // invalid" (re:Post knowledge center, iam-validate-access-credentials: regions not enabled by default accept
      // no credentials until enabled).
      if (service !== 'organizations' && !state.regions.includes(region))
        throw new WireError(
          403,
          'InvalidClientTokenId',
          `The security token included in the request is invalid. (region ${region} is not one of the test's: ${state.regions.join(', ')})`,
        );
      if (protocol === 'json') {
        if (target !== `${JSON_TARGETS[service]}.${op}`)
          throw new WireError(400, 'UnknownOperationException', `target ${target} is not ${service}'s`);
        const out = json(service, op ?? '', JSON.parse(body.toString('utf8') || '{}'), region);
        return {
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify(out),
        };
      }
      if (protocol === 'json10') {
        if (target !== `GraniteServiceVersion20100801.${op}`)
          throw new WireError(400, 'UnknownOperationException', `target ${target} is not CloudWatch's`);
        const out = deployed.cloudwatch(op ?? '', JSON.parse(body.toString('utf8') || '{}'), region);
        return {
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify(out),
        };
      }
      if (protocol === 'rest-json') {
        const out =
          service === 'scheduler'
            ? deployed.scheduler(
                req.method ?? '',
                path,
                new URL(req.url ?? '/', 'http://double.local').searchParams,
                region,
              )
            : service === 'eks'
              ? eksAnswer(op ?? '', decodeURIComponent(path.split('/')[2] ?? ''), region)
              : json(service, op ?? '', JSON.parse(body.toString('utf8') || '{}'), region);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out) };
      }
      const result = query(service, op ?? '', form, region);
      if (protocol === 'ec2') {
        return {
          status: 200,
          headers: { 'content-type': 'text/xml;charset=UTF-8' },
          body: `<${op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${result}</${op}Response>`,
        };
      }
      const ns =
        service === 'sts'
          ? 'https://sts.amazonaws.com/doc/2011-06-15/'
          : service === 'cloudformation'
            ? 'http://cloudformation.amazonaws.com/doc/2010-05-15/'
            : 'http://sns.amazonaws.com/doc/2010-03-31/';
      return {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<${op}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`,
      };
    } catch (error) {
      if (!(error instanceof WireError) && !(error instanceof ModelError)) throw error;
      const { status, code, message } = error;
      if (protocol === 'json10')
        return {
          status,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-query-error': `${code};${status >= 500 ? 'Receiver' : 'Sender'}`,
          },
          body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message }),
        };
      if (protocol === 'json')
        return {
          status,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ __type: code, message }),
        };
      if (protocol === 'rest-json')
        return {
          status,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
          body: JSON.stringify({ message }),
        };
      if (protocol === 'ec2')
        return {
          status,
          headers: { 'content-type': 'text/xml;charset=UTF-8' },
          body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        };
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const out = answer(req, Buffer.concat(chunks));
      if (out === 'hang') return;
      res.writeHead(out.status, {
        ...out.headers,
        'x-amzn-requestid': randomUUID(),
        'content-length': Buffer.byteLength(out.body),
      });
      res.end(out.body);
    });
  });
  const closer = trackServerSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    hang,
    hangIn,
    deny,
    scpDeny,
    calls,
    env: () =>
      Object.fromEntries(
        [
          'STS',
          'SSM',
          'EC2',
          'SNS',
          'KMS',
          'CLOUDTRAIL',
          'ORGANIZATIONS',
          'OAM',
          'CLOUDFORMATION',
          'SCHEDULER',
          'EKS',
          'EVENTBRIDGE',
          'CLOUDWATCH',
        ].map((s) => [`AWS_ENDPOINT_URL_${s}`, url]),
      ),
    close: () => {
      deployed.stop();
      return closer.close();
    },
  };
}
