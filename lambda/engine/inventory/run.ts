/**
 * One inventory of a region: discover what the workloads run, check every ECR image they name, count the risks.
 * The scheduled function (lambda/functions/inventory/) and the `inventory` command both call {@link runInventory},
 * so they print the same verdicts.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { AT_RISK_REASONS, type AtRiskReason } from '../model/inventory-contract.ts';
import { checkImages, type ImageCheck, type Skipped } from './check.ts';
import { discoverWorkloads, type WorkloadKind } from './discover.ts';
import { createReads, type ReadFailure } from './reads.ts';

export interface InventoryClients {
  ecs: ECSClient;
  lambda: LambdaClient;
  ecr(region: string): ECRClient;
}

export interface InventoryOptions {
  region: string;
  now: () => number;
  /** A lifecycle action due within this many days is a risk. */
  horizonDays: number;
  /** Epoch ms after which no new read starts. */
  deadline: number;
  /** Calls in flight per service. @default INVENTORY_API.concurrencyPerService */
  concurrency?: number;
}

export interface InventoryReport {
  region: string;
  at: string;
  workloads: Record<WorkloadKind, number>;
  checks: ImageCheck[];
  skipped: Skipped[];
  /** In-use references at risk, by reason (every reason present, 0 when none). */
  atRisk: Record<AtRiskReason, number>;
  atRiskTotal: number;
  notChecked: number;
  /** What could not be discovered (a cluster, the function list, …). */
  problems: string[];
  calls: Record<string, number>;
  callsTotal: number;
  retriedResponses: number;
  durationMs: number;
}

export async function runInventory(
  clients: InventoryClients,
  options: InventoryOptions,
): Promise<InventoryReport> {
  const started = options.now();
  const reads = createReads({
    deadline: options.deadline,
    now: options.now,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  const discovery = await discoverWorkloads(clients, reads);
  const { checks, skipped } = await checkImages(discovery.workloads, clients, reads, {
    now: options.now(),
    horizonDays: options.horizonDays,
  });
  const atRisk = Object.fromEntries(AT_RISK_REASONS.map((r) => [r, 0])) as Record<AtRiskReason, number>;
  for (const check of checks) if (check.status === 'at-risk' && check.reason) atRisk[check.reason] += 1;
  const workloads: Record<WorkloadKind, number> = { 'ecs-service': 0, 'ecs-task': 0, lambda: 0 };
  for (const w of discovery.workloads) workloads[w.kind] += 1;
  const calls = Object.fromEntries([...reads.counts].sort(([a], [b]) => a.localeCompare(b)));
  return {
    region: options.region,
    at: new Date(started).toISOString(),
    workloads,
    checks,
    skipped,
    atRisk,
    atRiskTotal: Object.values(atRisk).reduce((a, b) => a + b, 0),
    notChecked: checks.filter((c) => c.status === 'not-checked').length,
    problems: discovery.problems.map((p: ReadFailure) => p.message),
    calls,
    callsTotal: Object.values(calls).reduce((a, b) => a + b, 0),
    retriedResponses: reads.retried.count,
    durationMs: options.now() - started,
  };
}
