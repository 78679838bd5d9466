/**
 * The inventory's AWS reads: every call goes through {@link Reads.call}, which bounds the calls in flight per
 * service, counts them by operation and turns a failure into a {@link ReadFailure} the checks can name ("not
 * checked: denied", "throttled", …) instead of an exception that ends the run. Throttling is retried by the SDK
 * (adaptive mode: back-off plus a client-side rate limit) before it becomes a failure.
 */
import { INVENTORY_API } from '../model/limits.ts';

export type ReadFailureKind = 'denied' | 'throttled' | 'not-found' | 'out-of-time' | 'error';

export class ReadFailure extends Error {
  override readonly name = 'ReadFailure';
  constructor(
    readonly kind: ReadFailureKind,
    readonly operation: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'AuthorizationError',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottleException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const NOT_FOUND = new Set([
  'RepositoryNotFoundException',
  'ImageNotFoundException',
  'ResourceNotFoundException',
  'ClusterNotFoundException',
  'LifecyclePolicyNotFoundException',
  'RepositoryPolicyNotFoundException',
]);

/** A counting semaphore: at most `limit` of the tasks given to `run` at once. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

export interface ReadsOptions {
  /** Epoch ms after which no new call starts (the run's deadline); each such read fails as out-of-time. */
  deadline: number;
  now: () => number;
  /** @default INVENTORY_API.concurrencyPerService */
  concurrency?: number;
}

export interface Reads {
  /** Runs one SDK call for `service`; rejects only with a {@link ReadFailure}. */
  call<T>(service: string, operation: string, send: () => Promise<T>): Promise<T>;
  /** Calls made, by "service:Operation", SDK retries not included. */
  readonly counts: Map<string, number>;
  /** Throttled responses the SDK retried, summed from `$metadata.attempts`. */
  readonly retried: { count: number };
}

export function createReads(options: ReadsOptions): Reads {
  const limiters = new Map<string, Limiter>();
  const counts = new Map<string, number>();
  const retried = { count: 0 };
  const limit = options.concurrency ?? INVENTORY_API.concurrencyPerService;
  return {
    counts,
    retried,
    async call(service, operation, send) {
      let limiter = limiters.get(service);
      if (!limiter) {
        limiter = new Limiter(limit);
        limiters.set(service, limiter);
      }
      return limiter.run(async () => {
        if (options.now() >= options.deadline)
          throw new ReadFailure(
            'out-of-time',
            operation,
            'Deadline',
            `${operation} not started: the run is out of time`,
          );
        const key = `${service}:${operation}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        try {
          const output = await send();
          retried.count += Math.max(0, attemptsOf(output) - 1);
          return output;
        } catch (error) {
          retried.count += Math.max(0, attemptsOf(error) - 1);
          throw toReadFailure(operation, error);
        }
      });
    },
  };
}

function attemptsOf(value: unknown): number {
  const attempts = (value as { $metadata?: { attempts?: number } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : 1;
}

export function toReadFailure(operation: string, error: unknown): ReadFailure {
  if (error instanceof ReadFailure) return error;
  const code = (error as { name?: string } | null)?.name ?? 'Error';
  const message = (error as { message?: string } | null)?.message ?? String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const kind: ReadFailureKind = DENIED.has(code)
    ? 'denied'
    : THROTTLED.has(code) || status === 429
      ? 'throttled'
      : NOT_FOUND.has(code)
        ? 'not-found'
        : 'error';
  return new ReadFailure(kind, operation, code, `${operation}: ${code}: ${message}`.slice(0, 500));
}

/** Splits `items` into lists of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
