/**
 * Which containers of a cluster were failing at the last run: one item per cluster in the canary's state table,
 * beside the per-container dedup items, so a container that stops failing gets its one recovery message. The
 * write is conditional on the version read, like the dedup items (lambda/engine/outputs/state-store.ts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { putStateItemIfVersion, readStateItem } from '../outputs/state-store.ts';

/** One failing container, as the index remembers it. */
export interface IndexedFailure {
  key: string;
  namespace: string;
  pod: string;
  container: string;
  image: string;
}

export interface ClusterIndex {
  failing: IndexedFailure[];
  version: number;
}

export interface EksIndexStore {
  get(key: string): Promise<ClusterIndex | null>;
  /** Writes only if the stored version is still `next.version - 1`; false if another run got there first. */
  put(key: string, next: ClusterIndex): Promise<boolean>;
}

/** At most this many failing containers are remembered per cluster (a DynamoDB item holds 400 KB). */
export const MAX_INDEXED = 500;

export function dynamoDbIndexStore(
  client: DynamoDBClient,
  tableName: string,
  now: () => number,
): EksIndexStore {
  return {
    async get(pk) {
      const item = await readStateItem(client, tableName, pk, 'reading the EKS index');
      if (!item) return null;
      let failing: IndexedFailure[] = [];
      try {
        const parsed: unknown = JSON.parse(item.failing?.S ?? '[]');
        if (Array.isArray(parsed)) failing = parsed as IndexedFailure[];
      } catch {
        // A damaged index loses the recoveries of one run, nothing else.
      }
      return { failing, version: Number(item.version?.N ?? '0') };
    },
    put(pk, next) {
      const attributes = { failing: { S: JSON.stringify(next.failing.slice(0, MAX_INDEXED)) } };
      return putStateItemIfVersion(
        client,
        tableName,
        pk,
        { attributes, version: next.version },
        now,
        'writing the EKS index',
      );
    },
  };
}

/** In memory, with the same compare-and-set: for the CLI and tests. */
export function memoryIndexStore(): EksIndexStore & { items: Map<string, ClusterIndex> } {
  const items = new Map<string, ClusterIndex>();
  return {
    items,
    async get(key) {
      const item = items.get(key);
      return item ? structuredClone(item) : null;
    },
    async put(key, next) {
      const current = items.get(key);
      if (current && current.version !== next.version - 1) return false;
      items.set(key, structuredClone(next));
      return true;
    },
  };
}
