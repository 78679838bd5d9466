/** The longest error message a function logs and returns for a run that failed before its engine could handle it. */
export const FAILED_MESSAGE_CHARS = 2000;

/**
 * Logs a run that failed before the engine could handle it (one ERROR line of `type`: a configuration the function
 * cannot read, a client it cannot build) and returns the message, cut to FAILED_MESSAGE_CHARS, for the summary the
 * function returns.
 */
export function logRunFailure(write: (line: string) => void, type: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, FAILED_MESSAGE_CHARS);
  write(JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', type, message }));
  return message;
}
