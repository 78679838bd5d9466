/**
 * Entry point of the images-in-use inventory: an EventBridge schedule rule invokes it every
 * `imageInventory.scheduleMinutes` (lib/image-inventory.ts). A thin adapter: it reads the configuration, builds
 * the SDK clients and outputs, and hands them to the engine's scheduled run. It never throws: a failed run is one
 * log line, and the steady metric's absence shows it.
 */
import { createInventoryClients } from '../../engine/inventory/clients.ts';
import {
  dynamoDbRiskStateStore,
  inventoryStateKey,
  type RiskNotification,
} from '../../engine/inventory/outputs.ts';
import {
  readInventoryConfig,
  runScheduledInventory,
  type ScheduledSummary,
} from '../../engine/inventory/scheduled.ts';
import { RUN_BUDGET_MS } from '../../engine/model/limits.ts';
import { snsNotifier } from '../../engine/outputs/sns-notifier.ts';
import { outputClients } from '../output-clients.ts';
import { logRunFailure } from '../run-failed.ts';

const write = (line: string) => process.stdout.write(`${line}\n`);

export async function handler(
  _event: unknown,
  context?: { getRemainingTimeInMillis?: () => number },
): Promise<ScheduledSummary | { failed: string }> {
  try {
    const config = readInventoryConfig(process.env);
    const outputs = outputClients();
    const remaining = context?.getRemainingTimeInMillis?.() ?? 60_000;
    const clients = createInventoryClients({ region: config.region });
    try {
      return await runScheduledInventory(config, clients, {
        metrics: outputs.metrics,
        notifier: config.topicArn ? snsNotifier<RiskNotification>(outputs.sns, config.topicArn) : null,
        store: config.stateTable
          ? dynamoDbRiskStateStore(
              outputs.dynamodb,
              config.stateTable,
              inventoryStateKey(config.canaryName, config.region),
              Date.now,
            )
          : null,
        now: Date.now,
        write,
        // The outputs' calls (metric, state read and write, notifications) keep their time back.
        budgetMs: Math.max(0, remaining - RUN_BUDGET_MS.outputReserve * 2),
      });
    } finally {
      clients.destroy();
    }
  } catch (error) {
    return { failed: logRunFailure(write, 'inventory-failed', error) };
  }
}
