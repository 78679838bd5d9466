// The DynamoDB dedup store through the real SDK client against the DynamoDB double: what this proves that the
// in-memory fake cannot is the wire (item marshalling, the conditional write as DynamoDB evaluates it, and the
// SDK turning a failed condition into ConditionalCheckFailedException).
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TargetState } from '../lambda/engine/outputs/dedup.ts';
import { dynamoDbStateStore } from '../lambda/engine/outputs/state-store.ts';
import { type DynamoDbDouble, startDynamoDbDouble } from './support/dynamodb-double.ts';

const TABLE = 'canary-state';
const NOW = Date.parse('2026-11-27T10:00:00.000Z');
const THIRTY_DAYS_S = 30 * 24 * 3600;

let ddb: DynamoDbDouble;
let client: DynamoDBClient;
beforeAll(async () => {
  ddb = await startDynamoDbDouble({ tables: [TABLE] });
  client = new DynamoDBClient({
    endpoint: ddb.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLETEST', secretAccessKey: 'test-secret-key' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await ddb.close();
});
beforeEach(() => {
  ddb.items(TABLE).clear();
  ddb.setFault(null);
});

const store = () => dynamoDbStateStore(client, TABLE, () => NOW);

const failing: TargetState = {
  status: 'failing',
  category: 'auth',
  since: '2026-11-27T09:55:00.000Z',
  lastNotifiedAt: '2026-11-27T09:55:00.000Z',
  version: 1,
};

describe('dynamoDbStateStore', () => {
  it('reads nothing for a target it has never seen', async () => {
    expect(await store().get('c#eu-west-1#t')).toBeNull();
  });

  it('writes a state with a 30-day expiry and reads it back unchanged', async () => {
    expect(await store().put('c#eu-west-1#t', failing)).toBe(true);
    expect(ddb.items(TABLE).get('c#eu-west-1#t')).toEqual({
      pk: { S: 'c#eu-west-1#t' },
      status: { S: 'failing' },
      category: { S: 'auth' },
      since: { S: failing.since },
      lastNotifiedAt: { S: failing.lastNotifiedAt },
      version: { N: '1' },
      expiresAt: { N: String(NOW / 1000 + THIRTY_DAYS_S) },
    });
    expect(await store().get('c#eu-west-1#t')).toEqual(failing);
    expect(JSON.parse(ddb.requests.at(-1)?.body ?? '{}')).toMatchObject({ ConsistentRead: true });
  });

  it('leaves out the attributes a healthy state does not have, and reads them back as null', async () => {
    const ok: TargetState = { status: 'ok', category: null, since: null, lastNotifiedAt: null, version: 1 };
    await store().put('k', ok);
    expect(Object.keys(ddb.items(TABLE).get('k') ?? {}).sort()).toEqual([
      'expiresAt',
      'pk',
      'status',
      'version',
    ]);
    expect(await store().get('k')).toEqual(ok);
  });

  it('writes only over the version it read: a second writer of the same transition loses', async () => {
    expect(await store().put('k', failing)).toBe(true);
    expect(await store().put('k', { ...failing, version: 2, category: 'service' })).toBe(true);
    // Another run read version 1 too and tries to write its own version 2.
    expect(await store().put('k', { ...failing, version: 2, category: 'network' })).toBe(false);
    expect(ddb.items(TABLE).get('k')?.category).toEqual({ S: 'service' });
  });

  it('any other failure is an error for the caller, not a lost race', async () => {
    ddb.setFault({ kind: 'access-denied' });
    await expect(store().put('k', failing)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(store().get('k')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('the DynamoDB double behind these tests', () => {
  const put = (input: Record<string, unknown>) =>
    client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'v' } }, ...input }));

  it('refuses what DynamoDB refuses in a conditional write, with its messages, leaving the table alone', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { ConditionExpression: '#v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } },
        'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #v',
      ],
      [
        { ConditionExpression: 'version = :v' },
        'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v',
      ],
      [
        { ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeNames: { '#x': 'x' } },
        'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}',
      ],
      [
        { ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':x': { N: '1' } } },
        'Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}',
      ],
      [
        { ConditionExpression: 'status = :s', ExpressionAttributeValues: { ':s': { S: 'ok' } } },
        'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status',
      ],
      [
        { ConditionExpression: 'attribute_not_exists(pk) OR' },
        'Invalid ConditionExpression: Syntax error; token: "<EOF>"',
      ],
    ];
    cases.push([
      { Item: { id: { S: 'v' } } },
      'One or more parameter values were invalid: Missing the key pk in the item',
    ]);
    for (const [input, message] of cases) {
      await expect(put(input), JSON.stringify(input)).rejects.toMatchObject({
        name: 'ValidationException',
        message,
      });
    }
    await expect(put({ TableName: 'no-such-table' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(ddb.items(TABLE).size).toBe(0);
  });

  it('refuses, naming itself, whatever the store does not send and it therefore does not model', async () => {
    const notModelled = expect.stringContaining('not modelled by the DynamoDB test double');
    const refusals = [
      put({ ConditionExpression: 'attribute_exists(pk)' }),
      put({ ConditionExpression: 'version < :v', ExpressionAttributeValues: { ':v': { N: '1' } } }),
      put({ Item: { pk: { S: 'v' }, flag: { BOOL: true } } }),
      put({ ReturnValues: 'ALL_OLD' }),
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: 'v' } },
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': { S: 'x' } },
        }),
      ),
    ];
    for (const refusal of refusals) {
      await expect(refusal).rejects.toMatchObject({ name: 'ValidationException', message: notModelled });
    }
  });
});
