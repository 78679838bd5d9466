/**
 * Node-style error for a deadline, so classification treats it like any other request that got no answer. No I/O in this module, so the outputs can use
 * deadlines without pulling in the registry's HTTP client.
 */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
  readonly code = 'DEADLINE_EXCEEDED';
}

/**
 * Runs `work` with an AbortSignal and rejects with DEADLINE_EXCEEDED once `timeoutMs` passes, even if the work
 * ignores the signal (the SDK does not abort its retry back-off): a hung endpoint must yield a verdict in time.
 */
export function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(`${what} did not finish within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const running = work(controller.signal);
  // The loser of the race may still settle later; its outcome is no longer anyone's business.
  running.catch(() => undefined);
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}
