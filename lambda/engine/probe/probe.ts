import { performance } from 'node:perf_hooks';
import { isRegistryUrlAllowed, manifestReference, REGISTRY_URL_ALLOWED } from '../model/image-ref.ts';
import { MAX_BLOB_REDIRECTS, PROBE_DEFAULTS, TARGET_DEFAULTS } from '../model/limits.ts';
import { formatPlatform, type Platform, parsePlatform } from '../model/platform.ts';
import { mayCarryRegistryCredential, resolveRedirect } from '../model/redirect-policy.ts';
import { remediationFor } from '../model/runbooks.ts';
import { type ResolvedTarget, tokenDestinationProblem } from '../model/target.ts';
import type { LayerRead, Phase, PhaseTimings, ProbeResult } from '../model/types.ts';
import type { AwsClientFactory } from './aws-clients.ts';
import {
  classifyNetworkError,
  classifyRegistryResponse,
  classifyStorageResponse,
  ProbeFailure,
} from './classify.ts';
import { type DateSample, estimateClockSkew, skewExceeds } from './clock-skew.ts';
import {
  MANIFEST_MEDIA_TYPES,
  missingPlatforms,
  type ParsedManifest,
  parseManifest,
  platformFromConfig,
  platformMatches,
  smallestLayer,
  verifyDigest,
} from './manifest.ts';
import { redact } from './redact.ts';
import {
  createRegistryAgents,
  destroyRegistryAgents,
  type RegistryAgents,
  type RegistryResponse,
  registryGet,
} from './registry-request.ts';
import { fetchRegistryCredential, type RegistryCredential, type TokenPhaseResult } from './token.ts';

export interface ProbeOptions {
  /** Region for short references without one. */
  defaultRegion: string;
  /** @default 5000 */
  credentialsTimeoutMs?: number;
  /** GetAuthorizationToken with all SDK retries. @default 10000 */
  tokenTimeoutMs?: number;
  /** The manifest request (and the config blob, when a platform check needs it). @default 10000 */
  manifestTimeoutMs?: number;
  /**
   * The layer phase as a whole: the platform manifest of an index, the blob request, its redirects and the first
   * byte from the storage host. @default 5000
   */
  layerTimeoutMs?: number;
  /** Skew beyond this (after the estimate's uncertainty) fails the probe even when the pull worked. @default 60 */
  clockSkewThresholdSeconds?: number;
  /** Look up the caller identity with STS GetCallerIdentity, concurrently with the token call. @default true */
  lookupIdentity?: boolean;
  /** Extra CA certificates (PEM) trusted for the registry. @default Node's bundled CAs and NODE_EXTRA_CA_CERTS */
  ca?: string;
}

export interface ProbeDeps {
  clients: AwsClientFactory;
  /** Wall clock in ms since the epoch. */
  now: () => number;
}

/**
 * Probes every target concurrently, the way docker and kubelet pull: one token per region and identity per run,
 * then the manifest from the registry. Never throws for a failing endpoint: every failure is a verdict.
 */
export async function probeTargets(
  targets: ResolvedTarget[],
  options: ProbeOptions,
  deps: ProbeDeps,
): Promise<ProbeResult[]> {
  const settings: Settings = {
    ...PROBE_DEFAULTS,
    ...stripUndefined(options),
    defaultRegion: options.defaultRegion,
  };
  const agents = createRegistryAgents(options.ca);
  const tokens = new Map<string, Promise<TokenPhaseResult>>();
  const tokenFor = (resolved: ResolvedTarget) => {
    const key = `${resolved.region}|${resolved.target.assumeRoleArn ?? ''}`;
    let token = tokens.get(key);
    if (!token) {
      token = fetchRegistryCredential(
        {
          region: resolved.region,
          ...(resolved.target.assumeRoleArn ? { assumeRoleArn: resolved.target.assumeRoleArn } : {}),
          credentialsTimeoutMs: settings.credentialsTimeoutMs,
          tokenTimeoutMs: settings.tokenTimeoutMs,
          lookupIdentity: settings.lookupIdentity || Boolean(resolved.target.expectedPrincipal),
        },
        deps,
      );
      tokens.set(key, token);
    }
    return token;
  };
  try {
    return await Promise.all(
      targets.map((resolved) => {
        // Defence in depth: a target that would carry the token to a host it was not issued for gets a
        // verdict, and no token is fetched and no request sent for it.
        const refused = tokenDestinationProblem(resolved.target, resolved.ref);
        const token = refused ? Promise.resolve(withheldToken(refused)) : tokenFor(resolved);
        return probeOne(resolved, token, settings, agents, deps);
      }),
    );
  } finally {
    destroyRegistryAgents(agents);
  }
}

type Settings = Required<Omit<ProbeOptions, 'ca'>> & Pick<ProbeOptions, 'ca'>;

function withheldToken(why: string): TokenPhaseResult {
  return {
    credential: null,
    failure: new ProbeFailure('unknown', 'token', 'RegistryNotAllowed', `the ECR token was withheld: ${why}`),
    identity: Promise.resolve({ arn: null, failure: null }),
    credentialsMs: null,
    tokenMs: null,
    attempts: { attempts: 0, throttled: 0, dateSamples: [], clockSkewCorrected: false },
    sdkOffsetMs: null,
  };
}

async function probeOne(
  resolved: ResolvedTarget,
  tokenPromise: Promise<TokenPhaseResult>,
  settings: Settings,
  agents: RegistryAgents,
  deps: ProbeDeps,
): Promise<ProbeResult> {
  const started = performance.now();
  const startedAt = new Date(deps.now()).toISOString();
  const timings: PhaseTimings = {
    credentialsMs: null,
    tokenMs: null,
    manifestMs: null,
    dnsMs: null,
    connectMs: null,
    tlsMs: null,
    firstByteMs: null,
    platformMs: null,
    layerMs: null,
    layerRedirectMs: null,
    layerDnsMs: null,
    layerConnectMs: null,
    layerTlsMs: null,
    layerFirstByteMs: null,
  };
  const registrySamples: DateSample[] = [];
  let failure: ProbeFailure | null = null;
  let digest: string | null = null;
  let mediaType: string | null = null;
  let offered: Platform[] = [];
  let registryUrl: string | null = null;
  let layer: LayerRead | null = null;

  const token = await tokenPromise;
  timings.credentialsMs = token.credentialsMs;
  timings.tokenMs = token.tokenMs;
  failure = token.failure;

  if (!failure && token.credential) {
    try {
      registryUrl = registryBaseUrl(resolved, token.credential);
      const pulled = await pullManifest(
        resolved,
        registryUrl,
        token.credential,
        settings,
        agents,
        deps,
        timings,
      );
      registrySamples.push(...pulled.dateSamples);
      digest = pulled.digest;
      mediaType = pulled.mediaType;
      offered = pulled.platforms;
      if (resolved.target.layerCheck ?? TARGET_DEFAULTS.layerCheck) {
        layer = emptyLayerRead();
        await readLayer(
          { resolved, registryUrl, credential: token.credential, settings, agents, deps },
          pulled.manifest,
          layer,
          timings,
        );
      }
    } catch (error) {
      failure = error instanceof ProbeFailure ? error : classifyNetworkError(error, 'manifest');
    }
  }

  // The pull is over here; the identity lookup runs alongside it and must not count as pull latency.
  const latencyMs = elapsedSince(started);
  const identity = await token.identity;
  const expected = resolved.target.expectedPrincipal;
  if (expected && !(failure?.phase === 'credentials')) {
    if (identity.arn && !principalMatches(expected, identity.arn)) {
      failure = new ProbeFailure(
        'credentials',
        'credentials',
        'UnexpectedPrincipal',
        `the credential chain resolved to ${identity.arn}, not the expected ${expected}${failure ? ` (the pull then failed: ${failure.code})` : ''}`,
      );
    } else if (!identity.arn && !failure && identity.failure) {
      failure = identity.failure;
    }
  }

  const clockSkew = estimateClockSkew(
    token.attempts.dateSamples,
    registrySamples,
    token.sdkOffsetMs,
    token.attempts.clockSkewCorrected,
  );
  if (!failure && skewExceeds(clockSkew, settings.clockSkewThresholdSeconds)) {
    const seconds = clockSkew?.seconds ?? 0;
    failure = new ProbeFailure(
      'clock-skew',
      'clock',
      'ClockSkew',
      `host clock is ${Math.abs(seconds)} s ${seconds > 0 ? 'ahead of' : 'behind'} AWS (±${clockSkew?.uncertaintySeconds} s), over the ${settings.clockSkewThresholdSeconds} s threshold${clockSkew?.sdkCorrected ? '; the AWS SDK corrected for it and retried, other clients may not' : ''}`,
    );
  }

  const secrets = token.credential
    ? [token.credential.password, token.credential.authorization.slice('Basic '.length)]
    : [];
  return {
    target: resolved.name,
    image: resolved.ref.raw,
    region: resolved.region,
    ok: failure === null,
    category: failure?.category ?? null,
    phase: failure?.phase ?? null,
    errorCode: failure ? redact(failure.code, secrets) : null,
    message: failure ? redact(failure.message, secrets) : null,
    remediation: failure ? remediationFor(failure.category) : null,
    digest,
    mediaType,
    platforms: offered.map(formatPlatform),
    identity: identity.arn,
    registryUrl,
    startedAt,
    latencyMs,
    timings,
    layer,
    clockSkew,
    tokenAttempts: token.attempts.attempts,
    throttledResponses: token.attempts.throttled,
    tokenExpiresAt: token.credential?.expiresAt?.toISOString() ?? null,
  };
}

/**
 * Where the token goes: the registry URL named for the target, else the ECR host of the reference, else (a short
 * reference) the proxy endpoint that came with the token, which is the registry the token was issued for.
 */
function registryBaseUrl(resolved: ResolvedTarget, credential: RegistryCredential): string {
  const fromToken = resolved.target.registryUrl === undefined && resolved.ref.host === null;
  const base = fromToken
    ? credential.proxyEndpoint
    : (resolved.target.registryUrl ?? `https://${resolved.ref.host}`);
  if (!base) {
    throw new ProbeFailure(
      'unknown',
      'manifest',
      'NoRegistryEndpoint',
      'the token came without a proxy endpoint and the target names no registry host',
    );
  }
  if (fromToken && !isRegistryUrlAllowed(base, 'deployed')) {
    throw new ProbeFailure(
      'unknown',
      'manifest',
      'NoRegistryEndpoint',
      `the token's proxy endpoint "${base}" is not ${REGISTRY_URL_ALLOWED.deployed}; the token was not sent`,
    );
  }
  return base.replace(/\/+$/, '');
}

interface PulledManifest {
  digest: string;
  mediaType: string;
  platforms: Platform[];
  dateSamples: DateSample[];
  manifest: ParsedManifest;
}

async function pullManifest(
  resolved: ResolvedTarget,
  registryUrl: string,
  credential: RegistryCredential,
  settings: Settings,
  agents: RegistryAgents,
  deps: ProbeDeps,
  timings: PhaseTimings,
): Promise<PulledManifest> {
  const { ref, target } = resolved;
  const url = new URL(`${registryUrl}/v2/${ref.repository}/manifests/${manifestReference(ref)}`);
  const manifestStarted = performance.now();
  let response: RegistryResponse;
  try {
    response = await registryGet(
      {
        url,
        headers: { Authorization: credential.authorization, Accept: MANIFEST_MEDIA_TYPES.join(', ') },
        timeoutMs: settings.manifestTimeoutMs,
        agents,
      },
      deps.now,
    );
  } catch (error) {
    timings.manifestMs = elapsedSince(manifestStarted);
    throw classifyNetworkError(error, 'manifest');
  }
  timings.manifestMs = elapsedSince(manifestStarted);
  Object.assign(timings, {
    dnsMs: response.timings.dnsMs,
    connectMs: response.timings.connectMs,
    tlsMs: response.timings.tlsMs,
    firstByteMs: response.timings.firstByteMs,
  });
  const dateSamples = dateSampleOf(response);
  if (response.status !== 200) {
    throw classifyRegistryResponse(response.status, response.body.toString('utf8'), 'manifest');
  }
  const headerDigest = headerValue(response.headers['docker-content-digest']);
  const digest = verifyDigest(response.body, headerDigest, target.expectedDigest ?? ref.digest);
  const manifest = parseManifest(response.body, headerValue(response.headers['content-type']));

  let platforms = manifest.platforms;
  const required = (target.platforms ?? []).map((p) => parsePlatform(p) as Platform);
  if (required.length > 0) {
    if (!manifest.isIndex && manifest.configDigest) {
      const platformStarted = performance.now();
      try {
        platforms = [
          await fetchConfigPlatform(
            registryUrl,
            ref.repository,
            manifest.configDigest,
            credential,
            settings,
            agents,
            deps,
          ),
        ];
      } finally {
        timings.platformMs = elapsedSince(platformStarted);
      }
    }
    const missing = missingPlatforms(required, platforms);
    if (missing.length > 0) {
      throw new ProbeFailure(
        'platform',
        'platform',
        'PlatformMissing',
        `no manifest for ${missing.map(formatPlatform).join(', ')}; the image offers ${platforms.map(formatPlatform).join(', ') || 'no platform'}`,
      );
    }
  }
  return { digest, mediaType: manifest.mediaType, platforms, dateSamples, manifest };
}

/**
 * A single-arch manifest names its platform only in the config blob. ECR answers the blob with a redirect to
 * S3; the registry credential must not follow it to another host (S3 rejects two auth mechanisms).
 */
async function fetchConfigPlatform(
  registryUrl: string,
  repository: string,
  configDigest: string,
  credential: RegistryCredential,
  settings: Settings,
  agents: RegistryAgents,
  deps: ProbeDeps,
): Promise<Platform> {
  const blob = await getBlob(
    { registryUrl, repository, digest: configDigest, credential, agents, now: deps.now },
    { phase: 'platform', deadline: performance.now() + settings.manifestTimeoutMs, ranged: false },
  );
  if (blob.response.status !== 200) throw classifyBlobAnswer(blob, registryUrl, 'platform');
  return platformFromConfig(blob.response.body);
}

interface LayerContext {
  resolved: ResolvedTarget;
  registryUrl: string;
  credential: RegistryCredential;
  settings: Settings;
  agents: RegistryAgents;
  deps: ProbeDeps;
}

function emptyLayerRead(): LayerRead {
  return { digest: null, size: null, storageHost: null, redirects: 0, status: null };
}

/**
 * The layer phase: the first byte of the smallest layer of the platform a pull would take (the first required
 * platform, else the index's first entry), requested as a client does (`Range: bytes=0-0`), through the
 * registry's redirect to its storage host, which gets no registry credential. Fills `read` and the layer timings
 * as it goes, so a failure still names the storage host it failed at.
 */
async function readLayer(
  context: LayerContext,
  manifest: ParsedManifest,
  read: LayerRead,
  timings: PhaseTimings,
): Promise<void> {
  const started = performance.now();
  const deadline = started + context.settings.layerTimeoutMs;
  try {
    const platformManifest = manifest.isIndex
      ? await fetchPlatformManifest(context, manifest, deadline)
      : manifest;
    const layer = smallestLayer(platformManifest.layers);
    if (!layer) {
      throw new ProbeFailure(
        'integrity',
        'layer',
        'NoLayers',
        `the ${platformManifest.isIndex ? 'platform manifest is itself an index' : `manifest (${platformManifest.mediaType}) lists no layer a registry serves`}, so it is not a pullable image and the layer download cannot be checked; point the target at a runnable image, or set layerCheck to false`,
      );
    }
    read.digest = layer.digest;
    read.size = layer.size;
    const blob = await getBlob(
      {
        registryUrl: context.registryUrl,
        repository: context.resolved.ref.repository,
        digest: layer.digest,
        credential: context.credential,
        agents: context.agents,
        now: context.deps.now,
      },
      { phase: 'layer', deadline, ranged: true, read },
    );
    timings.layerRedirectMs = blob.redirectMs;
    Object.assign(timings, {
      layerDnsMs: blob.response.timings.dnsMs,
      layerConnectMs: blob.response.timings.connectMs,
      layerTlsMs: blob.response.timings.tlsMs,
      layerFirstByteMs: blob.response.timings.firstByteMs,
    });
    const { status, body } = blob.response;
    if (status !== 200 && status !== 206) throw classifyBlobAnswer(blob, context.registryUrl, 'layer');
    if (body.length === 0 && layer.size > 0) {
      throw new ProbeFailure(
        'integrity',
        'layer',
        'EmptyLayerResponse',
        `${blob.url.host} answered ${status} to the layer read of ${layer.digest} (${layer.size} bytes) with no byte of it`,
      );
    }
  } finally {
    timings.layerMs = elapsedSince(started);
  }
}

/** The platform manifest of an index a pull would take: the first required platform's, else the first entry's. */
async function fetchPlatformManifest(
  context: LayerContext,
  index: ParsedManifest,
  deadline: number,
): Promise<ParsedManifest> {
  const required = (context.resolved.target.platforms ?? []).map((p) => parsePlatform(p) as Platform);
  const first = required[0];
  const entry = first
    ? index.entries.find((candidate) => platformMatches(first, candidate.platform))
    : index.entries[0];
  if (!entry) {
    throw new ProbeFailure(
      'integrity',
      'layer',
      'NoLayers',
      'the index lists no runnable platform manifest, so it is not a pullable image and the layer download cannot be checked',
    );
  }
  const url = new URL(
    `${context.registryUrl}/v2/${context.resolved.ref.repository}/manifests/${entry.digest}`,
  );
  let response: RegistryResponse;
  try {
    response = await registryGet(
      {
        url,
        headers: { Authorization: context.credential.authorization, Accept: MANIFEST_MEDIA_TYPES.join(', ') },
        timeoutMs: remainingMs(deadline, url, 'layer'),
        agents: context.agents,
      },
      context.deps.now,
    );
  } catch (error) {
    throw classifyNetworkError(error, 'layer');
  }
  if (response.status !== 200) {
    throw classifyRegistryResponse(response.status, response.body.toString('utf8'), 'layer');
  }
  verifyDigest(response.body, headerValue(response.headers['docker-content-digest']), entry.digest, 'layer');
  return parseManifest(response.body, headerValue(response.headers['content-type']), 'layer');
}

interface BlobRequest {
  registryUrl: string;
  repository: string;
  digest: string;
  credential: RegistryCredential;
  agents: RegistryAgents;
  now: () => number;
}

interface BlobAnswer {
  response: RegistryResponse;
  /** The URL that gave `response`: the registry's, or the storage host's after redirects. */
  url: URL;
  /** Time of the registry's redirect answer; null when the registry served the blob itself. */
  redirectMs: number | null;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * One blob GET the way a pull makes it: redirects followed by hand, under the redirect policy of
 * lambda/engine/model/redirect-policy.ts (the credential only to the registry's origin; no downgrade to plain HTTP; at
 * most MAX_BLOB_REDIRECTS), every hop within the same deadline. `ranged` asks for the first byte only and stops
 * reading there, whatever the server sends.
 */
async function getBlob(
  request: BlobRequest,
  how: { phase: Phase; deadline: number; ranged: boolean; read?: LayerRead },
): Promise<BlobAnswer> {
  const registry = new URL(request.registryUrl);
  let url = new URL(`${request.registryUrl}/v2/${request.repository}/blobs/${request.digest}`);
  let redirectMs: number | null = null;
  for (let redirects = 0; ; redirects += 1) {
    if (how.read) how.read.storageHost = url.host;
    const headers: Record<string, string> = how.ranged ? { Range: 'bytes=0-0' } : {};
    if (mayCarryRegistryCredential(url, registry)) headers.Authorization = request.credential.authorization;
    let response: RegistryResponse;
    try {
      response = await registryGet(
        {
          url,
          headers,
          timeoutMs: remainingMs(how.deadline, url, how.phase),
          agents: request.agents,
          ...(how.ranged ? { readLimit: 1 } : {}),
        },
        request.now,
      );
    } catch (error) {
      throw atHost(classifyNetworkError(error, how.phase), url, registry);
    }
    if (how.read) how.read.status = response.status;
    const location = headerValue(response.headers.location);
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, url, redirectMs };
    redirectMs ??= response.timings.totalMs;
    if (redirects === MAX_BLOB_REDIRECTS) {
      throw new ProbeFailure(
        'network',
        how.phase,
        'TooManyRedirects',
        `more than ${MAX_BLOB_REDIRECTS} redirects fetching blob ${request.digest} (the last one from ${url.host}): a redirect loop or a misconfigured proxy`,
      );
    }
    const next = resolveRedirect(location, url, registry);
    if (next.problem !== null) {
      throw new ProbeFailure(
        'network',
        how.phase,
        'RefusedRedirect',
        `blob ${request.digest}: ${next.problem}`,
      );
    }
    if (how.read) how.read.redirects = redirects + 1;
    url = next.url;
  }
}

/** A failed answer to a blob request: the registry's own error format, or the storage host's. */
function classifyBlobAnswer(blob: BlobAnswer, registryUrl: string, phase: Phase): ProbeFailure {
  const body = blob.response.body.toString('utf8');
  return blob.url.origin === new URL(registryUrl).origin
    ? classifyRegistryResponse(blob.response.status, body, phase)
    : classifyStorageResponse(blob.response.status, body, blob.url.host, phase);
}

/** Names the storage host in a network failure past a redirect, where the registry host alone would mislead. */
function atHost(failure: ProbeFailure, url: URL, registry: URL): ProbeFailure {
  if (url.origin === registry.origin) return failure;
  return new ProbeFailure(
    failure.category,
    failure.phase,
    failure.code,
    `storage host ${url.host} (the registry's redirect for the blob): ${failure.message}`,
  );
}

/** What is left of a phase's deadline for the next request; none left is a deadline failure naming the host. */
function remainingMs(deadline: number, url: URL, phase: Phase): number {
  const left = Math.floor(deadline - performance.now());
  if (left <= 0) {
    throw new ProbeFailure(
      'network',
      phase,
      'DEADLINE_EXCEEDED',
      `the ${phase} phase ran out of time before asking ${url.host}`,
    );
  }
  return left;
}

/** An IAM role ARN matches the assumed-role sessions of that role; anything else must match exactly. */
export function principalMatches(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(expected);
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(actual);
  return Boolean(
    role && session && role[1] === session[1] && role[2] === session[2] && role[3] === session[3],
  );
}

function dateSampleOf(response: RegistryResponse): DateSample[] {
  const dateHeader = headerValue(response.headers.date);
  return dateHeader ? [{ dateHeader, sentAtMs: response.sentAtMs, receivedAtMs: response.receivedAtMs }] : [];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function elapsedSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
