import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { trackServerSockets } from './close-server.ts';

/**
 * Registry answers the real Distribution server cannot be made to give with htpasswd auth, as ECR gives
 * them (each fault below gives the status and body ECR answers with).
 */
export type RegistryFault =
  /** 403 without Www-Authenticate, ECR's text for a 12-hour token past its expiry. */
  | { readonly kind: 'expired-token' }
  /** 403 DENIED naming the principal and the repository of the request path. */
  | { readonly kind: 'denied'; readonly principalArn: string; readonly region?: string }
  /** 429 TOOMANYREQUESTS "Rate exceeded". */
  | { readonly kind: 'throttle' }
  /** The given status with a plain-text body, as a load balancer in front of ECR would send it. */
  | { readonly kind: 'status'; readonly status: number }
  /** Forwarded, but `Docker-Content-Digest` names another digest. */
  | { readonly kind: 'digest-mismatch' }
  /** Forwarded headers, body with one byte changed (same length). */
  | { readonly kind: 'corrupt-body' }
  /** Request read, no answer ever. */
  | { readonly kind: 'hang' }
  /** Connection reset (TCP RST) without an answer. */
  | { readonly kind: 'reset' }
  /** Forwarded after `delayMs`. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /**
   * Blob GETs carrying credentials are answered as ECR does, with a 307 to `location(path)` (a pre-signed URL on
   * the storage host); every other request is forwarded.
   */
  | { readonly kind: 'redirect-blobs'; readonly location: (blobPath: string) => string };

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** Status sent to the client; `null` while pending, and for `hang` and `reset`. */
  status: number | null;
  readonly fault: RegistryFault['kind'] | null;
}

export interface RegistryFaultProxy {
  /** `https://127.0.0.1:<port>`, or `http://` with `plainHttp` */
  readonly url: string;
  /** Applies to every request from now on; `null` restores transparent pass-through. */
  setFault(fault: RegistryFault | null): void;
  /** Every request received, oldest first. Clear it with `requests.length = 0`. */
  readonly requests: ProxiedRequest[];
  /** Stops listening, ends every socket (hung ones included) and cancels pending delays. */
  close(): Promise<void>;
}

export interface RegistryFaultProxyOptions {
  readonly upstreamUrl: string;
  /** CA that signed the upstream's certificate (and the proxy's own, when the same certificate is used). */
  readonly caPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  /**
   * Serve plain HTTP instead of TLS, for registries reached over `http://` (a local mirror, a test registry).
   * @default false
   */
  readonly plainHttp?: boolean;
}

export const EXPIRED_TOKEN_MESSAGE = 'Your authorization token has expired. Reauthenticate and try again.';
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** A fault proxy in front of the test registry, reusing its CA and server certificate. */
export function startProxyInFrontOf(
  registry: { url: string; caPem: string; certPath: string; keyPath: string },
  options: { plainHttp?: boolean } = {},
): Promise<RegistryFaultProxy> {
  return startRegistryFaultProxy({
    upstreamUrl: registry.url,
    caPem: registry.caPem,
    certPath: registry.certPath,
    keyPath: registry.keyPath,
    ...options,
  });
}

export async function startRegistryFaultProxy(
  options: RegistryFaultProxyOptions,
): Promise<RegistryFaultProxy> {
  const upstream = new URL(options.upstreamUrl);
  const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
  const agent = new https.Agent({ keepAlive: true, ca: options.caPem });
  const requests: ProxiedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fault: RegistryFault | null = null;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const active = fault;
    const entry: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: null,
      fault: active?.kind ?? null,
    };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    handle(active, req, res);
  };
  const server = options.plainHttp
    ? http.createServer(onRequest)
    : https.createServer({ cert, key }, onRequest);
  const closer = trackServerSockets(server);
  // A client that hangs up mid-handshake is not a proxy failure worth crashing the test run for.
  server.on('tlsClientError', () => {});

  function handle(active: RegistryFault | null, req: IncomingMessage, res: ServerResponse): void {
    switch (active?.kind) {
      case undefined:
        forward(req, res);
        break;
      case 'expired-token':
        sendJson(res, 403, 'DENIED', EXPIRED_TOKEN_MESSAGE);
        break;
      case 'denied':
        sendJson(res, 403, 'DENIED', deniedMessage(active, req.url ?? '/'));
        break;
      case 'throttle':
        sendJson(res, 429, 'TOOMANYREQUESTS', 'Rate exceeded');
        break;
      case 'status':
        drainThen(req, () => {
          res.writeHead(active.status, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`${active.status} injected by the registry fault proxy\n`);
        });
        break;
      case 'digest-mismatch':
        forward(req, res, (headers, body) => {
          headers['docker-content-digest'] = wrongDigest(headers['docker-content-digest'], body);
          return body;
        });
        break;
      case 'corrupt-body':
        forward(req, res, (_headers, body) => corrupt(body));
        break;
      case 'hang':
        // Read the request so the client sees it as sent, then never answer.
        req.resume();
        break;
      case 'reset':
        resetConnection(req);
        break;
      case 'redirect-blobs':
        if (req.method === 'GET' && /^\/v2\/.+\/blobs\/[^/]+$/.test(req.url ?? '')) {
          // ECR checks the token before it redirects; without one it answers 401 like any registry request.
          if (req.headers.authorization) {
            drainThen(req, () => {
              res.writeHead(307, { location: active.location(req.url ?? '/'), 'content-length': '0' });
              res.end();
            });
          } else sendJson(res, 401, 'UNAUTHORIZED', 'Not Authorized');
        } else forward(req, res);
        break;
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          forward(req, res);
        }, active.delayMs);
        timers.add(timer);
        break;
      }
    }
  }

  /**
   * Pass-through keeps the client's Host header, so the registry builds upload `Location` URLs that point
   * back at the proxy and a push through the proxy stays on it.
   */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    rewrite?: (headers: Record<string, string | string[]>, body: Buffer) => Buffer,
  ): void {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const outbound = https.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (upstreamRes) => {
        const responseHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) responseHeaders[name] = value;
        }
        const status = upstreamRes.statusCode ?? 502;
        if (!rewrite) {
          res.writeHead(status, responseHeaders);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const body = rewrite(responseHeaders, Buffer.concat(chunks));
          res.writeHead(status, responseHeaders);
          res.end(body);
        });
      },
    );
    outbound.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`registry fault proxy: upstream failed: ${error.message}\n`);
    });
    req.pipe(outbound);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.plainHttp ? 'http' : 'https'}://127.0.0.1:${port}`,
    requests,
    setFault(next) {
      fault = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      agent.destroy();
      await closer.close();
    },
  };
}

function sendJson(res: ServerResponse, status: number, code: string, message: string): void {
  drainThen(res.req, () => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'docker-distribution-api-version': 'registry/2.0',
    });
    res.end(JSON.stringify({ errors: [{ code, message }] }));
  });
}

/** Answering before the request body is read would make a pushing client see EPIPE instead of the status. */
function drainThen(req: IncomingMessage, answer: () => void): void {
  if (req.complete) {
    answer();
    return;
  }
  req.on('end', answer).resume();
}

function deniedMessage(fault: { principalArn: string; region?: string }, path: string): string {
  const repository = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(path)?.[1] ?? 'unknown';
  // arn:partition:service:region:account:resource: the account of the principal owns the repository here.
  const account = fault.principalArn.split(':')[4] || '000000000000';
  const region = fault.region ?? 'us-east-1';
  return (
    `User: ${fault.principalArn} is not authorized to perform: ecr:BatchGetImage on resource: ` +
    `arn:aws:ecr:${region}:${account}:repository/${repository} ` +
    'because no identity-based policy allows the ecr:BatchGetImage action'
  );
}

function wrongDigest(current: string | string[] | undefined, body: Buffer): string {
  const seed = `${Array.isArray(current) ? current[0] : (current ?? '')}|${body.length}|digest-mismatch`;
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/**
 * Changes one byte. In a JSON manifest it is a hex digit of the first digest, so the body still parses and
 * only a digest check can notice; otherwise the middle byte is flipped.
 */
function corrupt(body: Buffer): Buffer {
  const out = Buffer.from(body);
  if (out.length === 0) return out;
  const marker = out.indexOf('sha256:');
  const at = marker >= 0 ? marker + 'sha256:'.length : Math.floor(out.length / 2);
  const hex = '0123456789abcdef';
  const current = String.fromCharCode(out[at] as number);
  out[at] =
    marker >= 0 && hex.includes(current)
      ? hex.charCodeAt((hex.indexOf(current) + 1) % 16)
      : (out[at] as number) ^ 0x01;
  return out;
}

/** A TCP RST rather than a TLS close_notify/FIN: what a middlebox or a dying load balancer sends. */
function resetConnection(req: IncomingMessage): void {
  const socket = req.socket as Socket & { _parent?: Socket | null };
  const raw = socket._parent ?? socket;
  if (typeof raw.resetAndDestroy === 'function') {
    try {
      raw.resetAndDestroy();
      socket.destroy();
      return;
    } catch {
      // Not a TCP handle (e.g. already wrapped); a plain destroy still ends the exchange without an answer.
    }
  }
  socket.destroy();
}
