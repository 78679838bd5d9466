import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { MAX_BLOB_REDIRECTS } from '../lambda/engine/model/limits.ts';
import {
  OCI_CONFIG_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  type SingleArchImage,
  sha256Digest,
} from '../lambda/engine/model/oci-image.ts';
import { resolveTarget } from '../lambda/engine/model/target.ts';
import type { Category, Phase, ProbeResult, ProbeTarget } from '../lambda/engine/model/types.ts';
import { createAwsClientFactory } from '../lambda/engine/probe/aws-clients.ts';
import { type ProbeOptions, probeTargets } from '../lambda/engine/probe/probe.ts';
import { pushImage } from '../lambda/engine/registry/push.ts';
import { startEcrDouble } from './support/ecr-double.ts';
import { expectTextClassifierAgrees } from './support/explain-agreement.ts';
import {
  ACCOUNT,
  applyEnv,
  type ProbeEnvironment,
  REGION,
  secretForms,
  startProbeEnvironment,
  WORKLOAD_ROLE,
} from './support/probe-env.ts';
import { type RegistryFaultProxy, startProxyInFrontOf } from './support/registry-faults.ts';
import { presignedLayerUrl, type StorageDouble, startStorageDouble } from './support/storage-double.ts';

const registry = inject('registry');
const { multiArch, singleArch } = registry.images;
const SECRETS = secretForms(registry.password);
const DEADLINES = {
  credentialsTimeoutMs: 3000,
  tokenTimeoutMs: 4000,
  manifestTimeoutMs: 3000,
  layerTimeoutMs: 3000,
};
const BUDGET_MS =
  DEADLINES.credentialsTimeoutMs +
  DEADLINES.tokenTimeoutMs +
  DEADLINES.manifestTimeoutMs +
  DEADLINES.layerTimeoutMs;
const TWENTY_MINUTES_MS = 20 * 60 * 1000;
/** A phase deadline for the cases that show a hang ends in a verdict within it, whatever its value. */
const SHORT_DEADLINE_MS = 300;

let world: ProbeEnvironment;
let restoreEnv: () => void;

beforeAll(async () => {
  world = await startProbeEnvironment(registry);
  restoreEnv = applyEnv(world.env);
});
afterAll(async () => {
  restoreEnv();
  await world.close();
});
beforeEach(() => {
  world.double.reset();
  world.proxy.setFault(null);
});

interface Run {
  result: ProbeResult;
  elapsedMs: number;
}

async function probe(target: Partial<ProbeTarget> = {}, options: Partial<ProbeOptions> = {}): Promise<Run> {
  const resolved = resolveTarget(
    { image: `${multiArch.repository}:${multiArch.tag}`, registryUrl: world.proxy.url, ...target },
    REGION,
  );
  const started = performance.now();
  const [result] = await probeTargets(
    [resolved],
    { defaultRegion: REGION, ca: registry.caPem, ...DEADLINES, ...options },
    // A fresh factory per run: no SDK clock offset or cached credentials carried between scenarios.
    { clients: createAwsClientFactory({ requestTimeoutMs: 2000 }), now: Date.now },
  );
  if (!result) throw new Error('no result');
  return { result, elapsedMs: performance.now() - started };
}

function expectVerdict(run: Run, category: Category, phase: Phase, budgetMs = BUDGET_MS): void {
  const { result } = run;
  expect({ ok: result.ok, category: result.category, phase: result.phase }, result.message ?? '').toEqual({
    ok: false,
    category,
    phase,
  });
  expect(result.remediation).toBeTruthy();
  expect(run.elapsedMs).toBeLessThan(budgetMs);
  expectNoSecret(result);
  expectTextClassifierAgrees(result);
}

function expectNoSecret(result: ProbeResult): void {
  const text = JSON.stringify(result);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('healthy pulls', () => {
  it('resolves a multi-arch tag to the digest the registry stores, with identity and timings', async () => {
    const run = await probe({ platforms: ['linux/arm64'] });
    expect(run.result.ok, run.result.message ?? '').toBe(true);
    expect(run.result.digest).toBe(multiArch.digest);
    expect(run.result.platforms).toEqual(multiArch.platforms);
    expect(run.result.identity).toBe(`arn:aws:iam::${ACCOUNT}:user/canary`);
    expect(run.result.timings.tokenMs).toBeGreaterThan(0);
    expect(run.result.timings.tlsMs).toBeGreaterThan(0);
    expect(run.result.tokenAttempts).toBe(1);
    expect(Math.abs(run.result.clockSkew?.seconds ?? 99)).toBeLessThanOrEqual(
      run.result.clockSkew?.uncertaintySeconds ?? 0,
    );
    expect(run.result.tokenExpiresAt).not.toBeNull();
    expectNoSecret(run.result);
  });

  it('checks a single-arch image platform from its config blob', async () => {
    const run = await probe({
      image: `${singleArch.repository}:${singleArch.tag}`,
      platforms: [singleArch.platform],
    });
    expect(run.result.ok, run.result.message ?? '').toBe(true);
    expect(run.result.digest).toBe(singleArch.digest);
    expect(run.result.platforms).toEqual([singleArch.platform]);
    expect(run.result.timings.platformMs).toBeGreaterThan(0);
  });

  it('pulls by digest, and through the token proxy endpoint when no registry URL is given', async () => {
    const run = await probe({ image: `${multiArch.repository}@${multiArch.digest}`, registryUrl: undefined });
    expect(run.result.ok, run.result.message ?? '').toBe(true);
    expect(run.result.registryUrl).toBe(world.proxy.url);
  });

  it('runs as the workload role and accepts it as the expected principal', async () => {
    const run = await probe({ assumeRoleArn: WORKLOAD_ROLE, expectedPrincipal: WORKLOAD_ROLE });
    expect(run.result.ok, run.result.message ?? '').toBe(true);
    expect(run.result.identity).toMatch(/^arn:aws:sts::111122223333:assumed-role\/eks-node-role\//);
  });

  it('reports throttled retries on a pull that recovered', async () => {
    world.double.setFault({ kind: 'throttle', times: 2 });
    const run = await probe();
    expect(run.result.ok, run.result.message ?? '').toBe(true);
    expect(run.result.tokenAttempts).toBe(3);
    expect(run.result.throttledResponses).toBe(2);
  });

  it('does not count a slow identity lookup as pull latency', async () => {
    // A key this worker has not seen, so the identity is looked up rather than taken from the cache.
    const keys = {
      accessKeyId: 'AKIASLOWIDENTITY0001',
      secretAccessKey: 'slow-identity-test-secret-000000000000',
      arn: `arn:aws:iam::${ACCOUNT}:user/slow-identity`,
    };
    const other = await startEcrDouble({
      identities: [keys],
      registryPassword: registry.password,
      proxyEndpoint: world.proxy.url,
    });
    other.setFault({ kind: 'slow', delayMs: 1500 }, { service: 'sts' });
    const restore = applyEnv({
      AWS_ENDPOINT_URL_ECR: other.url,
      AWS_ENDPOINT_URL_STS: other.url,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    });
    try {
      const run = await probe();
      expect(run.result.ok, run.result.message ?? '').toBe(true);
      expect(run.result.identity).toBe(keys.arn);
      expect(run.elapsedMs).toBeGreaterThan(1500);
      expect(run.result.latencyMs).toBeLessThan(1000);
    } finally {
      restore();
      await other.close();
    }
  });

  it('speaks plain HTTP to a registry only when its URL says http://', async () => {
    const plain = await startProxyInFrontOf(registry, { plainHttp: true });
    try {
      const run = await probe({ registryUrl: plain.url });
      expect(run.result.ok, run.result.message ?? '').toBe(true);
      expect(run.result.timings.tlsMs).toBeNull();
      // The index, the platform manifest of the layer phase, and its ranged layer read (Distribution honours Range).
      expect(plain.requests.map((r) => r.status)).toEqual([200, 200, 206]);
      // The same listener reached over https:// fails the TLS handshake: no silent downgrade.
      const tls = await probe({ registryUrl: plain.url.replace('http://', 'https://') });
      expectVerdict(tls, 'network', 'manifest');
    } finally {
      await plain.close();
    }
  });

  it('shares one token per region and identity across targets', async () => {
    const targets = [multiArch, singleArch].map((image) =>
      resolveTarget({ image: `${image.repository}:${image.tag}`, registryUrl: world.proxy.url }, REGION),
    );
    const results = await probeTargets(
      targets,
      { defaultRegion: REGION, ca: registry.caPem },
      {
        clients: createAwsClientFactory(),
        now: Date.now,
      },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(world.double.calls.filter((call) => call.operation === 'GetAuthorizationToken')).toHaveLength(1);
  });
});

describe('credentials', () => {
  it('no credentials in the chain', async () => {
    const restore = applyEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    try {
      const run = await probe();
      expectVerdict(run, 'credentials', 'credentials');
      expect(run.result.errorCode).toBe('CredentialsProviderError');
    } finally {
      restore();
    }
  });

  it('the chain resolves to an unexpected identity', async () => {
    const run = await probe({ expectedPrincipal: WORKLOAD_ROLE });
    expectVerdict(run, 'credentials', 'credentials');
    expect(run.result.errorCode).toBe('UnexpectedPrincipal');
    expect(run.result.message).toContain(`arn:aws:iam::${ACCOUNT}:user/canary`);
  });

  it('AssumeRole is refused', async () => {
    const run = await probe({ assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/not-trusted` });
    expectVerdict(run, 'credentials', 'credentials');
    expect(run.result.errorCode).toBe('AccessDenied');
  });
});

describe('the ECR API', () => {
  it.each([
    [{ kind: 'access-denied' } as const, 'permission', 'AccessDeniedException'],
    [{ kind: 'unrecognized-client' } as const, 'auth', 'UnrecognizedClientException'],
    [{ kind: 'expired-token' } as const, 'auth', 'ExpiredTokenException'],
    [{ kind: 'malformed-token' } as const, 'auth', 'MalformedToken'],
    // Throttling that never stops: the case below, which also counts the attempts.
    [{ kind: 'server-error', times: Number.POSITIVE_INFINITY } as const, 'service', 'ServerException'],
    [{ kind: 'reset' } as const, 'network', 'ECONNRESET'],
  ])('%o gives %s', async (fault, category, code) => {
    world.double.setFault(fault);
    const run = await probe();
    expectVerdict(run, category as Category, 'token');
    expect(run.result.errorCode).toBe(code);
  });

  it('a hung API yields a network verdict within the token deadline', async () => {
    world.double.setFault({ kind: 'hang' });
    const run = await probe({}, { tokenTimeoutMs: SHORT_DEADLINE_MS });
    expectVerdict(run, 'network', 'token', DEADLINES.credentialsTimeoutMs + SHORT_DEADLINE_MS + 500);
  });

  it('throttling that does not recover gives throttle and counts every throttled attempt', async () => {
    world.double.setFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY });
    const run = await probe();
    expectVerdict(run, 'throttle', 'token');
    expect(run.result.errorCode).toBe('ThrottlingException');
    expect(run.result.throttledResponses).toBe(3);
    expect(run.result.tokenAttempts).toBe(3);
  });

  it('a wrong secret key is an auth failure, not clock skew', async () => {
    const restore = applyEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    try {
      const run = await probe();
      expectVerdict(run, 'auth', 'token');
      expect(run.result.errorCode).toBe('InvalidSignatureException');
    } finally {
      restore();
    }
  });
});

describe('clock skew', () => {
  it.each([
    ['ahead of', -TWENTY_MINUTES_MS, 1200],
    ['behind', TWENTY_MINUTES_MS, -1200],
  ])(
    'a host clock 20 minutes %s AWS is reported although the SDK corrected it',
    async (_, offsetMs, seconds) => {
      world.double.setClockOffsetMs(offsetMs);
      const run = await probe();
      expectVerdict(run, 'clock-skew', 'clock');
      expect(run.result.digest).toBe(multiArch.digest);
      expect(run.result.clockSkew?.sdkCorrected).toBe(true);
      expect(run.result.clockSkew?.seconds).toBeCloseTo(seconds, -1);
    },
  );
});

describe('the registry', () => {
  it('an expired 12-hour token', async () => {
    world.proxy.setFault({ kind: 'expired-token' });
    expectVerdict(await probe(), 'auth', 'manifest');
  });

  it('a token the registry does not accept (401)', async () => {
    const other = await startEcrDouble({
      identities: [
        {
          accessKeyId: world.env.AWS_ACCESS_KEY_ID as string,
          secretAccessKey: world.env.AWS_SECRET_ACCESS_KEY as string,
          arn: 'arn:aws:iam::111122223333:user/canary',
        },
      ],
      registryPassword: 'a-password-the-registry-never-saw',
      proxyEndpoint: world.proxy.url,
    });
    const restore = applyEnv({ AWS_ENDPOINT_URL_ECR: other.url });
    try {
      const run = await probe();
      expectVerdict(run, 'auth', 'manifest');
      // Distribution says UNAUTHORIZED in a JSON body; ECR sends plain "Not Authorized" (code HTTP_401).
      expect(run.result.errorCode).toBe('UNAUTHORIZED');
      expect(JSON.stringify(run.result)).not.toContain('a-password-the-registry-never-saw');
    } finally {
      restore();
      await other.close();
    }
  });

  it('403 DENIED for the identity', async () => {
    world.proxy.setFault({ kind: 'denied', principalArn: `arn:aws:iam::${ACCOUNT}:user/canary` });
    const run = await probe();
    expectVerdict(run, 'permission', 'manifest');
    expect(run.result.message).toContain('ecr:BatchGetImage');
  });

  it('a missing repository', async () => {
    const run = await probe({ image: 'canary/does-not-exist:v1' });
    expectVerdict(run, 'not-found', 'manifest');
    // ECR answers NAME_UNKNOWN; Distribution 2.8's filesystem driver answers MANIFEST_UNKNOWN for an unknown name.
    expect(run.result.errorCode).toMatch(/^(NAME|MANIFEST)_UNKNOWN$/);
  });

  it('a missing tag', async () => {
    const run = await probe({ image: `${multiArch.repository}:no-such-tag` });
    expectVerdict(run, 'not-found', 'manifest');
    expect(run.result.errorCode).toBe('MANIFEST_UNKNOWN');
  });

  it('429 throttling', async () => {
    world.proxy.setFault({ kind: 'throttle' });
    const run = await probe();
    expectVerdict(run, 'throttle', 'manifest');
    expect(run.result.errorCode).toBe('TOOMANYREQUESTS');
  });

  it.each([500, 502, 503])('%i is a service failure', async (status) => {
    world.proxy.setFault({ kind: 'status', status });
    expectVerdict(await probe(), 'service', 'manifest');
  });

  it('a digest header that does not match the bytes', async () => {
    world.proxy.setFault({ kind: 'digest-mismatch' });
    const run = await probe();
    expectVerdict(run, 'integrity', 'manifest');
    expect(run.result.errorCode).toBe('DigestMismatch');
  });

  it('bytes altered on the way', async () => {
    world.proxy.setFault({ kind: 'corrupt-body' });
    expectVerdict(await probe(), 'integrity', 'manifest');
  });

  it('a tag that moved away from the pinned digest', async () => {
    const run = await probe({ expectedDigest: singleArch.digest });
    expectVerdict(run, 'integrity', 'manifest');
    expect(run.result.errorCode).toBe('PinnedDigestMismatch');
  });

  it('a required platform the index lacks', async () => {
    const run = await probe({ platforms: ['linux/amd64', 'linux/s390x'] });
    expectVerdict(run, 'platform', 'platform');
    expect(run.result.message).toContain('linux/s390x');
  });

  it('an arm64 node pulling an amd64-only image', async () => {
    const run = await probe({
      image: `${singleArch.repository}:${singleArch.tag}`,
      platforms: ['linux/arm64'],
    });
    expectVerdict(run, 'platform', 'platform');
  });
});

describe('the network path to the registry', () => {
  let closedPort: number;
  let silent: Server;
  beforeAll(async () => {
    // A port that was just free: nothing listens there, so connecting is refused.
    closedPort = await new Promise<number>((resolve) => {
      const probeServer = createServer().listen(0, '127.0.0.1', () => {
        const address = probeServer.address();
        probeServer.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    // Accepts TCP and never speaks: a black-holed endpoint behind a security group that allows SYN.
    silent = createServer(() => undefined).listen(0, '127.0.0.1');
  });
  afterAll(() => {
    silent.close();
  });

  it('DNS failure', async () => {
    const run = await probe({ registryUrl: 'https://registry.invalid' });
    expectVerdict(run, 'network', 'manifest');
    expect(run.result.errorCode).toBe('ENOTFOUND');
  });

  it('connection refused', async () => {
    const run = await probe({ registryUrl: `https://127.0.0.1:${closedPort}` });
    expectVerdict(run, 'network', 'manifest');
    expect(run.result.errorCode).toBe('ECONNREFUSED');
  });

  it('connection reset', async () => {
    world.proxy.setFault({ kind: 'reset' });
    const run = await probe();
    expectVerdict(run, 'network', 'manifest');
    expect(run.result.errorCode).toBe('ECONNRESET');
  });

  it('a hung registry yields a verdict within the manifest deadline', async () => {
    world.proxy.setFault({ kind: 'hang' });
    const run = await probe({}, { manifestTimeoutMs: SHORT_DEADLINE_MS });
    expectVerdict(run, 'network', 'manifest', DEADLINES.tokenTimeoutMs + SHORT_DEADLINE_MS + 500);
    expect(run.result.errorCode).toBe('DEADLINE_EXCEEDED');
  });

  it('a TLS handshake that never completes', async () => {
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const run = await probe(
      { registryUrl: `https://127.0.0.1:${port}` },
      { manifestTimeoutMs: SHORT_DEADLINE_MS },
    );
    expectVerdict(run, 'network', 'manifest', DEADLINES.tokenTimeoutMs + SHORT_DEADLINE_MS + 500);
  });

  it('a certificate the host does not trust', async () => {
    const run = await probe({}, { ca: undefined });
    expectVerdict(run, 'network', 'manifest');
    expect(run.result.errorCode).toMatch(/CERT|SIGNATURE|SELF_SIGNED/);
  });
});

describe('the layer download through the storage redirect', () => {
  let storage: StorageDouble;
  let plainStorage: StorageDouble;
  let closedStorageUrl: string;
  beforeAll(async () => {
    [storage, plainStorage] = await Promise.all([
      startStorageDouble(registry),
      startStorageDouble(registry, { plainHttp: true }),
    ]);
    const closed = await startStorageDouble(registry);
    closedStorageUrl = closed.url;
    await closed.close();
  });
  afterAll(async () => {
    await Promise.all([storage.close(), plainStorage.close()]);
  });
  beforeEach(() => {
    world.proxy.requests.length = 0;
    for (const double of [storage, plainStorage]) {
      double.requests.length = 0;
      double.setMode('healthy');
    }
  });

  /** The registry (the fault proxy in front of it) answers blob requests with a redirect to `storageUrl`. */
  function redirectBlobsTo(storageUrl: string, proxy: RegistryFaultProxy = world.proxy): void {
    proxy.setFault({ kind: 'redirect-blobs', location: (path) => presignedLayerUrl(storageUrl, path) });
  }

  /** No request that reached the storage host carried the registry's credential, in any header or the URL. */
  function expectNoCredentialAtStorage(double: StorageDouble): void {
    for (const request of double.requests) {
      expect(request.headers.authorization).toBeUndefined();
      const seen = `${request.path} ${JSON.stringify(request.headers)}`;
      for (const secret of SECRETS) expect(seen).not.toContain(secret);
    }
  }

  it('reads the first byte of the smallest layer of the required platform at the storage host, without the token', async () => {
    redirectBlobsTo(storage.url);
    const run = await probe({ platforms: ['linux/arm64'] });
    const { result } = run;
    expect(result.ok, result.message ?? '').toBe(true);
    expect(result.layer).toMatchObject({
      storageHost: new URL(storage.url).host,
      redirects: 1,
      status: 206,
    });
    expect(result.layer?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.timings.layerMs).toBeGreaterThan(0);
    expect(result.timings.layerRedirectMs).toBeGreaterThan(0);
    expect(result.timings.layerTlsMs).toBeGreaterThan(0);
    expect(result.timings.layerFirstByteMs).toBeGreaterThan(0);
    // The pull latency covers the layer phase too.
    expect(result.latencyMs).toBeGreaterThanOrEqual(result.timings.layerMs ?? Number.POSITIVE_INFINITY);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.headers.range).toBe('bytes=0-0');
    expect(storage.requests[0]?.path).toContain((result.layer?.digest ?? '').slice('sha256:'.length));
    expectNoCredentialAtStorage(storage);
    // The registry hop did carry it: the blob request was answered with the redirect, not a 401.
    expect(world.proxy.requests.filter((r) => r.path.includes('/blobs/')).map((r) => r.status)).toEqual([
      307,
    ]);
    expectNoSecret(result);
  });

  it('takes the blob from the registry itself when it does not redirect', async () => {
    const { result } = await probe();
    expect(result.ok, result.message ?? '').toBe(true);
    expect(result.layer).toMatchObject({
      storageHost: new URL(world.proxy.url).host,
      redirects: 0,
      status: 206,
    });
    expect(result.timings.layerRedirectMs).toBeNull();
  });

  it('a storage host that refuses the connection is a network failure naming it', async () => {
    redirectBlobsTo(closedStorageUrl);
    const run = await probe();
    expectVerdict(run, 'network', 'layer');
    expect(run.result.errorCode).toBe('ECONNREFUSED');
    expect(run.result.message).toContain(new URL(closedStorageUrl).host);
    expect(run.result.layer?.storageHost).toBe(new URL(closedStorageUrl).host);
  });

  it('a hanging storage host yields a network verdict within the layer deadline', async () => {
    redirectBlobsTo(storage.url);
    storage.setMode('hang');
    const run = await probe({}, { layerTimeoutMs: SHORT_DEADLINE_MS });
    expectVerdict(run, 'network', 'layer');
    expect(run.result.errorCode).toBe('DEADLINE_EXCEEDED');
    expect(run.result.message).toContain(new URL(storage.url).host);
    expect(run.result.timings.layerMs).toBeLessThan(SHORT_DEADLINE_MS + 200);
    expectNoCredentialAtStorage(storage);
  });

  it('a 403 from storage (S3 XML AccessDenied) is a permission failure that names the host and the policy', async () => {
    redirectBlobsTo(storage.url);
    storage.setMode('denied');
    const run = await probe();
    expectVerdict(run, 'permission', 'layer');
    expect(run.result.errorCode).toBe('AccessDenied');
    expect(run.result.message).toContain(
      `storage host ${new URL(storage.url).host} answered 403 AccessDenied`,
    );
    expect(run.result.message).toContain('endpoint policy');
    expect(run.result.remediation).toContain('starport-layer-bucket');
    expectNoCredentialAtStorage(storage);
  });

  it('a redirect loop ends after the redirect cap with a network verdict', async () => {
    redirectBlobsTo(storage.url);
    storage.setMode('redirect-loop');
    const run = await probe();
    expectVerdict(run, 'network', 'layer');
    expect(run.result.errorCode).toBe('TooManyRedirects');
    // One redirect from the registry, then the storage host's own until the cap.
    expect(storage.requests).toHaveLength(MAX_BLOB_REDIRECTS);
    expectNoCredentialAtStorage(storage);
  });

  it('refuses a redirect from an https registry to plain HTTP, before any request to it', async () => {
    redirectBlobsTo(plainStorage.url);
    const run = await probe();
    expectVerdict(run, 'network', 'layer');
    expect(run.result.errorCode).toBe('RefusedRedirect');
    expect(run.result.message).toContain('plain-HTTP');
    expect(plainStorage.requests).toHaveLength(0);
  });

  it('follows a redirect to plain HTTP when the registry itself was reached over http://', async () => {
    const plain = await startProxyInFrontOf(registry, { plainHttp: true });
    try {
      redirectBlobsTo(plainStorage.url, plain);
      const { result } = await probe({ registryUrl: plain.url });
      expect(result.ok, result.message ?? '').toBe(true);
      expect(result.layer?.storageHost).toBe(new URL(plainStorage.url).host);
      expect(plainStorage.requests).toHaveLength(1);
      expectNoCredentialAtStorage(plainStorage);
    } finally {
      await plain.close();
    }
  });

  it.each([
    ['200 with the whole blob (the range ignored)', 'whole-body', 200],
    ['206 with more than the one byte asked for', 'oversized-206', 206],
  ] as const)('%s: reads one byte and hangs up', async (_, mode, status) => {
    redirectBlobsTo(storage.url);
    storage.setMode(mode);
    const run = await probe();
    expect(run.result.ok, run.result.message ?? '').toBe(true);
    expect(run.result.layer?.status).toBe(status);
    // The whole-body storage never ends its answer: only a reader that stops at the first byte gets here in time.
    expect(run.result.timings.layerMs).toBeLessThan(DEADLINES.layerTimeoutMs);
  });

  it('a 2xx answer without the byte is an integrity failure', async () => {
    redirectBlobsTo(storage.url);
    storage.setMode('empty');
    const run = await probe();
    expectVerdict(run, 'integrity', 'layer');
    expect(run.result.errorCode).toBe('EmptyLayerResponse');
  });

  it('a manifest with no layers (a config-only artifact) is not a pullable image', async () => {
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' } }),
    );
    const configDigest = sha256Digest(config);
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST_MEDIA_TYPE,
        config: { mediaType: OCI_CONFIG_MEDIA_TYPE, digest: configDigest, size: config.length },
        layers: [],
      }),
    );
    const image: SingleArchImage = {
      blobs: new Map([[configDigest, config]]),
      manifests: [
        {
          digest: sha256Digest(bytes),
          mediaType: OCI_MANIFEST_MEDIA_TYPE,
          bytes,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    };
    await pushImage({
      registryUrl: registry.url,
      repository: 'canary/config-only',
      tag: 'v1',
      image,
      authorization: `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`,
      ca: registry.caPem,
    });
    const run = await probe({ image: 'canary/config-only:v1' });
    expectVerdict(run, 'integrity', 'layer');
    expect(run.result.errorCode).toBe('NoLayers');
    expect(run.result.message).toContain('layerCheck');
  });

  it('with layerCheck off, asks for no blob and reports no layer phase', async () => {
    redirectBlobsTo(storage.url);
    const { result } = await probe({ layerCheck: false });
    expect(result.ok, result.message ?? '').toBe(true);
    expect(result.layer).toBeNull();
    expect(result.timings.layerMs).toBeNull();
    expect(world.proxy.requests.filter((r) => r.path.includes('/blobs/'))).toHaveLength(0);
    expect(storage.requests).toHaveLength(0);
  });
});
