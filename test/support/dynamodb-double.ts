// A local DynamoDB endpoint for tests that drive the real @aws-sdk/client-dynamodb over HTTP.
//
// The installed client (3.1169.x) speaks AWS JSON 1.0 (`X-Amz-Target: DynamoDB_20120810.<Op>`) and is not
// query-compatible: the error's name comes from the body's `__type` (namespace stripped) and `message`, so
// that is what this double gets right. The transport, SigV4 shape check, request log and faults are the
// shared harness in cloudwatch-double.ts; what lives here is the table model and the expression language,
// because a double that accepted expressions real DynamoDB rejects (reserved words, unused or undefined
// placeholders, redundant parentheses) would let a broken state store pass its tests.
//
// Harness limits, known and accepted: error bodies carry only `__type` and `message`, so the
// `ThrottlingReasons` list and `ReturnValuesOnConditionCheckFailure` items cannot be sent (the latter is
// refused loudly rather than answered without the item), and every JSON error also carries the harness's
// `x-amzn-query-error` header, which this client ignores.

import { STATE_TABLE } from '../../lambda/contract.ts';
import {
  type AwsDouble,
  type AwsDoubleFault,
  CALLER_ARN,
  commonStatusError,
  invalidAction,
  type LoggedRequest,
  type OperationResult,
  type ServiceError,
  type ServiceModel,
  startAwsDouble,
} from './cloudwatch-double.ts';

export type { AwsDoubleFault, LoggedRequest } from './cloudwatch-double.ts';

/** An attribute value in its wire form: numbers are decimal strings, binaries base64 strings. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: true }
  | { BOOL: boolean };

export type Item = Record<string, AttributeValue>;

/**
 * Which throttle the table answers with: provisioned-capacity tables send
 * `ProvisionedThroughputExceededException`; on-demand tables scaling up send `ThrottlingException`.
 */
export type DynamoDbThrottle = 'ProvisionedThroughputExceededException' | 'ThrottlingException';

/** The shared faults; a throttle may name its error. @default ProvisionedThroughputExceededException */
export type DynamoDbFault = AwsDoubleFault | { kind: 'throttle'; times: number; error?: DynamoDbThrottle };

export interface DynamoDbDoubleOptions {
  /** Tables that exist, each keyed by the string partition key `pk` alone. @default [DEFAULT_TABLE] */
  tables?: string[];
}

export interface DynamoDbDouble extends AwsDouble {
  /** The live contents of a table, keyed by `pk`: read to inspect, write to seed. Throws for unknown tables. */
  items(table: string): Map<string, Item>;
  setFault(fault: DynamoDbFault): void;
}

export const DEFAULT_TABLE = 'ecr-pull-canary-state';
const ACCOUNT = '123456789012';
const PK = STATE_TABLE.partitionKey;
/** DynamoDB's item size limit (400 KB). */
const MAX_ITEM_BYTES = 400 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Errors, as DynamoDB sends them

const ddbType = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;

function ddbError(status: number, name: string, message: string, jsonType = ddbType(name)): ServiceError {
  // `code` only feeds the harness's query-compatibility header, which this client never reads.
  return { status, code: name, type: status >= 500 ? 'Receiver' : 'Sender', message, jsonType };
}

const validation = (message: string) =>
  ddbError(400, 'ValidationException', message, 'com.amazon.coral.validate#ValidationException');
const conditionalCheckFailed = () =>
  ddbError(400, 'ConditionalCheckFailedException', 'The conditional request failed');
const resourceNotFound = () => ddbError(400, 'ResourceNotFoundException', 'Requested resource not found');

/** DynamoDB's own error shapes, so a `status` fault naming one gets DynamoDB's namespace as real ones do. */
const DDB_ERRORS = new Set([
  'ConditionalCheckFailedException',
  'InternalServerError',
  'ItemCollectionSizeLimitExceededException',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'ReplicatedWriteConflictException',
  'RequestLimitExceeded',
  'ResourceInUseException',
  'ResourceNotFoundException',
  'TransactionConflictException',
]);

class RequestError extends Error {
  constructor(readonly serviceError: ServiceError) {
    super(serviceError.message);
  }
}

const fail = (message: string): never => {
  throw new RequestError(validation(message));
};
const notImplemented = (what: string): never =>
  fail(`${what} is not implemented by the DynamoDB test double; extend test/support/dynamodb-double.ts`);

// ---------------------------------------------------------------------------------------------------------
// Numbers: DynamoDB keeps up to 38 significant decimal digits, compares numerically and answers with the
// canonical form ("007.50" comes back as "7.5"), so binary floats would be wrong on all three counts.

interface Decimal {
  coeff: bigint;
  exp: number;
}

function parseDecimal(text: string): Decimal | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, sign, int = '', frac = ''] = m;
  if (int === '' && frac === '') return undefined;
  let coeff = BigInt(`${int}${frac}` || '0');
  let exp = Number(m[4] ?? '0') - frac.length;
  if (sign === '-') coeff = -coeff;
  if (coeff === 0n) return { coeff: 0n, exp: 0 };
  while (coeff % 10n === 0n) {
    coeff /= 10n;
    exp += 1;
  }
  return { coeff, exp };
}

function digitsOf(d: Decimal): string {
  return (d.coeff < 0n ? -d.coeff : d.coeff).toString();
}

function checkDecimal(d: Decimal): void {
  if (d.coeff === 0n) return;
  const digits = digitsOf(d);
  if (digits.length > 38) fail('Attempting to store more than 38 significant digits in a Number');
  const magnitude = digits.length - 1 + d.exp;
  if (magnitude > 125) {
    fail('Number overflow. Attempting to store a number with magnitude larger than supported range');
  }
  if (magnitude < -130) {
    fail('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  }
}

function formatDecimal(d: Decimal): string {
  const digits = digitsOf(d);
  const sign = d.coeff < 0n ? '-' : '';
  if (d.exp >= 0) return sign + digits + '0'.repeat(d.exp);
  const point = digits.length + d.exp;
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}0.${'0'.repeat(-point)}${digits}`;
}

function addDecimal(a: Decimal, b: Decimal, negateB = false): Decimal {
  const exp = Math.min(a.exp, b.exp);
  const ca = a.coeff * 10n ** BigInt(a.exp - exp);
  const cb = b.coeff * 10n ** BigInt(b.exp - exp);
  const sum = parseDecimal(formatDecimal({ coeff: negateB ? ca - cb : ca + cb, exp }));
  return sum as Decimal;
}

function compareDecimal(a: Decimal, b: Decimal): number {
  const diff = addDecimal(a, b, true).coeff;
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** The canonical text of a wire number, or a ValidationException for one DynamoDB would refuse. */
function canonicalNumber(text: string): string {
  const d = parseDecimal(text);
  if (!d) return fail('A value provided cannot be converted into a number');
  checkDecimal(d);
  return formatDecimal(d);
}

const decimalOf = (text: string): Decimal => parseDecimal(text) ?? { coeff: 0n, exp: 0 };

// ---------------------------------------------------------------------------------------------------------
// Attribute values

const TYPES = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'] as const;
type AttrType = (typeof TYPES)[number];

function typeOf(v: AttributeValue): AttrType {
  return Object.keys(v)[0] as AttrType;
}

function field<T>(v: AttributeValue, type: AttrType): T {
  return (v as unknown as Record<string, T>)[type] as T;
}

/** Attribute names come off the wire: reads must not find `constructor`, writes must not set a prototype. */
function own<T>(container: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

function setOwn<T>(container: Record<string, T> | T[], key: string | number, value: T): void {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Validates a decoded wire value and returns it with numbers in canonical form. */
function normalizeValue(raw: unknown): AttributeValue {
  if (!isObject(raw))
    return fail('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const present = TYPES.filter((t) => raw[t] !== undefined && raw[t] !== null);
  if (present.length === 0) {
    return fail('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  if (present.length > 1) {
    return fail(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  }
  const type = present[0] as AttrType;
  const value = raw[type];
  const strings = (label: string): string[] => {
    if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) {
      return fail(`One or more parameter values were invalid: ${label} must be a list of strings`);
    }
    return value as string[];
  };
  switch (type) {
    case 'S':
    case 'B':
      if (typeof value !== 'string')
        return fail(`One or more parameter values were invalid: ${type} must be a string`);
      return { [type]: value } as AttributeValue;
    case 'N':
      if (typeof value !== 'string') return fail('A value provided cannot be converted into a number');
      return { N: canonicalNumber(value) };
    case 'BOOL':
      if (typeof value !== 'boolean')
        return fail('One or more parameter values were invalid: BOOL must be a boolean');
      return { BOOL: value };
    case 'NULL':
      if (value !== true) {
        return fail(
          'One or more parameter values were invalid: Null attribute value types must have the value of true',
        );
      }
      return { NULL: true };
    case 'SS':
    case 'BS': {
      const members = strings(type);
      if (members.length === 0) {
        return fail(
          type === 'SS'
            ? 'One or more parameter values were invalid: An string set  may not be empty'
            : 'One or more parameter values were invalid: Binary sets should not be empty',
        );
      }
      if (new Set(members).size !== members.length) {
        return fail(
          `One or more parameter values were invalid: Input collection [${members.join(', ')}] contains duplicates.`,
        );
      }
      return { [type]: [...members] } as AttributeValue;
    }
    case 'NS': {
      const members = strings('NS').map(canonicalNumber);
      if (members.length === 0) {
        return fail('One or more parameter values were invalid: An number set  may not be empty');
      }
      if (new Set(members).size !== members.length) {
        return fail(
          `One or more parameter values were invalid: Input collection [${members.join(', ')}] contains duplicates.`,
        );
      }
      return { NS: members };
    }
    case 'M': {
      if (!isObject(value)) return fail('One or more parameter values were invalid: M must be a map');
      return { M: normalizeItem(value) };
    }
    case 'L':
      if (!Array.isArray(value)) return fail('One or more parameter values were invalid: L must be a list');
      return { L: value.map(normalizeValue) };
  }
}

function normalizeItem(raw: Record<string, unknown>): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(raw)) setOwn(out, name, normalizeValue(value));
  return out;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

const bytes = (v: AttributeValue, type: 'S' | 'B') =>
  type === 'S' ? Buffer.from(field<string>(v, 'S'), 'utf8') : Buffer.from(field<string>(v, 'B'), 'base64');

function valueEquals(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  switch (type) {
    case 'S':
    case 'B':
      return bytes(a, type).equals(bytes(b, type));
    case 'N':
      return compareDecimal(decimalOf(field(a, 'N')), decimalOf(field(b, 'N'))) === 0;
    case 'BOOL':
    case 'NULL':
      return field(a, type) === field(b, type);
    case 'SS':
    case 'BS':
    case 'NS': {
      const member = (x: string): AttributeValue => ({ [type.slice(0, 1)]: x }) as AttributeValue;
      const xs = field<string[]>(a, type).map(member);
      const ys = field<string[]>(b, type).map(member);
      return xs.length === ys.length && xs.every((x) => ys.some((y) => valueEquals(x, y)));
    }
    case 'L': {
      const xs = field<AttributeValue[]>(a, 'L');
      const ys = field<AttributeValue[]>(b, 'L');
      return xs.length === ys.length && xs.every((x, i) => valueEquals(x, ys[i] as AttributeValue));
    }
    case 'M': {
      const xs = field<Item>(a, 'M');
      const ys = field<Item>(b, 'M');
      const keys = Object.keys(xs);
      return (
        keys.length === Object.keys(ys).length &&
        keys.every((k) => {
          const y = own(ys, k);
          return y !== undefined && valueEquals(xs[k] as AttributeValue, y);
        })
      );
    }
  }
}

/** Ordering is defined only within N, S (UTF-8 bytes) and B; anything else is incomparable. */
function valueCompare(a: AttributeValue, b: AttributeValue): number | undefined {
  const type = typeOf(a);
  if (type !== typeOf(b)) return undefined;
  if (type === 'N') return compareDecimal(decimalOf(field(a, 'N')), decimalOf(field(b, 'N')));
  if (type === 'S' || type === 'B') return Buffer.compare(bytes(a, type), bytes(b, type));
  return undefined;
}

/** DynamoDB's documented item-size rule: names plus values, numbers at about one byte per two digits. */
function valueSize(v: AttributeValue): number {
  const type = typeOf(v);
  switch (type) {
    case 'S':
    case 'B':
      return bytes(v, type).length;
    case 'N':
      return Math.ceil(digitsOf(decimalOf(field(v, 'N'))).length / 2) + 1;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return field<string[]>(v, 'SS').reduce((n, s) => n + Buffer.byteLength(s), 0);
    case 'BS':
      return field<string[]>(v, 'BS').reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
    case 'NS':
      return field<string[]>(v, 'NS').reduce((n, s) => n + valueSize({ N: s }), 0);
    case 'L':
      return 3 + field<AttributeValue[]>(v, 'L').reduce((n, x) => n + 1 + valueSize(x), 0);
    case 'M':
      return 3 + itemSize(field<Item>(v, 'M')) + Object.keys(field<Item>(v, 'M')).length;
  }
}

function itemSize(item: Item): number {
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueSize(v), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Document paths

type Path = Array<string | number>;

const pathText = (path: Path) => `[${path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join(', ')}]`;

function resolvePath(item: Item, path: Path): AttributeValue | undefined {
  let current: AttributeValue | undefined = own(item, path[0] as string);
  for (const seg of path.slice(1)) {
    if (current === undefined) return undefined;
    if (typeof seg === 'number') {
      current = typeOf(current) === 'L' ? field<AttributeValue[]>(current, 'L')[seg] : undefined;
    } else {
      current = typeOf(current) === 'M' ? own(field<Item>(current, 'M'), seg) : undefined;
    }
  }
  return current;
}

/** Copies just the given paths out of an item; list elements picked by index close up, as DynamoDB's do. */
function project(item: Item, paths: Path[]): Item {
  const out: Item = {};
  for (const path of paths) {
    const value = resolvePath(item, path);
    if (value === undefined) continue;
    let container: Item | AttributeValue[] = out;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i] as string | number;
      const next = path[i + 1];
      const slot: AttributeValue | undefined = Array.isArray(container)
        ? container[seg as number]
        : own(container, seg as string);
      const created: AttributeValue = slot ?? (typeof next === 'number' ? { L: [] } : { M: {} });
      setOwn(container, seg, created);
      container =
        typeof next === 'number' ? field<AttributeValue[]>(created, 'L') : field<Item>(created, 'M');
    }
    setOwn(container, path[path.length - 1] as string | number, clone(value));
  }
  const compact = (v: AttributeValue): AttributeValue => {
    if (typeOf(v) === 'L') return { L: field<AttributeValue[]>(v, 'L').filter(Boolean).map(compact) };
    if (typeOf(v) === 'M')
      return { M: Object.fromEntries(Object.entries(field<Item>(v, 'M')).map(([k, x]) => [k, compact(x)])) };
    return v;
  };
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, compact(v)]));
}

/** Paths that share a prefix overlap (`a`, `a.b`); ones that then disagree on map-vs-list conflict. */
function checkPathsDisjoint(paths: Path[]): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i] as Path;
      const b = paths[j] as Path;
      let k = 0;
      while (k < a.length && k < b.length && a[k] === b[k]) k++;
      const one = pathText(a);
      const two = pathText(b);
      if (k === a.length || k === b.length) {
        fail(
          `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
        );
      }
      if (typeof a[k] !== typeof b[k]) {
        fail(
          `Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Expressions
//
// Grammar and precedence follow the DynamoDB developer guide: comparisons bind tightest, then NOT, AND, OR;
// keywords are case-insensitive, function names are not. Semantic errors are collected while parsing and the
// most important one reported, in the order DynamoDB reports them, so one bad expression gets one message.

/**
 * The reserved words an attribute in this project could plausibly be named after, from the "Reserved words in
 * DynamoDB" page of the developer guide. A subset: the full list is ~570 words, nearly all SQL vocabulary no
 * attribute here would use; a word missing here only makes the double more lenient than DynamoDB.
 */
const RESERVED = new Set(
  (
    'ACTION ADD ALL AND ATTRIBUTE BETWEEN BUCKET BY CAPACITY COMMENT CONDITION COUNT ' +
    'COUNTER DATA DATE DAY DEFAULT DELETE DURATION END ERROR EXCEPTION EXISTS FAIL FILE FIRST FORMAT FROM GET ' +
    'GROUP HASH HOUR IN INDEX ITEM ITEMS KEY KEYS LAST LEVEL LIMIT LIST LOCATION LOG MAP METRICS MODE MONTH ' +
    'NAME NAMES NEW NEXT NO NONE NOT NULL NUMBER OBJECT OLD OR OWNER PATH PERMISSION POSITION PROJECT RANGE ' +
    'REGION REQUEST RESOURCE RESPONSE RESULT ROLE SET SIZE SOURCE START STATE STATUS STORAGE STRING SYSTEM TABLE ' +
    'TEXT TIME TIMESTAMP TOKEN TOTAL TRUE FALSE TTL TYPE UPDATE URL USER USERS UUID VALUE VALUES VIEW YEAR ZONE'
  ).split(' '),
);

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const UPDATE_FUNCTIONS = new Map([
  ['if_not_exists', 2],
  ['list_append', 2],
]);

interface Token {
  kind: 'ident' | 'name' | 'value' | 'number' | 'punct' | 'eof';
  text: string;
  at: number;
}

const PUNCT = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', '[', ']', '+', '-'];

function tokenize(source: string, label: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const m =
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ??
      /^#[A-Za-z0-9_]+/.exec(rest) ??
      /^:[A-Za-z0-9_]+/.exec(rest) ??
      /^\d+/.exec(rest);
    if (m) {
      const text = m[0];
      const kind = text.startsWith('#')
        ? 'name'
        : text.startsWith(':')
          ? 'value'
          : /^\d/.test(text)
            ? 'number'
            : 'ident';
      tokens.push({ kind, text, at: i });
      i += text.length;
      continue;
    }
    const p = PUNCT.find((x) => rest.startsWith(x));
    if (!p)
      return fail(
        `Invalid ${label}: Syntax error; token: "${rest[0]}", near: "${source.slice(Math.max(0, i - 8), i + 1).trim()}"`,
      );
    tokens.push({ kind: 'punct', text: p, at: i });
    i += p.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', at: source.length });
  return tokens;
}

class ExpressionSyntaxError extends Error {}

type Operand =
  | { kind: 'path'; path: Path }
  | { kind: 'value'; ref: string; value: AttributeValue | undefined }
  | { kind: 'call'; name: string; args: Operand[] }
  | { kind: 'arith'; op: '+' | '-'; left: Operand; right: Operand };

type Condition = (
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'exists' | 'not_exists'; path: Path }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand }
) & { grouped?: boolean };

type SetAction = { path: Path; value: Operand };
interface Update {
  set: SetAction[];
  remove: Path[];
}

/** Placeholders of one request; every expression of the request parses against it. */
class ExpressionScope {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    readonly names: Record<string, string>,
    readonly values: Record<string, AttributeValue>,
  ) {}
}

const ERROR_ORDER = [
  'syntax',
  'parens',
  'function-name',
  'misused',
  'reserved',
  'undefined',
  'operands',
  'distinct',
  'operand-type',
] as const;
type ErrorKind = (typeof ERROR_ORDER)[number];

class Parser {
  private pos = 0;
  private errors = new Map<ErrorKind, string>();
  private readonly tokens: Token[];

  constructor(
    private readonly source: string,
    private readonly label: string,
    private readonly scope: ExpressionScope,
  ) {
    this.tokens = tokenize(source, label);
  }

  // -- plumbing

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    this.pos = Math.min(this.pos + 1, this.tokens.length - 1);
    return t;
  }
  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }
  private syntax(): never {
    const t = this.peek();
    const prev = this.tokens[this.pos - 1];
    const near = this.source.slice(
      prev ? prev.at : t.at,
      t.kind === 'eof' ? undefined : t.at + t.text.length,
    );
    throw new ExpressionSyntaxError(
      `Invalid ${this.label}: Syntax error; token: "${t.text}", near: "${near}"`,
    );
  }
  private expect(text: string): void {
    if (!this.isPunct(text)) this.syntax();
    this.next();
  }
  private record(kind: ErrorKind, message: string): void {
    if (!this.errors.has(kind)) this.errors.set(kind, message);
  }
  /** Parses with `body`, then raises the most important error found, if any. */
  run<T>(body: () => T): T {
    let result: T | undefined;
    try {
      result = body();
      if (this.peek().kind !== 'eof') this.syntax();
    } catch (e) {
      if (!(e instanceof ExpressionSyntaxError)) throw e;
      this.errors.set('syntax', e.message);
    }
    for (const kind of ERROR_ORDER) {
      const message = this.errors.get(kind);
      if (message !== undefined) fail(kind === 'syntax' ? message : `Invalid ${this.label}: ${message}`);
    }
    return result as T;
  }
  /** Tries one reading; on a syntax error rewinds, forgetting what that attempt recorded. */
  private attempt<T>(body: () => T): T | undefined {
    const saved = {
      pos: this.pos,
      errors: new Map(this.errors),
      names: [...this.scope.usedNames],
      values: [...this.scope.usedValues],
    };
    try {
      return body();
    } catch (e) {
      if (!(e instanceof ExpressionSyntaxError)) throw e;
      this.pos = saved.pos;
      this.errors = saved.errors;
      this.scope.usedNames.clear();
      for (const n of saved.names) this.scope.usedNames.add(n);
      this.scope.usedValues.clear();
      for (const v of saved.values) this.scope.usedValues.add(v);
      return undefined;
    }
  }

  // -- shared pieces

  path(): Path {
    const path: Path = [this.pathElement()];
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        path.push(this.pathElement());
      } else if (this.isPunct('[')) {
        this.next();
        const n = this.next();
        if (n.kind !== 'number') {
          this.pos -= 1;
          this.syntax();
        }
        path.push(Number(n.text));
        this.expect(']');
      } else {
        return path;
      }
    }
  }

  private pathElement(): string {
    const t = this.peek();
    if (t.kind === 'name') {
      this.next();
      const resolved = this.scope.names[t.text];
      if (resolved === undefined) {
        this.record(
          'undefined',
          `An expression attribute name used in the document path is not defined; attribute name: ${t.text}`,
        );
        return t.text;
      }
      this.scope.usedNames.add(t.text);
      return resolved;
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.text.toUpperCase())) {
      this.next();
      if (RESERVED.has(t.text.toUpperCase())) {
        this.record('reserved', `Attribute name is a reserved keyword; reserved keyword: ${t.text}`);
      }
      return t.text;
    }
    return this.syntax();
  }

  private valueRef(): Operand {
    const t = this.next();
    const value = this.scope.values[t.text];
    if (value === undefined) {
      this.record(
        'undefined',
        `An expression attribute value used in expression is not defined; attribute value: ${t.text}`,
      );
    } else {
      this.scope.usedValues.add(t.text);
    }
    return { kind: 'value', ref: t.text, value };
  }

  private args(): Operand[] {
    this.expect('(');
    const args = [this.operand()];
    while (this.isPunct(',')) {
      this.next();
      args.push(this.operand());
    }
    this.expect(')');
    return args;
  }

  /** A path, a `:value`, a function call or one of those in parentheses. */
  private operand(): Operand {
    const t = this.peek();
    if (t.kind === 'value') return this.valueRef();
    if (t.kind === 'ident' && this.isPunct('(', 1) && !KEYWORDS.has(t.text.toUpperCase())) {
      this.next();
      return { kind: 'call', name: t.text, args: this.args() };
    }
    if (this.isPunct('(')) {
      this.next();
      if (this.isPunct('(')) this.record('parens', 'The expression has redundant parentheses;');
      const inner = this.operand();
      this.expect(')');
      return inner;
    }
    return { kind: 'path', path: this.path() };
  }

  private operandType(op: Operand): AttrType | undefined {
    return op.kind === 'value' && op.value ? typeOf(op.value) : undefined;
  }

  // -- condition expressions

  condition(): Condition {
    let left = this.and();
    while (this.isKeyword('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Condition {
    let left = this.not();
    while (this.isKeyword('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', operand: this.group() };
    }
    return this.group();
  }

  private group(): Condition {
    if (this.isPunct('(')) {
      const grouped = this.attempt(() => {
        this.next();
        const inner = this.condition();
        this.expect(')');
        return inner;
      });
      if (grouped) {
        if (grouped.grouped) this.record('parens', 'The expression has redundant parentheses;');
        return { ...grouped, grouped: true };
      }
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === 'punct' && ['=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const right = this.operand();
      const op = t.text as '=' | '<>' | '<' | '<=' | '>' | '>=';
      for (const side of [left, right]) {
        if (side.kind === 'call') {
          if (side.name === 'size') notImplemented('The size() function');
          this.record(
            'misused',
            `The function is not allowed to be used this way in an expression; function: ${side.name}`,
          );
        }
        const type = this.operandType(side);
        if (op !== '=' && op !== '<>' && type && !['N', 'S', 'B'].includes(type)) {
          this.record(
            'operand-type',
            `Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
          );
        }
      }
      if (left.kind === 'path' && right.kind === 'path' && pathText(left.path) === pathText(right.path)) {
        this.record(
          'distinct',
          `The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: ${pathText(left.path)}`,
        );
      }
      return { kind: 'compare', op, left, right };
    }
    if (this.isKeyword('BETWEEN') || this.isKeyword('IN'))
      notImplemented(`The ${t.text.toUpperCase()} operator`);
    if (left.kind !== 'call') return this.syntax();
    switch (left.name) {
      case 'attribute_exists':
      case 'attribute_not_exists': {
        if (left.args.length !== 1) {
          this.record(
            'operands',
            `Incorrect number of operands for operator or function; operator or function: ${left.name}, number of operands: ${left.args.length}`,
          );
        }
        const arg = left.args[0] as Operand;
        if (arg.kind !== 'path') {
          this.record(
            'operand-type',
            `Operator or function requires a document path; operator or function: ${left.name}`,
          );
          return { kind: 'exists', path: [] };
        }
        return { kind: left.name === 'attribute_exists' ? 'exists' : 'not_exists', path: arg.path };
      }
      case 'attribute_type':
      case 'begins_with':
      case 'contains':
      case 'size':
        return notImplemented(`The ${left.name}() function`);
      default:
        this.record('function-name', `Invalid function name; function: ${left.name}`);
        return { kind: 'exists', path: [] };
    }
  }

  // -- update expressions

  update(): Update {
    const update: Update = { set: [], remove: [] };
    const seen = new Set<string>();
    do {
      const clause = this.peek();
      const word = clause.kind === 'ident' ? clause.text.toUpperCase() : '';
      if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(word)) this.syntax();
      this.next();
      if (seen.has(word))
        this.record(
          'syntax',
          `Invalid ${this.label}: The "${word}" section can only be used once in an update expression;`,
        );
      seen.add(word);
      if (word === 'ADD' || word === 'DELETE') notImplemented(`The ${word} clause of UpdateExpression`);
      for (;;) {
        if (word === 'SET') {
          const path = this.path();
          this.expect('=');
          update.set.push({ path, value: this.setValue() });
        } else {
          update.remove.push(this.path());
        }
        if (!this.isPunct(',')) break;
        this.next();
      }
    } while (this.peek().kind !== 'eof');
    return update;
  }

  private setValue(): Operand {
    const left = this.updateOperand();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next().text as '+' | '-';
      const right = this.updateOperand();
      for (const side of [left, right]) {
        const type = this.operandType(side);
        if (type && type !== 'N') {
          this.record(
            'operand-type',
            `Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
          );
        }
      }
      return { kind: 'arith', op, left, right };
    }
    return left;
  }

  private updateOperand(): Operand {
    const op = this.operand();
    this.checkUpdateCall(op);
    return op;
  }

  /** Update expressions know two functions, which may nest: `if_not_exists(l, list_append(:a, :b))`. */
  private checkUpdateCall(op: Operand): void {
    if (op.kind !== 'call') return;
    for (const arg of op.args) this.checkUpdateCall(arg);
    const arity = UPDATE_FUNCTIONS.get(op.name);
    if (arity === undefined) {
      this.record('function-name', `Invalid function name; function: ${op.name}`);
      return;
    }
    if (op.args.length !== arity) {
      this.record(
        'operands',
        `Incorrect number of operands for operator or function; operator or function: ${op.name}, number of operands: ${op.args.length}`,
      );
    }
    if (op.name === 'if_not_exists' && op.args[0]?.kind !== 'path') {
      this.record(
        'operand-type',
        'Operator or function requires a document path; operator or function: if_not_exists',
      );
    }
    if (op.name === 'list_append') {
      for (const arg of op.args) {
        const type = this.operandType(arg);
        if (type && type !== 'L') {
          this.record(
            'operand-type',
            `Incorrect operand type for operator or function; operator or function: list_append, operand type: ${type}`,
          );
        }
      }
    }
  }

  // -- projection expressions

  projection(): Path[] {
    const paths = [this.path()];
    while (this.isPunct(',')) {
      this.next();
      paths.push(this.path());
    }
    return paths;
  }
}

function evaluateOperand(op: Operand, item: Item): AttributeValue | undefined {
  switch (op.kind) {
    case 'path':
      return resolvePath(item, op.path);
    case 'value':
      return op.value;
    case 'call':
    case 'arith':
      return undefined;
  }
}

function evaluate(c: Condition, item: Item): boolean {
  switch (c.kind) {
    case 'and':
      return evaluate(c.left, item) && evaluate(c.right, item);
    case 'or':
      return evaluate(c.left, item) || evaluate(c.right, item);
    case 'not':
      return !evaluate(c.operand, item);
    case 'exists':
      return resolvePath(item, c.path) !== undefined;
    case 'not_exists':
      return resolvePath(item, c.path) === undefined;
    case 'compare': {
      const a = evaluateOperand(c.left, item);
      const b = evaluateOperand(c.right, item);
      // A missing attribute equals nothing, so `<>` holds and every other comparison fails.
      if (a === undefined || b === undefined) return c.op === '<>';
      if (c.op === '=') return valueEquals(a, b);
      if (c.op === '<>') return !valueEquals(a, b);
      const order = valueCompare(a, b);
      if (order === undefined) return false;
      return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[c.op];
    }
  }
}

const missingOperand = () =>
  fail('The provided expression refers to an attribute that does not exist in the item');
const wrongOperandType = () => fail('An operand in the update expression has an incorrect data type');

/** SET values are computed from the item as it was before the update, as DynamoDB does. */
function computeSetValue(op: Operand, before: Item): AttributeValue {
  switch (op.kind) {
    case 'path':
      return clone(resolvePath(before, op.path) ?? missingOperand());
    case 'value':
      return clone(op.value as AttributeValue);
    case 'arith': {
      const a = computeSetValue(op.left, before);
      const b = computeSetValue(op.right, before);
      if (typeOf(a) !== 'N' || typeOf(b) !== 'N') return wrongOperandType();
      const result = addDecimal(decimalOf(field(a, 'N')), decimalOf(field(b, 'N')), op.op === '-');
      checkDecimal(result);
      return { N: formatDecimal(result) };
    }
    case 'call': {
      if (op.name === 'if_not_exists') {
        const [path, fallback] = op.args as [Operand, Operand];
        const existing = path.kind === 'path' ? resolvePath(before, path.path) : undefined;
        return existing ? clone(existing) : computeSetValue(fallback, before);
      }
      const [a, b] = (op.args as [Operand, Operand]).map((x) => computeSetValue(x, before)) as [
        AttributeValue,
        AttributeValue,
      ];
      if (typeOf(a) !== 'L' || typeOf(b) !== 'L') return wrongOperandType();
      return { L: [...field<AttributeValue[]>(a, 'L'), ...field<AttributeValue[]>(b, 'L')] };
    }
  }
}

const invalidUpdatePath = () =>
  fail('The document path provided in the update expression is invalid for update');

function parentOf(item: Item, path: Path): Item | AttributeValue[] {
  if (path.length === 1) return item;
  const parent = resolvePath(item, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === undefined) return invalidUpdatePath();
  if (typeof last === 'number')
    return typeOf(parent) === 'L' ? field<AttributeValue[]>(parent, 'L') : invalidUpdatePath();
  return typeOf(parent) === 'M' ? field<Item>(parent, 'M') : invalidUpdatePath();
}

function applyUpdate(before: Item, update: Update): Item {
  const values = update.set.map((a) => computeSetValue(a.value, before));
  const after = clone(before);
  update.set.forEach((action, i) => {
    const parent = parentOf(after, action.path);
    const last = action.path[action.path.length - 1] as string | number;
    if (Array.isArray(parent)) {
      // An index past the end appends rather than leaving holes.
      setOwn(parent, Math.min(last as number, parent.length), values[i] as AttributeValue);
    } else {
      setOwn(parent, last as string, values[i] as AttributeValue);
    }
  });
  // List removals run from the highest index down so earlier ones do not shift later ones.
  const removals = [...update.remove].sort((a, b) => {
    const x = a[a.length - 1];
    const y = b[b.length - 1];
    return typeof x === 'number' && typeof y === 'number' ? y - x : 0;
  });
  for (const path of removals) {
    const last = path[path.length - 1] as string | number;
    let parent: Item | AttributeValue[];
    try {
      parent = parentOf(after, path);
    } catch {
      continue; // Removing below a missing or mistyped parent is a no-op, as in DynamoDB.
    }
    if (Array.isArray(parent)) {
      if ((last as number) < parent.length) parent.splice(last as number, 1);
    } else {
      delete parent[last as string];
    }
  }
  return after;
}

// ---------------------------------------------------------------------------------------------------------
// Requests

interface Common {
  table: string;
  scope: ExpressionScope;
  condition: Condition | undefined;
  returnConsumedCapacity: string;
}

const LEGACY = [
  'Expected',
  'AttributeUpdates',
  'AttributesToGet',
  'ConditionalOperator',
  'ScanFilter',
  'QueryFilter',
];

function requireString(params: Record<string, unknown>, name: string, member: string): string {
  const v = params[name];
  if (v === undefined || v === null) {
    return fail(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof v !== 'string') return fail(`Start of structure or map found where not expected for ${name}`);
  return v;
}

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return fail(`Unexpected value for ${name}`);
  return v;
}

function checkEnum(value: string | undefined, member: string, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    fail(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
}

/** Table name, placeholders and condition: the parts every operation here shares, validated as DynamoDB does. */
function parseCommon(params: Record<string, unknown>, expressionParams: string[]): Common {
  for (const name of LEGACY) {
    if (params[name] !== undefined) notImplemented(`The legacy parameter ${name}`);
  }
  const onFailure = optionalString(params, 'ReturnValuesOnConditionCheckFailure');
  checkEnum(onFailure, 'returnValuesOnConditionCheckFailure', ['ALL_OLD', 'NONE']);
  if (onFailure === 'ALL_OLD') {
    notImplemented(
      'ReturnValuesOnConditionCheckFailure=ALL_OLD (the harness cannot put Item in an error body)',
    );
  }
  const table = requireString(params, 'TableName', 'tableName');
  if (table.length < 3 || table.length > 255) {
    fail(
      `1 validation error detected: Value '${table}' at 'tableName' failed to satisfy constraint: Member must have length ${table.length < 3 ? 'greater than or equal to 3' : 'less than or equal to 255'}`,
    );
  }
  if (!/^[a-zA-Z0-9_.-]+$/.test(table)) {
    fail(
      `1 validation error detected: Value '${table}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
    );
  }
  const consumed = optionalString(params, 'ReturnConsumedCapacity') ?? 'NONE';
  checkEnum(consumed, 'returnConsumedCapacity', ['INDEXES', 'TOTAL', 'NONE']);

  const expressions = expressionParams.filter((p) => params[p] !== undefined && params[p] !== null);
  const rawNames = params.ExpressionAttributeNames;
  const rawValues = params.ExpressionAttributeValues;
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  if (rawNames !== undefined && rawNames !== null) {
    if (!isObject(rawNames)) return fail('ExpressionAttributeNames must be a map');
    if (expressions.length === 0)
      fail('ExpressionAttributeNames can only be specified when using expressions');
    if (Object.keys(rawNames).length === 0) fail('ExpressionAttributeNames must not be empty');
    for (const [k, v] of Object.entries(rawNames)) {
      if (!/^#[A-Za-z0-9_]+$/.test(k))
        fail(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${k}"`);
      if (typeof v !== 'string' || v === '')
        fail(`ExpressionAttributeNames contains invalid value: Empty attribute name for key ${k}`);
      names[k] = v as string;
    }
  }
  if (rawValues !== undefined && rawValues !== null) {
    if (!isObject(rawValues)) return fail('ExpressionAttributeValues must be a map');
    if (expressions.length === 0) {
      fail(
        `ExpressionAttributeValues can only be specified when using expressions: ${expressionParams.join(' and ')} ${expressionParams.length > 1 ? 'are' : 'is'} null`,
      );
    }
    if (Object.keys(rawValues).length === 0) fail('ExpressionAttributeValues must not be empty');
    for (const [k, v] of Object.entries(rawValues)) {
      if (!/^:[A-Za-z0-9_]+$/.test(k))
        fail(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${k}"`);
      try {
        values[k] = normalizeValue(v);
      } catch (e) {
        if (!(e instanceof RequestError)) throw e;
        fail(`ExpressionAttributeValues contains invalid value: ${e.message} for key ${k}`);
      }
    }
  }
  const scope = new ExpressionScope(names, values);
  const conditionText = optionalString(params, 'ConditionExpression');
  let condition: Condition | undefined;
  if (conditionText !== undefined) {
    if (conditionText.trim() === '') fail('Invalid ConditionExpression: The expression can not be empty;');
    const parser = new Parser(conditionText, 'ConditionExpression', scope);
    condition = parser.run(() => parser.condition());
  }
  return { table, scope, condition, returnConsumedCapacity: consumed };
}

/** Runs after every expression of the request is parsed: DynamoDB refuses placeholders nothing used. */
function checkPlaceholdersUsed(scope: ExpressionScope): void {
  const unusedNames = Object.keys(scope.names).filter((k) => !scope.usedNames.has(k));
  if (unusedNames.length)
    fail(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
    );
  const unusedValues = Object.keys(scope.values).filter((k) => !scope.usedValues.has(k));
  if (unusedValues.length)
    fail(
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
    );
}

function keyOf(params: Record<string, unknown>): string {
  const raw = params.Key;
  if (raw === undefined || raw === null) {
    return fail(
      "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!isObject(raw)) return fail('The provided key element does not match the schema');
  const key = normalizeItem(raw);
  const names = Object.keys(key);
  const value = key[PK];
  if (names.length !== 1 || value === undefined || typeOf(value) !== 'S') {
    return fail('The provided key element does not match the schema');
  }
  return checkKeyString(field<string>(value, 'S'));
}

function checkKeyString(value: string): string {
  if (value === '') {
    fail(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${PK}`,
    );
  }
  return value;
}

function consumed(common: Common, units: number): Record<string, unknown> {
  if (common.returnConsumedCapacity === 'NONE') return {};
  const capacity: Record<string, unknown> = { TableName: common.table, CapacityUnits: units };
  if (common.returnConsumedCapacity === 'INDEXES') capacity.Table = { CapacityUnits: units };
  return { ConsumedCapacity: capacity };
}

const writeUnits = (...items: Array<Item | undefined>) =>
  Math.max(1, ...items.map((i) => (i ? Math.ceil(itemSize(i) / 1024) : 1)));

export async function startDynamoDbDouble(options: DynamoDbDoubleOptions = {}): Promise<DynamoDbDouble> {
  const tables = new Map<string, Map<string, Item>>();
  for (const name of options.tables ?? [DEFAULT_TABLE]) tables.set(name, new Map());
  // Filled in once the harness is up; faults read it to name the caller's region in ARNs.
  let requests: LoggedRequest[] = [];

  const tableOf = (name: string): Map<string, Item> => {
    const table = tables.get(name);
    if (!table) throw new RequestError(resourceNotFound());
    return table;
  };
  const tableArn = (name: string) => {
    const region = requests[requests.length - 1]?.credential?.region ?? 'us-east-1';
    return `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`;
  };

  function conditionHolds(common: Common, current: Item | undefined): void {
    if (common.condition && !evaluate(common.condition, current ?? {})) {
      throw new RequestError(conditionalCheckFailed());
    }
  }

  const operations: Record<string, (params: Record<string, unknown>) => Record<string, unknown>> = {
    GetItem(params) {
      const common = parseCommon(params, ['ProjectionExpression']);
      const projectionText = optionalString(params, 'ProjectionExpression');
      let projection: Path[] | undefined;
      if (projectionText !== undefined) {
        const parser = new Parser(projectionText, 'ProjectionExpression', common.scope);
        projection = parser.run(() => parser.projection());
        checkPathsDisjoint(projection);
      }
      checkPlaceholdersUsed(common.scope);
      const consistent = params.ConsistentRead;
      if (consistent !== undefined && consistent !== null && typeof consistent !== 'boolean') {
        fail('ConsistentRead must be a boolean');
      }
      const pk = keyOf(params);
      // One store, always current: a strongly consistent read is the only kind there is here.
      const item = tableOf(common.table).get(pk);
      const units =
        (item ? Math.max(1, Math.ceil(itemSize(item) / 4096)) : 1) * (consistent === true ? 1 : 0.5);
      if (!item) return consumed(common, units);
      return { Item: clone(projection ? project(item, projection) : item), ...consumed(common, units) };
    },

    PutItem(params) {
      const common = parseCommon(params, ['ConditionExpression']);
      checkPlaceholdersUsed(common.scope);
      const returnValues = optionalString(params, 'ReturnValues') ?? 'NONE';
      checkEnum(returnValues, 'returnValues', ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
      if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD')
        fail('ReturnValues can only be ALL_OLD or NONE');
      const raw = params.Item;
      if (raw === undefined || raw === null) {
        fail(
          "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
        );
      }
      if (!isObject(raw)) return fail('Item must be a map');
      const item = normalizeItem(raw);
      const key = item[PK];
      if (key === undefined)
        fail(`One or more parameter values were invalid: Missing the key ${PK} in the item`);
      if (typeOf(key as AttributeValue) !== 'S') {
        fail(
          `One or more parameter values were invalid: Type mismatch for key ${PK} expected: S actual: ${typeOf(key as AttributeValue)}`,
        );
      }
      const pk = checkKeyString(field<string>(key as AttributeValue, 'S'));
      if (itemSize(item) > MAX_ITEM_BYTES) fail('Item size has exceeded the maximum allowed size');
      const table = tableOf(common.table);
      const old = table.get(pk);
      conditionHolds(common, old);
      table.set(pk, item);
      const out = consumed(common, writeUnits(old, item));
      return returnValues === 'ALL_OLD' && old ? { Attributes: clone(old), ...out } : out;
    },

    UpdateItem(params) {
      const common = parseCommon(params, ['ConditionExpression', 'UpdateExpression']);
      const updateText = optionalString(params, 'UpdateExpression');
      let update: Update = { set: [], remove: [] };
      if (updateText !== undefined) {
        if (updateText.trim() === '') fail('Invalid UpdateExpression: The expression can not be empty;');
        const parser = new Parser(updateText, 'UpdateExpression', common.scope);
        update = parser.run(() => parser.update());
      }
      checkPlaceholdersUsed(common.scope);
      const paths = [...update.set.map((a) => a.path), ...update.remove];
      checkPathsDisjoint(paths);
      const returnValues = optionalString(params, 'ReturnValues') ?? 'NONE';
      checkEnum(returnValues, 'returnValues', ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
      const pk = keyOf(params);
      for (const path of paths) {
        if (path[0] === PK) {
          fail(
            `One or more parameter values were invalid: Cannot update attribute ${PK}. This attribute is part of the key`,
          );
        }
      }
      const table = tableOf(common.table);
      const old = table.get(pk);
      conditionHolds(common, old);
      const next = applyUpdate(old ?? { [PK]: { S: pk } }, update);
      if (itemSize(next) > MAX_ITEM_BYTES) fail('Item size to update has exceeded the maximum allowed size');
      table.set(pk, next);
      const out = consumed(common, writeUnits(old, next));
      switch (returnValues) {
        case 'ALL_OLD':
          return old ? { Attributes: clone(old), ...out } : out;
        case 'ALL_NEW':
          return { Attributes: clone(next), ...out };
        case 'UPDATED_OLD': {
          const attributes = old ? project(old, paths) : {};
          return Object.keys(attributes).length ? { Attributes: attributes, ...out } : out;
        }
        case 'UPDATED_NEW': {
          const attributes = project(next, paths);
          return Object.keys(attributes).length ? { Attributes: attributes, ...out } : out;
        }
        default:
          return out;
      }
    },

    DeleteItem(params) {
      const common = parseCommon(params, ['ConditionExpression']);
      checkPlaceholdersUsed(common.scope);
      const returnValues = optionalString(params, 'ReturnValues') ?? 'NONE';
      checkEnum(returnValues, 'returnValues', ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
      if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD')
        fail('ReturnValues can only be ALL_OLD or NONE');
      const pk = keyOf(params);
      const table = tableOf(common.table);
      const old = table.get(pk);
      conditionHolds(common, old);
      table.delete(pk);
      const out = consumed(common, writeUnits(old));
      return returnValues === 'ALL_OLD' && old ? { Attributes: clone(old), ...out } : out;
    },
  };

  const model: ServiceModel = {
    signingName: 'dynamodb',
    xmlNamespace: 'http://dynamodb.amazonaws.com/doc/2012-08-10/',
    jsonTargetPrefix: 'DynamoDB_20120810',
    jsonContentType: 'application/x-amz-json-1.0',
    faultError(fault, operation, params) {
      const table = typeof params.TableName === 'string' ? params.TableName : 'unknown';
      switch (fault.kind) {
        case 'access-denied':
          // DynamoDB answers authorization failures with 400, not 403.
          return {
            status: 400,
            code: 'AccessDeniedException',
            type: 'Sender',
            message: `User: ${CALLER_ARN} is not authorized to perform: dynamodb:${operation} on resource: ${tableArn(table)} because no identity-based policy allows the dynamodb:${operation} action`,
            jsonType: 'com.amazon.coral.service#AccessDeniedException',
          };
        case 'throttle': {
          const which =
            (fault as { error?: DynamoDbThrottle }).error ?? 'ProvisionedThroughputExceededException';
          if (which === 'ThrottlingException') {
            return ddbError(
              400,
              'ThrottlingException',
              'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
              'com.amazon.coral.availability#ThrottlingException',
            );
          }
          return ddbError(
            400,
            'ProvisionedThroughputExceededException',
            'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          );
        }
        case 'status': {
          if (fault.code && DDB_ERRORS.has(fault.code)) {
            return ddbError(fault.status, fault.code, fault.message ?? fault.code);
          }
          if (!fault.code && fault.status === 500) {
            return ddbError(500, 'InternalServerError', fault.message ?? 'Internal server error');
          }
          return commonStatusError(fault.status, fault.code, fault.message);
        }
      }
    },
    handle(operation, params, protocol): OperationResult {
      const op = operations[operation];
      if (protocol !== 'json' || !op || !Object.hasOwn(operations, operation)) {
        return { ok: false, error: invalidAction(operation) };
      }
      try {
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
    setFault: (fault: DynamoDbFault) => harness.setFault(fault),
    items(name) {
      const table = tables.get(name);
      if (!table)
        throw new Error(`the DynamoDB double has no table ${name}; it has: ${[...tables.keys()].join(', ')}`);
      return table;
    },
  };
}
