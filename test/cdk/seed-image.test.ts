import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  buildMultiArchImage,
  buildSingleArchImage,
  OCI_INDEX_MEDIA_TYPE,
} from '../../lambda/engine/model/oci-image.ts';
import {
  KNOWN_GOOD_PLATFORMS,
  knownGoodTag,
  SEED_ATTRIBUTES,
  SEED_PROPERTIES,
} from '../../lambda/engine/model/seed-contract.ts';
import { resolveTarget } from '../../lambda/engine/model/target.ts';
import { createAwsClientFactory } from '../../lambda/engine/probe/aws-clients.ts';
import { probeTargets } from '../../lambda/engine/probe/probe.ts';
import { pushImage } from '../../lambda/engine/registry/push.ts';
import { type CustomResourceEvent, sendResponse } from '../../lambda/functions/cfn-response.ts';
import {
  onEvent,
  type SeedDeps,
  SeedError,
  seedKnownGoodImage,
} from '../../lambda/functions/seed/handler.ts';
import { type EcrDouble, startEcrDouble } from '../support/ecr-double.ts';
import { applyEnv, CANARY_KEYS, hostEnv, REGION } from '../support/probe-env.ts';

const registry = inject('registry');
const IMAGE = buildMultiArchImage({ platforms: [...KNOWN_GOOD_PLATFORMS] });
const TAG = knownGoodTag(IMAGE.index.digest);

let double: EcrDouble;
let restoreEnv: () => void;
let deps: SeedDeps;

beforeAll(async () => {
  // The token comes from the ECR API double; its proxy endpoint is the real registry (Distribution, TLS, htpasswd).
  double = await startEcrDouble({
    identities: [CANARY_KEYS],
    registryPassword: registry.password,
    proxyEndpoint: registry.url,
  });
  restoreEnv = applyEnv(hostEnv(double.url));
});
afterAll(async () => {
  restoreEnv();
  await double.close();
});
beforeEach(() => {
  double.reset();
  deps = { clients: createAwsClientFactory({ requestTimeoutMs: 2000 }), now: Date.now, ca: registry.caPem };
});

function seedRequest(repository: string, overrides: Partial<Parameters<typeof seedKnownGoodImage>[0]> = {}) {
  return {
    region: REGION,
    repository,
    tag: TAG,
    platforms: KNOWN_GOOD_PLATFORMS,
    expectedDigest: IMAGE.index.digest,
    ...overrides,
  };
}

function get(
  path: string,
  accept: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const authorization = `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    https
      .get(
        new URL(path, registry.url),
        { headers: { authorization, accept }, ca: registry.caPem, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      )
      .on('error', reject);
  });
}

describe('seeding the known-good image into a real registry', () => {
  it('pushes the multi-arch image with the ECR token and reads back the same index', async () => {
    // GIVEN an empty repository / WHEN seeded
    const result = await seedKnownGoodImage(seedRequest('seed-test/fresh'), deps);

    // THEN the tag holds exactly the index that was built, with both platforms, each manifest pullable by digest
    expect(result).toEqual({ digest: IMAGE.index.digest, pushed: true, registryUrl: registry.url });
    expect(double.calls.map((call) => `${call.operation} ${call.status}`)).toEqual([
      'GetAuthorizationToken 200',
    ]);
    const index = await get(`/v2/seed-test/fresh/manifests/${TAG}`, OCI_INDEX_MEDIA_TYPE);
    expect(index.status).toBe(200);
    expect(`sha256:${createHash('sha256').update(index.body).digest('hex')}`).toBe(IMAGE.index.digest);
    const parsed = JSON.parse(index.body.toString('utf8')) as {
      manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
    };
    expect(parsed.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([
      ...KNOWN_GOOD_PLATFORMS,
    ]);
    for (const manifest of parsed.manifests) {
      const child = await get(
        `/v2/seed-test/fresh/manifests/${manifest.digest}`,
        'application/vnd.oci.image.manifest.v1+json',
      );
      expect(child.status).toBe(200);
    }
  });

  it('is what the canary then probes successfully, platforms and pinned digest included', async () => {
    await seedKnownGoodImage(seedRequest('seed-test/probed'), deps);
    const target = {
      name: 'known-good',
      image: `seed-test/probed:${TAG}`,
      platforms: [...KNOWN_GOOD_PLATFORMS],
      expectedDigest: IMAGE.index.digest,
    };
    const [result] = await probeTargets(
      [resolveTarget(target, REGION)],
      { defaultRegion: REGION, ca: registry.caPem },
      { clients: createAwsClientFactory(), now: Date.now },
    );
    expect(result).toMatchObject({
      ok: true,
      digest: IMAGE.index.digest,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('leaves a tag that already holds this image alone (immutable tags refuse even an identical push)', async () => {
    await seedKnownGoodImage(seedRequest('seed-test/again'), deps);
    const second = await seedKnownGoodImage(seedRequest('seed-test/again'), deps);
    expect(second).toMatchObject({ digest: IMAGE.index.digest, pushed: false });
  });

  it('refuses a tag that holds another image', async () => {
    const other = buildSingleArchImage({ content: 'not the canary image' });
    await pushImage({
      registryUrl: registry.url,
      repository: 'seed-test/taken',
      tag: TAG,
      image: other,
      authorization: `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`,
      ca: registry.caPem,
    });
    await expect(seedKnownGoodImage(seedRequest('seed-test/taken'), deps)).rejects.toThrow(
      `tag ${TAG} in seed-test/taken already holds ${other.manifests[0].digest}, not ${IMAGE.index.digest}`,
    );
  });

  it('refuses to push an image other than the one the stack pinned', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(
      seedKnownGoodImage(seedRequest('seed-test/pinned', { expectedDigest: wrong }), deps),
    ).rejects.toThrow(SeedError);
    expect(double.calls).toEqual([]);
    expect((await get(`/v2/seed-test/pinned/manifests/${TAG}`, OCI_INDEX_MEDIA_TYPE)).status).toBe(404);
  });

  it('explains a refused token with its category and runbook fix', async () => {
    double.setFault({ kind: 'access-denied' });
    await expect(seedKnownGoodImage(seedRequest('seed-test/denied'), deps)).rejects.toThrow(
      /getting an ECR authorization token in eu-west-1 failed \(permission, AccessDeniedException\): .*Grant ecr:GetAuthorizationToken/,
    );
  });
});

describe('custom resource events', () => {
  const event = (
    type: CustomResourceEvent['RequestType'],
    properties: Record<string, unknown>,
  ): CustomResourceEvent => ({
    RequestType: type,
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/s/1',
    RequestId: 'request-1',
    LogicalResourceId: 'Seed',
    ...(type === 'Create' ? {} : { PhysicalResourceId: `seed-test/cr:${TAG}` }),
    ResourceProperties: properties,
  });
  const properties = {
    [SEED_PROPERTIES.repository]: 'seed-test/cr',
    [SEED_PROPERTIES.tag]: TAG,
    [SEED_PROPERTIES.platforms]: [...KNOWN_GOOD_PLATFORMS],
    [SEED_PROPERTIES.digest]: IMAGE.index.digest,
  };

  it('Create seeds and answers SUCCESS with the image as the physical resource', async () => {
    const response = await onEvent(event('Create', properties), deps, REGION);
    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `seed-test/cr:${TAG}`,
      StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/s/1',
      RequestId: 'request-1',
      LogicalResourceId: 'Seed',
      Data: { [SEED_ATTRIBUTES.digest]: IMAGE.index.digest, [SEED_ATTRIBUTES.pushed]: 'true' },
    });
  });

  it('Delete does nothing: the repository empties itself on delete', async () => {
    const response = await onEvent(event('Delete', properties), deps, REGION);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `seed-test/cr:${TAG}` });
    expect(double.calls).toEqual([]);
  });

  it('a malformed request answers FAILED with the reason instead of leaving the stack waiting', async () => {
    const response = await onEvent(
      event('Update', { ...properties, [SEED_PROPERTIES.platforms]: 'linux/amd64' }),
      deps,
      REGION,
    );
    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'property Platforms must be a non-empty list of os/arch strings',
    });
  });

  it('sends the response as CloudFormation expects it: a PUT without a content type', async () => {
    let received: { method?: string; contentType?: string; body?: string } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received = {
          method: req.method,
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString(),
        };
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = {
        Status: 'SUCCESS' as const,
        PhysicalResourceId: 'p',
        StackId: 's',
        RequestId: 'r',
        LogicalResourceId: 'l',
      };
      await sendResponse(`http://127.0.0.1:${port}/presigned?X-Amz-Signature=abc`, response);
      expect(received).toEqual({ method: 'PUT', contentType: '', body: JSON.stringify(response) });
    } finally {
      server.close();
    }
  });
});
