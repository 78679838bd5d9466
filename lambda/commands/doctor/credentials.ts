import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { RUNBOOKS } from '../../engine/model/runbooks.ts';
import type { ClockSkewEstimate } from '../../engine/model/types.ts';
import { errorCodeOf } from '../../engine/probe/classify.ts';
import { estimateClockSkew, skewExceeds } from '../../engine/probe/clock-skew.ts';
import { withDeadline } from '../../engine/probe/deadline.ts';
import { type AttemptLog, recordAttempts } from '../../engine/probe/sdk-attempts.ts';
import type { CheckResult } from './check.ts';
import type { ImdsObservation } from './imds.ts';

/** The links of the Node.js default credential chain, in the order it tries them (credential-provider-node). */
export const PROVIDERS = ['environment', 'profile', 'web-identity', 'container', 'imds'] as const;
export type CredentialProvider = (typeof PROVIDERS)[number];

export const PROVIDER_LABEL: Readonly<Record<CredentialProvider, string>> = {
  environment: 'environment variables (AWS_ACCESS_KEY_ID)',
  profile: 'the shared config/credentials files (a profile: keys, SSO, credential_process or a role)',
  'web-identity': 'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, as IRSA sets)',
  container: 'ECS/EKS container credentials (AWS_CONTAINER_CREDENTIALS_*)',
  imds: 'the EC2 instance metadata service (instance profile)',
};

/**
 * The SDK marks the credentials it resolves with the feature ids of the provider that supplied them
 * (`$source`, set by `setCredentialFeature` in @aws-sdk/core; ids in @aws-sdk/types feature-ids.d.ts). Most
 * specific first: SSO through a profile carries both CREDENTIALS_PROFILE_SSO and its profile marks.
 */
const SOURCE_MARKERS: ReadonlyArray<readonly [string, CredentialProvider, string]> = [
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web-identity', 'web identity token file'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'profile', 'profile with web_identity_token_file'],
  ['CREDENTIALS_PROFILE_SSO', 'profile', 'profile with IAM Identity Center (SSO)'],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'profile', 'profile with legacy SSO settings'],
  ['CREDENTIALS_SSO', 'profile', 'IAM Identity Center (SSO)'],
  ['CREDENTIALS_SSO_LEGACY', 'profile', 'IAM Identity Center (legacy SSO)'],
  ['CREDENTIALS_PROFILE_PROCESS', 'profile', 'profile with credential_process'],
  ['CREDENTIALS_PROCESS', 'profile', 'credential_process'],
  ['CREDENTIALS_PROFILE_LOGIN', 'profile', 'profile with aws login'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'profile', 'profile assuming a role from a source profile'],
  ['CREDENTIALS_PROFILE_NAMED_PROVIDER', 'profile', 'profile with credential_source'],
  ['CREDENTIALS_PROFILE', 'profile', 'profile with static keys'],
  ['CREDENTIALS_ENV_VARS', 'environment', 'environment variables'],
  ['CREDENTIALS_HTTP', 'container', 'container credentials endpoint'],
  ['CREDENTIALS_IMDS', 'imds', 'instance metadata service'],
];

export interface ProviderSource {
  provider: CredentialProvider;
  how: string;
  /** True when no marker named the provider and it was found by elimination. */
  inferred: boolean;
  markers: string[];
}

/**
 * Which link supplied the credentials, from the SDK's `$source` markers. The instance metadata provider (and the
 * older container-metadata fallback) set none in the installed SDK, so a chain that resolved with no marker is
 * the container endpoint when its variables are set, else the instance metadata service: said to be inferred.
 */
export function providerFromSource(
  source: Record<string, string> | undefined,
  env: NodeJS.ProcessEnv,
): ProviderSource {
  const markers = Object.keys(source ?? {});
  for (const [marker, provider, how] of SOURCE_MARKERS) {
    if (markers.includes(marker)) return { provider, how, inferred: false, markers };
  }
  if (containerVariable(env)) {
    return { provider: 'container', how: 'container credentials endpoint', inferred: true, markers };
  }
  return { provider: 'imds', how: 'instance metadata service', inferred: true, markers };
}

function containerVariable(env: NodeJS.ProcessEnv): string | null {
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
  return null;
}

/** Every link that would have supplied credentials had an earlier one not, with what shows it. */
export function offeredProviders(
  env: NodeJS.ProcessEnv,
  imds: ImdsObservation | null,
): Array<{ provider: CredentialProvider; evidence: string }> {
  const offered: Array<{ provider: CredentialProvider; evidence: string }> = [];
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    offered.push({
      provider: 'environment',
      evidence: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set',
    });
  if (env.AWS_PROFILE) offered.push({ provider: 'profile', evidence: `AWS_PROFILE is "${env.AWS_PROFILE}"` });
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN)
    offered.push({
      provider: 'web-identity',
      evidence: `AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (${env.AWS_ROLE_ARN}) are set`,
    });
  const container = containerVariable(env);
  if (container) offered.push({ provider: 'container', evidence: `${container} is set` });
  // The SDK asks IMDS only when no container variable is set.
  if (!container && imds?.role)
    offered.push({ provider: 'imds', evidence: `the instance metadata service offers role "${imds.role}"` });
  return offered;
}

export interface CredentialObservation {
  region: string;
  source: ProviderSource | null;
  /** Why the chain gave no credentials. */
  error: { code: string; message: string } | null;
  identity: { arn: string; account: string | null } | null;
  identityError: { code: string; message: string } | null;
  offered: Array<{ provider: CredentialProvider; evidence: string }>;
  /** The STS call's attempts, with the `Date` header of each answer. */
  attempts: AttemptLog;
  sdkOffsetMs: number | null;
}

export interface CredentialOptions {
  /** Region for STS; the configured one, else the registry's. */
  region: string;
  timeoutMs: number;
  now: () => number;
}

/**
 * Resolves the default chain as any SDK client on this host would, then asks STS who that is. The STS call is
 * a signed request, so its `Date` header also measures the clock.
 */
export async function observeCredentials(
  options: CredentialOptions,
  env: NodeJS.ProcessEnv,
  imds: ImdsObservation | null,
): Promise<CredentialObservation> {
  const attempts: AttemptLog = { attempts: 0, throttled: 0, dateSamples: [], clockSkewCorrected: false };
  const observation: CredentialObservation = {
    region: options.region,
    source: null,
    error: null,
    identity: null,
    identityError: null,
    offered: offeredProviders(env, imds),
    attempts,
    sdkOffsetMs: null,
  };
  const client = new STSClient({
    region: options.region,
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  try {
    try {
      const credentials = await withDeadline(
        () => client.config.credentials(),
        options.timeoutMs,
        'the credential chain',
      );
      observation.source = providerFromSource(
        (credentials as { $source?: Record<string, string> }).$source,
        env,
      );
    } catch (error) {
      observation.error = describeError(error);
      return observation;
    }
    try {
      const command = new GetCallerIdentityCommand({});
      recordAttempts(command.middlewareStack, attempts, options.now);
      const answer = await withDeadline(
        (abortSignal) => client.send(command, { abortSignal }),
        options.timeoutMs,
        'STS GetCallerIdentity',
      );
      observation.identity = answer.Arn ? { arn: answer.Arn, account: answer.Account ?? null } : null;
    } catch (error) {
      observation.identityError = describeError(error);
    }
    observation.sdkOffsetMs = client.config.systemClockOffset ?? null;
    return observation;
  } finally {
    client.destroy();
  }
}

function describeError(error: unknown): { code: string; message: string } {
  const message = (error as { message?: string }).message ?? String(error);
  return { code: errorCodeOf(error), message: message.split('\n')[0] ?? message };
}

const RANK = (provider: CredentialProvider) => PROVIDERS.indexOf(provider);

export function credentialsCheck(observation: CredentialObservation): CheckResult {
  const { source, offered } = observation;
  const details = {
    provider: source?.provider ?? null,
    how: source?.how ?? null,
    inferred: source?.inferred ?? null,
    markers: source?.markers ?? [],
    identity: observation.identity?.arn ?? null,
    offered,
    error: observation.error ?? observation.identityError,
  };
  const base = { id: 'credentials' as const, details };
  if (!source) {
    return {
      ...base,
      status: 'fail',
      saw: `the default credential chain gave no credentials: ${observation.error?.code}: ${observation.error?.message}${offered.length ? ` (offered: ${offered.map((o) => o.evidence).join('; ')})` : ''}`,
      fix: RUNBOOKS.credentials.fix,
      runbook: 'credentials',
    };
  }
  const came = `credentials came from ${PROVIDER_LABEL[source.provider]}${source.inferred ? ' (inferred: the SDK marks no provider for this link, and no earlier link answered)' : source.provider === 'profile' ? ` [${source.how}]` : ''}`;
  const who = observation.identity
    ? `; they belong to ${observation.identity.arn}`
    : `; STS GetCallerIdentity failed: ${observation.identityError?.code}: ${observation.identityError?.message}`;
  const shadowed = offered.filter((o) => RANK(o.provider) > RANK(source.provider));
  if (shadowed.length > 0) {
    return {
      ...base,
      details: { ...details, shadowed },
      status: 'warn',
      saw: `${came}${who}. Credentials are also offered by ${shadowed.map((o) => `${PROVIDER_LABEL[o.provider]}: ${o.evidence}`).join('; and by ')}; the chain never reached them: ${source.provider} won and shadows ${shadowed.map((o) => o.provider).join(', ')}.`,
      fix: `If ${shadowed.map((o) => o.provider).join(' or ')} is the intended identity, remove the earlier source (${source.provider === 'environment' ? 'unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN' : source.provider === 'profile' ? 'unset AWS_PROFILE or remove the default profile' : `remove the ${source.provider} settings`}). ${RUNBOOKS.credentials.fix}`,
      runbook: 'credentials',
    };
  }
  if (!observation.identity) {
    return {
      ...base,
      status: 'fail',
      saw: `${came}${who}`,
      fix: RUNBOOKS.auth.fix,
      runbook: 'auth',
    };
  }
  return { ...base, status: 'pass', saw: `${came}${who}`, fix: null, runbook: null };
}

/**
 * SigV4: a signed request must reach AWS within 5 minutes of its timestamp (IAM user guide, "Elements of an AWS
 * API request signature"), though ECR's API allows 15 (its skew error reads "Signature expired: … - 15 min."). The doctor judges against the stricter one.
 */
export const SIGV4_WINDOW_SECONDS = 300;

export function clockEstimate(observation: CredentialObservation): ClockSkewEstimate | null {
  return estimateClockSkew(
    observation.attempts.dateSamples,
    [],
    observation.sdkOffsetMs,
    observation.attempts.clockSkewCorrected,
  );
}

export function clockCheck(observation: CredentialObservation, thresholdSeconds: number): CheckResult {
  const estimate = clockEstimate(observation);
  const details = { estimate, thresholdSeconds, sigv4WindowSeconds: SIGV4_WINDOW_SECONDS };
  const base = { id: 'clock' as const, details };
  if (!estimate) {
    return {
      ...base,
      status: 'skip',
      saw: 'no signed request was answered (see credentials), so there is no AWS Date header to compare with',
      fix: null,
      runbook: null,
    };
  }
  const s = estimate.seconds;
  const measured = `host minus AWS: ${s > 0 ? '+' : ''}${s} s ±${estimate.uncertaintySeconds} s (from ${estimate.source === 'date-header' ? "STS's Date header on a signed request" : "the SDK's learned offset"})${estimate.sdkCorrected ? '; the SDK had to correct its clock and retry' : ''}`;
  if (skewExceeds(estimate, SIGV4_WINDOW_SECONDS)) {
    return {
      ...base,
      status: 'fail',
      saw: `${measured}: outside the ${SIGV4_WINDOW_SECONDS / 60}-minute SigV4 window, so clients that do not correct their clock (docker's credential helper, kubelet) are refused`,
      fix: RUNBOOKS['clock-skew'].fix,
      runbook: 'clock-skew',
    };
  }
  if (skewExceeds(estimate, thresholdSeconds)) {
    return {
      ...base,
      status: 'warn',
      saw: `${measured}: inside the ${SIGV4_WINDOW_SECONDS / 60}-minute SigV4 window but over the canary's ${thresholdSeconds} s threshold`,
      fix: RUNBOOKS['clock-skew'].fix,
      runbook: 'clock-skew',
    };
  }
  return {
    ...base,
    status: 'pass',
    saw: `${measured}: well inside the ${SIGV4_WINDOW_SECONDS / 60}-minute SigV4 window`,
    fix: null,
    runbook: null,
  };
}
