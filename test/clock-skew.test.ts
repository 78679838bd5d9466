import { describe, expect, it } from 'vitest';
import { estimateClockSkew, skewExceeds, skewFromDateHeader } from '../lambda/engine/probe/clock-skew.ts';

const at = (iso: string) => Date.parse(iso);

describe('skewFromDateHeader', () => {
  it('compares the middle of the server second with the middle of the round trip', () => {
    // Server said 12:00:00 (so 12:00:00.000-12:00:00.999); we sent at 12:20:00.100 and got it at 12:20:00.300.
    const estimate = skewFromDateHeader({
      dateHeader: new Date(at('2026-11-26T12:00:00Z')).toUTCString(),
      sentAtMs: at('2026-11-26T12:20:00.100Z'),
      receivedAtMs: at('2026-11-26T12:20:00.300Z'),
    });
    expect(estimate).toEqual({ seconds: 1199.7, uncertaintySeconds: 0.6 });
  });

  it('gives a negative skew when the host is behind', () => {
    const estimate = skewFromDateHeader({
      dateHeader: 'Thu, 26 Nov 2026 12:20:00 GMT',
      sentAtMs: at('2026-11-26T12:00:00.000Z'),
      receivedAtMs: at('2026-11-26T12:00:00.000Z'),
    });
    expect(estimate?.seconds).toBe(-1200.5);
  });

  it('ignores an unparseable header', () => {
    expect(skewFromDateHeader({ dateHeader: 'yesterday', sentAtMs: 0, receivedAtMs: 1 })).toBeNull();
  });
});

describe('estimateClockSkew', () => {
  const sample = (serverIso: string, localIso: string) => ({
    dateHeader: new Date(at(serverIso)).toUTCString(),
    sentAtMs: at(localIso),
    receivedAtMs: at(localIso) + 10,
  });

  it('prefers the ECR API clock, which judges signatures, over the registry', () => {
    const estimate = estimateClockSkew(
      [sample('2026-11-26T12:00:00Z', '2026-11-26T12:05:00Z')],
      [sample('2026-11-26T12:05:00Z', '2026-11-26T12:05:00Z')],
      null,
      false,
    );
    expect(estimate?.seconds).toBeCloseTo(299.5, 1);
    expect(estimate?.source).toBe('date-header');
  });

  it('falls back to the SDK offset (server minus host) when no Date header was seen', () => {
    expect(estimateClockSkew([], [], -1_200_000, true)).toEqual({
      seconds: 1200,
      uncertaintySeconds: 1,
      source: 'sdk-offset',
      sdkCorrected: true,
    });
    expect(estimateClockSkew([], [], null, false)).toBeNull();
    // 0 is the SDK's starting value: with no response seen, it says nothing about the clock.
    expect(estimateClockSkew([], [], 0, false)).toBeNull();
  });
});

describe('skewExceeds', () => {
  const estimate = (seconds: number, uncertaintySeconds: number) => ({
    seconds,
    uncertaintySeconds,
    source: 'date-header' as const,
    sdkCorrected: false,
  });
  it('fires only when the skew is over the threshold even at the near end of its uncertainty', () => {
    expect(skewExceeds(estimate(61, 0.6), 60)).toBe(true);
    expect(skewExceeds(estimate(60.5, 0.6), 60)).toBe(false);
    expect(skewExceeds(estimate(-1200, 0.5), 60)).toBe(true);
    expect(skewExceeds(null, 60)).toBe(false);
  });
});
