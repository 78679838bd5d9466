/**
 * In-process test double for the ECR API (AWS JSON 1.1) and STS (AWS query) on 127.0.0.1.
 *
 * It speaks the real wire protocols and verifies SigV4 itself (its own canonical request, independent of the
 * SDK's signer), so real `@aws-sdk/client-ecr` / `@aws-sdk/client-sts` clients pointed at `url` exercise their
 * real retry, error parsing and clock-skew correction paths.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackServerSockets } from './close-server.ts';

export interface DoubleIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  arn: string;
}

export interface EcrDoubleOptions {
  /** Long-term keys the double accepts. */
  identities: DoubleIdentity[];
  /** The issued token is base64('AWS:' + registryPassword). */
  registryPassword: string;
  /** Returned as authorizationData[0].proxyEndpoint. */
  proxyEndpoint: string;
  /** Role ARNs that AssumeRole grants; any other role is AccessDenied. */
  assumableRoles?: string[];
}

/**
 * `times` is how many calls the fault answers before it clears itself; kinds without a required `times`
 * default to Infinity (until `setFault(null)` / `reset()`).
 */
export type EcrFault =
  | { kind: 'throttle'; times: number }
  | { kind: 'access-denied'; times?: number }
  | { kind: 'unrecognized-client'; times?: number }
  | { kind: 'expired-token'; times?: number }
  | { kind: 'server-error'; times: number }
  | { kind: 'slow'; delayMs: number; times?: number }
  | { kind: 'hang'; times?: number }
  | { kind: 'reset'; times?: number }
  | { kind: 'malformed-token'; times?: number };

export type DoubleService = 'ecr' | 'sts';

export interface DoubleCall {
  service: DoubleService;
  operation: string;
  accessKeyId: string | null;
  /** HTTP status sent; 0 while pending and for `hang` / `reset` (no response). */
  status: number;
}

export interface EcrDouble {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Default service 'ecr'. */
  setFault(fault: EcrFault | null, options?: { service?: DoubleService }): void;
  /** The double's clock = real clock + ms (simulates host clock skew). */
  setClockOffsetMs(ms: number): void;
  /** In arrival order, faulted calls included. */
  readonly calls: DoubleCall[];
  /** Clears faults (both services), the clock offset and calls. Credentials issued by AssumeRole stay valid. */
  reset(): void;
  /** Also ends hung and slow requests. */
  close(): Promise<void>;
}

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** ECR authorization tokens are valid for 12 hours. */
const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
const ALLOWED_SKEW_MS = 15 * 60 * 1000;
const ASSUME_ROLE_DEFAULT_SECONDS = 3600;

export const MESSAGES = {
  throttle: 'Rate exceeded',
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  ecrBadSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  stsBadSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
} as const;

interface KnownIdentity {
  secretAccessKey: string;
  sessionToken?: string;
  arn: string;
  /** Only for AssumeRole-issued credentials. */
  expiresAtMs?: number;
}

interface ActiveFault {
  fault: EcrFault;
  remaining: number;
}

/** A service error before it is put on the wire in the service's protocol. */
interface ServiceError {
  status: number;
  code: string;
  message: string;
  /** STS `<Type>`; Sender unless the service is at fault. */
  type?: 'Sender' | 'Receiver';
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

type AuthResult = { ok: true; identity: KnownIdentity } | { ok: false; error: ServiceError };

/** 20261126T230000Z, the SigV4 / AWS error-message time format. */
export function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function parseAuthorization(header: string): ParsedAuthorization | null {
  const prefix = 'AWS4-HMAC-SHA256 ';
  if (!header.startsWith(prefix)) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential?.length !== 5 || credential[4] !== 'aws4_request' || !signedHeaders || !signature) {
    return null;
  }
  const [accessKeyId, date, region, service] = credential as [string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** RFC 3986 encoding as SigV4 requires (encodeURIComponent leaves !'()* alone). */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalPath(rawPath: string): string {
  // Non-S3 services sign the already-encoded path encoded once more.
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEscape).join('/')}${trailing}`;
}

export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const key = decodeURIComponent((eq < 0 ? p : p.slice(0, eq)).replace(/\+/g, ' '));
      const value = eq < 0 ? '' : decodeURIComponent(p.slice(eq + 1).replace(/\+/g, ' '));
      return [uriEscape(key), uriEscape(value)] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function computeSignature(
  req: IncomingMessage,
  body: Buffer,
  auth: ParsedAuthorization,
  amzDate: string,
  secret: string,
): string | null {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : target.slice(queryAt + 1);
  const headerLines: string[] = [];
  for (const name of auth.signedHeaders) {
    const value = req.headers[name];
    // A header the client signed but we did not receive cannot produce the client's signature.
    if (value === undefined) return null;
    const joined = Array.isArray(value) ? value.join(',') : value;
    headerLines.push(
      `${name}:${joined
        .replace(/[\r\n]/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .trim()}`,
    );
  }
  const payloadHash =
    singleHeader(req, 'x-amz-content-sha256') ?? createHash('sha256').update(body).digest('hex');
  let query: string;
  try {
    query = canonicalQuery(rawQuery);
  } catch {
    // Undecodable percent-escapes: no signature the client made can match.
    return null;
  }
  const canonicalRequest = [
    req.method ?? 'GET',
    canonicalPath(rawPath),
    query,
    `${headerLines.join('\n')}\n`,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const kDate = hmac(`AWS4${secret}`, auth.date);
  const kRegion = hmac(kDate, auth.region);
  const kService = hmac(kRegion, auth.service);
  const kSigning = hmac(kService, 'aws4_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function signaturesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '000000000000';
}

/** Stable pseudo unique-id (AIDA…/AROA…) so repeated GetCallerIdentity calls agree. */
function uniqueId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < 17; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length];
  return out;
}

function randomKey(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export async function startEcrDouble(options: EcrDoubleOptions): Promise<EcrDouble> {
  const assumableRoles = new Set(options.assumableRoles ?? []);
  const identities = new Map<string, KnownIdentity>();
  for (const id of options.identities) {
    identities.set(id.accessKeyId, {
      secretAccessKey: id.secretAccessKey,
      arn: id.arn,
      ...(id.sessionToken === undefined ? {} : { sessionToken: id.sessionToken }),
    });
  }

  let clockOffsetMs = 0;
  const faults: Record<DoubleService, ActiveFault | null> = { ecr: null, sts: null };
  const calls: DoubleCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const now = (): number => Date.now() + clockOffsetMs;

  /**
   * Faults that replace the answer whoever asks (transport, throttling, 5xx, credential rejections) apply
   * before authentication; the ones that need an authenticated caller (access-denied needs its ARN,
   * malformed-token replaces a success) apply after it. A fault is only consumed by a call it answers.
   */
  const takeFault = (
    service: DoubleService,
    operation: string,
    phase: 'pre-auth' | 'post-auth',
  ): EcrFault | null => {
    const active = faults[service];
    if (!active) return null;
    const isPostAuth = active.fault.kind === 'access-denied' || active.fault.kind === 'malformed-token';
    if (isPostAuth !== (phase === 'post-auth')) return null;
    // GetCallerIdentity needs no permission and no policy can deny it, so access-denied passes it by.
    if (active.fault.kind === 'access-denied' && operation === 'GetCallerIdentity') return null;
    active.remaining -= 1;
    if (active.remaining <= 0) faults[service] = null;
    return active.fault;
  };

  const send = (
    res: ServerResponse,
    call: DoubleCall,
    status: number,
    contentType: string,
    body: string,
    extraHeaders: Record<string, string> = {},
  ): void => {
    call.status = status;
    const requestId = randomUUID();
    const payload = body.replace('{{RequestId}}', requestId);
    res.statusCode = status;
    // Node would otherwise stamp the real clock; the SDK corrects its skew from this header.
    res.setHeader('Date', new Date(now()).toUTCString());
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', Buffer.byteLength(payload));
    res.setHeader('x-amzn-RequestId', requestId);
    for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
    res.end(payload);
  };

  const sendEcrError = (res: ServerResponse, call: DoubleCall, error: ServiceError): void => {
    send(
      res,
      call,
      error.status,
      'application/x-amz-json-1.1',
      JSON.stringify({ __type: error.code, message: error.message }),
      {
        'x-amzn-ErrorType': error.code,
      },
    );
  };

  const sendStsError = (res: ServerResponse, call: DoubleCall, error: ServiceError): void => {
    const xml =
      `<ErrorResponse xmlns="${STS_XMLNS}">\n` +
      '  <Error>\n' +
      `    <Type>${error.type ?? 'Sender'}</Type>\n` +
      `    <Code>${xmlEscape(error.code)}</Code>\n` +
      `    <Message>${xmlEscape(error.message)}</Message>\n` +
      '  </Error>\n' +
      '  <RequestId>{{RequestId}}</RequestId>\n' +
      '</ErrorResponse>\n';
    send(res, call, error.status, 'text/xml', xml);
  };

  const sendError = (res: ServerResponse, call: DoubleCall, error: ServiceError): void =>
    call.service === 'ecr' ? sendEcrError(res, call, error) : sendStsError(res, call, error);

  const faultError = (
    service: DoubleService,
    fault: EcrFault,
    operation: string,
    arn: string,
    params: URLSearchParams,
  ): ServiceError | null => {
    const ecr = service === 'ecr';
    switch (fault.kind) {
      case 'throttle':
        return ecr
          ? { status: 400, code: 'ThrottlingException', message: MESSAGES.throttle }
          : { status: 400, code: 'Throttling', message: MESSAGES.throttle };
      case 'server-error':
        return ecr
          ? { status: 500, code: 'ServerException', message: 'Internal server error', type: 'Receiver' }
          : {
              status: 500,
              code: 'InternalFailure',
              message: 'The request processing has failed because of an unknown error, exception or failure.',
              type: 'Receiver',
            };
      case 'unrecognized-client':
        return ecr
          ? { status: 400, code: 'UnrecognizedClientException', message: MESSAGES.invalidToken }
          : { status: 403, code: 'InvalidClientTokenId', message: MESSAGES.invalidToken };
      case 'expired-token':
        return ecr
          ? { status: 400, code: 'ExpiredTokenException', message: MESSAGES.expiredToken }
          : { status: 403, code: 'ExpiredToken', message: MESSAGES.expiredToken };
      case 'access-denied': {
        const action = ecr ? `ecr:${operation}` : `sts:${operation}`;
        return ecr
          ? {
              status: 400,
              code: 'AccessDeniedException',
              message: `User: ${arn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`,
            }
          : {
              status: 403,
              code: 'AccessDenied',
              message: `User: ${arn} is not authorized to perform: ${action} on resource: ${params.get('RoleArn') ?? '*'}`,
            };
      }
      default:
        return null;
    }
  };

  const authenticate = (
    req: IncomingMessage,
    body: Buffer,
    service: DoubleService,
    auth: ParsedAuthorization | null,
  ): AuthResult => {
    const ecr = service === 'ecr';
    const header = req.headers.authorization;
    if (header === undefined) {
      return {
        ok: false,
        error: ecr
          ? {
              status: 400,
              code: 'MissingAuthenticationTokenException',
              message: 'Missing Authentication Token',
            }
          : {
              status: 403,
              code: 'MissingAuthenticationToken',
              message: 'Request is missing Authentication Token',
            },
      };
    }
    const amzDate = singleHeader(req, 'x-amz-date');
    if (!auth || amzDate === undefined) {
      return {
        ok: false,
        error: {
          status: 400,
          code: ecr ? 'IncompleteSignatureException' : 'IncompleteSignature',
          message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters and an X-Amz-Date header. Authorization=${header}`,
        },
      };
    }
    const badSignature = (message: string): AuthResult => ({
      ok: false,
      error: ecr
        ? { status: 400, code: 'InvalidSignatureException', message }
        : { status: 403, code: 'SignatureDoesNotMatch', message },
    });
    const invalidToken: AuthResult = {
      ok: false,
      error: ecr
        ? { status: 400, code: 'UnrecognizedClientException', message: MESSAGES.invalidToken }
        : { status: 403, code: 'InvalidClientTokenId', message: MESSAGES.invalidToken },
    };

    const identity = identities.get(auth.accessKeyId);
    if (!identity) return invalidToken;
    if (identity.sessionToken !== singleHeader(req, 'x-amz-security-token')) return invalidToken;

    if (auth.service !== service) {
      return badSignature(`Credential should be scoped to correct service: '${service}'. `);
    }
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === null) {
      return badSignature(`Invalid X-Amz-Date: ${amzDate}`);
    }
    if (auth.date !== amzDate.slice(0, 8)) {
      return badSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    const serverNow = now();
    // Real services print whole seconds; so do we, so messages match byte for byte.
    const nowText = toAmzDate(serverNow);
    if (signedAt < serverNow - ALLOWED_SKEW_MS) {
      return badSignature(
        `Signature expired: ${amzDate} is now earlier than ${toAmzDate(serverNow - ALLOWED_SKEW_MS)} (${nowText} - 15 min.)`,
      );
    }
    if (signedAt > serverNow + ALLOWED_SKEW_MS) {
      return badSignature(
        `Signature not yet current: ${amzDate} is still later than ${toAmzDate(serverNow + ALLOWED_SKEW_MS)} (${nowText} + 15 min.)`,
      );
    }
    const expected = computeSignature(req, body, auth, amzDate, identity.secretAccessKey);
    if (expected === null || !signaturesEqual(expected, auth.signature)) {
      return badSignature(ecr ? MESSAGES.ecrBadSignature : MESSAGES.stsBadSignature);
    }
    if (identity.expiresAtMs !== undefined && serverNow >= identity.expiresAtMs) {
      return {
        ok: false,
        error: ecr
          ? { status: 400, code: 'ExpiredTokenException', message: MESSAGES.expiredToken }
          : { status: 403, code: 'ExpiredToken', message: MESSAGES.expiredToken },
      };
    }
    return { ok: true, identity };
  };

  const handleEcr = (res: ServerResponse, call: DoubleCall, body: Buffer, malformed: boolean): void => {
    if (call.operation !== 'GetAuthorizationToken') {
      sendEcrError(res, call, { status: 400, code: 'UnknownOperationException', message: '' });
      return;
    }
    if (body.length > 0) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        sendEcrError(res, call, {
          status: 400,
          code: 'SerializationException',
          message: 'Start of structure or map found where not expected.',
        });
        return;
      }
    }
    const authorizationToken = malformed
      ? // Base64 that decodes, but without the "AWS:" user part a registry login needs.
        Buffer.from(`not-a-docker-credential-${options.registryPassword.length}`).toString('base64')
      : Buffer.from(`AWS:${options.registryPassword}`).toString('base64');
    const payload = {
      authorizationData: [
        {
          authorizationToken,
          expiresAt: (now() + TOKEN_TTL_MS) / 1000,
          proxyEndpoint: options.proxyEndpoint,
        },
      ],
    };
    send(res, call, 200, 'application/x-amz-json-1.1', JSON.stringify(payload));
  };

  const handleSts = (
    res: ServerResponse,
    call: DoubleCall,
    params: URLSearchParams,
    caller: KnownIdentity,
    malformed: boolean,
  ): void => {
    if (malformed) {
      // STS has no registry token; the closest breakage is a 200 whose body is not the documented XML.
      send(
        res,
        call,
        200,
        'text/xml',
        `<${call.operation}Response xmlns="${STS_XMLNS}"><${call.operation}Result>`,
      );
      return;
    }
    if (call.operation === 'GetCallerIdentity') {
      const assumed = /^arn:aws[\w-]*:sts::\d+:assumed-role\/([^/]+)\/(.+)$/.exec(caller.arn);
      const isRoot = /:root$/.test(caller.arn);
      const userId = assumed
        ? `${uniqueId('AROA', `arn:aws:iam::${accountOf(caller.arn)}:role/${assumed[1]}`)}:${assumed[2]}`
        : isRoot
          ? accountOf(caller.arn)
          : uniqueId('AIDA', caller.arn);
      const xml =
        `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">\n` +
        '  <GetCallerIdentityResult>\n' +
        `    <Arn>${xmlEscape(caller.arn)}</Arn>\n` +
        `    <UserId>${xmlEscape(userId)}</UserId>\n` +
        `    <Account>${accountOf(caller.arn)}</Account>\n` +
        '  </GetCallerIdentityResult>\n' +
        '  <ResponseMetadata>\n' +
        '    <RequestId>{{RequestId}}</RequestId>\n' +
        '  </ResponseMetadata>\n' +
        '</GetCallerIdentityResponse>\n';
      send(res, call, 200, 'text/xml', xml);
      return;
    }
    if (call.operation === 'AssumeRole') {
      const roleArn = params.get('RoleArn');
      const sessionName = params.get('RoleSessionName');
      if (!roleArn || !sessionName) {
        const member = roleArn ? 'roleSessionName' : 'roleArn';
        sendStsError(res, call, {
          status: 400,
          code: 'ValidationError',
          message: `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
        });
        return;
      }
      if (!assumableRoles.has(roleArn)) {
        sendStsError(res, call, {
          status: 403,
          code: 'AccessDenied',
          message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        });
        return;
      }
      const durationSeconds = Number(params.get('DurationSeconds') ?? ASSUME_ROLE_DEFAULT_SECONDS);
      const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
      const assumedArn = `arn:aws:sts::${accountOf(roleArn)}:assumed-role/${roleName}/${sessionName}`;
      const accessKeyId = randomKey('ASIA');
      const secretAccessKey = randomBytes(30).toString('base64');
      const sessionToken = randomBytes(96).toString('base64');
      const expiresAtMs = now() + durationSeconds * 1000;
      identities.set(accessKeyId, { secretAccessKey, sessionToken, arn: assumedArn, expiresAtMs });
      const xml =
        `<AssumeRoleResponse xmlns="${STS_XMLNS}">\n` +
        '  <AssumeRoleResult>\n' +
        '    <AssumedRoleUser>\n' +
        `      <AssumedRoleId>${uniqueId('AROA', roleArn)}:${xmlEscape(sessionName)}</AssumedRoleId>\n` +
        `      <Arn>${xmlEscape(assumedArn)}</Arn>\n` +
        '    </AssumedRoleUser>\n' +
        '    <Credentials>\n' +
        `      <AccessKeyId>${accessKeyId}</AccessKeyId>\n` +
        `      <SecretAccessKey>${secretAccessKey}</SecretAccessKey>\n` +
        `      <SessionToken>${sessionToken}</SessionToken>\n` +
        `      <Expiration>${isoSeconds(expiresAtMs)}</Expiration>\n` +
        '    </Credentials>\n' +
        '  </AssumeRoleResult>\n' +
        '  <ResponseMetadata>\n' +
        '    <RequestId>{{RequestId}}</RequestId>\n' +
        '  </ResponseMetadata>\n' +
        '</AssumeRoleResponse>\n';
      send(res, call, 200, 'text/xml', xml);
      return;
    }
    sendStsError(res, call, {
      status: 400,
      code: 'InvalidAction',
      message: `Could not find operation ${call.operation} for version ${params.get('Version') ?? ''}`,
    });
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);

    const authHeader = req.headers.authorization;
    const auth = typeof authHeader === 'string' ? parseAuthorization(authHeader) : null;
    const target = singleHeader(req, 'x-amz-target');
    const contentType = req.headers['content-type'] ?? '';
    const isStsShaped = !target && contentType.startsWith('application/x-www-form-urlencoded');
    const service: DoubleService = target?.startsWith(ECR_TARGET_PREFIX)
      ? 'ecr'
      : isStsShaped || (!target && auth?.service === 'sts')
        ? 'sts'
        : 'ecr';
    const params = new URLSearchParams(service === 'sts' ? body.toString('utf8') : '');
    const operation =
      service === 'sts'
        ? (params.get('Action') ?? '')
        : target?.startsWith(ECR_TARGET_PREFIX)
          ? target.slice(ECR_TARGET_PREFIX.length)
          : (target ?? '');

    const call: DoubleCall = { service, operation, accessKeyId: auth?.accessKeyId ?? null, status: 0 };
    calls.push(call);
    try {
      await answer(req, res, call, body, auth, params);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      sendEcrError(res, call, {
        status: 500,
        code: 'InternalFailure',
        message: `ecr-double: ${String(error)}`,
      });
    }
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    call: DoubleCall,
    body: Buffer,
    auth: ParsedAuthorization | null,
    params: URLSearchParams,
  ): Promise<void> => {
    const { service, operation } = call;
    const preFault = takeFault(service, operation, 'pre-auth');
    if (preFault?.kind === 'hang') return;
    if (preFault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (preFault?.kind === 'slow') {
      await delay(preFault.delayMs);
      if (closed) return;
    }
    const preError = preFault ? faultError(service, preFault, operation, '', params) : null;
    if (preError) {
      sendError(res, call, preError);
      return;
    }

    const result = authenticate(req, body, service, auth);
    if (!result.ok) {
      sendError(res, call, result.error);
      return;
    }

    const postFault = takeFault(service, operation, 'post-auth');
    const postError = postFault
      ? faultError(service, postFault, operation, result.identity.arn, params)
      : null;
    if (postError) {
      sendError(res, call, postError);
      return;
    }
    const malformed = postFault?.kind === 'malformed-token';
    if (service === 'ecr') handleEcr(res, call, body, malformed);
    else handleSts(res, call, params, result.identity, malformed);
  };

  const server = createServer((req, res) => {
    // A client that aborts mid-body leaves nothing to answer.
    handle(req, res).catch(() => req.socket.destroy());
  });
  const closer = trackServerSockets(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setFault(fault, faultOptions) {
      const service = faultOptions?.service ?? 'ecr';
      const remaining = fault ? (fault.times ?? Number.POSITIVE_INFINITY) : 0;
      // times: 0 means "no fault", not "fault forever".
      faults[service] = fault && remaining > 0 ? { fault, remaining } : null;
    },
    setClockOffsetMs(ms) {
      clockOffsetMs = ms;
    },
    reset() {
      faults.ecr = null;
      faults.sts = null;
      clockOffsetMs = 0;
      calls.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Hung requests and idle keep-alive sockets would otherwise hold the server (and vitest) open.
      await closer.close();
    },
  };
}

/**
 * This double's SigV4 verification for the other doubles (test/support/preflight-double.ts): the credential scope
 * of a request signed with the secret of a known access key (session token included, date within 15 minutes of
 * now), or the reason it is not.
 */
export function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  identities: ReadonlyArray<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>,
  now: number = Date.now(),
): { ok: true; accessKeyId: string; region: string; service: string } | { ok: false; reason: string } {
  const header = singleHeader(req, 'authorization');
  const auth = header === undefined ? null : parseAuthorization(header);
  const amzDate = singleHeader(req, 'x-amz-date');
  if (!auth || amzDate === undefined) return { ok: false, reason: 'no SigV4 Authorization and X-Amz-Date' };
  const identity = identities.find((i) => i.accessKeyId === auth.accessKeyId);
  if (!identity) return { ok: false, reason: `unknown access key ${auth.accessKeyId}` };
  if (identity.sessionToken !== singleHeader(req, 'x-amz-security-token'))
    return { ok: false, reason: 'session token does not match' };
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === null || Math.abs(signedAt - now) > ALLOWED_SKEW_MS || auth.date !== amzDate.slice(0, 8))
    return { ok: false, reason: `X-Amz-Date ${amzDate} is not now` };
  const expected = computeSignature(req, body, auth, amzDate, identity.secretAccessKey);
  if (expected === null || !signaturesEqual(expected, auth.signature))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true, accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}
