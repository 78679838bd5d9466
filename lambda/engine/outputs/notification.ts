import { DIAGNOSIS_KIND_ATTRIBUTE } from '../model/contract.ts';
import { RUNBOOKS } from '../model/runbooks.ts';
import type { Category, ProbeResult } from '../model/types.ts';
import type { NotificationKind } from './dedup.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface NotificationContext {
  canaryName: string;
  region: string;
  dashboardUrl: string | null;
  logsUrl: string | null;
  /** Start of the failure streak (ISO), if known. */
  since: string | null;
  /** The category that just cleared, for recovery messages. */
  recoveredCategory: Category | null;
}

export interface Notification {
  subject: string;
  message: string;
  attributes: {
    category: string;
    severity: Severity;
    region: string;
    target: string;
    [DIAGNOSIS_KIND_ATTRIBUTE]: NotificationKind;
  };
}

/** SNS wants subjects in ASCII, without line breaks, shorter than 100 characters. */
const SUBJECT_LIMIT = 99;

/** A pull that works despite a skewed clock is a warning; everything else stops pulls and pages. */
export function severityOf(category: Category): Severity {
  return category === 'clock-skew' ? 'warning' : 'critical';
}

export function formatNotification(
  kind: NotificationKind,
  result: ProbeResult,
  context: NotificationContext,
): Notification {
  const category = (kind === 'recovery' ? context.recoveredCategory : result.category) ?? 'unknown';
  const runbook = RUNBOOKS[category];
  const where = `${context.region} ${result.target}`;
  const head =
    kind === 'recovery'
      ? `RECOVERED ${category}: ${where}`
      : `${kind === 'reminder' ? 'STILL FAILING' : 'FAILING'} ${category}: ${where}`;
  const subject = truncate(`ECR pull canary ${head}`.replace(/[^\x20-\x7e]+/g, ' '), SUBJECT_LIMIT);

  const lines: string[] = [];
  if (kind === 'recovery') {
    lines.push(
      `ECR pull canary "${context.canaryName}" in ${context.region}: ${result.target} pulls again (was failing with ${category}${context.since ? ` since ${context.since}` : ''}).`,
      '',
      `Image:     ${result.image}`,
      `Digest:    ${result.digest ?? '-'}`,
      `Identity:  ${result.identity ?? 'unknown'}`,
      `Latency:   ${result.latencyMs} ms`,
    );
  } else {
    const headline = {
      failure: 'cannot pull',
      'category-changed': 'is now failing differently',
      reminder: 'still cannot pull',
    }[kind];
    lines.push(
      `ECR pull canary "${context.canaryName}" in ${context.region}: ${result.target} ${headline}: ${runbook.title} (${category}).`,
      '',
      `What the canary saw: ${runbook.saw}`,
      '',
      `Image:     ${result.image}`,
      `Phase:     ${result.phase}`,
      `Error:     ${result.errorCode}: ${result.message}`,
      `Identity:  ${result.identity ?? 'unknown'} (the credentials that were used)`,
      `Registry:  ${result.registryUrl ?? '-'}`,
      `Since:     ${context.since ?? result.startedAt}`,
      '',
      `Fix: ${runbook.fix}`,
      '',
      'Likely causes, most likely first:',
      ...runbook.causes.map((cause) => `  - ${cause}`),
      '',
      ...checkLines(runbook.checks),
    );
  }
  lines.push('', ...linkLines(context));
  return {
    subject,
    message: `${lines.join('\n').trimEnd()}\n`,
    attributes: {
      category,
      severity: kind === 'recovery' ? 'info' : severityOf(category),
      region: context.region,
      target: result.target,
      [DIAGNOSIS_KIND_ATTRIBUTE]: kind,
    },
  };
}

export function consoleUrls(
  region: string,
  dashboardName: string | undefined,
  logGroupName: string | undefined,
): { dashboardUrl: string | null; logsUrl: string | null } {
  const base = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}`;
  return {
    dashboardUrl: dashboardName ? `${base}#dashboards/dashboard/${encodeURIComponent(dashboardName)}` : null,
    // The console double-encodes the log group name in its fragment ('/' becomes $252F).
    logsUrl: logGroupName
      ? `${base}#logsV2:log-groups/log-group/${encodeURIComponent(encodeURIComponent(logGroupName)).replace(/%/g, '$')}`
      : null,
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}

/** The runbook's checks as a message lists them; the canary's and the workload watcher's messages share it. */
export function checkLines(checks: readonly string[]): string[] {
  return [
    'Checks (from the same network and identity as the failing workload):',
    ...checks.map((check) => `  $ ${check}`),
  ];
}

/** The dashboard and logs links that end every message, each only when known. */
export function linkLines(context: {
  dashboardUrl?: string | null | undefined;
  logsUrl?: string | null | undefined;
}): string[] {
  return [
    ...(context.dashboardUrl ? [`Dashboard: ${context.dashboardUrl}`] : []),
    ...(context.logsUrl ? [`Logs:      ${context.logsUrl}`] : []),
  ];
}
