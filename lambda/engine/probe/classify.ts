import type { Category, Phase } from '../model/types.ts';

/** A classified failure of one phase. Thrown inside the probe, turned into a verdict at its edge. */
export class ProbeFailure extends Error {
  override name = 'ProbeFailure';
  constructor(
    readonly category: Category,
    readonly phase: Phase,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The codes the probe coins for failures it detects itself (not AWS error names), with the category it gives
 * each. The text classifier reads them back from a probe result, so both agree.
 */
export const PROBE_CODE_CATEGORIES: Readonly<Record<string, Category>> = {
  UnexpectedPrincipal: 'credentials',
  AssumeRoleNoCredentials: 'credentials',
  MalformedToken: 'auth',
  ClockSkew: 'clock-skew',
  PlatformMissing: 'platform',
  DigestMismatch: 'integrity',
  PinnedDigestMismatch: 'integrity',
  UnparseableManifest: 'integrity',
  UnparseableConfig: 'integrity',
  /** A manifest with no layer a registry serves (a config-only artifact, or an index with no runnable entry). */
  NoLayers: 'integrity',
  /** A 2xx answer to a layer read that carried no byte of it. */
  EmptyLayerResponse: 'integrity',
  /** More redirects than MAX_BLOB_REDIRECTS: a loop, or a misconfigured proxy on the way to storage. */
  TooManyRedirects: 'network',
  /** A redirect the policy refuses to follow (lambda/engine/model/redirect-policy.ts): plain HTTP from TLS, user info. */
  RefusedRedirect: 'network',
};

/** Error names the SDK and ECR use for throttling (the SDK's own list, plus the registry's 429 code). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ThrottleException',
  'Throttling',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'TOOMANYREQUESTS',
]);

/** Error names that mean the request time was outside the signing window. */
export const SKEW_CODES: ReadonlySet<string> = new Set([
  'RequestTimeTooSkewed',
  'RequestExpired',
  'RequestInTheFuture',
]);
/** Text that turns an authentication error into a clock-skew one. Only ever tested against one short message. */
const SKEW_TEXT = /signature expired|signature not yet current|request time.*(too skewed|expired)|clock/i;

/** Error names of a credential AWS or STS rejected (unknown, expired, wrongly signed). */
export const AUTH_CODES: ReadonlySet<string> = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'AuthFailure',
  'InvalidAccessKeyId',
]);

/** Error names of an authenticated identity that policy does not allow. */
export const PERMISSION_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'KmsException',
]);
/** Error names of a repository or image that is not where the reference points. */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'RepositoryNotFoundException',
  'ImageNotFoundException',
  'RegistryPolicyNotFoundException',
]);
/** Error names of a credential chain that produced no credentials. */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
]);
/** The message the credential chain of the AWS SDK for JavaScript v3 gives when it found nothing. */
const NO_CREDENTIALS_TEXT = /could not load credentials/i;
/** The ECR API's name for its own 500. */
export const SERVER_ERROR_CODE = 'ServerException';

/** Node and TLS error codes that mean the request never got an answer. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
  'DEADLINE_EXCEEDED',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
  'UND_ERR_CONNECT_TIMEOUT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  $fault?: 'client' | 'server';
  $response?: { statusCode?: number };
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
}

/** The error code that names the failure: an AWS error name, else a Node/TLS code found in the cause chain. */
export function errorCodeOf(error: unknown): string {
  const e = asErrorLike(error);
  const networkCode = findNetworkCode(error);
  const isServiceError = e.$metadata !== undefined && e.$fault !== undefined;
  if (isServiceError && e.name) return e.name;
  return networkCode ?? e.code ?? (e.name && e.name !== 'Error' ? e.name : 'Error');
}

function findNetworkCode(error: unknown): string | null {
  const chain: ErrorLike[] = [];
  for (let current: unknown = error; current && chain.length < 5; current = asErrorLike(current).cause) {
    chain.push(asErrorLike(current));
  }
  // A Node code anywhere in the chain (ECONNRESET) says more than a wrapper's name (TimeoutError).
  const code = chain.find((e) => e.code && NETWORK_CODES.has(e.code))?.code;
  return code ?? chain.find((e) => e.name && NETWORK_CODES.has(e.name))?.name ?? null;
}

function messageOf(error: unknown): string {
  const e = asErrorLike(error);
  return (e.message ?? '').trim() || e.name || 'no message';
}

/** Classifies an error from the AWS SDK (ECR or STS) or from the credential chain. */
export function classifyAwsError(error: unknown, phase: Phase): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const e = asErrorLike(error);
  const code = errorCodeOf(error);
  const message = messageOf(error);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  let category = categoryOfErrorCode(code, message);
  if (category === null || category === 'network') {
    if (status === 429) category = 'throttle';
    else if (findNetworkCode(error)) category = 'network';
    else if (e.$fault === 'server' || (status !== undefined && status >= 500)) category = 'service';
    else category = 'unknown';
  }
  return new ProbeFailure(category, phase, code, message);
}

/**
 * The category an AWS error name says by itself (its message only tells clock skew from a bad credential), or
 * null when the name alone does not say. The probe and the text classifier both decide error names here.
 * `message` is the error's own message, not a whole log: it is searched without bounds.
 */
export function categoryOfErrorCode(code: string, message = ''): Category | null {
  if (CREDENTIAL_CODES.has(code) || NO_CREDENTIALS_TEXT.test(message)) return 'credentials';
  if (SKEW_CODES.has(code) || (AUTH_CODES.has(code) && SKEW_TEXT.test(message))) return 'clock-skew';
  if (AUTH_CODES.has(code)) return 'auth';
  if (PERMISSION_CODES.has(code)) return 'permission';
  if (THROTTLING_CODES.has(code)) return 'throttle';
  if (NOT_FOUND_CODES.has(code)) return 'not-found';
  if (NETWORK_CODES.has(code)) return 'network';
  if (code === SERVER_ERROR_CODE) return 'service';
  return null;
}

/** Classifies a request that got no answer (DNS, refused, reset, TLS, deadline). */
export function classifyNetworkError(error: unknown, phase: Phase): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const code = findNetworkCode(error) ?? errorCodeOf(error);
  return new ProbeFailure('network', phase, code, messageOf(error));
}

interface RegistryErrorBody {
  errors?: Array<{ code?: string; message?: string }>;
}

/** Classifies a non-2xx registry v2 answer by its status and `{"errors":[…]}` body, as ECR sends them. */
export function classifyRegistryResponse(status: number, body: string, phase: Phase): ProbeFailure {
  let first: { code?: string; message?: string } | undefined;
  try {
    first = (JSON.parse(body) as RegistryErrorBody).errors?.[0];
  } catch {
    // ECR's 401 body is plain text ("Not Authorized"); keep the status as the code.
  }
  const code = first?.code ?? `HTTP_${status}`;
  const message = `registry answered ${status}${first?.message ? `: ${first.message}` : body.trim() ? `: ${body.trim().slice(0, 200)}` : ''}`;
  const category = categoryOfRegistryStatus(status, code, first?.message ?? body);
  return new ProbeFailure(category, phase, code, message);
}

/**
 * Classifies a non-2xx answer of the storage host a registry redirected a blob request to (ECR: S3, which answers
 * with an XML `<Error><Code>…</Code><Message>…</Message></Error>`). The S3 error code decides where it names a
 * category (AccessDenied, RequestTimeTooSkewed, SignatureDoesNotMatch, SlowDown), else the status does. The
 * storage host is named, and for a 403 the likely cause: a policy that does not allow the layer bucket.
 */
export function classifyStorageResponse(
  status: number,
  body: string,
  host: string,
  phase: Phase,
): ProbeFailure {
  const s3Code = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  const s3Message = /<Message>([^<]{1,300})<\/Message>/.exec(body)?.[1];
  const code = s3Code ?? `HTTP_${status}`;
  const said = s3Message ?? body.trim().slice(0, 200);
  const hint =
    status === 403
      ? '; likely an S3 gateway endpoint policy, VPC endpoint policy or bucket policy that does not allow s3:GetObject on the layer bucket'
      : '';
  const message = `storage host ${host} answered ${status}${s3Code ? ` ${s3Code}` : ''}${said ? `: ${said}` : ''}${hint}`;
  const category =
    (s3Code && categoryOfErrorCode(s3Code, said)) || categoryOfRegistryStatus(status, null, said);
  return new ProbeFailure(category, phase, code, message);
}

/** ECR's 403 for an expired 12-hour token, as opposed to a 403 of policy. */
export const REGISTRY_TOKEN_EXPIRED = /token has expired|reauthenticate/i;

/** The HTTP status of each error code of the registry v2 API (OCI distribution spec) that names a failure class. */
export const REGISTRY_ERROR_STATUS: Readonly<Record<string, number>> = {
  UNAUTHORIZED: 401,
  DENIED: 403,
  NAME_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  BLOB_UNKNOWN: 404,
  TOOMANYREQUESTS: 429,
};

/** The category of a registry answer by its status, its error code and the message that came with it. */
export function categoryOfRegistryStatus(status: number, code: string | null, message: string): Category {
  if (status === 401) return 'auth';
  if (status === 403 && REGISTRY_TOKEN_EXPIRED.test(message)) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 429 || code === 'TOOMANYREQUESTS') return 'throttle';
  if (status >= 500) return 'service';
  return 'unknown';
}
