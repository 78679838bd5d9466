// The pattern evaluator against the examples and rules of the EventBridge user guide ("Event patterns",
// "Arrays in event patterns", "Comparison operators for use in event patterns"), each both ways, so the
// evaluator can fail where EventBridge would not match.
import { describe, expect, it } from 'vitest';
import { matchesPattern } from './support/eventbridge-pattern.ts';

describe('EventBridge pattern evaluator', () => {
  it('needs every field of the pattern, with the same nesting (AND across fields, OR within one)', () => {
    const pattern = { source: ['aws.ec2'], detail: { state: ['terminated', 'stopped'] } };
    expect(matchesPattern(pattern, { source: 'aws.ec2', detail: { state: 'stopped' } })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.ec2', detail: { state: 'running' } })).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.ec2' })).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.ec2', state: 'stopped' })).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.s3', detail: { state: 'stopped' } })).toBe(false);
  });

  it('matches exactly and case-sensitively by default', () => {
    expect(matchesPattern({ state: ['STOPPED'] }, { state: 'stopped' })).toBe(false);
    expect(matchesPattern({ n: [5] }, { n: '5' })).toBe(false);
    expect(matchesPattern({ n: [5] }, { n: 5 })).toBe(true);
  });

  it('matches an array value when the pattern array and the event array intersect', () => {
    const pattern = { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] };
    expect(
      matchesPattern(pattern, {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:x',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      }),
    ).toBe(true);
    expect(matchesPattern(pattern, { resources: ['arn:aws:autoscaling:us-east-1:123456789012:x'] })).toBe(
      false,
    );
    expect(matchesPattern(pattern, { resources: [] })).toBe(false);
  });

  it('matches a key inside an array of objects when any element matches', () => {
    const pattern = { containers: { reason: [{ prefix: 'CannotPull' }] } };
    expect(
      matchesPattern(pattern, {
        containers: [{ name: 'a' }, { name: 'b', reason: 'CannotPullContainerError: x' }],
      }),
    ).toBe(true);
    expect(matchesPattern(pattern, { containers: [{ name: 'a', reason: 'OOM' }, { name: 'b' }] })).toBe(
      false,
    );
    expect(matchesPattern(pattern, { containers: [] })).toBe(false);
    expect(matchesPattern(pattern, {})).toBe(false);
  });

  it('prefix: strings only, case-sensitive, or with equals-ignore-case', () => {
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' })).toBe(
      false,
    );
    expect(matchesPattern({ r: [{ prefix: 'Cannot' }] }, { r: 'cannotPull' })).toBe(false);
    expect(matchesPattern({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false);
    const ignoreCase = { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] };
    expect(matchesPattern(ignoreCase, { service: 'eventbridge' })).toBe(true);
    expect(matchesPattern(ignoreCase, { service: 'lambda' })).toBe(false);
  });

  it('equals-ignore-case and suffix', () => {
    expect(matchesPattern({ name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'ALICE' })).toBe(true);
    expect(matchesPattern({ name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'alicia' })).toBe(false);
    expect(matchesPattern({ f: [{ suffix: '.png' }] }, { f: 'a.png' })).toBe(true);
    expect(matchesPattern({ f: [{ suffix: '.png' }] }, { f: 'a.jpg' })).toBe(false);
  });

  it('exists: true needs the field as a leaf, false needs it absent', () => {
    const present = { detail: { errorCode: [{ exists: true }] } };
    expect(matchesPattern(present, { detail: { errorCode: 'AccessDenied' } })).toBe(true);
    expect(matchesPattern(present, { detail: {} })).toBe(false);
    expect(matchesPattern(present, { detail: { errorCode: { nested: 1 } } })).toBe(false);
    const absent = { detail: { errorCode: [{ exists: false }] } };
    expect(matchesPattern(absent, { detail: {} })).toBe(true);
    expect(matchesPattern(absent, { detail: { errorCode: 'AccessDenied' } })).toBe(false);
  });

  it('anything-but: a value, a list or a prefix; never a missing field', () => {
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, { state: 'running' })).toBe(true);
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, { state: 'initializing' })).toBe(
      false,
    );
    expect(
      matchesPattern({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'stopped' }),
    ).toBe(false);
    expect(
      matchesPattern({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'running' }),
    ).toBe(true);
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, {})).toBe(false);
    const notUs = { Region: [{ 'anything-but': { prefix: 'us-' } }] };
    expect(matchesPattern(notUs, { Region: 'eu-west-1' })).toBe(true);
    expect(matchesPattern(notUs, { Region: 'us-east-1' })).toBe(false);
  });

  it('$or matches when any alternative does', () => {
    const pattern = { detail: { $or: [{ a: ['1'] }, { b: { c: ['2'] } }] } };
    expect(matchesPattern(pattern, { detail: { a: '1' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { b: [{ c: '2' }] } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { a: '2', b: { c: '1' } } })).toBe(false);
  });

  it('refuses operators it does not implement instead of guessing', () => {
    expect(() => matchesPattern({ n: [{ numeric: ['>', 0] }] }, { n: 1 })).toThrow(/numeric/);
    expect(() => matchesPattern({ n: 'x' }, { n: 'x' })).toThrow(/array/);
  });
});
