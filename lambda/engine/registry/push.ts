import http, { STATUS_CODES } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { OciImage } from '../model/oci-image.ts';
import { mayCarryRegistryCredential } from '../model/redirect-policy.ts';

/** Per-request deadline when none is given: generous for tiny blobs, short enough for a custom resource. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
export const MAX_REQUEST_TIMEOUT_MS = 300_000;
/** Error bodies are only read for their code and message; anything longer is cut. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_MESSAGE_CHARS = 300;

/** Repository names per the distribution spec (path components of lower-case alphanumerics and separators). */
const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_PATTERN = /^\w[\w.-]{0,127}$/;
const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export interface PushImageInput {
  /** `https://host[:port]` (or `http://` for a plain-text test registry); any path is ignored. */
  readonly registryUrl: string;
  /** e.g. `canary/known-good` */
  readonly repository: string;
  /** Tag given to the index (multi-arch) or to the only manifest (single-arch). */
  readonly tag: string;
  readonly image: OciImage;
  /**
   * Full `Authorization` header value, e.g. `Basic <base64 of AWS:password>`. Treated as a secret: it never
   * appears in an error, and it is only sent to the registry's own origin.
   */
  readonly authorization: string;
  /**
   * Extra CA certificate(s) in PEM, trusted in addition to Node's bundled roots.
   * @default - only Node's bundled roots
   */
  readonly ca?: string | Buffer;
  /**
   * Deadline of each HTTP request, from sending it to having read the whole response.
   * @default 15000
   */
  readonly timeoutMs?: number;
}

export interface PushImageResult {
  /** Digest the tag now points to: the index digest, or the single manifest's digest. */
  readonly digest: string;
  readonly mediaType: string;
  /** Digests of the platform manifests, in image order. */
  readonly manifestDigests: readonly string[];
  /** Blobs that were uploaded, and blobs the registry already had (HEAD said so). */
  readonly blobsPushed: readonly string[];
  readonly blobsSkipped: readonly string[];
}

export type PushStep = 'blob-check' | 'blob-upload-start' | 'blob-upload' | 'manifest-put';

/**
 * - `http`: the registry answered with an unexpected status (see `status` and `code`)
 * - `timeout`: a request passed its deadline
 * - `network`: connection, TLS or protocol failure before an answer
 * - `integrity`: the registry stored something under a digest other than the one pushed
 */
export type PushFailureReason = 'http' | 'timeout' | 'network' | 'integrity';

export class RegistryPushError extends Error {
  override readonly name = 'RegistryPushError';
  readonly step: PushStep;
  readonly repository: string;
  readonly reason: PushFailureReason;
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined;
  /** First `errors[].code` of the registry's JSON body (e.g. `UNAUTHORIZED`, `DENIED`), when there was one. */
  readonly code: string | undefined;

  constructor(opts: {
    message: string;
    step: PushStep;
    repository: string;
    reason: PushFailureReason;
    status?: number;
    code?: string;
    cause?: unknown;
  }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.step = opts.step;
    this.repository = opts.repository;
    this.reason = opts.reason;
    this.status = opts.status;
    this.code = opts.code;
  }
}

/**
 * Pushes an in-memory OCI image with the registry v2 push API: every blob the registry lacks (monolithic
 * POST + PUT), then each platform manifest by digest, then the index (or the single manifest) by tag.
 *
 * Pushing the same image again uploads nothing and re-points the tag, so it is safe to retry.
 */
export async function pushImage(input: PushImageInput): Promise<PushImageResult> {
  const base = validate(input);
  const { repository, image } = input;
  const timeoutMs = input.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const secrets = secretForms(input.authorization);
  const agentOptions = {
    keepAlive: true,
    // Node's `ca` replaces the bundled roots; keep them so a public registry still verifies.
    ...(input.ca === undefined ? {} : { ca: [...rootCertificates, input.ca.toString()] }),
  };
  const agent =
    base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true });
  const client: Client = { base, agent, timeoutMs, repository, authorization: input.authorization, secrets };

  try {
    const blobsPushed: string[] = [];
    const blobsSkipped: string[] = [];
    for (const [digest, bytes] of image.blobs) {
      if (await blobExists(client, digest)) {
        blobsSkipped.push(digest);
      } else {
        await uploadBlob(client, digest, bytes);
        blobsPushed.push(digest);
      }
    }
    // Children first: the registry refuses an index that names a manifest it does not have.
    for (const manifest of image.manifests) {
      await putManifest(client, manifest.digest, manifest.mediaType, manifest.bytes, manifest.digest);
    }
    const top = image.index ?? image.manifests[0];
    await putManifest(client, input.tag, top.mediaType, top.bytes, top.digest);
    return {
      digest: top.digest,
      mediaType: top.mediaType,
      manifestDigests: image.manifests.map((manifest) => manifest.digest),
      blobsPushed,
      blobsSkipped,
    };
  } finally {
    agent.destroy();
  }
}

/**
 * Where to PUT the blob: the upload `Location` (absolute, or relative to the registry, as Distribution's
 * `relativeurls` and some proxies send it) with `digest` added to whatever query it already carries
 * (Distribution keeps its upload state in `_state`).
 */
export function uploadCompletionUrl(location: string, registryBase: URL, digest: string): URL {
  const url = new URL(location, registryBase);
  // Appended to the raw query rather than through searchParams, which would re-encode the existing
  // parameters; a signed upload URL stops matching its signature when that happens.
  const param = `digest=${encodeURIComponent(digest)}`;
  url.search = url.search ? `${url.search}&${param}` : `?${param}`;
  return url;
}

interface Client {
  readonly base: URL;
  readonly agent: http.Agent;
  readonly timeoutMs: number;
  readonly repository: string;
  readonly authorization: string;
  readonly secrets: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

async function blobExists(client: Client, digest: string): Promise<boolean> {
  const step = 'blob-check';
  const answer = await send(client, step, 'HEAD', repoUrl(client, `blobs/${digest}`), { detail: digest });
  // ECR may answer a blob request with a redirect to S3; a redirect means it has the blob.
  if (answer.status === 200 || answer.status === 307 || answer.status === 302) return true;
  if (answer.status === 404) return false;
  // A HEAD answer has no body, so the registry's error code (DENIED, TOOMANYREQUESTS, …) is lost; the same
  // request as GET usually fails the same way and carries it.
  const explained = await send(client, step, 'GET', repoUrl(client, `blobs/${digest}`), {
    detail: digest,
  }).catch(() => answer);
  throw httpError(client, step, explained.status === answer.status ? explained : answer, digest);
}

async function uploadBlob(client: Client, digest: string, bytes: Buffer): Promise<void> {
  const started = await send(client, 'blob-upload-start', 'POST', repoUrl(client, 'blobs/uploads/'), {
    detail: digest,
    body: Buffer.alloc(0),
  });
  if (started.status !== 202) throw httpError(client, 'blob-upload-start', started, digest);
  const location = headerValue(started.headers.location);
  if (!location) {
    throw new RegistryPushError({
      message: `${describe(client, 'blob-upload-start', digest)}: registry answered 202 without a Location header`,
      step: 'blob-upload-start',
      repository: client.repository,
      reason: 'http',
      status: started.status,
    });
  }

  const target = uploadCompletionUrl(location, client.base, digest);
  const done = await send(client, 'blob-upload', 'PUT', target, {
    detail: digest,
    body: bytes,
    contentType: 'application/octet-stream',
  });
  if (done.status !== 201) throw httpError(client, 'blob-upload', done, digest);
  checkDigestHeader(client, 'blob-upload', done, digest);
}

async function putManifest(
  client: Client,
  reference: string,
  mediaType: string,
  bytes: Buffer,
  digest: string,
): Promise<void> {
  const step = 'manifest-put';
  const detail = reference === digest ? digest : `${reference} -> ${digest}`;
  const answer = await send(client, step, 'PUT', repoUrl(client, `manifests/${reference}`), {
    detail,
    body: bytes,
    contentType: mediaType,
  });
  if (answer.status !== 201) throw httpError(client, step, answer, detail);
  checkDigestHeader(client, step, answer, digest);
}

/** A registry that stores our bytes under another digest has altered them; the tag would not be known-good. */
function checkDigestHeader(client: Client, step: PushStep, answer: Answer, expected: string): void {
  const actual = headerValue(answer.headers['docker-content-digest']);
  if (actual !== undefined && actual !== expected) {
    throw new RegistryPushError({
      message: `${describe(client, step, expected)}: registry reports digest ${clean(client, actual)} for the pushed content`,
      step,
      repository: client.repository,
      reason: 'integrity',
      status: answer.status,
    });
  }
}

function send(
  client: Client,
  step: PushStep,
  method: string,
  url: URL,
  opts: { detail: string; body?: Buffer; contentType?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    // The upload Location may name another host (a storage front end); credentials stay with the registry.
    if (mayCarryRegistryCredential(url, client.base)) headers.authorization = client.authorization;
    if (opts.body !== undefined) headers['content-length'] = opts.body.length;
    if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
    const transport = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === client.base.protocol ? client.agent : undefined;

    let settled = false;
    const fail = (reason: 'timeout' | 'network', cause: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const what =
        reason === 'timeout'
          ? `no complete answer within ${client.timeoutMs} ms`
          : `network error: ${errorText(client, cause)}`;
      reject(
        new RegistryPushError({
          message: `${describe(client, step, opts.detail)}: ${what}`,
          step,
          repository: client.repository,
          reason,
          // Only the code travels with the error: a Node error can carry request options, headers included.
          cause: networkCause(cause),
        }),
      );
    };

    const req = transport.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ERROR_BODY_BYTES) chunks.push(chunk);
      });
      res.on('error', (error) => fail('network', error));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    const timer = setTimeout(() => {
      fail('timeout', undefined);
      req.destroy();
    }, client.timeoutMs);
    req.on('error', (error) => fail('network', error));
    req.end(opts.body);
  });
}

function httpError(client: Client, step: PushStep, answer: Answer, detail: string): RegistryPushError {
  const { code, message } = registryError(client, answer.body);
  const said = [code, message].filter(Boolean).join(': ');
  return new RegistryPushError({
    message: `${describe(client, step, detail)}: HTTP ${answer.status} ${STATUS_CODES[answer.status] ?? ''}${said ? ` (${said})` : ''}`,
    step,
    repository: client.repository,
    reason: 'http',
    status: answer.status,
    ...(code === undefined ? {} : { code }),
  });
}

function registryError(client: Client, body: Buffer): { code?: string; message?: string } {
  if (body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: Array<{ code?: unknown; message?: unknown }>;
    };
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    const code = typeof first?.code === 'string' ? clean(client, first.code) : undefined;
    const message = typeof first?.message === 'string' ? clean(client, first.message) : undefined;
    return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
  } catch {
    const text = body.toString('utf8').trim();
    return text ? { message: clean(client, text) } : {};
  }
}

function describe(client: Client, step: PushStep, detail: string): string {
  return `registry push to repository '${client.repository}' failed at ${step} (${detail})`;
}

/**
 * Every form in which the secret could leak into text: the header value, the credential after the scheme,
 * and for Basic the decoded `user:password` and the password alone.
 */
function secretForms(authorization: string): string[] {
  const forms = [authorization];
  const space = authorization.indexOf(' ');
  const credential = space >= 0 ? authorization.slice(space + 1).trim() : authorization;
  forms.push(credential);
  if (/^basic$/i.test(authorization.slice(0, space))) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    forms.push(decoded);
    const colon = decoded.indexOf(':');
    if (colon >= 0) forms.push(decoded.slice(colon + 1));
  }
  // Longest first, so a password inside the header is not left half-replaced; very short strings would
  // blank out ordinary words, and a secret that short is not worth hiding from the message.
  return forms.filter((form) => form.length >= 4).sort((a, b) => b.length - a.length);
}

/** Redacts before clipping: a clipped text could end in a prefix of the secret that no longer matches. */
function clean(client: Client, text: string): string {
  let out = text;
  for (const secret of client.secrets) out = out.split(secret).join('[redacted]');
  return clip(out);
}

function networkCause(cause: unknown): Error | undefined {
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as NodeJS.ErrnoException).code;
  const copy = new Error(code ?? cause.name);
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

function errorText(client: Client, cause: unknown): string {
  if (!(cause instanceof Error)) return clean(client, String(cause));
  const code = (cause as NodeJS.ErrnoException).code;
  return clean(client, code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message);
}

function repoUrl(client: Client, suffix: string): URL {
  return new URL(`/v2/${client.repository}/${suffix}`, client.base);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function validate(input: PushImageInput): URL {
  let base: URL;
  try {
    base = new URL(input.registryUrl);
  } catch {
    throw new TypeError(`registryUrl must be an absolute http(s) URL, got '${input.registryUrl}'`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new TypeError(
      `registryUrl must use https: or http:, got '${base.protocol}' in '${input.registryUrl}'`,
    );
  }
  if (base.username || base.password) {
    throw new TypeError('registryUrl must not carry credentials; pass them in authorization');
  }
  if (!REPOSITORY_PATTERN.test(input.repository) || input.repository.length > 255) {
    throw new TypeError(
      `repository must be lower-case path components like 'team/app' (at most 255 characters), got '${input.repository}'`,
    );
  }
  if (!TAG_PATTERN.test(input.tag)) {
    throw new TypeError(`tag must match ${TAG_PATTERN} (at most 128 characters), got '${input.tag}'`);
  }
  if (input.authorization.trim() === '' || /[\r\n]/.test(input.authorization)) {
    // The value itself is a secret and is deliberately not echoed.
    throw new TypeError('authorization must be a non-empty single-line header value');
  }
  const timeout = input.timeoutMs;
  if (
    timeout !== undefined &&
    (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_REQUEST_TIMEOUT_MS)
  ) {
    throw new RangeError(`timeoutMs must be an integer from 1 to ${MAX_REQUEST_TIMEOUT_MS}, got ${timeout}`);
  }
  if (input.image.manifests.length === 0) {
    throw new TypeError('image must contain at least one manifest');
  }
  const digests = [
    ...input.image.blobs.keys(),
    ...input.image.manifests.map((manifest) => manifest.digest),
    ...(input.image.index ? [input.image.index.digest] : []),
  ];
  for (const digest of digests) {
    if (!DIGEST_PATTERN.test(digest))
      throw new TypeError(`image digests must be sha256:<64 hex>, got '${digest}'`);
  }
  return base;
}
