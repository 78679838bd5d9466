import {
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

/** Removed targets age out instead of lingering: the TTL is refreshed by every write. */
const STATE_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Dedup state in DynamoDB. Why DynamoDB: the state must outlive cold starts (so not memory), two overlapping
 * runs must not both announce the same transition (conditional writes give compare-and-set; S3 and SSM
 * would need more calls or offer no CAS), and at one read per target per run and a write only on transitions
 * it costs well under a cent a month on demand.
 */
export function dynamoDbStateStore(client: DynamoDBClient, tableName: string, now: () => number): StateStore {
  const key = (pk: string) => ({ [STATE_TABLE.partitionKey]: { S: pk } });
  return {
    async get(pk) {
      const output = await withDeadline(
        (abortSignal) =>
          client.send(new GetItemCommand({ TableName: tableName, Key: key(pk), ConsistentRead: true }), {
            abortSignal,
          }),
        RUN_BUDGET_MS.outputCall,
        'reading the dedup state',
      );
      const item = output.Item;
      if (!item) return null;
      return {
        status: item.status?.S === 'failing' ? 'failing' : 'ok',
        category: (item.category?.S ?? null) as TargetState['category'],
        since: item.since?.S ?? null,
        lastNotifiedAt: item.lastNotifiedAt?.S ?? null,
        version: Number(item.version?.N ?? '0'),
      };
    },
    async put(pk, next) {
      const optional = (name: string, value: string | null) =>
        value === null ? {} : { [name]: { S: value } };
      try {
        await withDeadline(
          (abortSignal) =>
            client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: {
                  ...key(pk),
                  status: { S: next.status },
                  ...optional('category', next.category),
                  ...optional('since', next.since),
                  ...optional('lastNotifiedAt', next.lastNotifiedAt),
                  version: { N: String(next.version) },
                  [STATE_TABLE.ttlAttribute]: { N: String(Math.floor(now() / 1000) + STATE_TTL_SECONDS) },
                },
                ConditionExpression: 'attribute_not_exists(#pk) OR #version = :previous',
                ExpressionAttributeNames: { '#pk': STATE_TABLE.partitionKey, '#version': 'version' },
                ExpressionAttributeValues: { ':previous': { N: String(next.version - 1) } },
              }),
              { abortSignal },
            ),
          RUN_BUDGET_MS.outputCall,
          'writing the dedup state',
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
