/**
 * Builders for the inventory's tests and benchmark: a region's state for test/support/inventory-double.ts, digests,
 * and a run of the real engine with real SDK clients pointed at the double.
 */
import { createHash } from 'node:crypto';
import { createInventoryClients } from '../../lambda/engine/inventory/clients.ts';
import { type InventoryReport, runInventory } from '../../lambda/engine/inventory/run.ts';
import type { InventoryDouble, InventoryState } from './inventory-double.ts';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'eu-west-1';
export const IDENTITY = { accessKeyId: 'AKIAINVENTORYTEST001', secretAccessKey: 'inventory-test-secret' };
export const DAY = 86_400_000;

export function digest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function host(account = ACCOUNT, region = REGION): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com`;
}

export function taskDefinitionArn(family: string, revision = 1): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

export function roleArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:role/${name}`;
}

export function emptyState(): InventoryState {
  return {
    account: ACCOUNT,
    region: REGION,
    clusters: {},
    taskDefinitions: {},
    functions: [],
    repositories: {},
  };
}

/** Adds a service whose one container runs `repository:tag` (resolved to `digest`), with `tasks` running tasks. */
export function addService(
  state: InventoryState,
  options: {
    cluster?: string;
    name: string;
    image: string;
    runningDigest?: string;
    tasks?: number;
    desiredCount?: number;
    executionRole?: string;
  },
): void {
  const name = options.cluster ?? 'prod';
  state.clusters[name] ??= { services: [], tasks: [] };
  const cluster = state.clusters[name];
  const td = taskDefinitionArn(options.name);
  state.taskDefinitions[td] = {
    ...(options.executionRole ? { executionRoleArn: options.executionRole } : {}),
    containers: [{ name: 'app', image: options.image }],
  };
  cluster.services.push({ name: options.name, desiredCount: options.desiredCount ?? 1, taskDefinition: td });
  for (let i = 0; i < (options.tasks ?? 1); i++) {
    cluster.tasks.push({
      id: `${options.name}-${i}`,
      group: `service:${options.name}`,
      taskDefinition: td,
      containers: [
        {
          name: 'app',
          image: options.image,
          ...(options.runningDigest ? { imageDigest: options.runningDigest } : {}),
        },
      ],
    });
  }
}

export async function inventory(
  double: InventoryDouble,
  options: { now?: number; horizonDays?: number; concurrency?: number } = {},
): Promise<InventoryReport> {
  const clients = createInventoryClients({ region: REGION, endpoint: double.url, credentials: IDENTITY });
  try {
    const now = options.now ?? Date.now();
    return await runInventory(clients, {
      region: REGION,
      now: () => now,
      horizonDays: options.horizonDays ?? 7,
      deadline: Date.now() + 120_000,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    });
  } finally {
    clients.destroy();
  }
}
