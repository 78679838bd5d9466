import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LIMITS } from '../model/limits.ts';
import { DeadlineError } from './deadline.ts';

/** ECR caps manifests at 4 MiB; anything larger is not a manifest and is not read into memory. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface RegistryRequest {
  url: URL;
  headers: Record<string, string>;
  /** The request fails with DEADLINE_EXCEEDED when no complete answer came by then. */
  timeoutMs: number;
  /** Agents for connection reuse across targets of one run. */
  agents: RegistryAgents;
  /**
   * Of a 2xx answer, read at most this many body bytes, then close the connection: a ranged read whose server
   * sent more than asked, or ignored the range and sends the whole blob, ends there instead of downloading it.
   * Other answers (redirects, errors) are read whole, up to MAX_BODY_BYTES, for their headers and error text.
   * @default MAX_BODY_BYTES, and more is an error
   */
  readLimit?: number;
}

export interface RegistryAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Durations of each step of the exchange, in ms (not cumulative, unlike curl's -w times). */
export interface ConnectionTimings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  totalMs: number;
  /** The request went over a connection an earlier request opened, so it has no DNS/connect/TLS time. */
  reusedConnection: boolean;
}

export interface RegistryResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Local wall-clock times around the exchange, for clock-skew estimation from `Date`. */
  sentAtMs: number;
  receivedAtMs: number;
  timings: ConnectionTimings;
}

/**
 * A connection per concurrent request, up to a region's target limit: the probe sends every target's request at
 * once, and a request waiting in the agent's own queue would spend its deadline there and be reported as a slow
 * registry (with 8 sockets, 100 targets on one registry host timed out by the dozen, bench/targets.ts).
 */
const MAX_SOCKETS_PER_HOST = LIMITS.targetsPerRegion;

export function createRegistryAgents(ca?: string): RegistryAgents {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
    https: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST, ...(ca ? { ca } : {}) }),
  };
}

export function destroyRegistryAgents(agents: RegistryAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

/** One GET with per-step timings. Redirects are returned, not followed: the caller decides about credentials. */
export function registryGet(request: RegistryRequest, wallClock: () => number): Promise<RegistryResponse> {
  const { url, headers, timeoutMs, agents } = request;
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  const started = performance.now();
  const sentAtMs = wallClock();
  const since = () => Math.round((performance.now() - started) * 10) / 10;

  return new Promise<RegistryResponse>((resolve, reject) => {
    let dnsMs: number | null = null;
    let connectMs: number | null = null;
    let tlsMs: number | null = null;
    let firstByteMs: number | null = null;
    let reusedConnection = false;
    let settled = false;

    const req = transport.request(url, {
      method: 'GET',
      headers,
      agent: secure ? agents.https : agents.http,
    });
    const timer = setTimeout(() => {
      req.destroy(new DeadlineError(`no complete answer from ${url.host} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (error: Error | null, value?: RegistryResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as RegistryResponse);
    };

    req.on('socket', (socket: Socket) => {
      // A pooled socket that is already connected fires none of these events.
      reusedConnection = !socket.connecting;
      socket.once('lookup', () => {
        dnsMs = since();
      });
      socket.once('connect', () => {
        connectMs = since();
      });
      socket.once('secureConnect', () => {
        tlsMs = since();
      });
    });
    req.on('response', (res) => {
      firstByteMs = since();
      const chunks: Buffer[] = [];
      let size = 0;
      const status = res.statusCode ?? 0;
      const limit =
        request.readLimit !== undefined && status >= 200 && status < 300 ? request.readLimit : null;
      const answer = (): RegistryResponse => ({
        status,
        headers: res.headers,
        body: limit === null ? Buffer.concat(chunks) : Buffer.concat(chunks).subarray(0, limit),
        sentAtMs,
        receivedAtMs: wallClock(),
        timings: stepDurations({ dnsMs, connectMs, tlsMs, firstByteMs }, since(), reusedConnection),
      });
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (limit !== null) {
          chunks.push(chunk);
          if (size >= limit) {
            finish(null, answer());
            // The rest is not wanted: the connection goes, rather than back to the pool mid-body.
            req.destroy();
          }
          return;
        }
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`response from ${url.host} exceeds ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(null, answer()));
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(new Error(`connection to ${url.host} closed mid-response`)));
    });
    req.on('error', (error) => finish(error));
    req.end();
  });
}

/** Turns marks taken since the request started into the duration of each step. */
function stepDurations(
  marks: { dnsMs: number | null; connectMs: number | null; tlsMs: number | null; firstByteMs: number | null },
  totalMs: number,
  reusedConnection: boolean,
): ConnectionTimings {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const connectStart = marks.dnsMs ?? 0;
  const requestStart = marks.tlsMs ?? marks.connectMs ?? 0;
  return {
    dnsMs: marks.dnsMs,
    connectMs: marks.connectMs === null ? null : round(marks.connectMs - connectStart),
    tlsMs: marks.tlsMs === null || marks.connectMs === null ? null : round(marks.tlsMs - marks.connectMs),
    firstByteMs: marks.firstByteMs === null ? null : round(marks.firstByteMs - requestStart),
    totalMs,
    reusedConnection,
  };
}
