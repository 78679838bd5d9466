/**
 * Wire-level doubles of the two credential endpoints a host can offer besides its environment, on 127.0.0.1:
 * the EC2 instance metadata service (IMDSv2 token PUT, role list, role credentials) and the ECS/EKS container
 * credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, which the SDK accepts on loopback over plain HTTP).
 * The SDK's own providers talk to them through AWS_EC2_METADATA_SERVICE_ENDPOINT and the container variables.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackServerSockets } from './close-server.ts';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface ImdsDoubleOptions {
  /** The instance profile's role; null: no instance profile attached. */
  role: string | null;
  credentials: SessionCredentials;
  /** `required`: requests without a session token get 401, as with HttpTokens=required. */
  tokens: 'required' | 'optional';
  /**
   * Never answer the token PUT: what a container behind one hop too many sees with HttpPutResponseHopLimit=1
   * (the PUT response's IP TTL runs out on the way back), while plain GET responses still arrive.
   */
  dropTokenResponses?: boolean;
}

export interface RecordedCall {
  method: string;
  path: string;
}

export interface MetadataDouble {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

const ROLE_PATH = '/latest/meta-data/iam/security-credentials/';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{
  url: string;
  close: () => Promise<void>;
}> {
  const server = createServer(handler);
  const closer = trackServerSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => closer.close() };
}

function credentialsBody(credentials: SessionCredentials, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    ...extra,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: new Date(Date.now() + 6 * 3600_000).toISOString(),
  });
}

export async function startImdsDouble(options: ImdsDoubleOptions): Promise<MetadataDouble> {
  const calls: RecordedCall[] = [];
  const tokens = new Set<string>();
  const server = await listen((req, res) => {
    const path = req.url ?? '/';
    calls.push({ method: req.method ?? 'GET', path });
    if (req.method === 'PUT' && path === '/latest/api/token') {
      if (options.dropTokenResponses) return; // no answer, ever: the client's deadline ends it
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) {
        res.writeHead(400).end();
        return;
      }
      const token = randomBytes(32).toString('base64');
      tokens.add(token);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token === 'string' ? !tokens.has(token) : options.tokens === 'required') {
      res.writeHead(401).end();
      return;
    }
    if (req.method === 'GET' && path === ROLE_PATH && options.role) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(options.role);
      return;
    }
    if (req.method === 'GET' && options.role && path === `${ROLE_PATH}${options.role}`) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(
        credentialsBody(options.credentials, {
          Code: 'Success',
          Type: 'AWS-HMAC',
          LastUpdated: new Date().toISOString(),
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return { ...server, calls };
}

/** The container credentials endpoint: any GET answers the task role's session credentials. */
export async function startContainerCredentialsDouble(
  credentials: SessionCredentials,
): Promise<MetadataDouble> {
  const calls: RecordedCall[] = [];
  const server = await listen((req, res) => {
    calls.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(credentialsBody(credentials));
  });
  return { ...server, calls };
}
