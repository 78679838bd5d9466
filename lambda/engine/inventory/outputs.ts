/**
 * What a scheduled inventory sends: the steady metric (and its per-reason companions while non-zero), and one
 * notification per image reference that becomes at risk, changes reason, stays at risk past the reminder
 * interval, or recovers. The dedup state is one item per region in the canary's state table (a map of what is at
 * risk, read once and written only on a change), so a run costs one read however many images it checks.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AT_RISK_REASONS,
  type AtRiskReason,
  INVENTORY_DIMENSION,
  INVENTORY_METRIC,
  type INVENTORY_NOTIFICATION_KINDS,
  INVENTORY_STATE_PREFIX,
} from '../model/inventory-contract.ts';
import { RUN_BUDGET_MS } from '../model/limits.ts';
import type { Datapoint } from '../outputs/datapoints.ts';
import type { MetricsSink, Notifier } from '../outputs/ports.ts';
import { type MetricsOutcome, publishMetrics } from '../outputs/publish-metrics.ts';
import { putStateItemIfVersion, readStateItem } from '../outputs/state-store.ts';
import { withDeadline } from '../probe/deadline.ts';
import type { ImageCheck } from './check.ts';
import type { InventoryReport } from './run.ts';

/** What the state remembers of one reference at risk. */
export interface RiskEntry {
  reason: AtRiskReason;
  workload: string;
  checked: string;
  since: string;
  lastNotifiedAt: string;
}

export interface RiskState {
  entries: Record<string, RiskEntry>;
  /** Optimistic lock: a write succeeds only if nobody wrote since the read. */
  version: number;
}

export interface RiskStateStore {
  get(): Promise<RiskState | null>;
  put(next: RiskState): Promise<boolean>;
}

export type RiskNotificationKind = 'at-risk' | 'reason-changed' | 'reminder' | 'recovered';

export interface RiskNotification {
  subject: string;
  message: string;
  attributes: {
    kind: (typeof INVENTORY_NOTIFICATION_KINDS)[number];
    severity: string;
    region: string;
    workload: string;
    reason: string;
  };
}

/** At most this many messages a run; the rest are counted in the last one (a deleted repository used by 300 services). */
export const MAX_NOTIFICATIONS_PER_RUN = 20;
/** The state item's entries; beyond them a risk is still counted and paged by the alarm, not remembered. */
export const MAX_REMEMBERED_RISKS = 1000;

/** The key of one reference of one workload. */
export function riskKey(check: Pick<ImageCheck, 'workload' | 'checked'>): string {
  return `${check.workload.arn}|${check.checked}`;
}

export function inventoryStateKey(canaryName: string, region: string): string {
  return `${INVENTORY_STATE_PREFIX}${canaryName}#${region}`;
}

/** The run's datapoints: the steady total every run, one per reason only while non-zero. */
export function inventoryDatapoints(report: Pick<InventoryReport, 'atRisk' | 'atRiskTotal'>): Datapoint[] {
  const points: Datapoint[] = [
    { name: INVENTORY_METRIC.atRisk, dimensions: {}, value: report.atRiskTotal, unit: 'Count' },
  ];
  for (const reason of AT_RISK_REASONS) {
    const value = report.atRisk[reason];
    if (value > 0)
      points.push({
        name: INVENTORY_METRIC.atRisk,
        dimensions: { [INVENTORY_DIMENSION.reason]: reason },
        value,
        unit: 'Count',
      });
  }
  return points;
}

export interface Transition {
  kind: RiskNotificationKind;
  key: string;
  /** The check now (absent for a recovery whose workload no longer runs the image). */
  check?: ImageCheck;
  previous?: RiskEntry;
}

/**
 * Pure: what changed since the last run, and the state to write (null when nothing changed). A reference that is
 * not checked this run (a denied or throttled read) keeps its entry: unknown is neither a risk nor a recovery.
 */
export function decideTransitions(
  previous: RiskState | null,
  checks: readonly ImageCheck[],
  nowMs: number,
  reminderMs: number,
): { transitions: Transition[]; next: RiskState | null } {
  const now = new Date(nowMs).toISOString();
  const before = previous?.entries ?? {};
  const entries: Record<string, RiskEntry> = {};
  const transitions: Transition[] = [];
  const seen = new Set<string>();
  for (const check of checks) {
    const key = riskKey(check);
    if (seen.has(key)) continue;
    seen.add(key);
    const old = before[key];
    if (check.status === 'not-checked') {
      if (old) entries[key] = old;
      continue;
    }
    if (check.status !== 'at-risk' || !check.reason) {
      if (old) transitions.push({ kind: 'recovered', key, check, previous: old });
      continue;
    }
    if (Object.keys(entries).length >= MAX_REMEMBERED_RISKS) continue;
    const base = { reason: check.reason, workload: check.workload.name, checked: check.checked };
    if (!old) {
      transitions.push({ kind: 'at-risk', key, check });
      entries[key] = { ...base, since: now, lastNotifiedAt: now };
    } else if (old.reason !== check.reason) {
      transitions.push({ kind: 'reason-changed', key, check, previous: old });
      entries[key] = { ...base, since: old.since, lastNotifiedAt: now };
    } else if (nowMs - Date.parse(old.lastNotifiedAt) >= reminderMs) {
      transitions.push({ kind: 'reminder', key, check, previous: old });
      entries[key] = { ...old, lastNotifiedAt: now };
    } else {
      entries[key] = old;
    }
  }
  // Gone from the inventory (scaled to zero, deleted, another image deployed): nothing runs it any more.
  for (const [key, old] of Object.entries(before)) {
    if (!seen.has(key)) transitions.push({ kind: 'recovered', key, previous: old });
  }
  const changed = transitions.length > 0 || Object.keys(entries).length !== Object.keys(before).length;
  return { transitions, next: changed ? { entries, version: (previous?.version ?? 0) + 1 } : null };
}

export interface MessageContext {
  canaryName: string;
  region: string;
  at: string;
}

const SUBJECT_LIMIT = 99;
const KIND_TEXT: Record<string, string> = {
  'ecs-service': 'ECS service',
  'ecs-task': 'ECS task',
  lambda: 'Lambda function',
};

export function formatTransition(t: Transition, context: MessageContext): RiskNotification {
  const check = t.check;
  const workload = check?.workload.name ?? t.previous?.workload ?? '';
  const checked = check?.checked ?? t.previous?.checked ?? '';
  const region = context.region;
  if (t.kind === 'recovered') {
    const reason = t.previous?.reason ?? '';
    const lines = [
      check
        ? `${KIND_TEXT[check.workload.kind]} ${workload}: ${checked} is no longer at risk (${reason} since ${t.previous?.since}). ${check.detail}.`
        : `${workload} no longer runs ${checked} (at risk: ${reason} since ${t.previous?.since}): nothing to do.`,
      '',
      `Found by the images-in-use inventory of ${context.canaryName} in ${region} at ${context.at}.`,
    ];
    return {
      subject: cut(`[${context.canaryName}] ${region}: image no longer at risk for ${workload}`),
      message: lines.join('\n'),
      attributes: { kind: 'image-recovered', severity: 'info', region, workload, reason },
    };
  }
  const c = check as ImageCheck;
  const reason = c.reason as AtRiskReason;
  const lines = [
    `${KIND_TEXT[c.workload.kind]} ${workload} (${c.workload.arn}) runs ${c.image}; its next pull of ${checked} will fail or change:`,
    '',
    `Reason: ${reason}${t.kind === 'reason-changed' ? ` (was ${t.previous?.reason})` : ''}${t.kind === 'reminder' ? ` (still, since ${t.previous?.since})` : ''}`,
    `What: ${c.detail}`,
    ...(c.due ? [`When: ${c.due}`] : []),
    ...(c.rule
      ? [`Lifecycle rule: priority ${c.rule.priority}${c.rule.description ? ` "${c.rule.description}"` : ''}`]
      : []),
    `Fix: ${c.fix ?? 'see docs/inventory.md'}`,
    '',
    `Found by the images-in-use inventory of ${context.canaryName} in ${region} at ${context.at}; \`ecr-pull-canary inventory --region ${region}\` lists every image in use.`,
  ];
  return {
    subject: cut(`[${context.canaryName}] ${region}: image at risk (${reason}) for ${workload}`),
    message: lines.join('\n'),
    attributes: {
      kind: 'image-at-risk',
      severity: reason === 'lifecycle' ? 'warning' : 'critical',
      region,
      workload,
      reason,
    },
  };
}

function cut(text: string): string {
  return text.length <= SUBJECT_LIMIT ? text : `${text.slice(0, SUBJECT_LIMIT - 1)}…`;
}

export interface InventoryOutputDeps {
  metrics: MetricsSink;
  notifier: Notifier<RiskNotification> | null;
  store: RiskStateStore | null;
  now: () => number;
  write: (line: string) => void;
}

export interface InventoryOutputs {
  metrics: MetricsOutcome;
  notified: number;
  suppressed: number;
  /** Another run wrote the state first: it sent the notifications. */
  duplicate: boolean;
  problems: string[];
}

export async function sendInventoryOutputs(
  report: InventoryReport,
  config: { canaryName: string; namespace: string; reminderHours: number },
  deps: InventoryOutputDeps,
): Promise<InventoryOutputs> {
  const problems: string[] = [];
  const metrics = await publishMetrics(
    deps.metrics,
    config.namespace,
    inventoryDatapoints(report),
    deps.now(),
    RUN_BUDGET_MS.outputCall,
    deps.write,
  );
  if (!deps.store) return { metrics, notified: 0, suppressed: 0, duplicate: false, problems };
  let previous: RiskState | null;
  try {
    previous = await deps.store.get();
  } catch (error) {
    problems.push(`dedup-store-read-failed: ${(error as Error).message}`);
    return { metrics, notified: 0, suppressed: 0, duplicate: false, problems };
  }
  const { transitions, next } = decideTransitions(
    previous,
    report.checks,
    deps.now(),
    config.reminderHours * 3_600_000,
  );
  if (!next) return { metrics, notified: 0, suppressed: 0, duplicate: false, problems };
  try {
    // Claim the transitions first: of two overlapping runs only the one whose write lands sends them.
    if (!(await deps.store.put(next)))
      return { metrics, notified: 0, suppressed: 0, duplicate: true, problems };
  } catch (error) {
    problems.push(`dedup-store-write-failed: ${(error as Error).message}`);
    return { metrics, notified: 0, suppressed: 0, duplicate: false, problems };
  }
  let notified = 0;
  const context = { canaryName: config.canaryName, region: report.region, at: report.at };
  const send = transitions.slice(0, MAX_NOTIFICATIONS_PER_RUN);
  const suppressed = transitions.length - send.length;
  for (const [index, transition] of send.entries()) {
    const message = formatTransition(transition, context);
    if (index === send.length - 1 && suppressed > 0)
      message.message += `\n\n${suppressed} more changes this run are not sent one by one; \`ecr-pull-canary inventory --region ${report.region}\` lists them.`;
    if (!deps.notifier) continue;
    try {
      await withDeadline(
        (signal) => deps.notifier?.publish(message, signal) ?? Promise.resolve(),
        RUN_BUDGET_MS.outputCall,
        'SNS Publish',
      );
      notified += 1;
    } catch (error) {
      problems.push(`publish-failed: ${(error as Error).message}`);
    }
  }
  return { metrics, notified, suppressed, duplicate: false, problems };
}

/** The state item in DynamoDB: the entries as one JSON string, conditional on the version read. */
export function dynamoDbRiskStateStore(
  client: DynamoDBClient,
  tableName: string,
  key: string,
  now: () => number,
): RiskStateStore {
  return {
    async get() {
      const item = await readStateItem(client, tableName, key, 'reading the inventory state');
      if (!item) return null;
      return {
        entries: JSON.parse(item.entries?.S ?? '{}') as Record<string, RiskEntry>,
        version: Number(item.version?.N ?? '0'),
      };
    },
    put(next) {
      // A removed inventory's item ages out (the state table's TTL).
      const attributes = { entries: { S: JSON.stringify(next.entries) } };
      return putStateItemIfVersion(
        client,
        tableName,
        key,
        { attributes, version: next.version },
        now,
        'writing the inventory state',
      );
    },
  };
}
