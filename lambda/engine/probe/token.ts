import { performance } from 'node:perf_hooks';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClientFactory, StaticCredentials } from './aws-clients.ts';
import { classifyAwsError, ProbeFailure } from './classify.ts';
import type { DateSample } from './clock-skew.ts';
import { withDeadline } from './deadline.ts';
import { type AttemptLog, recordAttempts } from './sdk-attempts.ts';

export interface TokenRequest {
  region: string;
  /** Assume this role first and fetch the token as it. */
  assumeRoleArn?: string;
  /** Deadline for resolving credentials (the default chain, or AssumeRole). */
  credentialsTimeoutMs: number;
  /** Deadline for GetAuthorizationToken, all SDK retries included. */
  tokenTimeoutMs: number;
  /** Look up the caller identity (STS GetCallerIdentity) alongside the token call. */
  lookupIdentity: boolean;
}

/** The decoded registry credential. Kept out of every result and log: only `authorization` is sent, to the registry. */
export interface RegistryCredential {
  password: string;
  /** The `Authorization` header value for the registry. */
  authorization: string;
  proxyEndpoint: string | null;
  expiresAt: Date | null;
}

export interface IdentityLookup {
  arn: string | null;
  failure: ProbeFailure | null;
}

export interface TokenPhaseResult {
  credential: RegistryCredential | null;
  failure: ProbeFailure | null;
  /** Resolves when the identity is known; never rejects. */
  identity: Promise<IdentityLookup>;
  credentialsMs: number | null;
  tokenMs: number | null;
  attempts: AttemptLog;
  sdkOffsetMs: number | null;
}

export interface TokenDeps {
  clients: AwsClientFactory;
  /** Wall clock, for `Date`-header skew samples. */
  now: () => number;
}

const ROLE_SESSION_NAME = 'ecr-pull-canary';

/**
 * An access key belongs to one principal for its whole life (session keys are unique per session), so the
 * identity behind a key is looked up once per warm process, not on every run.
 */
const identityByAccessKey = new Map<string, string>();
const IDENTITY_CACHE_LIMIT = 64;

/** Credential → GetAuthorizationToken → decoded password, each step under its own deadline. */
export async function fetchRegistryCredential(
  request: TokenRequest,
  deps: TokenDeps,
): Promise<TokenPhaseResult> {
  const attempts: AttemptLog = {
    attempts: 0,
    throttled: 0,
    dateSamples: [] as DateSample[],
    clockSkewCorrected: false,
  };
  const result: TokenPhaseResult = {
    credential: null,
    failure: null,
    identity: Promise.resolve({ arn: null, failure: null }),
    credentialsMs: null,
    tokenMs: null,
    attempts,
    sdkOffsetMs: null,
  };

  const credentialsStarted = performance.now();
  let credentials: StaticCredentials | undefined;
  let assumedIdentity: string | null = null;
  let accessKeyId: string | undefined;
  try {
    if (request.assumeRoleArn) {
      const assumed = await assumeRole(request, deps);
      credentials = assumed.credentials;
      assumedIdentity = assumed.arn;
    } else {
      const ecr = deps.clients.ecr(request.region);
      ({ accessKeyId } = await withDeadline(
        (signal) => raceAbort(ecr.config.credentials(), signal),
        request.credentialsTimeoutMs,
        'loading credentials from the default provider chain',
      ));
    }
  } catch (error) {
    const failure = classifyAwsError(error, 'credentials');
    // A credential chain that never answers (IMDS unreachable) is a credentials problem, not a network one.
    result.failure =
      failure.category === 'network' && !request.assumeRoleArn
        ? new ProbeFailure('credentials', 'credentials', failure.code, failure.message)
        : failure;
    result.credentialsMs = elapsed(credentialsStarted);
    return result;
  }
  result.credentialsMs = elapsed(credentialsStarted);

  const ecr = deps.clients.ecr(request.region, credentials);
  const knownIdentity = assumedIdentity ?? (accessKeyId ? identityByAccessKey.get(accessKeyId) : undefined);
  if (knownIdentity) {
    result.identity = Promise.resolve({ arn: knownIdentity, failure: null });
  } else if (request.lookupIdentity) {
    result.identity = lookupIdentity(request, deps, credentials).then((identity) => {
      if (identity.arn && accessKeyId) {
        if (identityByAccessKey.size >= IDENTITY_CACHE_LIMIT) identityByAccessKey.clear();
        identityByAccessKey.set(accessKeyId, identity.arn);
      }
      return identity;
    });
  }

  const tokenStarted = performance.now();
  try {
    const command = new GetAuthorizationTokenCommand({});
    recordAttempts(command.middlewareStack, attempts, deps.now);
    const output = await withDeadline(
      (abortSignal) => ecr.send(command, { abortSignal }),
      request.tokenTimeoutMs,
      `GetAuthorizationToken in ${request.region}`,
    );
    const data = output.authorizationData?.[0];
    result.credential = decodeAuthorizationData(
      data?.authorizationToken,
      data?.proxyEndpoint,
      data?.expiresAt,
    );
  } catch (error) {
    result.failure = classifyAwsError(error, 'token');
  } finally {
    result.tokenMs = elapsed(tokenStarted);
    result.sdkOffsetMs = ecr.config.systemClockOffset ?? null;
    if (credentials) ecr.destroy();
  }
  return result;
}

/** Splits `base64(AWS:<password>)`. The token's content never appears in an error message. */
export function decodeAuthorizationData(
  token: string | undefined,
  proxyEndpoint: string | undefined,
  expiresAt: Date | undefined,
): RegistryCredential {
  if (!token)
    throw new ProbeFailure('auth', 'token', 'MalformedToken', 'GetAuthorizationToken returned no token');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const user = separator > 0 ? decoded.slice(0, separator) : '';
  const password = separator > 0 ? decoded.slice(separator + 1) : '';
  if (user !== 'AWS' || password === '' || Buffer.from(decoded, 'utf8').toString('base64') !== token.trim()) {
    throw new ProbeFailure(
      'auth',
      'token',
      'MalformedToken',
      'the authorization token is not base64 of "AWS:<password>"; the registry would reject it',
    );
  }
  return {
    password,
    authorization: `Basic ${token.trim()}`,
    proxyEndpoint: proxyEndpoint ?? null,
    expiresAt: expiresAt ?? null,
  };
}

async function assumeRole(
  request: TokenRequest,
  deps: TokenDeps,
): Promise<{ credentials: StaticCredentials; arn: string | null }> {
  const sts = deps.clients.sts(request.region);
  try {
    const output = await withDeadline(
      (abortSignal) =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: request.assumeRoleArn,
            RoleSessionName: ROLE_SESSION_NAME,
            DurationSeconds: 900,
          }),
          { abortSignal },
        ),
      request.credentialsTimeoutMs,
      `AssumeRole ${request.assumeRoleArn}`,
    );
    const c = output.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new ProbeFailure(
        'credentials',
        'credentials',
        'AssumeRoleNoCredentials',
        'AssumeRole returned no credentials',
      );
    }
    return {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      },
      arn: output.AssumedRoleUser?.Arn ?? null,
    };
  } catch (error) {
    const failure = classifyAwsError(error, 'credentials');
    if (['auth', 'permission', 'unknown'].includes(failure.category)) {
      throw new ProbeFailure(
        'credentials',
        'credentials',
        failure.code,
        `AssumeRole ${request.assumeRoleArn} refused: ${failure.message}`,
      );
    }
    throw failure;
  }
}

async function lookupIdentity(
  request: TokenRequest,
  deps: TokenDeps,
  credentials: StaticCredentials | undefined,
): Promise<IdentityLookup> {
  const sts = deps.clients.sts(request.region, credentials);
  try {
    const output = await withDeadline(
      (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }),
      request.credentialsTimeoutMs,
      'GetCallerIdentity',
    );
    return { arn: output.Arn ?? null, failure: null };
  } catch (error) {
    return { arn: null, failure: classifyAwsError(error, 'credentials') };
  } finally {
    if (credentials) sts.destroy();
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

function elapsed(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}
