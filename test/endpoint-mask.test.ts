import { describe, expect, it } from 'vitest';
import { maskEndpoint } from '../lambda/engine/aws/endpoint.ts';

/** Issue 24: a subscription's endpoint as status, drill and preflight print it. */
describe('maskEndpoint', () => {
  it('keeps what tells a person which endpoint it is', () => {
    expect(maskEndpoint('oncall@example.com')).toBe('oncall@example.com');
    expect(maskEndpoint('arn:aws:sqs:eu-west-1:111122223333:pager-queue')).toBe(
      'arn:aws:sqs:eu-west-1:111122223333:pager-queue',
    );
    expect(maskEndpoint('https://hooks.example.com/alerts/cloudwatch')).toBe(
      'https://hooks.example.com/alerts/cloudwatch',
    );
    expect(maskEndpoint('https://user@hooks.example.com/alerts')).toBe(
      'https://user@hooks.example.com/alerts',
    );
  });

  it('removes the password, every query value and key-like path segments', () => {
    expect(
      maskEndpoint(
        'https://alerts:s3cr3t-pw@events.example.com/integration/0123456789abcdef0123456789abcdef/enqueue?token=abc&x=1',
      ),
    ).toBe(
      'https://alerts:[REDACTED]@events.example.com/integration/[REDACTED]/enqueue?token=[REDACTED]&x=[REDACTED]',
    );
    // A long word without digits is a word, not a key; a short id stays.
    expect(maskEndpoint('https://api.example.com/v2/cloudwatchintegration/abc123')).toBe(
      'https://api.example.com/v2/cloudwatchintegration/abc123',
    );
  });
});
