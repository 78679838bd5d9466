import type { AlarmSeverity } from '../lambda/engine/config/alarm-naming.ts';
import { RUNBOOKS, type Runbook } from '../lambda/engine/model/runbooks.ts';
import type { Category } from '../lambda/engine/model/types.ts';

/** CloudWatch rejects longer alarm descriptions. */
export const MAX_ALARM_DESCRIPTION = 1024;

/**
 * The heartbeat has no failure category (nothing ran to classify one), so its runbook lives here, in the same
 * shape as the per-category ones.
 */
export const HEARTBEAT_RUNBOOK: Runbook = {
  title: 'Canary stopped reporting',
  saw: "No run reported its first target for a whole evaluation range: the canary did not run, or crashed or timed out before publishing. The function's own AWS/Lambda metrics tell which: no Invocations (and Throttles) or Errors.",
  causes: [
    'The function fails before publishing (deployment error, missing permission on CloudWatch, timeout).',
    'The EventBridge Scheduler schedule is disabled or deleted, or Lambda throttles the function.',
    'CloudWatch is unreachable from the VPC (no monitoring endpoint or NAT).',
  ],
  checks: [
    'aws logs tail <probe-log-group> --since 1h --region <region>',
    'aws scheduler get-schedule --name <schedule> --region <region>',
  ],
  fix: "Read the function's latest log lines, fix the error they show, and re-enable the schedule.",
};

export interface AlarmDescriptionInput {
  severity: AlarmSeverity;
  /** One sentence: what breached. */
  summary: string;
  runbooks: Runbook[];
}

/**
 * Builds the description from the runbooks, as detailed as 1,024 characters allow: everything, then without
 * the commands, then without the causes, then title and fix only, then titles. The pager shows this text,
 * so the fix is kept longest.
 */
export function alarmDescription(input: AlarmDescriptionInput): string {
  const head = `[${input.severity}] ${input.summary}`;
  const levels: Array<(runbook: Runbook) => string> = [
    (r) => `${r.title}: ${r.saw} Causes: ${r.causes.join(' ')} Checks: ${r.checks.join(' ; ')} Fix: ${r.fix}`,
    (r) => `${r.title}: ${r.saw} Causes: ${r.causes.join(' ')} Fix: ${r.fix}`,
    (r) => `${r.title}: ${r.saw} Fix: ${r.fix}`,
    (r) => `${r.title}: ${r.fix}`,
    (r) => r.title,
  ];
  for (const level of levels) {
    const text = [head, ...input.runbooks.map((runbook) => `Runbook - ${level(runbook)}`)].join('\n');
    if (text.length <= MAX_ALARM_DESCRIPTION) return text;
  }
  const titles = `${head}\nRunbooks: ${input.runbooks.map((runbook) => runbook.title).join('; ')}`;
  return titles.length <= MAX_ALARM_DESCRIPTION ? titles : `${titles.slice(0, MAX_ALARM_DESCRIPTION - 1)}…`;
}

export function runbooksFor(categories: readonly Category[]): Runbook[] {
  return categories.map((category) => RUNBOOKS[category]);
}
