// The SNS filter policy evaluator against the examples of the Amazon SNS Developer Guide ("Amazon SNS example
// filter policies", "Key matching", "Amazon SNS subscription filter policy scope", "Filter policy constraints
// in Amazon SNS"): the routing tests are only as good as this model, so its rules are pinned here.
import { describe, expect, it } from 'vitest';
import {
  deliversTo,
  type PublishedMessage,
  type SnsMessageAttribute,
  UnsupportedFilterPolicy,
} from './support/sns-filter-policy.ts';

const str = (value: string): SnsMessageAttribute => ({ dataType: 'String', stringValue: value });

/** The developer guide's example transaction, as message attributes. */
const WITH_ATTRIBUTES: PublishedMessage = {
  message: 'message-body-with-transaction-details',
  attributes: {
    customer_interests: { dataType: 'String.Array', stringValue: '["soccer", "rugby", "hockey"]' },
    store: str('example_corp'),
    event: str('order_placed'),
    price_usd: { dataType: 'Number', stringValue: '210.75' },
  },
};

/** The same transaction in the message body, no attributes. */
const IN_BODY: PublishedMessage = {
  message: JSON.stringify({
    customer_interests: ['soccer', 'rugby', 'hockey'],
    store: 'example_corp',
    event: 'order_placed',
    price_usd: 210.75,
  }),
  attributes: {},
};

const attributes = (filterPolicy: unknown, message: PublishedMessage = WITH_ATTRIBUTES) =>
  deliversTo({ filterPolicy }, message);
const body = (filterPolicy: unknown, message: PublishedMessage = IN_BODY) =>
  deliversTo({ filterPolicy, filterPolicyScope: 'MessageBody' }, message);

describe('SNS filter policy evaluator', () => {
  it('delivers everything to a subscription without a filter policy', () => {
    expect(deliversTo({}, WITH_ATTRIBUTES)).toBe(true);
    expect(deliversTo({}, { message: 'plain text', attributes: {} })).toBe(true);
  });

  it('defaults to the MessageAttributes scope and ignores the body there', () => {
    expect(attributes({ store: ['example_corp'] })).toBe(true);
    expect(attributes({ store: ['example_corp'] }, IN_BODY)).toBe(false);
  });

  it('matches strings exactly and case-sensitively', () => {
    expect(attributes({ store: ['example_corp'] })).toBe(true);
    expect(attributes({ store: ['Example_Corp'] })).toBe(false);
    expect(attributes({ store: ['example'] })).toBe(false);
  });

  it('ORs the values of one key and ANDs the keys', () => {
    expect(attributes({ event: ['order_cancelled', 'order_placed'] })).toBe(true);
    expect(attributes({ event: ['order_placed'], store: ['example_corp'] })).toBe(true);
    expect(attributes({ event: ['order_placed'], store: ['other_corp'] })).toBe(false);
    // A key the message does not carry fails the AND.
    expect(attributes({ event: ['order_placed'], encrypted: ['true'] })).toBe(false);
  });

  it('matches a String.Array attribute when any element matches', () => {
    expect(attributes({ customer_interests: ['rugby'] })).toBe(true);
    expect(attributes({ customer_interests: ['baseball'] })).toBe(false);
  });

  it('supports prefix, anything-but (value, list, prefix) and numeric conditions', () => {
    expect(attributes({ event: [{ prefix: 'order-' }] })).toBe(false);
    expect(attributes({ event: [{ prefix: 'order_' }] })).toBe(true);
    expect(attributes({ store: [{ 'anything-but': 'example_corp' }] })).toBe(false);
    expect(attributes({ store: [{ 'anything-but': ['a', 'b'] }] })).toBe(true);
    expect(attributes({ event: [{ 'anything-but': { prefix: 'order_' } }] })).toBe(false);
    // anything-but needs the attribute to be there.
    expect(attributes({ missing: [{ 'anything-but': 'x' }] })).toBe(false);
    expect(attributes({ price_usd: [{ numeric: ['>=', 100, '<', 300] }] })).toBe(true);
    expect(attributes({ price_usd: [{ numeric: ['<', 100] }] })).toBe(false);
    expect(attributes({ price_usd: [210.75] })).toBe(true);
  });

  it('exists: true matches a message that has the key, and only then', () => {
    expect(attributes({ store: [{ exists: true }] })).toBe(true);
    expect(attributes({ encrypted: [{ exists: true }] })).toBe(false);
  });

  it('exists: false matches a message without the key, but never an empty attribute set (Key matching note)', () => {
    expect(attributes({ store: [{ exists: false }] })).toBe(false);
    expect(attributes({ encrypted: [{ exists: false }] })).toBe(true);
    const noAttributes = { message: '{"AlarmName":"a"}', attributes: {} };
    expect(attributes({ encrypted: [{ exists: false }] }, noAttributes)).toBe(false);
    // Binary attributes are not compared, so a message with only a Binary one counts as having none.
    const onlyBinary = { message: 'x', attributes: { blob: { dataType: 'Binary' } } };
    expect(attributes({ encrypted: [{ exists: false }] }, onlyBinary)).toBe(false);
  });

  it('MessageBody scope: top-level and nested properties, arrays by any element', () => {
    expect(body({ store: ['example_corp'], customer_interests: ['hockey'] })).toBe(true);
    expect(body({ store: ['example_corp'] }, WITH_ATTRIBUTES)).toBe(false);
    const nested = { message: JSON.stringify({ detail: { state: 'ALARM', n: 2 } }), attributes: {} };
    expect(body({ detail: { state: ['ALARM'] } }, nested)).toBe(true);
    expect(body({ detail: { state: ['OK'] } }, nested)).toBe(false);
    expect(body({ detail: { missing: [{ exists: true }] } }, nested)).toBe(false);
    expect(body({ detail: { missing: [{ exists: false }] } }, nested)).toBe(true);
  });

  it('MessageBody scope: a body that is not a JSON object matches no property (well-formed JSON assumed)', () => {
    const text = { message: 'ECR pull canary FAILING permission', attributes: { kind: str('failure') } };
    expect(body({ store: [{ exists: true }] }, text)).toBe(false);
    expect(body({ store: [{ prefix: '' }] }, text)).toBe(false);
    expect(body({ store: [{ exists: true }] }, { message: '["a"]', attributes: {} })).toBe(false);
  });

  it('refuses what SNS refuses: more than five keys, more than 150 combinations, nesting in attribute scope', () => {
    const six = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => [key, ['x']]));
    expect(() => attributes(six)).toThrow(/at most 5/);
    const many = {
      a: Array.from({ length: 13 }, (_, i) => `${i}`),
      b: Array.from({ length: 12 }, (_, i) => `${i}`),
    };
    expect(() => attributes(many)).toThrow(/156 value combinations/);
    expect(() => attributes({ a: { b: ['x'] } })).toThrow(/cannot nest/);
  });

  it('throws on operators it does not model instead of guessing', () => {
    expect(() => attributes({ store: [{ suffix: 'corp' }] })).toThrow(UnsupportedFilterPolicy);
    expect(() => body({ store: [{ 'equals-ignore-case': 'EXAMPLE_CORP' }] })).toThrow(
      UnsupportedFilterPolicy,
    );
  });
});
