/**
 * An evaluator of EventBridge event patterns, for the operators this project's rules use, implementing the
 * matching rules as the EventBridge user guide documents them:
 *
 * - "Event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html): every
 *   field the pattern names must be in the event, with the same nesting; the values to match are in a JSON
 *   array, and the field matches when any value of that array matches (OR within a field, AND across fields);
 *   matching is exact and case-sensitive unless an operator says otherwise.
 * - "Arrays in event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html):
 *   when the event's value is an array, the pattern matches if the intersection of the pattern's array and
 *   the event's array is non-empty. A pattern object under a key whose event value is an array of objects is
 *   matched against each element (the rules here name one key inside such arrays; EventBridge flattens arrays
 *   of objects, which for a single key is the same).
 * - "Content filtering" / "Comparison operators for use in event patterns"
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html): `prefix`
 *   (strings; also `{"prefix": {"equals-ignore-case": …}}`), `suffix`, `equals-ignore-case`, `anything-but`
 *   (a value, a list of values, or `{"prefix"|"suffix"|"equals-ignore-case": …}`; it matches only a field
 *   that is present), `exists` (true: the field is present as a leaf; false: it is absent; "exists matching
 *   only works on leaf nodes"), and `$or` (the object matches when any of its alternatives does).
 *
 * Any other operator throws, so a rule that starts using one cannot be "evaluated" by accident.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Pattern = { [key: string]: unknown };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MISSING = Symbol('missing');
type Value = Json | typeof MISSING;

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  if (!isPlainObject(pattern)) throw new Error('an event pattern is a JSON object');
  return matchObject(pattern, event as Json);
}

function matchObject(pattern: Record<string, unknown>, event: Json): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2)
        throw new Error('$or takes an array of at least two patterns');
      if (!expected.some((alternative) => matchObject(alternative as Record<string, unknown>, event)))
        return false;
      continue;
    }
    const value: Value = isPlainObject(event) && key in event ? (event[key] as Json) : MISSING;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, value)) return false;
    } else if (isPlainObject(expected)) {
      // A nested pattern: the event's value must be an object, or an array with an element that matches.
      if (value === MISSING) return false;
      if (Array.isArray(value)) {
        if (!value.some((element) => isPlainObject(element) && matchObject(expected, element))) return false;
      } else if (!isPlainObject(value) || !matchObject(expected, value)) {
        return false;
      }
    } else {
      throw new Error(`pattern field "${key}": values to match must be in an array or a nested object`);
    }
  }
  return true;
}

/** A leaf: any matcher of the pattern's array against the value, or any element of an array value. */
function matchLeaf(matchers: unknown[], value: Value): boolean {
  if (value === MISSING) return matchers.some((matcher) => isExists(matcher) && matcher.exists === false);
  // "exists" is for leaves only: an object is not a leaf.
  if (isPlainObject(value)) return false;
  const values: Json[] = Array.isArray(value) ? value : [value];
  return matchers.some((matcher) => values.some((single) => matchOne(matcher, single)));
}

function isExists(matcher: unknown): matcher is { exists: boolean } {
  return isPlainObject(matcher) && 'exists' in matcher;
}

function matchOne(matcher: unknown, value: Json): boolean {
  if (!isPlainObject(matcher)) return matcher === value;
  const entries = Object.entries(matcher);
  if (entries.length !== 1) throw new Error(`one operator per matcher, got ${JSON.stringify(matcher)}`);
  const [[operator, operand]] = entries as [[string, unknown]];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new Error('exists takes true or false');
      return operand;
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return typeof value === 'string' && stringOperator(operator, operand, value);
    case 'anything-but':
      return anythingBut(operand, value);
    default:
      throw new Error(`operator "${operator}" is not implemented by this evaluator`);
  }
}

function stringOperator(
  operator: 'prefix' | 'suffix' | 'equals-ignore-case',
  operand: unknown,
  value: string,
): boolean {
  if (isPlainObject(operand)) {
    const ignoreCase = operand['equals-ignore-case'];
    if (
      operator === 'equals-ignore-case' ||
      typeof ignoreCase !== 'string' ||
      Object.keys(operand).length !== 1
    ) {
      throw new Error(`${operator} takes a string or {"equals-ignore-case": string}`);
    }
    const [v, o] = [value.toLowerCase(), ignoreCase.toLowerCase()];
    return operator === 'prefix' ? v.startsWith(o) : v.endsWith(o);
  }
  if (typeof operand !== 'string') throw new Error(`${operator} takes a string`);
  if (operator === 'prefix') return value.startsWith(operand);
  if (operator === 'suffix') return value.endsWith(operand);
  return value.toLowerCase() === operand.toLowerCase();
}

function anythingBut(operand: unknown, value: Json): boolean {
  if (isPlainObject(operand)) {
    const [[operator, inner]] = Object.entries(operand) as [[string, unknown]];
    if (operator !== 'prefix' && operator !== 'suffix' && operator !== 'equals-ignore-case') {
      throw new Error(`anything-but with "${operator}" is not implemented by this evaluator`);
    }
    if (typeof value !== 'string') return true;
    const excluded = Array.isArray(inner) ? inner : [inner];
    return !excluded.some((one) => stringOperator(operator, one, value));
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.some((one) => one === value);
}
