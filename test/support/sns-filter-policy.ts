// An evaluator of Amazon SNS subscription filter policies, for tests that must show what SNS will deliver, not
// only what a template says. It implements the documented semantics the canary's routing relies on, and throws
// on any operator it does not implement, so a policy it cannot judge never passes by accident.
//
// Sources (Amazon SNS Developer Guide):
// - "Amazon SNS message filtering" (message-filtering.html): a subscription without a filter policy receives
//   every message; "Filter policies for the message body assume that the message payload is a well-formed JSON
//   object".
// - "Amazon SNS subscription filter policy scope" (sns-message-filtering-scope.html): `FilterPolicyScope` is
//   `MessageAttributes` (the default, also when none is set) or `MessageBody`.
// - "Amazon SNS subscription filter policies" (sns-subscription-filter-policies.html): a subscription accepts a
//   message when each property name in the policy matches a message attribute name (attribute scope) or a
//   message body property name (body scope), and for each one at least one policy value matches: AND across
//   keys, OR within a key's array. Attributes or body properties the policy does not name are ignored.
// - "Key matching" (attribute-key-matching.html): `"exists": true` matches a message that has the property
//   (with a non-null, non-empty value); `"exists": false` one that does not, and "only matches if at least one
//   attribute is present. An empty attribute set does not match". `exists` works on leaf nodes only.
// - "String value matching" / "Anything-but matching" / "Prefix matching" / "Numeric value matching"
//   (string-value-matching.html, numeric-value-matching.html): exact, case-sensitive strings; `anything-but`
//   with a value, a list or `{"prefix": …}`; `prefix`; `numeric` with `=`, `<`, `<=`, `>`, `>=` pairs.
// - "Filter policy constraints in Amazon SNS" (subscription-filter-policy-constraints.html): at most five keys
//   (top-level keys only for body scope), at most 150 value combinations (the product of the array lengths);
//   attribute scope allows no nesting and compares only String, String.Array and Number attributes (Binary is
//   ignored).

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** A message attribute as SNS receives it (the Publish API's `DataType` / `StringValue`). */
export interface SnsMessageAttribute {
  dataType: string;
  stringValue?: string;
}

/** What was published: the body and its message attributes. */
export interface PublishedMessage {
  message: string;
  attributes: Record<string, SnsMessageAttribute>;
}

/** A subscription's filtering, as `AWS::SNS::Subscription` carries it. */
export interface SubscriptionFilter {
  filterPolicy?: unknown;
  /** @default 'MessageAttributes' (SNS's default, also for a policy set without a scope) */
  filterPolicyScope?: FilterPolicyScope;
}

export class UnsupportedFilterPolicy extends Error {
  override name = 'UnsupportedFilterPolicy';
}

/** Whether SNS delivers `message` to a subscription with this filter (no policy: everything). */
export function deliversTo(filter: SubscriptionFilter, message: PublishedMessage): boolean {
  if (filter.filterPolicy === undefined) return true;
  const policy = asObject(filter.filterPolicy, 'filter policy');
  const scope = filter.filterPolicyScope ?? 'MessageAttributes';
  checkConstraints(policy, scope);
  if (scope === 'MessageAttributes') return matchesAttributes(policy, message.attributes);
  let body: unknown;
  try {
    body = JSON.parse(message.message);
  } catch {
    // Not JSON: the body has no properties, so no property name in the policy can match one.
    return false;
  }
  if (!isPlainObject(body)) return false;
  return matchesBody(policy, body);
}

/** The documented limits; SNS refuses a policy over them (SetSubscriptionAttributes / CloudFormation fail). */
export function checkConstraints(policy: Record<string, unknown>, scope: FilterPolicyScope): void {
  const keys = Object.keys(policy);
  if (keys.length > 5) throw new Error(`filter policy has ${keys.length} keys; SNS allows at most 5`);
  let combinations = 1;
  const walk = (node: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(value)) combinations *= value.length;
      else if (isPlainObject(value)) {
        if (scope === 'MessageAttributes') {
          throw new Error(`filter policy nests "${key}"; attribute-scoped policies cannot nest`);
        }
        walk(value);
      } else {
        throw new Error(`filter policy key "${key}" must be an array of conditions or a nested object`);
      }
    }
  };
  walk(policy);
  if (combinations > 150) {
    throw new Error(`filter policy has ${combinations} value combinations; SNS allows at most 150`);
  }
}

function matchesAttributes(
  policy: Record<string, unknown>,
  attributes: Record<string, SnsMessageAttribute>,
): boolean {
  // Binary attributes are not compared: for the policy they are not there.
  const comparable = Object.fromEntries(
    Object.entries(attributes).filter(([, attribute]) => !attribute.dataType.startsWith('Binary')),
  );
  const hasAnyAttribute = Object.keys(comparable).length > 0;
  return Object.entries(policy).every(([key, conditions]) => {
    const attribute = comparable[key];
    const values = attribute === undefined ? undefined : attributeValues(attribute);
    return asArray(conditions, key).some((condition) =>
      matchesCondition(condition, values, { key, emptySet: !hasAnyAttribute }),
    );
  });
}

function matchesBody(policy: Record<string, unknown>, body: Record<string, unknown>): boolean {
  return Object.entries(policy).every(([key, node]) => {
    const value = body[key];
    if (isPlainObject(node)) {
      // A nested policy: the body property must be an object (or objects in an array) that matches it.
      const candidates = Array.isArray(value) ? value : [value];
      return candidates.some((candidate) => isPlainObject(candidate) && matchesBody(node, candidate));
    }
    const values = value === undefined ? undefined : bodyValues(value);
    return asArray(node, key).some((condition) =>
      matchesCondition(condition, values, { key, emptySet: false }),
    );
  });
}

type Leaf = string | number | boolean | null;

function attributeValues(attribute: SnsMessageAttribute): Leaf[] {
  const raw = attribute.stringValue ?? '';
  if (attribute.dataType.startsWith('Number')) return [Number(raw)];
  if (attribute.dataType.startsWith('String.Array')) {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) throw new Error(`String.Array attribute is not a JSON array: ${raw}`);
    return parsed as Leaf[];
  }
  return [raw];
}

function bodyValues(value: unknown): Leaf[] | undefined {
  // A body array matches when any of its elements does.
  const items = Array.isArray(value) ? value : [value];
  const leaves = items.filter((item): item is Leaf => !isPlainObject(item) && !Array.isArray(item));
  return leaves;
}

function matchesCondition(
  condition: unknown,
  values: Leaf[] | undefined,
  context: { key: string; emptySet: boolean },
): boolean {
  if (typeof condition === 'string' || typeof condition === 'number' || typeof condition === 'boolean') {
    return values?.some((value) => value === condition) ?? false;
  }
  if (condition === null) throw new UnsupportedFilterPolicy(`null in the policy for "${context.key}"`);
  const operator = asObject(condition, `condition for "${context.key}"`);
  const names = Object.keys(operator);
  if (names.length !== 1) {
    throw new UnsupportedFilterPolicy(`condition for "${context.key}" has operators ${names.join(', ')}`);
  }
  const [name] = names as [string];
  const operand = operator[name];
  switch (name) {
    case 'exists': {
      const present = values?.some((value) => value !== null && value !== '') ?? false;
      if (operand === true) return present;
      if (operand === false) return !present && !context.emptySet;
      throw new UnsupportedFilterPolicy(`exists: ${JSON.stringify(operand)}`);
    }
    case 'prefix':
      if (typeof operand !== 'string')
        throw new UnsupportedFilterPolicy(`prefix: ${JSON.stringify(operand)}`);
      return values?.some((value) => typeof value === 'string' && value.startsWith(operand)) ?? false;
    case 'anything-but': {
      if (values === undefined || values.length === 0) return false;
      if (isPlainObject(operand)) {
        const prefix = operand.prefix;
        if (Object.keys(operand).length !== 1 || typeof prefix !== 'string') {
          throw new UnsupportedFilterPolicy(`anything-but: ${JSON.stringify(operand)}`);
        }
        return values.some((value) => typeof value !== 'string' || !value.startsWith(prefix));
      }
      const excluded = Array.isArray(operand) ? operand : [operand];
      return values.some((value) => !excluded.includes(value));
    }
    case 'numeric': {
      if (!Array.isArray(operand) || operand.length % 2 !== 0 || operand.length === 0) {
        throw new UnsupportedFilterPolicy(`numeric: ${JSON.stringify(operand)}`);
      }
      return (
        values?.some(
          (value) => typeof value === 'number' && numericPairsHold(value, operand as Array<string | number>),
        ) ?? false
      );
    }
    default:
      throw new UnsupportedFilterPolicy(`operator "${name}" for "${context.key}" is not modelled`);
  }
}

function numericPairsHold(value: number, pairs: Array<string | number>): boolean {
  for (let i = 0; i < pairs.length; i += 2) {
    const op = pairs[i];
    const bound = pairs[i + 1];
    if (typeof bound !== 'number') throw new UnsupportedFilterPolicy(`numeric bound ${String(bound)}`);
    const holds =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : op === '>='
                ? value >= bound
                : undefined;
    if (holds === undefined) throw new UnsupportedFilterPolicy(`numeric operator ${String(op)}`);
    if (!holds) return false;
  }
  return true;
}

function asArray(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`filter policy key "${key}" must be an array of conditions`);
  return value;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`${what} must be a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
