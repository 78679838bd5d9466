import type { CheckResult, CheckStatus } from '../doctor/check.ts';
import type { PreflightClients } from './aws.ts';
import { type Outcome, withDeadline } from './aws.ts';

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
  'organization',
  'stackset-admin',
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
  organization: 'organization',
  'stackset-admin': 'StackSet admin',
  sink: 'OAM sink',
};

/** Per call: short, so a hanging endpoint costs seconds, not the 40 minutes CloudFormation would take. */
export const PREFLIGHT_TIMEOUT_MS = 5000;

/** What every check gets: the clients, the deadline, and the place it looks at. */
export interface CheckContext {
  clients: PreflightClients;
  timeoutMs: number;
}

/** One place the app deploys to: an account and a region, as `account/region` in the output. */
export interface Place {
  account: string;
  region: string;
}

export const placeName = (place: Place): string => `${place.account}/${place.region}`;

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
      `let the deployer call ${action} (docs/preflight.md lists every read permission), or check this by hand`,
      details,
    );
  }
  if (outcome.kind === 'timeout') {
    return check(
      id,
      place,
      'fail',
      `${action}${place ? ` in ${place.region}` : ''}: ${outcome.message}`,
      'check the path to the AWS endpoint from here (proxy, firewall, AWS_ENDPOINT_URL_* variables) and run preflight again',
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
