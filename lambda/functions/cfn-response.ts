/**
 * Answering CloudFormation for a Lambda-backed custom resource: the event fields a handler reads, the response
 * it PUTs to the presigned URL, and the time to keep for that PUT. The seeding function and the probe's
 * deploy-time first run both answer through here, so the reply's retry policy and the margin kept for it are
 * written once.
 */
import http from 'node:http';
import https from 'node:https';

/** The fields of a CloudFormation custom resource event the handlers read. */
export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  ResourceType?: string;
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
}

export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

/** How the response is retried: each attempt has a hard deadline, and the pause before attempt n+1 is n × backoff. */
export interface ResponsePolicy {
  attempts: number;
  attemptTimeoutMs: number;
  backoffMs: number;
}

export const RESPONSE_POLICY: ResponsePolicy = { attempts: 3, attemptTimeoutMs: 10_000, backoffMs: 500 };

/** Pause after failed attempt `attempt` (1-based), before the next one; none after the last. */
export function responseBackoffMs(attempt: number, policy: ResponsePolicy = RESPONSE_POLICY): number {
  return attempt < policy.attempts ? policy.backoffMs * attempt : 0;
}

/** The longest {@link sendResponse} can take: every attempt runs into its deadline, with every pause between. */
export function worstCaseResponseMs(policy: ResponsePolicy = RESPONSE_POLICY): number {
  let total = 0;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    total += policy.attemptTimeoutMs + responseBackoffMs(attempt, policy);
  }
  return total;
}

/** For logging the outcome and the event loop turning over around the PUT. */
const RESPONSE_SLACK_MS = 1000;

/**
 * Time a handler keeps back from its own work so the response always goes out before Lambda ends the
 * invocation (which would leave the stack waiting for the custom resource's service timeout).
 */
export const RESPONSE_MARGIN_MS = worstCaseResponseMs() + RESPONSE_SLACK_MS;

/**
 * A response for `event`: the identifiers CloudFormation matches it by, plus what the handler says.
 */
export function responseFor(
  event: CustomResourceEvent,
  answer: Pick<CustomResourceResponse, 'Status' | 'PhysicalResourceId'> &
    Partial<Pick<CustomResourceResponse, 'Reason' | 'Data'>>,
): CustomResourceResponse {
  return {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...answer,
  };
}

/** True for an event CloudFormation sends to a custom resource's service token. */
export function isCustomResourceEvent(event: unknown): event is CustomResourceEvent {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as Record<string, unknown>;
  return (
    (e.RequestType === 'Create' || e.RequestType === 'Update' || e.RequestType === 'Delete') &&
    typeof e.ResponseURL === 'string' &&
    typeof e.StackId === 'string' &&
    typeof e.RequestId === 'string' &&
    typeof e.LogicalResourceId === 'string'
  );
}

/**
 * PUTs the response to CloudFormation's presigned S3 URL, retrying failures by {@link RESPONSE_POLICY}; it
 * never takes longer than {@link worstCaseResponseMs}. Throws the last error when every attempt failed.
 */
export async function sendResponse(
  responseUrl: string,
  response: CustomResourceResponse,
  policy: ResponsePolicy = RESPONSE_POLICY,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(response), 'utf8');
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const status = await put(new URL(responseUrl), body, policy.attemptTimeoutMs);
      if (status >= 200 && status < 300) return;
      lastError = new Error(`CloudFormation response URL answered HTTP ${status}`);
    } catch (error) {
      lastError = error;
    }
    const pause = responseBackoffMs(attempt, policy);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  throw lastError;
}

/** One PUT with a deadline for the whole exchange, not only for an idle socket. */
function put(url: URL, body: Buffer, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // The presigned URL was signed without a content type; sending one would break the signature.
    const transport = url.protocol === 'http:' ? http : https;
    const req = transport.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': body.length },
    });
    let settled = false;
    const settle =
      <T>(fn: (value: T) => void) =>
      (value: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        fn(value);
      };
    const deadline = setTimeout(() => {
      settle(reject)(new Error(`CloudFormation response URL did not answer within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => settle(resolve)(res.statusCode ?? 0));
      res.on('error', settle(reject));
    });
    req.on('error', settle(reject));
    req.end(body);
  });
}
