import type { Failed } from '../../engine/aws/call.ts';
import type { Category } from '../../engine/model/types.ts';
import type { CheckResult, CheckStatus } from '../doctor/check.ts';
import { docLocation } from '../package-info.ts';

/** Status's checks, in the order `--help` lists them. */
export const STATUS_CHECK_IDS = [
  'credentials',
  'account',
  'stack',
  'schedule',
  'runs',
  'alarms',
  'alarm',
  'topic',
  'topic-key',
  'subscription',
  'watch',
  'leftover',
  'stackset',
  'instance',
] as const;
export type StatusCheckId = (typeof STATUS_CHECK_IDS)[number];
export type StatusCheck = CheckResult<StatusCheckId>;

export const STATUS_TITLES: Readonly<Record<StatusCheckId, string>> = {
  credentials: 'credentials',
  account: 'account',
  stack: 'stack',
  schedule: 'schedule',
  runs: 'probe runs',
  alarms: 'alarms',
  alarm: 'alarm',
  topic: 'topic',
  'topic-key': 'topic key',
  subscription: 'subscription',
  watch: 'workload watch',
  leftover: 'leftover stack',
  stackset: 'StackSet',
  instance: 'stack instance',
};

export const STATUS_CHECKS_HELP: Readonly<Record<StatusCheckId, string>> = {
  credentials: 'the credentials resolve (STS)',
  account: 'they are the configured account (with organization: the StackSet or the monitoring account)',
  stack: "each region's stack: present, its status, synthesized from this configuration or stale",
  schedule: 'the schedule that runs the probe: enabled, its expression',
  runs: 'the probe\'s last runs per target from its metrics; "has not run for N minutes" when overdue',
  alarms: 'every alarm of the canary: state, since when, actions enabled',
  alarm: 'one line per alarm that cannot page or is paging',
  topic: "the alarms' topic: exists, has subscribers",
  'topic-key':
    "an encrypted topic's KMS key lets CloudWatch use it (else every alarm notification is dropped)",
  subscription: 'each subscription: protocol, endpoint (secrets masked), confirmed or pending',
  watch: 'the workload watch rules: enabled, last event matched',
  leftover:
    'a canary stack in a region the configuration no longer names, or a dashboard stack removed or moved (organization: a monitoring or code bucket stack of a removed region, the dashboard or StackSet stack moved): the fix',
  stackset: 'organization: the StackSet and its status',
  instance: "organization: each stack instance's status",
};

/** The page that lists every read permission status (and drill's one write) needs. */
export const STATUS_FILE = 'docs/status.md';
export const STATUS_PERMISSIONS_LINK = `${docLocation(STATUS_FILE)}#permissions`;

/** Per call: a hanging endpoint costs seconds; every region is read at once, so three regions take one region's time. */
export const STATUS_TIMEOUT_MS = 5000;

/** One place the canary runs: an account and a region, as `account/region` in the output. */
export interface Place {
  account: string;
  region: string;
}

export function check(
  id: StatusCheckId,
  place: Place | null,
  status: CheckStatus,
  saw: string,
  fix: string | null,
  details: Record<string, unknown> = {},
  runbook: Category | null = null,
): StatusCheck {
  return {
    id,
    ...(place ? { where: `${place.account}/${place.region}` } : {}),
    status,
    saw,
    fix,
    runbook,
    details: { ...(place ? { account: place.account, region: place.region } : {}), ...details },
  };
}

/**
 * A read that got no answer to judge. Denied is "not checked" (`warn`: status cannot tell, and a missing
 * permission is no broken pager); no answer in time, or unreachable, is `fail`: this host cannot tell that the
 * canary can page, and exit 0 would claim it.
 */
export function unanswered(
  id: StatusCheckId,
  place: Place | null,
  action: string,
  outcome: Failed,
): StatusCheck {
  const details = { action, error: outcome.name, message: outcome.message };
  if (outcome.kind === 'denied') {
    return check(
      id,
      place,
      'warn',
      `not checked: ${action} was denied (${outcome.name}: ${outcome.message})`,
      `allow ${action} to these credentials (every permission status reads: ${STATUS_PERMISSIONS_LINK}), or check this by hand`,
      details,
    );
  }
  if (outcome.kind === 'timeout' || outcome.kind === 'unreachable') {
    return check(
      id,
      place,
      'fail',
      `not checked: ${action}${place ? ` in ${place.region}` : ''}: ${outcome.message}`,
      'check the path to the AWS endpoint from here (DNS, proxy, firewall, AWS_ENDPOINT_URL_* variables) and run status again',
      details,
    );
  }
  return check(
    id,
    place,
    'fail',
    `not checked: ${action} failed: ${outcome.name}: ${outcome.message}`,
    'fix what the error says and run status again',
    details,
  );
}
