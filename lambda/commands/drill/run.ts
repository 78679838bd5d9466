import {
  type AlarmHistoryItem,
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientPool, type Failed, type Outcome, withDeadline } from '../../engine/aws/call.ts';
import { metricAlarmsByPrefix } from '../../engine/aws/metric-alarms.ts';
import { ALARM_KINDS, alarmNamePrefix } from '../../engine/config/alarm-naming.ts';
import type { CanaryConfig } from '../../engine/config/schema.ts';
import type { CheckResult, CheckStatus } from '../doctor/check.ts';
import { docLocation } from '../package-info.ts';

/**
 * A drill of one alarm, as CloudWatch documents testing an alarm's actions: SetAlarmState "temporarily sets the
 * state of an alarm for testing purposes. When the updated state differs from the previous value, the action
 * configured for the appropriate state is invoked", and the alarm "returns to its actual state (often within
 * seconds)"; the outcome of each action is an `Action` item of the alarm's history (DescribeAlarmHistory):
 * "Successfully executed action <arn>" or "Failed to execute action <arn>. Received error: …"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html).
 *
 * Hence what it refuses: an alarm already in ALARM (setting ALARM is no change: no action runs, and it is paging for
 * real), one whose actions are disabled or that has no ALARM action (nothing to prove). And what it always does,
 * interrupted or not: set the alarm back to OK if it is still in the drill's ALARM, so no one is left paged.
 */

export const DRILL_CHECK_IDS = ['alarm', 'alarm-action', 'restore', 'ok-action'] as const;
export type DrillCheckId = (typeof DRILL_CHECK_IDS)[number];
export type DrillCheck = CheckResult<DrillCheckId>;

export const DRILL_TITLES: Readonly<Record<DrillCheckId, string>> = {
  alarm: 'alarm',
  'alarm-action': 'ALARM action',
  restore: 'back to OK',
  'ok-action': 'OK action',
};

/** The alarm a drill takes when none is named: the one every failure category reaches. */
export const DEFAULT_DRILL_ALARM = 'availability';
/** How long the drill waits for the history to show each action's outcome (CloudWatch writes it within seconds). */
export const DRILL_WAIT_MS = 60_000;
export const DRILL_POLL_MS = 1000;
export const DRILL_PERMISSIONS_LINK = `${docLocation('docs/status.md')}#permissions`;

export interface DrillRequest {
  config: CanaryConfig;
  region: string;
  /** An alarm kind (`availability`, `auth`, …) or a full alarm name of this canary in `region`. */
  alarm: string;
  timeoutMs: number;
  waitMs: number;
  pollMs: number;
  /** Asked once the alarm is known and fit for a drill; false or null (cannot ask) stops before anything changes. */
  confirm: (question: string) => Promise<boolean | null>;
  /** Aborted on Ctrl-C or SIGTERM: the drill stops waiting and sets the alarm back to OK. */
  interrupted: AbortSignal;
  /** Progress lines for a person (stderr), as the drill goes. */
  progress: (line: string) => void;
}

export type DrillResult =
  | { outcome: 'done' | 'interrupted'; checks: DrillCheck[] }
  | { outcome: 'declined' | 'cannot-ask'; checks: DrillCheck[] };

function check(
  id: DrillCheckId,
  where: string,
  status: CheckStatus,
  saw: string,
  fix: string | null,
  details: Record<string, unknown> = {},
): DrillCheck {
  return { id, where, status, saw, fix, runbook: null, details };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** What to do about a failed action, from the failure text CloudWatch records. */
export function actionFix(summary: string): string {
  if (/encryption key|KMS/i.test(summary)) {
    return "let CloudWatch use the topic's KMS key: a key policy statement allowing the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (the AWS managed key alias/aws/sns never can; docs/notifications.md)";
  }
  if (/not authorized to perform: ?SNS:Publish/i.test(summary)) {
    return 'let CloudWatch publish: the topic policy must allow the service principal cloudwatch.amazonaws.com sns:Publish (with aws:SourceAccount this account)';
  }
  if (/does not exist|NotFound/i.test(summary))
    return 'the topic is gone: deploy the stack again (npx cdk deploy)';
  return 'fix what the error says, then drill again';
}

interface Clients {
  cloudwatch: CloudWatchClient;
  call<T>(run: (abortSignal: AbortSignal) => Promise<T>): Promise<Outcome<T>>;
}

/** A read or write that got no answer: what the drill could not do, and the fix. */
function unanswered(id: DrillCheckId, where: string, action: string, failed: Failed): DrillCheck {
  return check(
    id,
    where,
    'fail',
    `${action} ${failed.kind === 'denied' ? 'was denied' : 'failed'}: ${failed.name}: ${failed.message}`,
    failed.kind === 'denied'
      ? `allow ${action} to these credentials (${DRILL_PERMISSIONS_LINK})`
      : 'check the path to the CloudWatch endpoint from here and drill again',
    { action, error: failed.name },
  );
}

async function describeAlarm(clients: Clients, name: string): Promise<Outcome<MetricAlarm | null>> {
  const answer = await clients.call((abortSignal) =>
    clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] }), {
      abortSignal,
    }),
  );
  if (!answer.ok) return answer;
  return { ok: true, value: answer.value.MetricAlarms?.[0] ?? null };
}

/** The alarm a request names: a kind of this canary's alarms in the region, or one of their full names. */
async function findAlarm(
  clients: Clients,
  config: CanaryConfig,
  region: string,
  alarm: string,
): Promise<Outcome<MetricAlarm[]>> {
  const prefix = alarmNamePrefix(config.name, region);
  const listed = await metricAlarmsByPrefix((run) => clients.call(run), clients.cloudwatch, prefix);
  if (!listed.ok) return listed;
  const alarms = listed.value;
  const exact = alarms.filter((a) => a.AlarmName === alarm);
  if (exact.length > 0) return { ok: true, value: exact };
  return {
    ok: true,
    value: alarms.filter((a) => (a.AlarmName ?? '').slice(prefix.length).startsWith(`${alarm}-`)),
  };
}

/** The history items from `since` on, oldest first. */
async function historySince(
  clients: Clients,
  name: string,
  since: Date,
): Promise<Outcome<AlarmHistoryItem[]>> {
  const answer = await clients.call((abortSignal) =>
    clients.cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: name,
        StartDate: since,
        EndDate: new Date(Date.now() + 3_600_000),
        ScanBy: 'TimestampAscending',
        MaxRecords: 100,
      }),
      { abortSignal },
    ),
  );
  if (!answer.ok) return answer;
  return { ok: true, value: answer.value.AlarmHistoryItems ?? [] };
}

/** Picks, in the history oldest first, the index of the state change whose actions to judge; -1 when not there yet. */
type ChangePicker = (items: AlarmHistoryItem[]) => number;

/** The StateUpdate whose reason (in its HistoryData) holds `text`. */
const changeWith =
  (text: string): ChangePicker =>
  (items) =>
    items.findIndex(
      (item) => item.HistoryItemType === 'StateUpdate' && (item.HistoryData ?? '').includes(text),
    );

/** One state change and the actions it ran: the ALARM change's, or the OK change's. */
interface Change {
  pick: ChangePicker;
  actions: string[];
}

/**
 * The outcome of each action of the last of `changes`: Action items are given, in the order the history lists them,
 * each to the earliest change before it that ran an action of that ARN and has no outcome for it yet. CloudWatch
 * writes the items a little after the change, so a quick next change (the alarm's own evaluation) can come between a
 * change and its items; an ALARM and an OK action to the same topic are told apart by that order, never by their
 * text, which can be the same. Polls until every action has one, the wait ends, or the drill is interrupted.
 */
async function actionOutcomes(
  clients: Clients,
  name: string,
  since: Date,
  changes: Change[],
  request: Pick<DrillRequest, 'waitMs' | 'pollMs' | 'interrupted'>,
): Promise<Outcome<{ found: boolean; outcomes: Map<string, AlarmHistoryItem> }>> {
  const until = Date.now() + request.waitMs;
  const last = changes.length - 1;
  const wanted = changes[last]?.actions ?? [];
  for (;;) {
    const history = await historySince(clients, name, since);
    if (!history.ok) return history;
    const items = history.value;
    const at = changes.map((change) => change.pick(items));
    const outcomes = changes.map(() => new Map<string, AlarmHistoryItem>());
    items.forEach((item, i) => {
      if (item.HistoryItemType !== 'Action') return;
      for (let c = 0; c < changes.length; c += 1) {
        const start = at[c] ?? -1;
        if (start < 0 || start >= i) continue;
        const arn = changes[c]?.actions.find((a) => (item.HistorySummary ?? '').includes(a));
        const got = outcomes[c] as Map<string, AlarmHistoryItem>;
        if (arn && !got.has(arn)) {
          got.set(arn, item);
          return;
        }
      }
    });
    const found = (at[last] ?? -1) >= 0;
    const mine = outcomes[last] as Map<string, AlarmHistoryItem>;
    if ((found && mine.size === wanted.length) || Date.now() >= until || request.interrupted.aborted) {
      return { ok: true, value: { found, outcomes: mine } };
    }
    await sleep(Math.min(request.pollMs, Math.max(0, until - Date.now())), request.interrupted);
  }
}

function judgeActions(
  id: 'alarm-action' | 'ok-action',
  where: string,
  state: 'ALARM' | 'OK',
  actions: string[],
  outcomes: Map<string, AlarmHistoryItem>,
  waitedMs: number,
  interrupted: boolean,
): DrillCheck[] {
  return actions.map((arn) => {
    const item = outcomes.get(arn);
    if (!item) {
      return check(
        id,
        where,
        interrupted ? 'skip' : 'fail',
        interrupted
          ? `${arn}: not seen, the drill was interrupted before its history showed it`
          : `${arn}: no outcome in the alarm's history within ${Math.round(waitedMs / 1000)} s of the ${state} change`,
        interrupted
          ? null
          : `read the history: aws cloudwatch describe-alarm-history --alarm-name NAME --history-item-type Action --region ${where.split('/')[1]}`,
        { action: arn, state },
      );
    }
    const summary = item.HistorySummary ?? '';
    const succeeded = /^Successfully executed action/.test(summary);
    return check(id, where, succeeded ? 'pass' : 'fail', summary, succeeded ? null : actionFix(summary), {
      action: arn,
      state,
      at: item.Timestamp?.toISOString() ?? null,
      historyData: item.HistoryData ?? null,
    });
  });
}

export async function runDrill(request: DrillRequest): Promise<DrillResult> {
  const pool = new ClientPool(request.timeoutMs);
  try {
    return await drill(request, pool);
  } finally {
    pool.destroy();
  }
}

async function drill(request: DrillRequest, pool: ClientPool): Promise<DrillResult> {
  const { config, region } = request;
  const sts = pool.get('sts', region, (c) => new STSClient(c));
  const clients: Clients = {
    cloudwatch: pool.get('cloudwatch', region, (c) => new CloudWatchClient(c)),
    call: (run) => withDeadline(request.timeoutMs, run),
  };
  const identity = await clients.call((abortSignal) =>
    sts.send(new GetCallerIdentityCommand({}), { abortSignal }),
  );
  const account = identity.ok ? (identity.value.Account ?? '?') : (config.account ?? '?');
  const where = `${account}/${region}`;
  /** The drill stops before changing anything: one failed alarm check says why. */
  const refuse = (saw: string, fix: string, details: Record<string, unknown> = {}): DrillResult => ({
    outcome: 'done',
    checks: [check('alarm', where, 'fail', saw, fix, details)],
  });
  if (!identity.ok)
    return { outcome: 'done', checks: [unanswered('alarm', where, 'sts:GetCallerIdentity', identity)] };
  if (config.account && config.account !== account) {
    return refuse(
      `these credentials are account ${account}; the canary runs in ${config.account}`,
      `use credentials of ${config.account} (AWS_PROFILE=…)`,
    );
  }
  const found = await findAlarm(clients, config, region, request.alarm);
  if (!found.ok)
    return { outcome: 'done', checks: [unanswered('alarm', where, 'cloudwatch:DescribeAlarms', found)] };
  if (found.value.length !== 1) {
    const names = found.value.map((a) => a.AlarmName);
    return refuse(
      names.length === 0
        ? `no alarm "${request.alarm}" of ${config.name} in ${region} (its alarms are named ${alarmNamePrefix(config.name, region)}<kind>-<severity>)`
        : `"${request.alarm}" names ${names.length} alarms: ${names.join(', ')}`,
      names.length === 0
        ? `name one of the kinds (${ALARM_KINDS.join(', ')}) this configuration deploys, or a full alarm name; ecr-pull-canary status lists them`
        : 'give one of these full names with --alarm',
      { alarms: names },
    );
  }
  const alarm = found.value[0] as MetricAlarm;
  const name = alarm.AlarmName ?? '';
  const alarmActions = alarm.AlarmActions ?? [];
  const okActions = alarm.OKActions ?? [];
  const details = {
    alarmName: name,
    state: alarm.StateValue,
    actionsEnabled: alarm.ActionsEnabled,
    alarmActions,
    okActions,
  };
  if (alarm.StateValue === 'ALARM') {
    return refuse(
      `${name} is in ALARM already (${alarm.StateReason ?? ''}): it is paging for real, and setting ALARM again is no change, so no action would run`,
      'drill another alarm, or this one once it is OK',
      details,
    );
  }
  if (alarm.ActionsEnabled === false || alarmActions.length === 0) {
    return refuse(
      alarm.ActionsEnabled === false
        ? `${name} has its actions disabled: CloudWatch runs none, so a drill would page nobody and prove nothing`
        : `${name} has no ALARM action: there is nobody to page`,
      alarm.ActionsEnabled === false
        ? `aws cloudwatch enable-alarm-actions --alarm-names ${name} --region ${region}, then drill again`
        : 'deploy the stack with this configuration (npx cdk deploy)',
      details,
    );
  }
  const answer = await request.confirm(
    `This sets ${name} (${where}) to ALARM: its ${alarmActions.length} ALARM action(s) run (${alarmActions.join(', ')}), so whoever they page is paged, then it is set back to OK. Go on? [y/N] `,
  );
  if (answer !== true) {
    return {
      outcome: answer === null ? 'cannot-ask' : 'declined',
      checks: [
        check(
          'alarm',
          where,
          'skip',
          `${name}: not drilled (${answer === null ? 'cannot ask, and no --yes' : 'declined'})`,
          null,
          details,
        ),
      ],
    };
  }
  const drillId = `drill-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const reason = `ecr-pull-canary drill ${drillId}: a test of this alarm's actions by ${identity.ok ? identity.value.Arn : 'the operator'}, not a real failure; it is set back to OK when the drill ends`;
  // The history's clock is CloudWatch's: look back a little, and find the drill's own change by its reason.
  const since = new Date(Date.now() - 5 * 60_000);
  const checks: DrillCheck[] = [];
  const set = await clients.call((abortSignal) =>
    clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: reason }),
      {
        abortSignal,
      },
    ),
  );
  if (!set.ok) {
    // Denied or unanswered: the state may still have changed (an answer lost on the way back); the restore below runs.
    checks.push(unanswered('alarm', where, 'cloudwatch:SetAlarmState', set));
  } else {
    checks.push(
      check('alarm', where, 'pass', `${name} set to ALARM (${reason})`, null, { ...details, drillId }),
    );
    request.progress(`ALARM set on ${name}; waiting for its actions' outcomes in the alarm's history…`);
    const started = Date.now();
    const alarmSide = await actionOutcomes(
      clients,
      name,
      since,
      [{ pick: changeWith(drillId), actions: alarmActions }],
      request,
    );
    if (!alarmSide.ok)
      checks.push(unanswered('alarm-action', where, 'cloudwatch:DescribeAlarmHistory', alarmSide));
    else {
      checks.push(
        ...judgeActions(
          'alarm-action',
          where,
          'ALARM',
          alarmActions,
          alarmSide.value.outcomes,
          Date.now() - started,
          request.interrupted.aborted,
        ),
      );
    }
  }
  // Back to OK, whatever happened above: unless the alarm already left the drill's ALARM (its next evaluation).
  const restored = await restore(clients, name, drillId, where, set.ok);
  checks.push(restored.check);
  if (set.ok && restored.changed !== null && okActions.length > 0 && !request.interrupted.aborted) {
    request.progress(`OK set on ${name}; waiting for its OK actions' outcomes…`);
    const started = Date.now();
    const okSide = await actionOutcomes(
      clients,
      name,
      since,
      [
        { pick: changeWith(drillId), actions: alarmActions },
        { pick: restored.changed, actions: okActions },
      ],
      request,
    );
    if (!okSide.ok) checks.push(unanswered('ok-action', where, 'cloudwatch:DescribeAlarmHistory', okSide));
    else {
      checks.push(
        ...judgeActions(
          'ok-action',
          where,
          'OK',
          okActions,
          okSide.value.outcomes,
          Date.now() - started,
          request.interrupted.aborted,
        ),
      );
    }
  }
  return { outcome: request.interrupted.aborted ? 'interrupted' : 'done', checks };
}

/**
 * Sets the alarm back to OK when it is still in the drill's ALARM. `changed` picks the history item of the change to
 * OK whose actions to judge (the drill's own, or the evaluation's that came first); null when there is none to judge.
 */
async function restore(
  clients: Clients,
  name: string,
  drillId: string,
  where: string,
  drilled: boolean,
): Promise<{ check: DrillCheck; changed: ChangePicker | null }> {
  const now = await describeAlarm(clients, name);
  const stillOurs =
    now.ok && now.value?.StateValue === 'ALARM' && (now.value.StateReason ?? '').includes(drillId);
  if (now.ok && !stillOurs) {
    const state = now.value?.StateValue ?? 'gone';
    if (!drilled && state !== 'ALARM') {
      return {
        check: check('restore', where, 'skip', `${name} was not changed: it is ${state}`, null, { state }),
        changed: null,
      };
    }
    if (state === 'ALARM') {
      return {
        check: check(
          'restore',
          where,
          'fail',
          `${name} went to ALARM for real during the drill (${now.value?.StateReason ?? ''}): left as it is`,
          'follow the alarm: it is a real failure',
          { state },
        ),
        changed: null,
      };
    }
    // Its next evaluation already ended the drill's ALARM ("returns to its actual state"): the change after the
    // drill's is the one whose OK actions ran, if it went to OK.
    return {
      check: check(
        'restore',
        where,
        'pass',
        `${name} left the drill's ALARM by itself at its next evaluation: now ${state}${state === 'OK' ? '' : ' (no OK action runs for that state)'}`,
        null,
        { state },
      ),
      changed:
        state === 'OK'
          ? (items) => {
              const ours = changeWith(drillId)(items);
              if (ours < 0) return -1;
              const next = items.findIndex((item, i) => i > ours && item.HistoryItemType === 'StateUpdate');
              return next;
            }
          : null,
    };
  }
  // Not read, or still ours: set it back. A SetAlarmState to OK on an alarm already OK changes nothing.
  const reason = `ecr-pull-canary drill ${drillId} over: set back to OK`;
  const set = await clients.call((abortSignal) =>
    clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: reason }),
      {
        abortSignal,
      },
    ),
  );
  if (!set.ok) {
    const failed = unanswered('restore', where, 'cloudwatch:SetAlarmState', set);
    return {
      check: {
        ...failed,
        saw: `${name} may still be in ALARM: ${failed.saw}`,
        fix: `set it back by hand: aws cloudwatch set-alarm-state --alarm-name ${name} --state-value OK --state-reason "drill over" --region ${where.split('/')[1]}`,
      },
      changed: null,
    };
  }
  return {
    check: check('restore', where, 'pass', `${name} set back to OK`, null, { reason }),
    changed: changeWith(`${drillId} over`),
  };
}
