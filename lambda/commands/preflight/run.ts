import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { firstRegion } from '../../engine/aws/stack-scan.ts';
import { eksWatchEnabled } from '../../engine/model/eks-contract.ts';
import { PreflightClients } from './aws.ts';
import {
  type CheckContext,
  call,
  check,
  type Place,
  type PreflightCheck,
  type PreflightCheckId,
  unanswered,
} from './check.ts';
import { bootstrapCheck, organizationCheck, sinkCheck, stackSetAdminCheck, trailCheck } from './checks.ts';
import { alarmName, type CanaryConfig, eksSettingsPath, type RegionConfig } from './config.ts';
import { dashboardCheck, stackSetStackCheck } from './dashboard.ts';
import { eksChecks } from './eks.ts';
import { networkCheck, subnetsCheck } from './network.ts';
import { topicCheck, topicKeyCheck } from './topic.ts';

export interface PreflightRequest {
  config: CanaryConfig;
  qualifier: string;
  timeoutMs: number;
  /** The regions the dashboard checks look in (tests name a few). @default every known region of the partition */
  scanRegions?: readonly string[];
}

/**
 * Runs every check that applies to the configuration with the deployer's credentials, concurrently; read-only
 * (Describe, Get and List calls only), and never throws for a failing endpoint.
 */
export async function runPreflight(request: PreflightRequest): Promise<PreflightCheck[]> {
  const ctx: CheckContext = {
    clients: new PreflightClients(request.timeoutMs),
    timeoutMs: request.timeoutMs,
    ...(request.scanRegions ? { scanRegions: request.scanRegions } : {}),
  };
  try {
    return await runChecks(ctx, request);
  } finally {
    ctx.clients.destroy();
  }
}

async function runChecks(
  ctx: CheckContext,
  { config, qualifier }: PreflightRequest,
): Promise<PreflightCheck[]> {
  const firstRegion = config.regions[0]?.region ?? 'us-east-1';
  const identity = await call(ctx, (abortSignal) =>
    ctx.clients.sts(firstRegion).send(new GetCallerIdentityCommand({}), { abortSignal }),
  );
  if (!identity.ok) {
    const failed = unanswered('credentials', null, 'sts:GetCallerIdentity', identity);
    // No identity, no account: every other check would fail the same way.
    // No answer (a deadline, DNS, refused, TLS) keeps its own fix (the path to STS); anything else is the credentials.
    const fix =
      identity.kind === 'timeout' || identity.kind === 'unreachable'
        ? failed.fix
        : 'give the deployer credentials (AWS_PROFILE, aws sso login, …) and run preflight again';
    return [{ ...failed, status: 'fail', fix }, ...notRun(config)];
  }
  const caller = identity.value.Account ?? '';
  const credentials = check('credentials', null, 'pass', `${identity.value.Arn} (account ${caller})`, null, {
    arn: identity.value.Arn,
    account: caller,
  });
  const org = config.organization;
  if (!org) return [credentials, ...(await singleAccount(ctx, config, qualifier, caller))];
  return [credentials, ...(await organization(ctx, config, qualifier, caller))];
}

/** One account (`cdk deploy --all`): a canary stack per region, the dashboard stack in the first. */
async function singleAccount(
  ctx: CheckContext,
  config: CanaryConfig,
  qualifier: string,
  caller: string,
): Promise<PreflightCheck[]> {
  const account = config.account ?? caller;
  if (account !== caller) {
    return [
      check(
        'account',
        null,
        'fail',
        `the configuration deploys to account ${account}, but these credentials are account ${caller}: cdk deploy would refuse`,
        `use credentials of ${account} (AWS_PROFILE=…), or set account to ${caller}`,
        { configured: account, caller },
      ),
    ];
  }
  const accountCheck = check(
    'account',
    null,
    'pass',
    config.account
      ? `account ${account}, as configured`
      : `account ${account} (the credentials'; the configuration names none)`,
    null,
    { configured: config.account ?? null, caller },
  );
  const [perRegion, dashboard] = await Promise.all([
    Promise.all(
      config.regions.map((region) =>
        regionChecks(ctx, config, { account, region: region.region }, region, qualifier),
      ),
    ),
    config.dashboard ? dashboardCheck(ctx, config, account).then((c) => [c]) : [],
  ]);
  return [accountCheck, ...perRegion.flat(), ...dashboard];
}

async function regionChecks(
  ctx: CheckContext,
  config: CanaryConfig,
  place: Place,
  region: RegionConfig,
  qualifier: string,
): Promise<PreflightCheck[]> {
  const ids = regionCheckIds(config, region);
  const work: Array<Promise<PreflightCheck | PreflightCheck[]>> = [bootstrapCheck(ctx, place, qualifier)];
  const vpc = region.vpc;
  if (vpc && ids.includes('subnets')) {
    work.push(
      subnetsCheck(ctx, place, vpc).then(async ({ result, vpcId, subnetCidrs }) => [
        result,
        vpcId
          ? await networkCheck(ctx, place, vpc, vpcId, subnetCidrs)
          : check(
              'network',
              place,
              'skip',
              'not checked: the subnets and security groups are not in order',
              null,
            ),
      ]),
    );
  }
  const notifications = region.notifications;
  if (notifications.topicArn && ids.includes('topic')) {
    const topic = {
      topicArn: notifications.topicArn,
      topicKmsKeyArn: notifications.topicKmsKeyArn,
      emails: notifications.emails ?? [],
      httpsEndpoints: notifications.httpsEndpoints ?? [],
      alarmName: alarmName({
        canaryName: config.name,
        region: place.region,
        alarm: 'availability',
        severity: 'critical',
      }),
    };
    work.push(
      topicCheck(ctx, place, topic).then(async ({ result, kmsMasterKeyId }) => [
        result,
        kmsMasterKeyId === undefined
          ? check('topic-key', place, 'skip', 'not checked: the topic was not read', null)
          : await topicKeyCheck(ctx, place, topic, kmsMasterKeyId),
      ]),
    );
  }
  if (ids.includes('trail')) work.push(trailCheck(ctx, place));
  if (ids.includes('eks-cluster'))
    work.push(eksChecks(ctx, place, region.eks, eksSettingsPath(config.regions.length, region.region)));
  return (await Promise.all(work)).flat();
}

/** The checks of one region, from its configuration: what {@link regionChecks} runs. */
function regionCheckIds(config: CanaryConfig, region: RegionConfig): PreflightCheckId[] {
  return [
    'bootstrap',
    ...(region.vpc ? (['subnets', 'network'] as const) : []),
    ...(region.notifications.topicArn ? (['topic', 'topic-key'] as const) : []),
    ...(config.workloadWatch.ecrApiCalls ? (['trail'] as const) : []),
    ...(eksWatchEnabled(region.eks) ? (['eks-cluster'] as const) : []),
  ];
}

/** The places of an organization's checks for the account `caller`: what {@link organization} runs there. */
function organizationPlan(config: CanaryConfig, caller: string): Array<[PreflightCheckId, Place]> {
  const org = config.organization;
  if (!org) return [];
  const regions = config.regions.map((r) => r.region);
  const plan: Array<[PreflightCheckId, Place]> = regions.map((region) => [
    'bootstrap',
    { account: caller, region },
  ]);
  if (caller === org.managementAccount) {
    const place = { account: caller, region: regions[0] ?? 'us-east-1' };
    plan.push(['organization', place], ['stackset-admin', place], ['stackset-stack', place]);
  }
  if (caller === org.monitoringAccount) {
    for (const region of regions) if (org.sinkArns[region]) plan.push(['sink', { account: caller, region }]);
    if (config.dashboard) plan.push(['dashboard', { account: caller, region: regions[0] ?? 'us-east-1' }]);
  }
  return plan;
}

/**
 * Without credentials no other check runs: each one the configuration calls for is listed as not run, so that a
 * single failed line does not read as "everything else is fine". The account is the configured one where the
 * configuration names it; otherwise only the region is known.
 */
function notRun(config: CanaryConfig): PreflightCheck[] {
  const saw = 'not run: it needs the credentials above';
  const org = config.organization;
  if (org) {
    const accounts = [org.managementAccount, ...(org.monitoringAccount ? [org.monitoringAccount] : [])];
    return [
      check('account', null, 'skip', saw, null),
      ...[...new Set(accounts)].flatMap((account) =>
        organizationPlan(config, account).map(([id, place]) => check(id, place, 'skip', saw, null)),
      ),
    ];
  }
  const notRunAt = (id: PreflightCheckId, region: string) =>
    config.account
      ? check(id, { account: config.account, region }, 'skip', saw, null)
      : { ...check(id, null, 'skip', saw, null, { region }), where: region };
  return [
    check('account', null, 'skip', saw, null),
    ...config.regions.flatMap((region) =>
      regionCheckIds(config, region).map((id) => notRunAt(id, region.region)),
    ),
    ...(config.dashboard ? [notRunAt('dashboard', firstRegion(config))] : []),
  ];
}

/**
 * An organization rollout: the management (or delegated-administrator) account's stacks (the StackSet, a code
 * bucket per region) and the monitoring account's (a sink per region). Each account is checked with its own
 * credentials: the other's places are named as left to check.
 */
async function organization(
  ctx: CheckContext,
  config: CanaryConfig,
  qualifier: string,
  caller: string,
): Promise<PreflightCheck[]> {
  const org = config.organization;
  if (!org) return [];
  const admin = org.managementAccount;
  const monitoring = org.monitoringAccount;
  const roles = [
    ...(caller === admin ? ['the StackSet administrator (account)'] : []),
    ...(caller === monitoring ? ['the monitoring account (organization.monitoringAccount)'] : []),
  ];
  if (roles.length === 0) {
    return [
      check(
        'account',
        null,
        'fail',
        `these credentials are account ${caller}, neither account ${admin} (account, the StackSet's)${monitoring ? ` nor ${monitoring} (organization.monitoringAccount)` : ''}`,
        `run preflight with the credentials of ${admin}${monitoring ? `, then of ${monitoring}` : ''}`,
        { caller, managementAccount: admin, monitoringAccount: monitoring ?? null },
      ),
    ];
  }
  const other = caller === admin ? monitoring : admin;
  const checks: PreflightCheck[] = [
    check(
      'account',
      null,
      'pass',
      `account ${caller}: ${roles.join(' and ')}${other && other !== caller ? `; run preflight again as ${other} for its stacks` : ''}`,
      null,
      { caller, managementAccount: admin, monitoringAccount: monitoring ?? null },
    ),
  ];
  const work: Array<Promise<PreflightCheck | PreflightCheck[]>> = [];
  for (const [id, place] of organizationPlan(config, caller)) {
    if (id === 'bootstrap') work.push(bootstrapCheck(ctx, place, qualifier));
    // The StackSet administrator's pair: the organization's answer tells the admin check the management account.
    if (id === 'organization')
      work.push(
        organizationCheck(ctx, place, org.organizationId).then(async ({ result, managementAccount }) => [
          result,
          await stackSetAdminCheck(ctx, place, org.callAs, managementAccount),
        ]),
      );
    const sinkArn = org.sinkArns[place.region];
    if (id === 'sink' && sinkArn) work.push(sinkCheck(ctx, place, sinkArn, org.organizationId));
    if (id === 'dashboard') work.push(dashboardCheck(ctx, config, caller));
    if (id === 'stackset-stack') work.push(stackSetStackCheck(ctx, config, caller));
  }
  return [...checks, ...(await Promise.all(work)).flat()];
}
