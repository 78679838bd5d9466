import { THROTTLING_CODES } from './classify.ts';
import type { DateSample } from './clock-skew.ts';

/** What each HTTP attempt of one SDK call looked like, retries included. */
export interface AttemptLog {
  attempts: number;
  throttled: number;
  dateSamples: DateSample[];
  clockSkewCorrected: boolean;
}

const SKEW_ERROR =
  /signature expired|signature not yet current|RequestTimeTooSkewed|RequestExpired|RequestInTheFuture/i;

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: 'deserialize'; name: string; priority: 'high' }): void;
}

interface HttpResponseLike {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

/**
 * Adds a middleware to one command that sees every attempt (it sits inside the retry loop, outside the
 * deserializer), so a success that needed throttled retries, or a clock-skew correction, is still reported.
 */
export function recordAttempts(stack: MiddlewareStackLike, log: AttemptLog, now: () => number): void {
  const middleware =
    (next: (args: unknown) => Promise<{ response?: HttpResponseLike }>) =>
    async (args: unknown): Promise<{ response?: HttpResponseLike }> => {
      const sentAtMs = now();
      log.attempts += 1;
      try {
        const output = await next(args);
        sample(output.response, sentAtMs);
        return output;
      } catch (error) {
        const e = error as { name?: string; message?: string; $response?: HttpResponseLike };
        sample(e.$response, sentAtMs);
        if (e.$response?.statusCode === 429 || (e.name && THROTTLING_CODES.has(e.name))) log.throttled += 1;
        // The SDK re-reads the server clock on these errors and retries, so the caller may never see them.
        if (SKEW_ERROR.test(`${e.name} ${e.message}`)) log.clockSkewCorrected = true;
        throw error;
      }
    };
  const sample = (response: HttpResponseLike | undefined, sentAtMs: number) => {
    const dateHeader = response?.headers?.date ?? response?.headers?.Date;
    if (dateHeader) log.dateSamples.push({ dateHeader, sentAtMs, receivedAtMs: now() });
  };
  stack.add(middleware, { step: 'deserialize', name: 'ecrPullCanaryAttemptRecorder', priority: 'high' });
}
