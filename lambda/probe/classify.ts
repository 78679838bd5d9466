import type { Category, Phase } from './types.ts';

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

const SKEW_CODES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
const SKEW_TEXT = /signature expired|signature not yet current|request time.*(too skewed|expired)|clock/i;

const AUTH_CODES = new Set([
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

const PERMISSION_CODES = new Set(['AccessDeniedException', 'AccessDenied', 'KmsException']);
const NOT_FOUND_CODES = new Set([
  'RepositoryNotFoundException',
  'ImageNotFoundException',
  'RegistryPolicyNotFoundException',
]);
const CREDENTIAL_CODES = new Set(['CredentialsProviderError', 'TokenProviderError']);

/** Node and TLS error codes that mean the request never got an answer. */
const NETWORK_CODES = new Set([
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
  let category: Category;
  if (CREDENTIAL_CODES.has(code) || /could not load credentials/i.test(message)) category = 'credentials';
  else if (SKEW_CODES.has(code) || (AUTH_CODES.has(code) && SKEW_TEXT.test(message))) category = 'clock-skew';
  else if (AUTH_CODES.has(code)) category = 'auth';
  else if (PERMISSION_CODES.has(code)) category = 'permission';
  else if (THROTTLING_CODES.has(code) || status === 429) category = 'throttle';
  else if (NOT_FOUND_CODES.has(code)) category = 'not-found';
  else if (findNetworkCode(error)) category = 'network';
  else if (code === 'ServerException' || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    category = 'service';
  } else category = 'unknown';
  return new ProbeFailure(category, phase, code, message);
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
  let category: Category;
  if (status === 401) category = 'auth';
  else if (status === 403 && /token has expired|reauthenticate/i.test(first?.message ?? body))
    category = 'auth';
  else if (status === 403) category = 'permission';
  else if (status === 404) category = 'not-found';
  else if (status === 429 || code === 'TOOMANYREQUESTS') category = 'throttle';
  else if (status >= 500) category = 'service';
  else category = 'unknown';
  return new ProbeFailure(category, phase, code, message);
}
