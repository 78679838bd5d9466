/** Fixed failure taxonomy (see docs: failure taxonomy). Metric dimensions and alarms depend on these names. */
export const CATEGORIES = [
  'credentials',
  'auth',
  'permission',
  'throttle',
  'clock-skew',
  'not-found',
  'platform',
  'integrity',
  'network',
  'service',
  'unknown',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The step of a pull that failed, in the order a pull runs them. `layer` is the download of the first byte of a
 * layer, through the registry's redirect to its storage host (ECR: S3).
 */
export type Phase = 'credentials' | 'token' | 'manifest' | 'platform' | 'layer' | 'clock';

/** What to probe: one image, as configured by the user. */
export interface ProbeTarget {
  /**
   * `repo:tag`, `repo@sha256:…` (this account and region) or a full ECR URI. A reference on any other registry
   * host needs `registryUrl`: the ECR token goes only to ECR or to a registry named explicitly.
   */
  image: string;
  /** Short, stable name used as the metric dimension. @default derived from the image reference */
  name?: string;
  /** Region of the registry. @default the region in the image URI, else the probe's default region */
  region?: string;
  /** Platforms (`os/arch[/variant]`) that must be present in the image. @default none required */
  platforms?: string[];
  /** Role to assume before fetching the token, so the probe runs as the workload's identity. @default none */
  assumeRoleArn?: string;
  /** Principal the credential chain must resolve to (IAM role, user or assumed-role ARN). @default not checked */
  expectedPrincipal?: string;
  /**
   * Send the token to this registry instead of the ECR host (see `REGISTRY_URL_ALLOWED`: `https://host[:port]`;
   * the probe and CLI also take `http://` to a loopback host). @default the ECR host
   */
  registryUrl?: string;
  /** Digest the reference must resolve to. @default the digest in the reference, if any */
  expectedDigest?: string;
  /**
   * Read the first byte of the image's smallest layer the way a pull does, through the registry's redirect to
   * its storage host (the `layer` phase). Off for a registry that bills per request. @default true
   */
  layerCheck?: boolean;
  /**
   * The repository is a pull-through-cache repository (an ECR prefix with a cache rule for an upstream registry):
   * the probe's role also gets `ecr:BatchImportUpstreamImage` (fetch a tag or digest not cached yet) and
   * `ecr:CreateRepository` (the first pull creates the cached repository) on it, per the ECR pull-through-cache
   * IAM page. With `assumeRoleArn`, that role needs them instead. @default false
   */
  pullThroughCache?: boolean;
}

export interface PhaseTimings {
  /** Resolving credentials from the chain, including AssumeRole. */
  credentialsMs: number | null;
  /** GetAuthorizationToken, including the SDK's retries. */
  tokenMs: number | null;
  /** The manifest request from send to last byte. */
  manifestMs: number | null;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  /** Fetching the image config to check the platform of a single-arch manifest. */
  platformMs: number | null;
  /** The layer phase: the platform manifest of an index, the blob request and the first byte of the layer. */
  layerMs: number | null;
  /** From the blob request to the registry's redirect answer; null when the registry served the blob itself. */
  layerRedirectMs: number | null;
  /** DNS, connect, TLS and first byte of the request that served the layer's first byte (the storage host). */
  layerDnsMs: number | null;
  layerConnectMs: number | null;
  layerTlsMs: number | null;
  layerFirstByteMs: number | null;
}

/** What the layer phase read, and from where. */
export interface LayerRead {
  /** The smallest layer of the platform manifest, and its size as the manifest declares it; null until chosen. */
  digest: string | null;
  size: number | null;
  /** The host that answered last: the storage host after a redirect, else the registry itself. */
  storageHost: string | null;
  /** Redirects followed from the registry towards the storage host. */
  redirects: number;
  /** Status of the last answer (206 or 200 when healthy); null when none came. */
  status: number | null;
}

export interface ClockSkewEstimate {
  /** Host clock minus AWS clock, in seconds (positive: the host is ahead). */
  seconds: number;
  /** Half-width of the estimate: `Date` has one-second resolution, plus half the round trip. */
  uncertaintySeconds: number;
  /** Where the estimate came from. */
  source: 'date-header' | 'sdk-offset';
  /** The AWS SDK had to correct its clock offset and retry a signed request during this run. */
  sdkCorrected: boolean;
}

export interface ProbeResult {
  /** Target name (metric dimension). */
  target: string;
  image: string;
  region: string;
  ok: boolean;
  category: Category | null;
  phase: Phase | null;
  errorCode: string | null;
  message: string | null;
  remediation: string | null;
  /** Digest of the manifest the reference resolved to. */
  digest: string | null;
  mediaType: string | null;
  /** Platforms the image offers (from the index, or the single manifest's config). */
  platforms: string[];
  /** ARN of the identity whose credentials were used, when known. */
  identity: string | null;
  registryUrl: string | null;
  startedAt: string;
  /** Wall time of the whole target probe. */
  latencyMs: number;
  timings: PhaseTimings;
  /** The layer phase; null when it did not run (switched off, or an earlier phase failed). */
  layer: LayerRead | null;
  clockSkew: ClockSkewEstimate | null;
  /** Attempts the SDK made for GetAuthorizationToken (1 = no retry). */
  tokenAttempts: number;
  /** Responses that were throttled during this probe, including ones the SDK retried past. */
  throttledResponses: number;
  tokenExpiresAt: string | null;
}
