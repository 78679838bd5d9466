import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ResourceNotFoundException,
  type AttributeValue as SdkAttributeValue,
  ThrottlingException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE, type DynamoDbDouble, startDynamoDbDouble } from './support/dynamodb-double.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLETEST', secretAccessKey: 'test-secret-key' };
const region = 'eu-west-1';
const TableName = DEFAULT_TABLE;

/** The fields of an SDK v3 error (service or transport) these tests read. */
interface SdkError {
  name: string;
  message: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
}

async function failure(p: Promise<unknown>): Promise<SdkError & Error> {
  try {
    await p;
  } catch (e) {
    return e as SdkError & Error;
  }
  throw new Error('expected the call to fail');
}

let ddb: DynamoDbDouble;
beforeEach(async () => {
  ddb = await startDynamoDbDouble();
});
afterEach(async () => {
  await ddb.close();
});

const client = (extra: Partial<DynamoDBClientConfig> = {}) =>
  new DynamoDBClient({ endpoint: ddb.url, region, credentials, ...extra });
const key = (pk: string) => ({ pk: { S: pk } });
const get = (c: DynamoDBClient, pk: string) =>
  c.send(new GetItemCommand({ TableName, Key: key(pk), ConsistentRead: true }));

describe('items', () => {
  it('round-trips S, N, BOOL, NULL, M, L (and sets, binary) through PutItem and GetItem', async () => {
    const c = client();
    const item: Record<string, SdkAttributeValue> = {
      pk: { S: 'target#eu-west-1/app' },
      status: { S: 'failing' },
      empty: { S: '' },
      version: { N: '42' },
      ratio: { N: '-0.125' },
      notified: { BOOL: false },
      category: { NULL: true },
      detail: {
        M: { code: { S: 'ImageNotFound' }, attempts: { N: '3' }, nested: { M: { ok: { BOOL: true } } } },
      },
      history: { L: [{ S: 'ok' }, { N: '1' }, { L: [] }, { M: {} }, { NULL: true }] },
      tags: { SS: ['a', 'b'] },
      sizes: { NS: ['1', '2.5'] },
      blob: { B: new Uint8Array([0, 1, 254, 255]) },
    };
    await c.send(new PutItemCommand({ TableName, Item: item }));
    const out = await get(c, 'target#eu-west-1/app');

    expect(out.Item).toEqual(item);
    // The double holds the wire form: binaries as base64.
    expect(ddb.items(TableName).get('target#eu-west-1/app')?.blob).toEqual({ B: 'AAH+/w==' });
    const body = JSON.parse(ddb.requests[1]?.body ?? '{}');
    expect(body).toEqual({ TableName, Key: key('target#eu-west-1/app'), ConsistentRead: true });
    expect(ddb.requests[1]?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(ddb.requests[1]?.credential).toMatchObject({ region, service: 'dynamodb' });
  });

  it('answers numbers in canonical form, as DynamoDB does', async () => {
    const c = client();
    await c.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: 'n' }, a: { N: '007.50' }, b: { N: '1e3' }, c: { N: '-0' }, d: { N: '.5' } },
      }),
    );
    const out = await get(c, 'n');
    expect(out.Item).toMatchObject({ a: { N: '7.5' }, b: { N: '1000' }, c: { N: '0' }, d: { N: '0.5' } });

    const bad = await failure(
      c.send(new PutItemCommand({ TableName, Item: { pk: { S: 'x' }, a: { N: '1,5' } } })),
    );
    expect(bad.name).toBe('ValidationException');
    expect(bad.message).toBe('A value provided cannot be converted into a number');
  });

  it('a missing item is an empty answer; seeded items are served; DeleteItem removes and returns ALL_OLD', async () => {
    const c = client();
    expect((await get(c, 'absent')).Item).toBeUndefined();

    ddb.items(TableName).set('seeded', { pk: { S: 'seeded' }, version: { N: '7' } });
    expect((await get(c, 'seeded')).Item).toEqual({ pk: { S: 'seeded' }, version: { N: '7' } });

    const del = await c.send(
      new DeleteItemCommand({ TableName, Key: key('seeded'), ReturnValues: 'ALL_OLD' }),
    );
    expect(del.Attributes).toEqual({ pk: { S: 'seeded' }, version: { N: '7' } });
    expect(ddb.items(TableName).has('seeded')).toBe(false);
  });

  it('GetItem projects with ProjectionExpression', async () => {
    ddb.items(TableName).set('p', {
      pk: { S: 'p' },
      status: { S: 'ok' },
      detail: { M: { a: { N: '1' }, b: { N: '2' } } },
      history: { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }] },
    });
    const out = await client().send(
      new GetItemCommand({
        TableName,
        Key: key('p'),
        ProjectionExpression: '#s, detail.b, history[2]',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    );
    expect(out.Item).toEqual({
      status: { S: 'ok' },
      detail: { M: { b: { N: '2' } } },
      history: { L: [{ S: 'z' }] },
    });
  });

  it('an unknown table is ResourceNotFoundException', async () => {
    const err = await failure(
      client().send(new GetItemCommand({ TableName: 'no-such-table', Key: key('a') })),
    );
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toBe('Requested resource not found');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.attempts).toBe(1);
    expect(() => ddb.items('no-such-table')).toThrow(/no table no-such-table/);
  });

  it('only the configured tables exist', async () => {
    const other = await startDynamoDbDouble({ tables: ['one', 'two'] });
    try {
      const c = new DynamoDBClient({ endpoint: other.url, region, credentials });
      await c.send(new PutItemCommand({ TableName: 'two', Item: key('k') }));
      expect(other.items('two').get('k')).toEqual(key('k'));
      expect(other.items('one').size).toBe(0);
      const err = await failure(c.send(new GetItemCommand({ TableName, Key: key('k') })));
      expect(err.name).toBe('ResourceNotFoundException');
    } finally {
      await other.close();
    }
  });

  it('keys must match the schema (pk, string, not empty)', async () => {
    const c = client();
    const cases: Array<[Promise<unknown>, string]> = [
      [
        c.send(new GetItemCommand({ TableName, Key: { id: { S: 'a' } } })),
        'The provided key element does not match the schema',
      ],
      [
        c.send(new GetItemCommand({ TableName, Key: { pk: { N: '1' } } })),
        'The provided key element does not match the schema',
      ],
      [
        c.send(new PutItemCommand({ TableName, Item: { status: { S: 'ok' } } })),
        'One or more parameter values were invalid: Missing the key pk in the item',
      ],
      [
        c.send(new PutItemCommand({ TableName, Item: { pk: { S: '' } } })),
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
      ],
    ];
    for (const [call, message] of cases) {
      const err = await failure(call);
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(message);
    }
  });
});

describe('conditional writes', () => {
  it('attribute_not_exists(pk) creates once, then fails with ConditionalCheckFailedException', async () => {
    const c = client();
    const create = (status: string) =>
      c.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: 'lock' }, status: { S: status } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await create('first');
    const err = await failure(create('second'));

    expect(err).toBeInstanceOf(ConditionalCheckFailedException);
    expect(err.name).toBe('ConditionalCheckFailedException');
    expect(err.message).toBe('The conditional request failed');
    expect(err.$fault).toBe('client');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.attempts).toBe(1);
    expect(ddb.items(TableName).get('lock')?.status).toEqual({ S: 'first' });
  });

  it('optimistic lock with PutItem, exactly as the state store writes it', async () => {
    const c = client();
    const write = (version: number) =>
      c.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: 'canary#t' }, status: { S: 'failing' }, version: { N: String(version) } },
          ConditionExpression: 'attribute_not_exists(#pk) OR #version = :previous',
          ExpressionAttributeNames: { '#pk': 'pk', '#version': 'version' },
          ExpressionAttributeValues: { ':previous': { N: String(version - 1) } },
        }),
      );
    await write(1);
    await write(2);
    const stale = await failure(write(2));
    expect(stale.name).toBe('ConditionalCheckFailedException');
    expect(ddb.items(TableName).get('canary#t')?.version).toEqual({ N: '2' });
  });

  it('optimistic lock with UpdateItem: attribute_not_exists(pk) OR version = :v', async () => {
    const c = client();
    const bump = (seen: number) =>
      c.send(
        new UpdateItemCommand({
          TableName,
          Key: key('lease'),
          UpdateExpression: 'SET version = :next, owner_id = :me',
          ConditionExpression: 'attribute_not_exists(pk) OR version = :v',
          ExpressionAttributeValues: {
            ':v': { N: String(seen) },
            ':next': { N: String(seen + 1) },
            ':me': { S: `writer-${seen}` },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    const first = await bump(0);
    expect(first.Attributes).toEqual({
      pk: { S: 'lease' },
      version: { N: '1' },
      owner_id: { S: 'writer-0' },
    });
    const second = await bump(1);
    expect(second.Attributes?.version).toEqual({ N: '2' });

    const stale = await failure(bump(1));
    expect(stale).toBeInstanceOf(ConditionalCheckFailedException);
    expect(ddb.items(TableName).get('lease')).toEqual({
      pk: { S: 'lease' },
      version: { N: '2' },
      owner_id: { S: 'writer-1' },
    });
  });

  describe('condition evaluator', () => {
    const seeded = {
      pk: { S: 'c' },
      n: { N: '10' },
      s: { S: 'beta' },
      flag: { BOOL: true },
      m: { M: { inner: { N: '3' } } },
      l: { L: [{ S: 'x' }, { N: '5' }] },
    } satisfies Record<string, SdkAttributeValue>;

    const values: Record<string, SdkAttributeValue> = {
      ':nine': { N: '9' },
      ':ten': { N: '10.0' },
      ':ten_s': { S: '10' },
      ':alpha': { S: 'alpha' },
      ':beta': { S: 'beta' },
      ':t': { BOOL: true },
      ':three': { N: '3' },
      ':five': { N: '5' },
    };

    const cases: Array<[string, boolean]> = [
      ['n = :ten', true],
      // Numeric, not lexical: "10" < "9" as strings.
      ['n > :nine', true],
      ['n < :nine', false],
      ['n >= :ten AND n <= :ten', true],
      ['n <> :ten', false],
      // A number never equals a string, and ordering across types is simply false.
      ['n = :ten_s', false],
      ['n <> :ten_s', true],
      ['n > :ten_s OR n < :ten_s', false],
      ['s > :alpha', true],
      ['s = :beta', true],
      ['s < :alpha', false],
      ['flag = :t', true],
      ['#n = :ten', true],
      ['m.inner = :three', true],
      ['l[1] = :five', true],
      ['l[7] = :five', false],
      ['attribute_exists(n)', true],
      ['attribute_exists(missing)', false],
      ['attribute_not_exists(missing)', true],
      ['attribute_exists(m.inner)', true],
      ['attribute_not_exists(m.other)', true],
      // Names that are properties of every JS object are still just absent attributes.
      ['attribute_not_exists(toString)', true],
      ['attribute_not_exists(m.valueOf)', true],
      // A missing attribute equals nothing: <> holds, every ordering fails.
      ['missing <> :ten', true],
      ['missing = :ten', false],
      ['missing < :ten OR missing >= :ten', false],
      ['NOT attribute_exists(missing)', true],
      ['NOT (n = :ten)', false],
      ['not n = :ten', false],
      // AND binds tighter than OR.
      ['n = :nine AND s = :beta OR flag = :t', true],
      ['n = :nine AND (s = :beta OR flag = :t)', false],
      ['s = :alpha OR n = :ten AND s = :beta', true],
      ['(s = :alpha OR n = :ten) AND s = :alpha', false],
      ['(n) = :ten', true],
    ];

    it.each(cases)('%s -> %s', async (expression, expected) => {
      ddb.items(TableName).set('c', structuredClone(seeded));
      const used = Object.fromEntries(
        Object.entries(values).filter(([k]) => new RegExp(`${k}\\b`).test(expression)),
      );
      const call = client({ maxAttempts: 1 }).send(
        new PutItemCommand({
          TableName,
          Item: { ...seeded, checked: { BOOL: true } },
          ConditionExpression: expression,
          ...(expression.includes('#n') ? { ExpressionAttributeNames: { '#n': 'n' } } : {}),
          ...(Object.keys(used).length ? { ExpressionAttributeValues: used } : {}),
        }),
      );
      if (expected) {
        await call;
        expect(ddb.items(TableName).get('c')?.checked).toEqual({ BOOL: true });
      } else {
        expect((await failure(call)).name).toBe('ConditionalCheckFailedException');
        expect(ddb.items(TableName).get('c')?.checked).toBeUndefined();
      }
    });
  });

  it('rejects malformed expressions with ValidationException and DynamoDB’s message', async () => {
    const c = client();
    const put = (input: Partial<ConstructorParameters<typeof PutItemCommand>[0]>) =>
      failure(c.send(new PutItemCommand({ TableName, Item: key('v'), ...input })));
    const cases: Array<[Promise<SdkError>, string | RegExp]> = [
      [
        put({ ConditionExpression: 'version =' }),
        /^Invalid ConditionExpression: Syntax error; token: "<EOF>"/,
      ],
      [
        put({ ConditionExpression: 'version == :v', ExpressionAttributeValues: { ':v': { N: '1' } } }),
        /Syntax error; token: "="/,
      ],
      [put({ ConditionExpression: 'attribute_not_exists(pk) AND' }), /Syntax error; token: "<EOF>"/],
      [
        put({ ConditionExpression: '(version = :v', ExpressionAttributeValues: { ':v': { N: '1' } } }),
        /Syntax error/,
      ],
      [
        put({ ConditionExpression: 'status = :s', ExpressionAttributeValues: { ':s': { S: 'ok' } } }),
        'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status',
      ],
      [
        put({ ConditionExpression: 'version = :v' }),
        'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v',
      ],
      [
        put({ ConditionExpression: '#v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } }),
        'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #v',
      ],
      [
        put({
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeValues: { ':unused': { N: '1' } },
        }),
        'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}',
      ],
      [
        put({ ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeNames: { '#x': 'x' } }),
        'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}',
      ],
      [
        put({ ConditionExpression: '((attribute_not_exists(pk)))' }),
        'Invalid ConditionExpression: The expression has redundant parentheses;',
      ],
      [
        put({ ConditionExpression: 'Attribute_Not_Exists(pk)' }),
        'Invalid ConditionExpression: Invalid function name; function: Attribute_Not_Exists',
      ],
      [
        put({ ConditionExpression: 'version = version' }),
        'Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [version]',
      ],
      [
        put({ ConditionExpression: 'version < :b', ExpressionAttributeValues: { ':b': { BOOL: true } } }),
        'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL',
      ],
      [
        put({ ExpressionAttributeValues: { ':v': { N: '1' } } }),
        /^ExpressionAttributeValues can only be specified when using expressions/,
      ],
      [
        put({ ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: {} }),
        'ExpressionAttributeValues must not be empty',
      ],
      [put({ ReturnValues: 'ALL_NEW' }), 'ReturnValues can only be ALL_OLD or NONE'],
    ];
    for (const [pending, message] of cases) {
      const err = await pending;
      expect(err.name).toBe('ValidationException');
      expect(err.$metadata.httpStatusCode).toBe(400);
      if (typeof message === 'string') expect(err.message).toBe(message);
      else expect(err.message).toMatch(message);
    }
    expect(ddb.items(TableName).size).toBe(0);
  });
});

describe('UpdateItem', () => {
  it('SET, arithmetic and REMOVE in one expression, answered with ALL_NEW', async () => {
    ddb.items(TableName).set('u', {
      pk: { S: 'u' },
      count: { N: '41' },
      status: { S: 'ok' },
      stale: { S: 'drop me' },
      detail: { M: { a: { N: '1' } } },
    });
    const out = await client().send(
      new UpdateItemCommand({
        TableName,
        Key: key('u'),
        UpdateExpression:
          'SET #s = :failing, since = :now, #c = #c + :one, detail.b = :one REMOVE stale, detail.a',
        ExpressionAttributeNames: { '#s': 'status', '#c': 'count' },
        ExpressionAttributeValues: {
          ':failing': { S: 'failing' },
          ':now': { S: '2026-01-01T00:00:00Z' },
          ':one': { N: '1' },
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const expected = {
      pk: { S: 'u' },
      count: { N: '42' },
      status: { S: 'failing' },
      since: { S: '2026-01-01T00:00:00Z' },
      detail: { M: { b: { N: '1' } } },
    };
    expect(out.Attributes).toEqual(expected);
    expect(ddb.items(TableName).get('u')).toEqual(expected);
  });

  it('arithmetic is decimal, not binary floating point, within 38 significant digits', async () => {
    ddb.items(TableName).set('d', {
      pk: { S: 'd' },
      x: { N: '0.1' },
      big: { N: '1234567890123456789012345678901234567' },
      nines: { N: '99999999999999999999999999999999999999' },
    });
    const c = client();
    const out = await c.send(
      new UpdateItemCommand({
        TableName,
        Key: key('d'),
        UpdateExpression: 'SET x = x + :x, big = big + :x',
        ExpressionAttributeValues: { ':x': { N: '0.2' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(out.Attributes).toEqual({
      x: { N: '0.3' },
      big: { N: '1234567890123456789012345678901234567.2' },
    });

    const err = await failure(
      c.send(
        new UpdateItemCommand({
          TableName,
          Key: key('d'),
          UpdateExpression: 'SET nines = nines - :x',
          ExpressionAttributeValues: { ':x': { N: '0.2' } },
        }),
      ),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('Attempting to store more than 38 significant digits in a Number');
  });

  it('creates the item when absent; if_not_exists seeds a counter; ReturnValues modes', async () => {
    const c = client();
    const hit = (ReturnValues: 'ALL_OLD' | 'UPDATED_OLD' | 'UPDATED_NEW' | 'NONE') =>
      c.send(
        new UpdateItemCommand({
          TableName,
          Key: key('counter'),
          UpdateExpression: 'SET hits = if_not_exists(hits, :zero) + :one',
          ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } },
          ReturnValues,
        }),
      );
    expect((await hit('ALL_OLD')).Attributes).toBeUndefined();
    expect((await hit('UPDATED_OLD')).Attributes).toEqual({ hits: { N: '1' } });
    expect((await hit('UPDATED_NEW')).Attributes).toEqual({ hits: { N: '3' } });
    expect((await hit('NONE')).Attributes).toBeUndefined();
    expect(ddb.items(TableName).get('counter')).toEqual({ pk: { S: 'counter' }, hits: { N: '4' } });
  });

  it('refuses what DynamoDB refuses, leaving the item alone', async () => {
    ddb.items(TableName).set('r', { pk: { S: 'r' }, s: { S: 'text' } });
    const c = client();
    const update = (UpdateExpression: string, values?: Record<string, SdkAttributeValue>) =>
      failure(
        c.send(
          new UpdateItemCommand({
            TableName,
            Key: key('r'),
            UpdateExpression,
            ...(values ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
    const one = { ':one': { N: '1' } };
    const cases: Array<[Promise<SdkError>, string | RegExp]> = [
      [
        update('SET n = n + :one', one),
        'The provided expression refers to an attribute that does not exist in the item',
      ],
      [update('SET s = s + :one', one), 'An operand in the update expression has an incorrect data type'],
      [
        update('SET s = :str + :one', { ...one, ':str': { S: 'x' } }),
        'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
      ],
      [
        update('SET pk = :one', one),
        'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
      ],
      [
        update('SET a = :one REMOVE a', one),
        'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
      ],
      [
        update('SET a = :one SET b = :one', one),
        /The "SET" section can only be used once in an update expression;/,
      ],
      [
        update('SET missing.child = :one', one),
        'The document path provided in the update expression is invalid for update',
      ],
      [update('SET a :one', one), /^Invalid UpdateExpression: Syntax error; token: ":one"/],
      [
        update('REMOVE status'),
        'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status',
      ],
      [
        update('SET a = toString(:one)', one),
        'Invalid UpdateExpression: Invalid function name; function: toString',
      ],
      [
        update('SET a = if_not_exists(a, size(:one))', one),
        'Invalid UpdateExpression: Invalid function name; function: size',
      ],
    ];
    for (const [pending, message] of cases) {
      const err = await pending;
      expect(err.name).toBe('ValidationException');
      if (typeof message === 'string') expect(err.message).toBe(message);
      else expect(err.message).toMatch(message);
    }
    expect(ddb.items(TableName).get('r')).toEqual({ pk: { S: 'r' }, s: { S: 'text' } });
  });
});

describe('faults', () => {
  it('access-denied is AccessDeniedException (400) naming the action and table ARN, not retried', async () => {
    ddb.setFault({ kind: 'access-denied' });
    const err = await failure(get(client(), 'a'));

    expect(err.name).toBe('AccessDeniedException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.attempts).toBe(1);
    expect(err.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/ecr-pull-canary/canary is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:${region}:123456789012:table/${TableName} because no identity-based policy allows the dynamodb:GetItem action`,
    );
  });

  it('throttle N then success: ProvisionedThroughputExceededException is retried by default', async () => {
    ddb.setFault({ kind: 'throttle', times: 2 });
    const out = await get(client(), 'a');

    expect(out.$metadata.attempts).toBe(3);
    expect(ddb.requests.map((r) => r.outcome)).toEqual([400, 400, 200]);
    expect(JSON.parse(ddb.requests[0]?.body ?? '{}')).toMatchObject({ TableName });
  });

  it('a throttle that outlasts the retries surfaces as ProvisionedThroughputExceededException', async () => {
    ddb.setFault({ kind: 'throttle', times: 3 });
    const err = await failure(get(client({ maxAttempts: 2 }), 'a'));

    expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(err.message).toMatch(/^The level of configured provisioned throughput for the table was exceeded/);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.attempts).toBe(2);
    // One throttle left on the countdown, then the fault clears itself.
    await expect(get(client({ maxAttempts: 1 }), 'a')).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await expect(get(client({ maxAttempts: 1 }), 'a')).resolves.toBeDefined();
  });

  it('an on-demand table throttles with ThrottlingException, also retried', async () => {
    ddb.setFault({ kind: 'throttle', times: 1, error: 'ThrottlingException' });
    const err = await failure(get(client({ maxAttempts: 1 }), 'a'));
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err.name).toBe('ThrottlingException');
    expect(err.message).toMatch(/^Throughput exceeds the current capacity of your table or index/);
    expect(err.$metadata.httpStatusCode).toBe(400);

    ddb.setFault({ kind: 'throttle', times: 1, error: 'ThrottlingException' });
    expect((await get(client(), 'a')).$metadata.attempts).toBe(2);
  });

  it('status 500 is InternalServerError, retried up to the DynamoDB default of 4 attempts', async () => {
    ddb.setFault({ kind: 'status', status: 500 });
    const c = client();
    const err = await failure(get(c, 'a'));

    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.$fault).toBe('server');
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(err.$metadata.attempts).toBe(4);
    expect(ddb.requests.map((r) => r.headers['amz-sdk-request'])).toEqual([
      'attempt=1; max=4',
      'attempt=2; max=4',
      'attempt=3; max=4',
      'attempt=4; max=4',
    ]);
    // The client's own view of the same defaults.
    expect(await c.config.maxAttempts()).toBe(4);
    const strategy = (await c.config.retryStrategy()) as unknown as { mode: string; baseDelay: number };
    expect(strategy).toMatchObject({ mode: 'standard', baseDelay: 25 });
  });

  it('status 503 without a code is ServiceUnavailable; 502 has no body', async () => {
    ddb.setFault({ kind: 'status', status: 503 });
    const unavailable = await failure(get(client({ maxAttempts: 1 }), 'a'));
    expect(unavailable.name).toBe('ServiceUnavailableException');
    expect(unavailable.$metadata.httpStatusCode).toBe(503);

    ddb.setFault({ kind: 'status', status: 502 });
    const gateway = await failure(get(client({ maxAttempts: 2 }), 'a'));
    expect(gateway.$metadata.httpStatusCode).toBe(502);
    expect(gateway.$metadata.attempts).toBe(2);
  });

  it('a status fault may name a DynamoDB error, which then arrives in its modeled class', async () => {
    ddb.setFault({
      kind: 'status',
      status: 400,
      code: 'RequestLimitExceeded',
      message: 'Throughput exceeds the account quota',
    });
    const err = await failure(get(client({ maxAttempts: 1 }), 'a'));
    expect(err.name).toBe('RequestLimitExceeded');
    expect(err.message).toBe('Throughput exceeds the account quota');
  });

  it('reset drops the connection: ECONNRESET after every default attempt', async () => {
    ddb.setFault({ kind: 'reset' });
    const err = await failure(get(client(), 'a'));

    expect(err.code).toBe('ECONNRESET');
    expect(err.$metadata.attempts).toBe(4);
    expect(ddb.requests.map((r) => r.outcome)).toEqual(['reset', 'reset', 'reset', 'reset']);
  });

  it('hang is ended by the client requestTimeout with throwOnRequestTimeout, and retried as a timeout', async () => {
    ddb.setFault({ kind: 'hang' });
    const c = client({ requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    const started = Date.now();
    const err = await failure(
      c.send(
        new PutItemCommand({ TableName, Item: key('h'), ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );

    expect(err.name).toBe('TimeoutError');
    expect(err.$metadata.attempts).toBe(4);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ddb.requests.map((r) => r.outcome)).toEqual(['hang', 'hang', 'hang', 'hang']);
    // A hung request never reached the table.
    expect(ddb.items(TableName).size).toBe(0);

    ddb.setFault(null);
    await c.send(
      new PutItemCommand({ TableName, Item: key('h'), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    expect(ddb.items(TableName).has('h')).toBe(true);
  });
});
