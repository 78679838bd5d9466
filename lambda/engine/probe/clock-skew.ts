import type { ClockSkewEstimate } from '../model/types.ts';

/** A response `Date` header with the local wall-clock times around the exchange that carried it. */
export interface DateSample {
  dateHeader: string;
  sentAtMs: number;
  receivedAtMs: number;
}

/**
 * Host-minus-server offset from one `Date` header. The server stamped a time in [D, D + 1 s) somewhere between
 * our send and receive, so the best estimate compares D + 0.5 s with the round trip's midpoint, and the honest
 * uncertainty is half a second plus half the round trip.
 */
export function skewFromDateHeader(
  sample: DateSample,
): { seconds: number; uncertaintySeconds: number } | null {
  const serverMs = Date.parse(sample.dateHeader);
  if (Number.isNaN(serverMs)) return null;
  const roundTripMs = Math.max(0, sample.receivedAtMs - sample.sentAtMs);
  const localMidpointMs = sample.sentAtMs + roundTripMs / 2;
  return {
    seconds: round1((localMidpointMs - (serverMs + 500)) / 1000),
    uncertaintySeconds: round1((500 + roundTripMs / 2) / 1000),
  };
}

/**
 * Picks the best estimate. `Date` samples from the ECR API come first because its clock is the one that judges
 * SigV4 signatures; registry samples next; the SDK's own offset (server minus host, in ms, taken at receive time
 * with whole-second server time) is the fallback, so a skew the SDK silently corrected still shows.
 */
export function estimateClockSkew(
  apiSamples: DateSample[],
  registrySamples: DateSample[],
  sdkOffsetMs: number | null,
  sdkCorrected: boolean,
): ClockSkewEstimate | null {
  for (const [samples, source] of [
    [apiSamples, 'date-header'],
    [registrySamples, 'date-header'],
  ] as const) {
    const best = samples
      .map(skewFromDateHeader)
      .filter((estimate) => estimate !== null)
      .sort((a, b) => a.uncertaintySeconds - b.uncertaintySeconds)[0];
    if (best) return { ...best, source, sdkCorrected };
  }
  // An offset of exactly 0 is the SDK's initial value, not a measurement: no response reached it.
  if (sdkOffsetMs === null || sdkOffsetMs === 0) return null;
  return { seconds: round1(-sdkOffsetMs / 1000), uncertaintySeconds: 1, source: 'sdk-offset', sdkCorrected };
}

/** True only when the skew is over the threshold even at the favourable end of the estimate's uncertainty. */
export function skewExceeds(estimate: ClockSkewEstimate | null, thresholdSeconds: number): boolean {
  return estimate !== null && Math.abs(estimate.seconds) - estimate.uncertaintySeconds > thresholdSeconds;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
