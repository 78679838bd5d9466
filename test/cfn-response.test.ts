// The reply to CloudFormation (lambda/functions/cfn-response.ts): the margin a custom resource handler keeps for it must
// cover the reply's worst case, and the worst case must be a true bound of what sendResponse does.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CustomResourceResponse,
  RESPONSE_MARGIN_MS,
  RESPONSE_POLICY,
  type ResponsePolicy,
  sendResponse,
  worstCaseResponseMs,
} from '../lambda/functions/cfn-response.ts';

const RESPONSE: CustomResourceResponse = {
  Status: 'SUCCESS',
  PhysicalResourceId: 'p',
  StackId: 's',
  RequestId: 'r',
  LogicalResourceId: 'l',
};
/** Scaled down so the worst case runs in well under a second; the arithmetic is the same. */
const FAST: ResponsePolicy = { attempts: 3, attemptTimeoutMs: 150, backoffMs: 40 };

let server: Server | undefined;
const open = new Set<ServerResponse>();

afterEach(async () => {
  for (const res of open) res.destroy();
  open.clear();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A response URL on loopback; `answer` decides what each PUT gets. Returns the URL and the PUT count. */
async function responseUrl(answer: (res: ServerResponse, attempt: number) => void) {
  const seen = { puts: 0 };
  server = createServer((req, res) => {
    seen.puts++;
    req.resume();
    open.add(res);
    answer(res, seen.puts);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/presigned?X-Amz-Signature=abc`, seen };
}

describe('the reply to CloudFormation', () => {
  it('keeps a margin that covers its worst case: every attempt timing out, with every pause between', () => {
    const { attempts, attemptTimeoutMs, backoffMs } = RESPONSE_POLICY;
    let pauses = 0;
    for (let attempt = 1; attempt < attempts; attempt++) pauses += backoffMs * attempt;
    expect(worstCaseResponseMs()).toBe(attempts * attemptTimeoutMs + pauses);
    expect(RESPONSE_MARGIN_MS).toBeGreaterThanOrEqual(worstCaseResponseMs());
    // The figure the review found (3 × 10 s plus backoff) is inside the margin.
    expect(RESPONSE_MARGIN_MS).toBeGreaterThan(31_000);
  });

  it('gives up on a URL that never answers after its attempts, not before the deadlines and not after the bound', async () => {
    const { url, seen } = await responseUrl(() => {
      // Never answers.
    });
    const started = performance.now();
    await expect(sendResponse(url, RESPONSE, FAST)).rejects.toThrow(/did not answer within 150 ms/);
    const elapsed = performance.now() - started;
    expect(seen.puts).toBe(FAST.attempts);
    expect(elapsed).toBeGreaterThanOrEqual(FAST.attempts * FAST.attemptTimeoutMs - 5);
    // Generous slack for a loaded machine; what matters is that it ends.
    expect(elapsed).toBeLessThan(worstCaseResponseMs(FAST) + 2000);
  });

  it('bounds an answer that trickles in forever: the deadline is for the whole exchange, not an idle socket', async () => {
    const timers: NodeJS.Timeout[] = [];
    const { url, seen } = await responseUrl((res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      timers.push(setInterval(() => res.write('x'), 20));
    });
    try {
      await expect(sendResponse(url, RESPONSE, FAST)).rejects.toThrow(/did not answer within/);
      expect(seen.puts).toBe(FAST.attempts);
    } finally {
      for (const timer of timers) clearInterval(timer);
    }
  });

  it('retries an error answer and stops at the first 2xx', async () => {
    const { url, seen } = await responseUrl((res, attempt) => {
      res.statusCode = attempt === 1 ? 503 : 200;
      res.end();
    });
    await sendResponse(url, RESPONSE, FAST);
    expect(seen.puts).toBe(2);
  });
});
