// The engine's AWS plumbing for host commands (preflight, status, drill): one call under a deadline with its
// outcome named, clients per service and region. Imports the engine's probe helpers and the SDK's types only.
import { errorCodeOf, NETWORK_CODES } from '../probe/classify.ts';
import { DeadlineError, withDeadline as deadline } from '../probe/deadline.ts';

/** An AWS call's outcome: its answer, or why there is none (the SDK's error name and message, or the deadline). */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'timeout' | 'unreachable' | 'denied' | 'error'; name: string; message: string };

export type Failed = Exclude<Outcome<unknown>, { ok: true }>;

/** Error names the services use for "your identity may not call this" (IAM, SCPs, KMS and SNS's own). */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
]);

/**
 * Runs one AWS call under the probe's deadline (probe/deadline.ts): the call is aborted and the outcome is
 * `timeout` when no answer came in `timeoutMs`, whatever the SDK's own retries and socket timeouts do. Never throws.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await deadline(call, timeoutMs, 'the call') };
  } catch (caught) {
    if (caught instanceof DeadlineError) {
      return { ok: false, kind: 'timeout', name: 'Timeout', message: `no answer within ${timeoutMs} ms` };
    }
    const error = caught as { name?: string; message?: string } | undefined;
    const message = oneLine(error?.message ?? String(caught));
    // DNS, refused, reset, TLS: the request never got an answer, as with a deadline; the credentials are not at fault.
    const code = errorCodeOf(caught);
    if (NETWORK_CODES.has(code)) return { ok: false, kind: 'unreachable', name: code, message };
    const name = error?.name ?? 'Error';
    return { ok: false, kind: DENIED.has(name) ? 'denied' : 'error', name, message };
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** What every client gets: its region, one retry, and socket timeouts at the deadline. */
export interface ClientSettings {
  region: string;
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
}

/**
 * Clients made once per service and region, with the caller's credentials (the SDK's default chain) and the SDK's
 * endpoint variables (AWS_ENDPOINT_URL_<SERVICE>); each request's socket gives up at the deadline too, so a hanging
 * endpoint leaves no open connection behind. `destroy()` closes them all.
 */
export class ClientPool {
  private readonly made = new Map<string, { destroy(): void }>();

  constructor(private readonly timeoutMs: number) {}

  get<T extends { destroy(): void }>(
    service: string,
    region: string,
    make: (config: ClientSettings) => T,
  ): T {
    const key = `${service} ${region}`;
    let client = this.made.get(key) as T | undefined;
    if (!client) {
      client = make({
        region,
        // One retry for a throttled or dropped call; the deadline bounds both attempts together.
        maxAttempts: 2,
        requestHandler: { connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs },
      });
      this.made.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.made.values()) client.destroy();
    this.made.clear();
  }
}
