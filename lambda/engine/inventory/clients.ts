/**
 * The SDK clients of an inventory: ECS and Lambda in the region inventoried, ECR in whichever region an image
 * lives. Adaptive retry mode: throttling backs off and the client slows its own rate instead of failing the run.
 * Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_ECS, …) unless given.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { INVENTORY_API } from '../model/limits.ts';
import type { InventoryClients } from './run.ts';

export interface InventoryClientOptions {
  region: string;
  /** One endpoint for all three services (tests, benchmarks). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** @default INVENTORY_API.maxAttempts */
  maxAttempts?: number;
}

export function createInventoryClients(
  options: InventoryClientOptions,
): InventoryClients & { destroy(): void } {
  const common = (region: string) => ({
    region,
    maxAttempts: options.maxAttempts ?? INVENTORY_API.maxAttempts,
    retryMode: 'adaptive' as const,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const ecs = new ECSClient(common(options.region));
  const lambda = new LambdaClient(common(options.region));
  const ecrClients = new Map<string, ECRClient>();
  return {
    ecs,
    lambda,
    ecr(region) {
      let client = ecrClients.get(region);
      if (!client) {
        client = new ECRClient(common(region));
        ecrClients.set(region, client);
      }
      return client;
    },
    destroy() {
      ecs.destroy();
      lambda.destroy();
      for (const client of ecrClients.values()) client.destroy();
    },
  };
}
