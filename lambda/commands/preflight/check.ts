import { type Outcome, withDeadline } from '../../engine/aws/call.ts';
import type { CheckResult, CheckStatus } from '../doctor/check.ts';
import { docLocation, PREFLIGHT_FILE } from '../package-info.ts';
import type { PreflightClients } from './aws.ts';

/** Preflight's checks, in the order `--help` lists them. */
export const PREFLIGHT_CHECK_IDS = [
  'credentials',
  'account',
  'bootstrap',
  'subnets',
  'network',
  'topic',
  'topic-key',
  'trail',
  'eks-cluster',
  'dashboard',
  'organization',
  'stackset-admin',
  'stackset-stack',
  'sink',
] as const;
export type PreflightCheckId = (typeof PREFLIGHT_CHECK_IDS)[number];
export type PreflightCheck = CheckResult<PreflightCheckId>;

export const PREFLIGHT_TITLES: Readonly<Record<PreflightCheckId, string>> = {
  credentials: 'credentials',
  account: 'account',
  bootstrap: 'CDK bootstrap',
  subnets: 'subnets and groups',
  network: 'network path',
  topic: 'existing topic',
  'topic-key': 'topic key',
  trail: 'CloudTrail',
  'eks-cluster': 'EKS cluster',
  dashboard: 'dashboard stack',
  organization: 'organization',
  'stackset-admin': 'StackSet admin',
  'stackset-stack': 'StackSet stack',
  sink: 'OAM sink',
};

/**
 * The oldest bootstrap stack the app's templates accept: the CDK's DefaultStackSynthesizer checks
 * `/cdk-bootstrap/<qualifier>/version` against it (its CheckBootstrapVersion rule rejects 1 to 5).
 */
export const MIN_BOOTSTRAP_VERSION = 6;

/** What each check looks at, for `--help`. */
export const PREFLIGHT_CHECKS_HELP: Readonly<Record<PreflightCheckId, string>> = {
  credentials: 'the deployer credentials resolve (STS)',
  account: 'they are the configured account (or, with organization, the StackSet or monitoring account)',
  bootstrap: `CDK bootstrap in each account and region, version ${MIN_BOOTSTRAP_VERSION} or later`,
  subnets: 'the VPC subnets and security groups exist there, in one VPC, HTTPS out',
  network: 'a path from each subnet to ECR, S3, STS, CloudWatch, SNS, DynamoDB; the S3 endpoint policy',
  topic: 'an existing topic exists, and takes the subscriptions the app adds',
  'topic-key': "its KMS key: customer managed, named, usable by CloudWatch and the account's IAM",
  trail: 'with ecrApiCalls, a trail recording read management events',
  'eks-cluster':
    'with workloadWatch.eks, each cluster: authentication mode API or API_AND_CONFIG_MAP, an endpoint the watcher reaches (public to all, or private from its subnets on 443)',
  dashboard:
    "with the dashboard, this canary's <name>-dashboard stack (organization: the monitoring stack that holds <name>-organization) in no region but the first (a dashboard's name is global to the account)",
  organization: 'the organization ID, StackSets trusted access',
  'stackset-admin': 'the account may administer the StackSet (callAs)',
  'stackset-stack':
    'the <name>-org stack in no region but the first (else a deploy makes a second StackSet of the same canary)',
  sink: 'each OAM sink exists and admits the organization',
};

/** The page that lists every read permission preflight needs: the installed copy when there is one. */
export const READ_PERMISSIONS_LINK = `${docLocation(PREFLIGHT_FILE)}#read-permissions`;

/** Per call: short, so a hanging endpoint costs seconds, not the 40 minutes CloudFormation would take. */
export const PREFLIGHT_TIMEOUT_MS = 5000;

/** What every check gets: the clients, the deadline, and the place it looks at. */
export interface CheckContext {
  clients: PreflightClients;
  timeoutMs: number;
  /** The regions the dashboard checks look in (tests name a few). @default every known region of the partition */
  scanRegions?: readonly string[];
}

/** One place the app deploys to: an account and a region, as `account/region` in the output. */
export interface Place {
  account: string;
  region: string;
}

const placeName = (place: Place): string => `${place.account}/${place.region}`;

export function check(
  id: PreflightCheckId,
  place: Place | null,
  status: CheckStatus,
  saw: string,
  fix: string | null,
  details: Record<string, unknown> = {},
): PreflightCheck {
  return {
    id,
    ...(place ? { where: placeName(place) } : {}),
    status,
    saw,
    fix,
    runbook: null,
    details: { ...(place ? { account: place.account, region: place.region } : {}), ...details },
  };
}

/** Runs one AWS call under the context's deadline. */
export function call<T>(
  ctx: CheckContext,
  run: (abortSignal: AbortSignal) => Promise<T>,
): Promise<Outcome<T>> {
  return withDeadline(ctx.timeoutMs, run);
}

/**
 * The verdict when a call got no answer to judge: `warn` when the deployer may not make it (preflight cannot
 * tell, the deploy may still work), `fail` when the endpoint did not answer in time or refused otherwise.
 */
export function unanswered(
  id: PreflightCheckId,
  place: Place | null,
  action: string,
  outcome: Exclude<Outcome<unknown>, { ok: true }>,
): PreflightCheck {
  const details = { action, error: outcome.name, message: outcome.message };
  if (outcome.kind === 'denied') {
    return check(
      id,
      place,
      'warn',
      `not checked: ${action} was denied (${outcome.name}: ${outcome.message})`,
      `let the deployer call ${action} (every read permission: ${READ_PERMISSIONS_LINK}), or check this by hand`,
      details,
    );
  }
  if (outcome.kind === 'timeout' || outcome.kind === 'unreachable') {
    return check(
      id,
      place,
      'fail',
      `${action}${place ? ` in ${place.region}` : ''}: ${outcome.message}`,
      'check the path to the AWS endpoint from here (DNS, proxy, firewall, AWS_ENDPOINT_URL_* variables) and run preflight again',
      details,
    );
  }
  return check(
    id,
    place,
    'fail',
    `${action} failed: ${outcome.name}: ${outcome.message}`,
    'fix what the error says and run preflight again',
    details,
  );
}
