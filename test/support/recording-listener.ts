import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A TLS listener on loopback, with the test CA's server certificate (SAN 127.0.0.1 and localhost), that records
 * every connection and every request with its headers: a stand-in for a registry the ECR token must never reach.
 */
export interface RecordingListener {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted, whether or not a TLS handshake or a request followed. */
  readonly connections: number;
  /** Every request that arrived, oldest first. */
  readonly requests: RecordedRequest[];
  /** Forgets what was recorded. */
  clear(): void;
  /** Ends every socket, then stops listening. */
  close(): Promise<void>;
}

export type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers like a registry that does not have the manifest. */
const notFound: Responder = (_req, res) => {
  res.writeHead(404, {
    'content-type': 'application/json; charset=utf-8',
    'docker-distribution-api-version': 'registry/2.0',
  });
  res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
};

export async function startRecordingListener(
  tls: { certPath: string; keyPath: string },
  respond: Responder = notFound,
): Promise<RecordingListener> {
  const [cert, key] = await Promise.all([readFile(tls.certPath), readFile(tls.keyPath)]);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const server = https.createServer({ cert, key }, (req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers } });
    req.resume();
    req.on('end', () => respond(req, res));
  });
  // The raw TCP socket, before TLS: a client that only connects is recorded too.
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    requests,
    clear() {
      requests.length = 0;
      connections = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
