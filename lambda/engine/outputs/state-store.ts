import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { STATE_TABLE } from '../model/contract.ts';
import { RUN_BUDGET_MS } from '../model/limits.ts';
import { withDeadline } from '../probe/deadline.ts';
import type { TargetState } from './dedup.ts';
import type { StateStore } from './ports.ts';

/** Removed targets, clusters and inventories age out instead of lingering: the TTL is refreshed by every write. */
const STATE_TTL_SECONDS = 30 * 24 * 3600;

const stateKey = (pk: string) => ({ [STATE_TABLE.partitionKey]: { S: pk } });

/**
 * One item of the state table, read consistently within the output call's deadline; null when there is none.
 * `what` names the read in a deadline error ("reading the dedup state").
 */
export async function readStateItem(
  client: DynamoDBClient,
  tableName: string,
  pk: string,
  what: string,
): Promise<Record<string, AttributeValue> | null> {
  const output = await withDeadline(
    (abortSignal) =>
      client.send(new GetItemCommand({ TableName: tableName, Key: stateKey(pk), ConsistentRead: true }), {
        abortSignal,
      }),
    RUN_BUDGET_MS.outputCall,
    what,
  );
  return output.Item ?? null;
}

/**
 * Compare-and-set of one item of the state table: writes `attributes` with `version` only if the stored version
 * is still `version - 1` (or there is no item), refreshing the TTL; false when another run got there first.
 */
export async function putStateItemIfVersion(
  client: DynamoDBClient,
  tableName: string,
  pk: string,
  item: { attributes: Record<string, AttributeValue>; version: number },
  now: () => number,
  what: string,
): Promise<boolean> {
  try {
    await withDeadline(
      (abortSignal) =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...stateKey(pk),
              ...item.attributes,
              version: { N: String(item.version) },
              [STATE_TABLE.ttlAttribute]: { N: String(Math.floor(now() / 1000) + STATE_TTL_SECONDS) },
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #version = :previous',
            ExpressionAttributeNames: { '#pk': STATE_TABLE.partitionKey, '#version': 'version' },
            ExpressionAttributeValues: { ':previous': { N: String(item.version - 1) } },
          }),
          { abortSignal },
        ),
      RUN_BUDGET_MS.outputCall,
      what,
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Dedup state in DynamoDB. Why DynamoDB: the state must outlive cold starts (so not memory), two overlapping
 * runs must not both announce the same transition (conditional writes give compare-and-set; S3 and SSM
 * would need more calls or offer no CAS), and at one read per target per run and a write only on transitions
 * it costs well under a cent a month on demand.
 */
export function dynamoDbStateStore(client: DynamoDBClient, tableName: string, now: () => number): StateStore {
  return {
    async get(pk) {
      const item = await readStateItem(client, tableName, pk, 'reading the dedup state');
      if (!item) return null;
      return {
        status: item.status?.S === 'failing' ? 'failing' : 'ok',
        category: (item.category?.S ?? null) as TargetState['category'],
        since: item.since?.S ?? null,
        lastNotifiedAt: item.lastNotifiedAt?.S ?? null,
        version: Number(item.version?.N ?? '0'),
      };
    },
    put(pk, next) {
      const optional = (name: string, value: string | null) =>
        value === null ? {} : { [name]: { S: value } };
      const attributes = {
        status: { S: next.status },
        ...optional('category', next.category),
        ...optional('since', next.since),
        ...optional('lastNotifiedAt', next.lastNotifiedAt),
      };
      return putStateItemIfVersion(
        client,
        tableName,
        pk,
        { attributes, version: next.version },
        now,
        'writing the dedup state',
      );
    },
  };
}
