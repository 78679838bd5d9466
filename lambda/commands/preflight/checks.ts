import {
  type AdvancedEventSelector,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
} from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { evaluate, policyStatements, UnmodelledPolicyError } from '../../engine/model/iam-policy.ts';
import { OAM_LINK_ACTIONS, OAM_LINK_RESOURCE_TYPES } from '../../engine/model/limits.ts';
import { regionPartition } from '../../engine/model/regions.ts';
import { ECR_API_EVENT } from '../../engine/model/watch-contract.ts';
import {
  type CheckContext,
  call,
  check,
  MIN_BOOTSTRAP_VERSION,
  type Place,
  type PreflightCheck,
  unanswered,
} from './check.ts';
import { DEFAULT_QUALIFIER } from './config.ts';

/** The service principal of StackSets with service-managed permissions, in Organizations' trusted-access list. */
const STACKSETS_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

/** `cdk bootstrap` has run in this account and region, recently enough for the app's templates. */
export async function bootstrapCheck(
  ctx: CheckContext,
  place: Place,
  qualifier: string,
): Promise<PreflightCheck> {
  const name = `/cdk-bootstrap/${qualifier}/version`;
  const bootstrap = `npx cdk bootstrap aws://${place.account}/${place.region}${qualifier === DEFAULT_QUALIFIER ? '' : ` --qualifier ${qualifier}`}`;
  const answer = await call(ctx, (abortSignal) =>
    ctx.clients.ssm(place.region).send(new GetParameterCommand({ Name: name }), { abortSignal }),
  );
  if (!answer.ok) {
    if (answer.name === 'ParameterNotFound') {
      return check('bootstrap', place, 'fail', `not bootstrapped: no SSM parameter ${name}`, bootstrap, {
        parameter: name,
        qualifier,
      });
    }
    return unanswered('bootstrap', place, 'ssm:GetParameter', answer);
  }
  const value = answer.value.Parameter?.Value ?? '';
  const version = Number(value);
  const details = { parameter: name, qualifier, version: Number.isFinite(version) ? version : value };
  if (!Number.isInteger(version) || version < MIN_BOOTSTRAP_VERSION) {
    return check(
      'bootstrap',
      place,
      'fail',
      `bootstrap version ${value}; the app's templates need ${MIN_BOOTSTRAP_VERSION} or later`,
      `${bootstrap} (upgrades the bootstrap stack in place)`,
      details,
    );
  }
  return check(
    'bootstrap',
    place,
    'pass',
    `bootstrap version ${version} (qualifier ${qualifier})`,
    null,
    details,
  );
}

/**
 * With `workloadWatch.ecrApiCalls`, a logging trail that covers this region and records read management events:
 * the ECR calls the watcher looks for (GetAuthorizationToken, BatchGetImage, …) are read events.
 */
export async function trailCheck(ctx: CheckContext, place: Place): Promise<PreflightCheck> {
  const listed = await call(ctx, (abortSignal) =>
    ctx.clients
      .cloudtrail(place.region)
      .send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal }),
  );
  if (!listed.ok) return unanswered('trail', place, 'cloudtrail:DescribeTrails', listed);
  const trails = (listed.value.trailList ?? []).filter(
    (t) => t.HomeRegion === place.region || t.IsMultiRegionTrail,
  );
  const fix = `let a trail that covers ${place.region} record read management events (aws cloudtrail put-event-selectors --trail-name NAME --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'), or set workloadWatch.ecrApiCalls to false`;
  if (trails.length === 0) {
    return check(
      'trail',
      place,
      'fail',
      `no trail covers ${place.region}: the watcher would see no ECR API call`,
      fix,
    );
  }
  const seen = await Promise.all(trails.map((trail) => judgeTrail(ctx, trail)));
  const details = { trails: seen };
  const good = seen.find((t) => t.verdict === 'records read events');
  if (good)
    return check('trail', place, 'pass', `${good.name} records read management events`, null, details);
  const unread = seen.find((t) => t.verdict.startsWith('not checked'));
  return check(
    'trail',
    place,
    unread ? 'warn' : 'fail',
    `no trail records read management events here: ${seen.map((t) => `${t.name} ${t.verdict}`).join('; ')}`,
    fix,
    details,
  );
}

async function judgeTrail(ctx: CheckContext, trail: Trail): Promise<{ name: string; verdict: string }> {
  const name = trail.Name ?? trail.TrailARN ?? '?';
  const arn = trail.TrailARN ?? name;
  // A trail answers for its selectors and status in its home region.
  const client = ctx.clients.cloudtrail(trail.HomeRegion ?? '');
  const [selectors, status] = await Promise.all([
    call(ctx, (abortSignal) =>
      client.send(new GetEventSelectorsCommand({ TrailName: arn }), { abortSignal }),
    ),
    call(ctx, (abortSignal) => client.send(new GetTrailStatusCommand({ Name: arn }), { abortSignal })),
  ]);
  if (!selectors.ok)
    return { name, verdict: `not checked (cloudtrail:GetEventSelectors: ${selectors.name})` };
  if (!status.ok) return { name, verdict: `not checked (cloudtrail:GetTrailStatus: ${status.name})` };
  if (!status.value.IsLogging) return { name, verdict: 'is not logging' };
  const reads =
    recordsReadEvents(selectors.value.EventSelectors ?? []) ||
    recordsReadEventsAdvanced(selectors.value.AdvancedEventSelectors ?? []);
  return { name, verdict: reads ? 'records read events' : 'records no read management events' };
}

/** Basic selectors: ReadWriteType All or ReadOnly with management events included (their default). */
function recordsReadEvents(selectors: EventSelector[]): boolean {
  return selectors.some(
    (s) => (s.ReadWriteType ?? 'All') !== 'WriteOnly' && s.IncludeManagementEvents !== false,
  );
}

/**
 * Advanced selectors: one that selects management events without excluding read-only ones or ECR's event source
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
 */
function recordsReadEventsAdvanced(selectors: AdvancedEventSelector[]): boolean {
  return selectors.some((selector) => {
    const fields = selector.FieldSelectors ?? [];
    const field = (name: string) => fields.find((f) => f.Field === name);
    const category = field('eventCategory');
    if (!category?.Equals?.includes('Management')) return false;
    const readOnly = field('readOnly');
    if (readOnly?.Equals && !readOnly.Equals.includes('true')) return false;
    const source = field('eventSource');
    if (source?.Equals && !source.Equals.includes(ECR_API_EVENT.eventSource)) return false;
    if (source?.NotEquals?.includes(ECR_API_EVENT.eventSource)) return false;
    return true;
  });
}

/** The organization is the configured one, and StackSets has trusted access in it. */
export async function organizationCheck(
  ctx: CheckContext,
  place: Place,
  organizationId: string,
): Promise<{ result: PreflightCheck; managementAccount: string | null }> {
  const organizations = ctx.clients.organizations(place.region);
  const described = await call(ctx, (abortSignal) =>
    organizations.send(new DescribeOrganizationCommand({}), { abortSignal }),
  );
  if (!described.ok) {
    return {
      result: unanswered('organization', null, 'organizations:DescribeOrganization', described),
      managementAccount: null,
    };
  }
  const actual = described.value.Organization?.Id;
  const managementAccount = described.value.Organization?.MasterAccountId ?? null;
  if (actual !== organizationId) {
    return {
      result: check(
        'organization',
        null,
        'fail',
        `account ${place.account} is in organization ${actual}, not organization.organizationId ${organizationId}: the code buckets would admit no member`,
        `set organization.organizationId to ${actual}`,
        { organizationId: actual },
      ),
      managementAccount,
    };
  }
  const enabled: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(ctx, (abortSignal) =>
      organizations.send(new ListAWSServiceAccessForOrganizationCommand({ NextToken: nextToken }), {
        abortSignal,
      }),
    );
    if (!page.ok) {
      return {
        result: unanswered('organization', null, 'organizations:ListAWSServiceAccessForOrganization', page),
        managementAccount,
      };
    }
    enabled.push(...(page.value.EnabledServicePrincipals ?? []).map((p) => p.ServicePrincipal ?? ''));
    nextToken = page.value.NextToken;
  } while (nextToken);
  const details = { organizationId: actual, managementAccount, trustedAccess: enabled };
  if (!enabled.includes(STACKSETS_PRINCIPAL)) {
    return {
      result: check(
        'organization',
        null,
        'fail',
        `trusted access for StackSets is off in ${actual} (${STACKSETS_PRINCIPAL} is not enabled): the StackSet cannot be created`,
        'from the management account: aws cloudformation activate-organizations-access (or CloudFormation console > StackSets > Activate trusted access)',
        details,
      ),
      managementAccount,
    };
  }
  return {
    result: check('organization', null, 'pass', `${actual}, trusted access for StackSets on`, null, details),
    managementAccount,
  };
}

/**
 * The deploying account may administer the StackSet: `callAs: SELF` needs the management account, and
 * `DELEGATED_ADMIN` an account registered for StackSets.
 */
export async function stackSetAdminCheck(
  ctx: CheckContext,
  place: Place,
  callAs: string,
  managementAccount: string | null,
): Promise<PreflightCheck> {
  if (callAs !== 'DELEGATED_ADMIN') {
    if (managementAccount === null || managementAccount === place.account) {
      return check(
        'stackset-admin',
        null,
        managementAccount ? 'pass' : 'skip',
        managementAccount
          ? `callAs SELF from the management account ${place.account}`
          : 'not checked: the organization was not read',
        null,
      );
    }
    return check(
      'stackset-admin',
      null,
      'fail',
      `callAs SELF, but ${place.account} is not the management account (${managementAccount})`,
      `deploy from ${managementAccount}, or register ${place.account} as a delegated administrator for StackSets and set organization.callAs to DELEGATED_ADMIN`,
    );
  }
  const listed = await call(ctx, (abortSignal) =>
    ctx.clients
      .organizations(place.region)
      .send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: STACKSETS_PRINCIPAL }), {
        abortSignal,
      }),
  );
  if (!listed.ok)
    return unanswered('stackset-admin', null, 'organizations:ListDelegatedAdministrators', listed);
  const admins = (listed.value.DelegatedAdministrators ?? []).map((a) => a.Id ?? '');
  if (!admins.includes(place.account)) {
    return check(
      'stackset-admin',
      null,
      'fail',
      `callAs DELEGATED_ADMIN, but ${place.account} is not a delegated administrator for StackSets (registered: ${admins.join(', ') || 'none'})`,
      `from the management account: aws organizations register-delegated-administrator --service-principal ${STACKSETS_PRINCIPAL} --account-id ${place.account}`,
      { delegatedAdministrators: admins },
    );
  }
  return check(
    'stackset-admin',
    null,
    'pass',
    `${place.account} is a delegated administrator for StackSets`,
    null,
    { delegatedAdministrators: admins },
  );
}

/** The sink exists, and its policy lets any account of the organization link the metrics the members share. */
export async function sinkCheck(
  ctx: CheckContext,
  place: Place,
  sinkArn: string,
  organizationId: string,
): Promise<PreflightCheck> {
  const oam = ctx.clients.oam(place.region);
  const sink = await call(ctx, (abortSignal) => oam.getSink(sinkArn, abortSignal));
  if (!sink.ok) {
    if (sink.name === 'ResourceNotFoundException') {
      return check(
        'sink',
        place,
        'fail',
        `${sinkArn} does not exist: every member's link to it fails, and with it the member's stack`,
        "deploy the monitoring stacks first (as the monitoring account) and copy each region's SinkArn output into organization.sinkArns",
        { sinkArn },
      );
    }
    return unanswered('sink', place, 'oam:GetSink', sink);
  }
  const policy = await call(ctx, (abortSignal) => oam.getSinkPolicy(sinkArn, abortSignal));
  if (!policy.ok) return unanswered('sink', place, 'oam:GetSinkPolicy', policy);
  const details = { sinkArn, organizationId, resourceTypes: OAM_LINK_RESOURCE_TYPES };
  const fix = `set the sink's policy to allow ${OAM_LINK_ACTIONS.join(' and ')} to principal "*" with aws:PrincipalOrgID ${organizationId} for ${OAM_LINK_RESOURCE_TYPES.join(', ')} (the monitoring stack writes it)`;
  try {
    const statements = policyStatements(policy.value.Policy ?? '{}');
    // Any account of the organization: a made-up member, known only by the organization it belongs to.
    const admitted = OAM_LINK_ACTIONS.every(
      (action) =>
        evaluate(statements, {
          principal: `arn:${regionPartition(place.region)}:iam::000000000000:root`,
          action,
          resource: sinkArn,
          context: {
            'aws:PrincipalOrgID': organizationId,
            'oam:ResourceTypes': [...OAM_LINK_RESOURCE_TYPES],
          },
        }) === 'allow',
    );
    if (!admitted) {
      return check(
        'sink',
        place,
        'fail',
        `${sinkArn}'s policy does not admit the accounts of ${organizationId}`,
        fix,
        details,
      );
    }
  } catch (error) {
    const why = error instanceof UnmodelledPolicyError ? error.message : 'not JSON';
    return check('sink', place, 'warn', `${sinkArn}'s policy could not be judged (${why})`, fix, details);
  }
  return check(
    'sink',
    place,
    'pass',
    `${sinkArn} exists and admits the accounts of ${organizationId}`,
    null,
    details,
  );
}
