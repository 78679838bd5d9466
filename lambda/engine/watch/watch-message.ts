/**
 * The watcher's notification: who failed, the category and its fix, and what the canary in the same region
 * says, phrased as the conclusion an on-call engineer would draw from the two side by side. Pure.
 */
import { DIAGNOSIS_KIND_ATTRIBUTE } from '../model/contract.ts';
import { RUNBOOKS } from '../model/runbooks.ts';
import type { Category } from '../model/types.ts';
import { WATCH_METRIC } from '../model/watch-contract.ts';
import { checkLines, linkLines, severityOf } from '../outputs/notification.ts';
import type { WorkloadFailure } from './workload-event.ts';

/** The canary's latest verdict in the region, from its per-target state items. */
export type CanaryVerdict =
  | { status: 'ok'; targets: string[] }
  | { status: 'failing'; failing: Array<{ target: string; category: Category | null; since: string | null }> }
  | { status: 'unknown'; reason: string };

/** The `kind` attribute of a watcher notification (the canary's own are failure, reminder, …). */
export const WORKLOAD_NOTIFICATION_KIND = 'workload-failure';

export interface WatchNotification {
  subject: string;
  message: string;
  attributes: {
    category: Category;
    severity: string;
    region: string;
    workload: string;
    [DIAGNOSIS_KIND_ATTRIBUTE]: typeof WORKLOAD_NOTIFICATION_KIND;
  };
}

export interface WatchMessageContext {
  canaryName: string;
  region: string;
  dashboardUrl: string | null;
  logsUrl: string | null;
}

const SUBJECT_LIMIT = 99;

/** The conclusion from the canary's verdict: whose problem this most likely is. */
export function verdictConclusion(verdict: CanaryVerdict): string {
  switch (verdict.status) {
    case 'ok':
      return "The canary pulls fine here, so this is the workload's own identity or network.";
    case 'failing': {
      const which = verdict.failing
        .map((f) => `${f.target}: ${f.category ?? 'unknown'}${f.since ? ` since ${f.since}` : ''}`)
        .join('; ');
      return `The canary fails too (${which}): ECR or the account.`;
    }
    default:
      return `The canary's latest verdict could not be read (${verdict.reason}); compare with its alarms.`;
  }
}

export function formatWatchNotification(
  failure: WorkloadFailure,
  verdict: CanaryVerdict,
  context: WatchMessageContext,
): WatchNotification {
  const { classification } = failure;
  const category = classification.category;
  const runbook = RUNBOOKS[category];
  const short = failure.who[1]?.[1] ?? failure.who[0]?.[1] ?? failure.workload;
  const subject = truncate(
    `ECR workload pull failure ${category}: ${context.region} ${short}`.replace(/[^\x20-\x7e]+/g, ' '),
    SUBJECT_LIMIT,
  );
  const width = Math.max(...failure.who.map(([label]) => label.length)) + 2;
  const evidence = classification.evidence;
  const lines = [
    `A workload in ${context.region} cannot pull from ECR: ${runbook.title} (${category}).`,
    '',
    verdictConclusion(verdict),
    '',
    ...failure.who.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    `Error: ${classification.text}`,
    ...(evidence
      ? [`Why ${category}: ${evidence.reason} (matched "${evidence.match}", rule ${evidence.rule})`]
      : ['No rule explains this text; it is kept as given.']),
    '',
    ...(failure.fix ? [`Fix here: ${failure.fix}`, ''] : []),
    `Fix: ${runbook.fix}`,
    '',
    ...checkLines(runbook.checks),
    '',
    `One message per workload and category; repeats are counted in the ${WATCH_METRIC.pullFailures} metric.`,
    `Canary: ${context.canaryName}`,
    ...linkLines(context),
  ];
  return {
    subject,
    message: `${lines.join('\n').trimEnd()}\n`,
    attributes: {
      category,
      severity: severityOf(category),
      region: context.region,
      workload: truncate(failure.workload, 256),
      [DIAGNOSIS_KIND_ATTRIBUTE]: WORKLOAD_NOTIFICATION_KIND,
    },
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}
