// A local DynamoDB endpoint for the dedup state store (lambda/engine/outputs/state-store.ts), driven by the real
// @aws-sdk/client-dynamodb over HTTP.
//
// It models exactly what the store sends: GetItem (TableName, Key, ConsistentRead) and PutItem (TableName, Item
// of S and N attributes, and a ConditionExpression that ORs `attribute_not_exists(a)` and `a = b` terms over
// top-level attributes). What DynamoDB itself would refuse in those requests is refused with DynamoDB's
// ValidationException messages (undefined or unused placeholders, reserved words, malformed keys), so a broken
// store cannot pass its tests. Anything else (other operations, parameters, attribute types, operators, AND,
// NOT) is refused with a message naming this file: the double never silently pretends to support it. Extend it
// when the store starts sending something new.
//
// The installed client (3.1169.x) speaks AWS JSON 1.0 (`X-Amz-Target: DynamoDB_20120810.<Op>`) and reads the
// error name from the body's `__type` (namespace stripped). Transport, SigV4 shape check, request log and faults
// are the shared harness in cloudwatch-double.ts.

import { STATE_TABLE } from '../../lambda/engine/model/contract.ts';
import {
  type AwsDouble,
  CALLER_ARN,
  commonStatusError,
  type LoggedRequest,
  type OperationResult,
  type ServiceError,
  type ServiceModel,
  startAwsDouble,
} from './cloudwatch-double.ts';

export type { AwsDoubleFault, LoggedRequest } from './cloudwatch-double.ts';

/** An attribute value in its wire form; numbers are decimal strings. Only the types the store writes. */
export type AttributeValue = { S: string } | { N: string };
export type Item = Record<string, AttributeValue>;

export interface DynamoDbDoubleOptions {
  /** Tables that exist, each keyed by the string partition key `pk` alone. @default ['ecr-pull-canary-state'] */
  tables?: string[];
}

export interface DynamoDbDouble extends AwsDouble {
  /** The live contents of a table, keyed by `pk`: read to inspect, write to seed. Throws for unknown tables. */
  items(table: string): Map<string, Item>;
}

const ACCOUNT = '123456789012';
const PK = STATE_TABLE.partitionKey;
const PARAMETERS: Record<string, string[]> = {
  GetItem: ['TableName', 'Key', 'ConsistentRead'],
  PutItem: [
    'TableName',
    'Item',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Errors, as DynamoDB sends them

function ddbError(
  status: number,
  name: string,
  message: string,
  namespace = 'com.amazonaws.dynamodb.v20120810',
): ServiceError {
  // `code` only feeds the harness's query-compatibility header, which this client never reads.
  return {
    status,
    code: name,
    type: status >= 500 ? 'Receiver' : 'Sender',
    message,
    jsonType: `${namespace}#${name}`,
  };
}

class RequestError extends Error {
  constructor(readonly serviceError: ServiceError) {
    super(serviceError.message);
  }
}

const fail = (message: string): never => {
  throw new RequestError(ddbError(400, 'ValidationException', message, 'com.amazon.coral.validate'));
};
const notModelled = (what: string): never =>
  fail(`${what} is not modelled by the DynamoDB test double; extend test/support/dynamodb-double.ts`);

// ---------------------------------------------------------------------------------------------------------
// Attribute values. Names come off the wire: reads must not find `constructor`, writes must not set a prototype.

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function own<T>(container: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

function defineOwn<T>(container: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

function attributeValue(raw: unknown): AttributeValue {
  const types = isObject(raw) ? Object.keys(raw).filter((t) => raw[t] !== undefined && raw[t] !== null) : [];
  if (types.length !== 1) {
    return fail('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  const [type] = types as [string];
  const value = (raw as Record<string, unknown>)[type];
  if (type === 'S' && typeof value === 'string') return { S: value };
  if (type === 'N') {
    if (typeof value !== 'string' || !/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) {
      return fail('A value provided cannot be converted into a number');
    }
    return { N: value };
  }
  return notModelled(`The attribute type ${type}`);
}

function item(raw: Record<string, unknown>): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(raw)) defineOwn(out, name, attributeValue(value));
  return out;
}

/** Numbers compare by value. Number() is exact for the integers the store writes (versions, epoch seconds). */
function equal(a: AttributeValue, b: AttributeValue): boolean {
  if ('S' in a && 'S' in b) return a.S === b.S;
  if ('N' in a && 'N' in b) return Number(a.N) === Number(b.N);
  return false;
}

function keyString(raw: unknown): string {
  if (!isObject(raw)) return fail('The provided key element does not match the schema');
  const key = item(raw);
  const value = own(key, PK);
  if (Object.keys(key).length !== 1 || !value || !('S' in value)) {
    return fail('The provided key element does not match the schema');
  }
  return nonEmptyKey(value.S);
}

function nonEmptyKey(value: string): string {
  if (value === '') {
    fail(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${PK}`,
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Condition expressions: the subset the store writes, parsed and checked as DynamoDB does.

/**
 * Reserved words an attribute here could plausibly be named after, from "Reserved words in DynamoDB". A subset:
 * a word missing here only makes the double more lenient than DynamoDB.
 */
const RESERVED = new Set(
  (
    'ALL AND BY COUNT DATA DATE DEFAULT END ERROR EXISTS FIRST FROM KEY LAST LEVEL NAME NOT NULL OR REGION ' +
    'ROLE SET SIZE STATE STATUS TABLE TIME TIMESTAMP TTL TYPE USER VALUE'
  ).split(' '),
);

/** A disjunction of `attribute_not_exists(a)` and `a = b` terms: what the store writes, and nothing more. */
type Term = { kind: 'not_exists'; attribute: string } | { kind: '='; left: Operand; right: Operand };
type Operand = { attribute: string } | { value: AttributeValue };
type Condition = Term[];

interface Placeholders {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
  usedNames: Set<string>;
  usedValues: Set<string>;
}

const PREFIX = 'Invalid ConditionExpression: ';

function parseCondition(source: string, scope: Placeholders): Condition {
  const tokens = source.match(/<>|<=|>=|[()=<>,]|[#:]?[A-Za-z0-9_]+|\S/g) ?? [];
  let pos = 0;
  const peek = (offset = 0) => tokens[pos + offset] ?? '<EOF>';
  const syntax = (): never => fail(`${PREFIX}Syntax error; token: "${peek()}"`);
  const expect = (token: string) => {
    if (peek() !== token) syntax();
    pos++;
  };

  const attribute = (): string => {
    const token = peek();
    pos++;
    if (token.startsWith('#')) {
      scope.usedNames.add(token);
      const name = own(scope.names, token);
      if (name === undefined) {
        fail(
          `${PREFIX}An expression attribute name used in the document path is not defined; attribute name: ${token}`,
        );
      }
      return name as string;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) return syntax();
    if (RESERVED.has(token.toUpperCase())) {
      fail(`${PREFIX}Attribute name is a reserved keyword; reserved keyword: ${token}`);
    }
    return token;
  };
  const operand = (): Operand => {
    const token = peek();
    if (!token.startsWith(':')) return { attribute: attribute() };
    pos++;
    scope.usedValues.add(token);
    const value = own(scope.values, token);
    if (value === undefined) {
      fail(
        `${PREFIX}An expression attribute value used in expression is not defined; attribute value: ${token}`,
      );
    }
    return { value: value as AttributeValue };
  };
  const term = (): Term => {
    if (peek(1) === '(') {
      if (peek() !== 'attribute_not_exists') return notModelled(`The condition function ${peek()}`);
      pos += 2;
      const name = attribute();
      expect(')');
      return { kind: 'not_exists', attribute: name };
    }
    if (['NOT', '('].includes(peek().toUpperCase())) return notModelled(`"${peek()}" in a condition`);
    const left = operand();
    if (peek() !== '=') return /^[<>]/.test(peek()) ? notModelled(`The operator ${peek()}`) : syntax();
    pos++;
    return { kind: '=', left, right: operand() };
  };

  const terms = [term()];
  while (pos < tokens.length) {
    const joint = peek().toUpperCase();
    if (joint !== 'OR') return joint === 'AND' ? notModelled('AND in a condition') : syntax();
    pos++;
    terms.push(term());
  }
  return terms;
}

function holds(condition: Condition, current: Item): boolean {
  const resolve = (op: Operand) => ('value' in op ? op.value : own(current, op.attribute));
  return condition.some((term) => {
    if (term.kind === 'not_exists') return own(current, term.attribute) === undefined;
    // A missing attribute equals nothing.
    const [left, right] = [resolve(term.left), resolve(term.right)];
    return left !== undefined && right !== undefined && equal(left, right);
  });
}

/** ExpressionAttributeNames/Values and ConditionExpression, validated as DynamoDB validates them. */
function conditionOf(params: Record<string, unknown>): Condition | undefined {
  const text = params.ConditionExpression;
  const rawNames = params.ExpressionAttributeNames;
  const rawValues = params.ExpressionAttributeValues;
  if (text === undefined) {
    if (rawNames !== undefined) fail('ExpressionAttributeNames can only be specified when using expressions');
    if (rawValues !== undefined) {
      fail(
        'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
      );
    }
    return undefined;
  }
  if (typeof text !== 'string' || text.trim() === '') fail(`${PREFIX}The expression can not be empty;`);
  const scope: Placeholders = { names: {}, values: {}, usedNames: new Set(), usedValues: new Set() };
  for (const [key, value] of Object.entries(isObject(rawNames) ? rawNames : {})) {
    defineOwn(scope.names, key, String(value));
  }
  for (const [key, value] of Object.entries(isObject(rawValues) ? rawValues : {})) {
    defineOwn(scope.values, key, attributeValue(value));
  }
  const condition = parseCondition(text as string, scope);
  const unused = (kind: string, all: object, used: Set<string>) => {
    const keys = Object.keys(all).filter((k) => !used.has(k));
    if (keys.length) fail(`Value provided in ${kind} unused in expressions: keys: {${keys.join(', ')}}`);
  };
  unused('ExpressionAttributeNames', scope.names, scope.usedNames);
  unused('ExpressionAttributeValues', scope.values, scope.usedValues);
  return condition;
}

// ---------------------------------------------------------------------------------------------------------

export async function startDynamoDbDouble(options: DynamoDbDoubleOptions = {}): Promise<DynamoDbDouble> {
  const tables = new Map<string, Map<string, Item>>();
  for (const name of options.tables ?? ['ecr-pull-canary-state']) tables.set(name, new Map());
  let requests: LoggedRequest[] = [];

  const tableOf = (name: unknown): Map<string, Item> => {
    const table = typeof name === 'string' ? tables.get(name) : undefined;
    if (!table) {
      throw new RequestError(ddbError(400, 'ResourceNotFoundException', 'Requested resource not found'));
    }
    return table;
  };

  const operations: Record<string, (params: Record<string, unknown>) => Record<string, unknown>> = {
    GetItem(params) {
      if (params.ConsistentRead !== undefined && typeof params.ConsistentRead !== 'boolean') {
        fail('ConsistentRead must be a boolean');
      }
      const pk = keyString(params.Key);
      // One store, always current: a strongly consistent read is the only kind there is here.
      const found = tableOf(params.TableName).get(pk);
      return found ? { Item: structuredClone(found) } : {};
    },
    PutItem(params) {
      const condition = conditionOf(params);
      if (!isObject(params.Item)) {
        return fail(
          "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
        );
      }
      const next = item(params.Item);
      const key = own(next, PK);
      if (!key) return fail(`One or more parameter values were invalid: Missing the key ${PK} in the item`);
      if (!('S' in key)) {
        return fail(
          `One or more parameter values were invalid: Type mismatch for key ${PK} expected: S actual: N`,
        );
      }
      const pk = nonEmptyKey(key.S);
      const table = tableOf(params.TableName);
      if (condition && !holds(condition, table.get(pk) ?? {})) {
        throw new RequestError(
          ddbError(400, 'ConditionalCheckFailedException', 'The conditional request failed'),
        );
      }
      table.set(pk, next);
      return {};
    },
  };

  const model: ServiceModel = {
    signingName: 'dynamodb',
    xmlNamespace: 'http://dynamodb.amazonaws.com/doc/2012-08-10/',
    jsonTargetPrefix: 'DynamoDB_20120810',
    jsonContentType: 'application/x-amz-json-1.0',
    faultError(fault, operation, params) {
      switch (fault.kind) {
        case 'access-denied': {
          // DynamoDB answers authorization failures with 400, not 403.
          const region = requests.at(-1)?.credential?.region ?? 'us-east-1';
          const table = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${String(params.TableName)}`;
          return ddbError(
            400,
            'AccessDeniedException',
            `User: ${CALLER_ARN} is not authorized to perform: dynamodb:${operation} on resource: ${table} because no identity-based policy allows the dynamodb:${operation} action`,
            'com.amazon.coral.service',
          );
        }
        case 'status':
          // DynamoDB names its 500 InternalServerError, not the common InternalFailure.
          if (fault.status === 500) return ddbError(500, 'InternalServerError', 'Internal server error');
          return commonStatusError(fault.status);
      }
    },
    handle(operation, params, protocol): OperationResult {
      try {
        const op = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
        if (protocol !== 'json' || !op) return notModelled(`The operation ${operation} (${protocol})`);
        for (const name of Object.keys(params)) {
          if (!PARAMETERS[operation]?.includes(name)) notModelled(`The ${operation} parameter ${name}`);
        }
        return { ok: true, json: op(params), xmlResult: '' };
      } catch (e) {
        if (e instanceof RequestError) return { ok: false, error: e.serviceError };
        throw e;
      }
    },
  };

  const harness = await startAwsDouble(model);
  requests = harness.requests;
  return {
    ...harness,
    items(name) {
      const table = tables.get(name);
      if (!table) {
        throw new Error(`the DynamoDB double has no table ${name}; it has: ${[...tables.keys()].join(', ')}`);
      }
      return table;
    },
  };
}
