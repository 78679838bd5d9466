/**
 * A local HTTPS stand-in for an EKS cluster's Kubernetes API: the two lists the watcher reads (`/api/v1/pods`,
 * `/api/v1/events`) with `fieldSelector`, `limit` and `continue`, behind a certificate of a throwaway CA (made
 * with openssl, as the registry tests do; the directory is removed before the stub answers).
 *
 * It authenticates the bearer token the way EKS's aws-iam-authenticator does (kubernetes-sigs/aws-iam-authenticator
 * pkg/token/token.go `Verify`), with its rules written here from that source, not imported from the code under
 * test, so a token the real authenticator would refuse fails a test: at most 4096 characters; prefix
 * `k8s-aws-v1.`; unpadded base64url; an https URL of an STS host of the aws partition; path `/`; query keys
 * only Action, Version, X-Amz-Algorithm, -Credential, -Date, -Expires, -Security-Token, -Signature,
 * -SignedHeaders (case-insensitive, no duplicates, one value each); Action GetCallerIdentity; `x-k8s-aws-id`
 * among the signed headers; X-Amz-Expires an integer 0-900; X-Amz-Date present and at most 15 minutes old. Then
 * what STS would do with the presigned request the authenticator sends it with `x-k8s-aws-id: <its cluster>`:
 * the SigV4 signature checked with the test identity's secret (empty-payload hash, credential scope of the
 * host's region and service `sts`), the session token equal. Refused tokens get the API server's 401.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackServerSockets } from './close-server.ts';
import { canonicalQuery, hmac, parseAmzDate, signaturesEqual } from './ecr-double.ts';
import { requireRegistryPrograms } from './prerequisites.ts';
import { makeCertificates } from './registry.ts';

export interface StubIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type KubeFault = 401 | 403 | 429 | 500 | 'never' | 'expire-continue';

export interface KubeRequest {
  path: string;
  query: Record<string, string>;
  /** Null when the token was accepted, else why the authenticator refused it. */
  refused: string | null;
}

export interface KubeApiStub {
  url: string;
  caPem: string;
  clusterName: string;
  pods: unknown[];
  events: unknown[];
  fault: KubeFault | null;
  /** The authenticator's clock (token expiry): the real one unless a test moves it. */
  now: () => number;
  requests: KubeRequest[];
  close(): Promise<void>;
}

const ALLOWED_QUERY_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const TOKEN_PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_CHARS = 4096;
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const CLUSTER_HEADER = 'x-k8s-aws-id';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** The reason the authenticator (and STS behind it) would refuse `token` for `clusterName`, or null. */
export function refuseToken(
  token: string,
  clusterName: string,
  identities: readonly StubIdentity[],
  nowMs: number,
): string | null {
  if (token.length > MAX_TOKEN_CHARS) return 'token is too large';
  if (!token.startsWith(TOKEN_PREFIX)) return `token is missing expected "${TOKEN_PREFIX}" prefix`;
  const encoded = token.slice(TOKEN_PREFIX.length);
  // Go's RawURLEncoding: the URL-safe alphabet, no padding.
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return 'illegal base64 data';
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return 'the token is not a URL';
  }
  if (url.protocol !== 'https:') return `unexpected scheme "${url.protocol}" in pre-signed URL`;
  const host = url.host;
  const regional = /^sts\.([a-z0-9][a-z0-9-]*[a-z0-9])\.amazonaws\.com$/.exec(host);
  if (!regional && host !== 'sts.amazonaws.com') return `unexpected hostname "${host}" in pre-signed URL`;
  const hostRegion = regional?.[1] ?? 'us-east-1';
  if (url.pathname !== '/') return 'unexpected path in pre-signed URL';
  const lower = new Map<string, string>();
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    const k = key.toLowerCase();
    if (lower.has(k)) return `duplicate query parameter found: "${key}"`;
    if (!ALLOWED_QUERY_KEYS.has(k)) return `non-whitelisted query parameter "${key}"`;
    if (values.length !== 1) return 'query parameter with multiple values not supported';
    lower.set(k, values[0] ?? '');
  }
  if (lower.get('action') !== 'GetCallerIdentity') return 'unexpected action parameter in pre-signed URL';
  const signedHeaders = (lower.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.some((h) => h.toLowerCase() === CLUSTER_HEADER))
    return `client did not sign the ${CLUSTER_HEADER} header in the pre-signed URL`;
  const expiresText = lower.get('x-amz-expires') ?? '';
  const expires = /^-?\d+$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!(expires >= 0 && expires <= 900))
    return `invalid X-Amz-Expires parameter in pre-signed URL: ${expiresText}`;
  const date = lower.get('x-amz-date');
  if (!date) return 'X-Amz-Date parameter must be present in pre-signed URL';
  const signedAt = parseAmzDate(date);
  if (signedAt === null) return `error parsing X-Amz-Date parameter ${date}`;
  if (nowMs > signedAt + TOKEN_LIFETIME_MS) return 'X-Amz-Date parameter is expired (15 minute expiration)';
  return stsRefuses(url, hostRegion, clusterName, signedHeaders, identities, nowMs);
}

/** STS's check of the presigned request the authenticator forwards, with its own cluster name in the header. */
function stsRefuses(
  url: URL,
  hostRegion: string,
  clusterName: string,
  signedHeaders: string[],
  identities: readonly StubIdentity[],
  nowMs: number,
): string | null {
  const get = (name: string) => url.searchParams.get(name) ?? '';
  const credential = get('X-Amz-Credential').split('/');
  const [accessKeyId, day, region, service, terminator] = credential;
  if (credential.length !== 5 || terminator !== 'aws4_request') return 'STS: malformed credential';
  const identity = identities.find((i) => i.accessKeyId === accessKeyId);
  if (!identity) return 'STS: InvalidClientTokenId';
  if ((identity.sessionToken ?? '') !== get('X-Amz-Security-Token'))
    return 'STS: session token does not match';
  if (region !== hostRegion || service !== 'sts')
    return `STS: credential scope ${region}/${service} is not ${hostRegion}/sts`;
  const amzDate = get('X-Amz-Date');
  if (day !== amzDate.slice(0, 8)) return 'STS: credential date is not X-Amz-Date';
  if ((parseAmzDate(amzDate) ?? 0) > nowMs + 5 * 60_000) return 'STS: signed in the future';
  const headers: Record<string, string> = { host: url.host, [CLUSTER_HEADER]: clusterName };
  const lines: string[] = [];
  for (const name of signedHeaders) {
    const value = headers[name];
    if (value === undefined) return `STS: signed header ${name} is not sent`;
    lines.push(`${name}:${value.trim()}`);
  }
  const rawQuery = url.search
    .slice(1)
    .split('&')
    .filter((p) => !p.startsWith('X-Amz-Signature='))
    .join('&');
  const canonical = [
    'GET',
    '/',
    canonicalQuery(rawQuery),
    `${lines.join('\n')}\n`,
    signedHeaders.join(';'),
    EMPTY_SHA256,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key = hmac(`AWS4${identity.secretAccessKey}`, day ?? '');
  for (const part of [region ?? '', service ?? '', 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return signaturesEqual(expected, get('X-Amz-Signature')) ? null : 'STS: SignatureDoesNotMatch';
}

/** `a.b=c,d=e` against an object's dotted paths; unsupported fields answer 400 as the API server does. */
const SUPPORTED_FIELDS: Record<string, readonly string[]> = {
  '/api/v1/pods': ['status.phase', 'metadata.namespace', 'spec.nodeName'],
  '/api/v1/events': ['reason', 'involvedObject.kind', 'type', 'metadata.namespace'],
};

function selectorMatcher(path: string, selector: string | undefined): ((o: unknown) => boolean) | string {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => term.split('='));
  for (const [field] of terms) {
    if (!SUPPORTED_FIELDS[path]?.includes(field ?? '')) return `field label not supported: ${field}`;
  }
  return (object) =>
    terms.every(([field, value]) => {
      let at: unknown = object;
      for (const part of (field ?? '').split('.')) at = (at as Record<string, unknown> | undefined)?.[part];
      return at === value;
    });
}

export async function startKubeApiStub(options: {
  clusterName: string;
  identities: StubIdentity[];
  now?: () => number;
}): Promise<KubeApiStub> {
  const programs = requireRegistryPrograms();
  const dir = await mkdtemp(join(tmpdir(), 'ecr-pull-canary-kube-'));
  let tls: Awaited<ReturnType<typeof makeCertificates>>;
  let cert: Buffer;
  let key: Buffer;
  try {
    tls = await makeCertificates(programs.openssl, dir);
    [cert, key] = await Promise.all([readFile(tls.certPath), readFile(tls.keyPath)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const stub: KubeApiStub = {
    url: '',
    caPem: tls.caPem,
    clusterName: options.clusterName,
    pods: [],
    events: [],
    fault: null,
    now: options.now ?? Date.now,
    requests: [],
    close: async () => undefined,
  };
  const status = (res: ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
  };
  const server = createServer({ cert, key }, (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://stub');
    const query = Object.fromEntries(url.searchParams);
    const auth = req.headers.authorization ?? '';
    const refused = auth.startsWith('Bearer ')
      ? refuseToken(auth.slice('Bearer '.length), stub.clusterName, options.identities, stub.now())
      : 'no bearer token';
    stub.requests.push({ path: url.pathname, query, refused });
    if (stub.fault === 'never') return; // the socket stays open and silent
    if (refused || stub.fault === 401) return status(res, 401, 'Unauthorized', 'Unauthorized');
    const resource = url.pathname.split('/').pop() ?? '';
    if (stub.fault === 403) {
      return status(
        res,
        403,
        'Forbidden',
        `${resource} is forbidden: User "arn:aws:sts::111122223333:assumed-role/watcher/session" cannot list resource "${resource}" in API group "" at the cluster scope`,
      );
    }
    if (stub.fault === 429) {
      res.setHeader('retry-after', '1');
      return status(res, 429, 'TooManyRequests', 'Too many requests, please try again later.');
    }
    if (stub.fault === 500) return status(res, 500, 'InternalError', 'etcdserver: request timed out');
    const one = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const found = stub.pods.find((p) => {
        const m = (p as { metadata?: { namespace?: string; name?: string } }).metadata;
        return (
          m?.namespace === decodeURIComponent(one[1] ?? '') && m?.name === decodeURIComponent(one[2] ?? '')
        );
      });
      if (!found) return status(res, 404, 'NotFound', `pods "${one[2]}" not found`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(found));
    }
    const all =
      url.pathname === '/api/v1/pods' ? stub.pods : url.pathname === '/api/v1/events' ? stub.events : null;
    if (!all) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const matcher = selectorMatcher(url.pathname, query.fieldSelector);
    if (typeof matcher === 'string') return status(res, 400, 'BadRequest', matcher);
    if (query.continue && stub.fault === 'expire-continue') {
      stub.fault = null;
      return status(
        res,
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result.',
      );
    }
    const selected = all.filter(matcher);
    const offset = query.continue ? Number(Buffer.from(query.continue, 'base64url').toString()) : 0;
    const limit = query.limit ? Number(query.limit) : selected.length;
    const page = selected.slice(offset, offset + limit);
    const more = offset + limit < selected.length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: url.pathname.endsWith('pods') ? 'PodList' : 'EventList',
        apiVersion: 'v1',
        metadata: {
          resourceVersion: '1',
          ...(more ? { continue: Buffer.from(String(offset + limit)).toString('base64url') } : {}),
        },
        items: page,
      }),
    );
  });
  const closer = trackServerSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () => closer.close();
  return stub;
}
