import https from 'node:https';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parseImageReference } from '../lambda/engine/model/image-ref.ts';
import { type ResolvedTarget, resolveTarget, TargetConfigError } from '../lambda/engine/model/target.ts';
import type { ProbeResult, ProbeTarget } from '../lambda/engine/model/types.ts';
import { createAwsClientFactory } from '../lambda/engine/probe/aws-clients.ts';
import { type ProbeOptions, probeTargets } from '../lambda/engine/probe/probe.ts';
import { type CliRun, runCliProcess } from './support/cli-process.ts';
import { startEcrDouble } from './support/ecr-double.ts';
import {
  applyEnv,
  CANARY_KEYS,
  type ProbeEnvironment,
  REGION,
  secretForms,
  startProbeEnvironment,
} from './support/probe-env.ts';
import { type RecordingListener, startRecordingListener } from './support/recording-listener.ts';

/**
 * Issue 8, item 2: the ECR token goes only to ECR or to a registry named explicitly. A TLS listener on loopback
 * that the probe trusts (its certificate is signed by the test CA) records every connection and request; pointed
 * at by an image reference alone it must see nothing, pointed at by an explicit registry URL it must see the
 * token (the positive control that shows the listener would have caught a leak). docker.io and ghcr.io cannot be
 * reached from here; for them the proof is that no token is even fetched, before any other network call.
 */

const registry = inject('registry');
const { multiArch, singleArch } = registry.images;
const SECRETS = secretForms(registry.password);
const AUTHORIZATION = `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`;

let world: ProbeEnvironment;
let listener: RecordingListener;
let restoreEnv: () => void;

beforeAll(async () => {
  [world, listener] = await Promise.all([startProbeEnvironment(registry), startRecordingListener(registry)]);
  restoreEnv = applyEnv(world.env);
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([world.close(), listener.close()]);
});
beforeEach(() => {
  world.double.reset();
  listener.clear();
});

/** References whose host is not ECR; PORT is the listener's, so a leak would land there. */
const FOREIGN = [
  'docker.io/library/nginx:latest',
  'ghcr.io/org/app:1',
  `localhost:PORT/${multiArch.repository}:${multiArch.tag}`,
  `127.0.0.1:PORT/${multiArch.repository}:${multiArch.tag}`,
];
const atListener = (image: string) => image.replace('PORT', String(listener.port));

function expectNothingSent(): void {
  expect(listener.connections).toBe(0);
  expect(listener.requests).toEqual([]);
  // No token was fetched either: the refusal comes before any network call.
  expect(world.double.calls).toEqual([]);
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('the CLI, in its own process, trusting the listener through NODE_EXTRA_CA_CERTS', () => {
  const cli = (args: string[]): Promise<CliRun> =>
    runCliProcess(args, { NODE_EXTRA_CA_CERTS: registry.caPath, ...world.env });

  it.each(FOREIGN)('exits 2 for %s without --registry-url, and sends nothing anywhere', async (image) => {
    const run = await cli([atListener(image), '--json']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('is not an ECR registry host');
    expect(run.stdout).toBe('');
    expectNothingSent();
  });

  it('sends the token to the listener when --registry-url names it (positive control)', async () => {
    const run = await cli([atListener(FOREIGN[2] as string), '--registry-url', listener.url, '--json']);
    // The listener has no such manifest: a verdict, after the request carried the token.
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, category: 'not-found' });
    expect(listener.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      [`/v2/${multiArch.repository}/manifests/${multiArch.tag}`, AUTHORIZATION],
    ]);
    expectNoSecret(run.stdout + run.stderr);
  });
});

describe('the probe function', () => {
  const OPTIONS: ProbeOptions = { defaultRegion: REGION, ca: registry.caPem, lookupIdentity: false };
  const run = (targets: ResolvedTarget[]): Promise<ProbeResult[]> =>
    probeTargets(targets, OPTIONS, { clients: createAwsClientFactory(), now: Date.now });

  it.each(FOREIGN)('refuses to resolve %s without a registry URL', (image) => {
    expect(() => resolveTarget({ image: atListener(image) }, REGION)).toThrow(TargetConfigError);
    expect(() => resolveTarget({ image: atListener(image) }, REGION)).toThrow('is not an ECR registry host');
  });

  it('withholds the token as a verdict for targets built by hand, and sends nothing', async () => {
    // GIVEN targets that skipped resolveTarget: foreign hosts, and a plain-HTTP URL to a non-loopback host
    const byHand = (target: ProbeTarget): ResolvedTarget => ({
      target,
      name: target.image,
      ref: parseImageReference(target.image),
      region: REGION,
    });
    const targets = [
      ...FOREIGN.map((image) => byHand({ image: atListener(image) })),
      byHand({
        image: `${multiArch.repository}:${multiArch.tag}`,
        registryUrl: 'http://registry.example.com',
      }),
    ];
    // WHEN probed / THEN each is a verdict, with no token fetched and no request sent
    const results = await run(targets);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        category: 'unknown',
        phase: 'token',
        errorCode: 'RegistryNotAllowed',
        registryUrl: null,
        tokenAttempts: 0,
      });
      expect(result.message).toMatch(/^the ECR token was withheld: /);
      expect(result.remediation).toBeTruthy();
    }
    expect(results[0]?.message).toContain('registry host "docker.io" is not an ECR registry host');
    expect(results[4]?.message).toContain('registryUrl "http://registry.example.com" is not allowed');
    expectNothingSent();
  });

  it('sends the token to the listener when the target names it (positive control)', async () => {
    const image = atListener(FOREIGN[3] as string);
    const [result] = await run([resolveTarget({ image, registryUrl: listener.url }, REGION)]);
    expect(result).toMatchObject({ ok: false, category: 'not-found', registryUrl: listener.url });
    expect(listener.requests.map((r) => r.headers.authorization)).toEqual([AUTHORIZATION]);
    expectNoSecret(JSON.stringify(result));
  });
});

describe('a short reference', () => {
  it.each([
    ['https', 1],
    ['http', 0],
  ])(
    'goes to the %s proxy endpoint that came with the token only if it is https://host[:port]',
    async (scheme, expected) => {
      // GIVEN an ECR API whose token names the listener as its proxy endpoint, over https or plain http
      const ecr = await startEcrDouble({
        identities: [CANARY_KEYS],
        registryPassword: registry.password,
        proxyEndpoint: listener.url.replace('https:', `${scheme}:`),
      });
      const restore = applyEnv({ AWS_ENDPOINT_URL_ECR: ecr.url, AWS_ENDPOINT_URL_STS: ecr.url });
      try {
        // WHEN a short reference is probed
        const [result] = await probeTargets(
          [resolveTarget({ image: `${multiArch.repository}:${multiArch.tag}` }, REGION)],
          { defaultRegion: REGION, ca: registry.caPem, lookupIdentity: false },
          { clients: createAwsClientFactory(), now: Date.now },
        );
        // THEN the token goes to an https:// endpoint, and never in clear text
        expect(listener.requests.map((r) => r.headers.authorization)).toEqual(
          Array(expected).fill(AUTHORIZATION),
        );
        if (scheme === 'http') {
          expect(listener.connections).toBe(0);
          expect(result).toMatchObject({ ok: false, errorCode: 'NoRegistryEndpoint', phase: 'manifest' });
          expect(result?.message).toContain('the token was not sent');
        }
        expectNoSecret(JSON.stringify(result));
      } finally {
        restore();
        await ecr.close();
      }
    },
  );
});

describe('redirects', () => {
  let origin: RecordingListener;
  let elsewhere: RecordingListener;

  beforeAll(async () => {
    // A registry that keeps its blobs on another origin, as ECR does with S3: the manifest and config of the
    // seeded single-arch image, the config blob answered with a redirect to the second listener.
    const manifest = await fetchFromRegistry(
      `/v2/${singleArch.repository}/manifests/${singleArch.tag}`,
      'application/vnd.oci.image.manifest.v1+json',
    );
    const configDigest = JSON.parse(manifest.body.toString('utf8')).config.digest as string;
    const config = await fetchFromRegistry(`/v2/${singleArch.repository}/blobs/${configDigest}`);
    elsewhere = await startRecordingListener(registry, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(config.body);
    });
    origin = await startRecordingListener(registry, (req, res) => {
      if (req.url === `/v2/${singleArch.repository}/manifests/${singleArch.tag}`) {
        res.writeHead(200, {
          'content-type': manifest.contentType,
          'docker-content-digest': singleArch.digest,
        });
        res.end(manifest.body);
      } else {
        res.writeHead(307, { location: `${elsewhere.url}/blob/${configDigest}` });
        res.end();
      }
    });
  });
  afterAll(async () => {
    await Promise.all([origin.close(), elsewhere.close()]);
  });

  it('never carries the Authorization header to the origin a blob redirects to', async () => {
    const target = resolveTarget(
      {
        image: `${singleArch.repository}:${singleArch.tag}`,
        registryUrl: origin.url,
        platforms: [singleArch.platform],
      },
      REGION,
    );
    const [result] = await probeTargets(
      [target],
      { defaultRegion: REGION, ca: registry.caPem, lookupIdentity: false },
      { clients: createAwsClientFactory(), now: Date.now },
    );
    expect(result?.ok, result?.message ?? '').toBe(true);
    expect(result?.platforms).toEqual([singleArch.platform]);
    // The origin got the token on all of its requests (manifest, config blob, and the layer phase's blob); the
    // other origin got both redirected blob requests without it, the layer read asking for its first byte only.
    expect(origin.requests.map((r) => r.headers.authorization)).toEqual([
      AUTHORIZATION,
      AUTHORIZATION,
      AUTHORIZATION,
    ]);
    expect(elsewhere.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    expect(elsewhere.requests[1]?.headers.range).toBe('bytes=0-0');
    expectNoSecret(JSON.stringify(elsewhere.requests));
  });
});

/** A GET from the real test registry with the registry credential, for content to serve from the listeners. */
function fetchFromRegistry(path: string, accept?: string): Promise<{ body: Buffer; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL(path, registry.url),
      {
        ca: registry.caPem,
        headers: { Authorization: AUTHORIZATION, ...(accept ? { Accept: accept } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
          else resolve({ body: Buffer.concat(chunks), contentType: String(res.headers['content-type']) });
        });
      },
    );
    req.on('error', reject);
  });
}
