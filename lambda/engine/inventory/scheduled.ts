/**
 * The scheduled inventory: its configuration from the environment the construct sets, then one run and its
 * outputs. The handler (lambda/functions/inventory/handler.ts) only builds the clients and calls
 * {@link runScheduledInventory}; tests call it with doubles and fakes.
 */
import { INVENTORY_ENV } from '../model/inventory-contract.ts';
import { CANARY_DEFAULTS, INVENTORY_DEFAULTS, INVENTORY_LIMITS, LIMITS } from '../model/limits.ts';
import { type InventoryOutputDeps, type InventoryOutputs, sendInventoryOutputs } from './outputs.ts';
import { type InventoryClients, runInventory } from './run.ts';

export interface ScheduledConfig {
  region: string;
  canaryName: string;
  namespace: string;
  topicArn: string | null;
  stateTable: string | null;
  horizonDays: number;
  reminderHours: number;
}

/** All problems at once, each naming the variable, its value and what is allowed. */
export function readInventoryConfig(env: NodeJS.ProcessEnv): ScheduledConfig {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? '';
  if (!region) problems.push('AWS_REGION is not set; the Lambda runtime always sets it');
  const number = (name: string, fallback: number, range: { min: number; max: number }): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < range.min || value > range.max) {
      problems.push(`${name}=${raw.slice(0, 50)}: allowed: a number from ${range.min} to ${range.max}`);
      return fallback;
    }
    return value;
  };
  const config: ScheduledConfig = {
    region,
    canaryName: env[INVENTORY_ENV.canaryName] || CANARY_DEFAULTS.name,
    namespace: env[INVENTORY_ENV.namespace] || CANARY_DEFAULTS.namespace,
    topicArn: env[INVENTORY_ENV.topicArn] || null,
    stateTable: env[INVENTORY_ENV.stateTable] || null,
    horizonDays: number(
      INVENTORY_ENV.horizonDays,
      INVENTORY_DEFAULTS.horizonDays,
      INVENTORY_LIMITS.horizonDays,
    ),
    reminderHours: number(INVENTORY_ENV.reminderHours, CANARY_DEFAULTS.reminderHours, LIMITS.reminderHours),
  };
  if (problems.length > 0) throw new Error(`inventory configuration: ${problems.join('; ')}`);
  return config;
}

export interface ScheduledSummary {
  region: string;
  atRisk: number;
  notChecked: number;
  workloads: number;
  calls: number;
  durationMs: number;
  outputs: InventoryOutputs;
}

/**
 * One scheduled run: the inventory within `budgetMs` (reads not started by then are "not checked"), then the
 * metric and the notifications. Logs one JSON line with the summary and one per risk.
 */
export async function runScheduledInventory(
  config: ScheduledConfig,
  clients: InventoryClients,
  deps: InventoryOutputDeps & { budgetMs: number },
): Promise<ScheduledSummary> {
  const report = await runInventory(clients, {
    region: config.region,
    now: deps.now,
    horizonDays: config.horizonDays,
    deadline: deps.now() + deps.budgetMs,
  });
  for (const check of report.checks) {
    if (check.status === 'at-risk' || check.status === 'not-checked')
      deps.write(
        JSON.stringify({
          level: check.status === 'at-risk' ? 'WARN' : 'INFO',
          type: 'inventory-check',
          ...check,
        }),
      );
  }
  const outputs = await sendInventoryOutputs(report, config, deps);
  const summary: ScheduledSummary = {
    region: report.region,
    atRisk: report.atRiskTotal,
    notChecked: report.notChecked,
    workloads: Object.values(report.workloads).reduce((a, b) => a + b, 0),
    calls: report.callsTotal,
    durationMs: report.durationMs,
    outputs,
  };
  deps.write(
    JSON.stringify({
      level: 'INFO',
      type: 'inventory-run',
      ...summary,
      atRiskByReason: report.atRisk,
      calls: report.calls,
      retriedResponses: report.retriedResponses,
      problems: report.problems,
      skipped: report.skipped.length,
    }),
  );
  return summary;
}
