import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  buildMultiArchImage,
  buildSingleArchImage,
  CANARY_FILE_PATH,
  OCI_INDEX_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  type OciImage,
  sha256Digest,
} from '../lambda/engine/model/oci-image.ts';
import {
  type PushImageInput,
  pushImage,
  RegistryPushError,
  uploadCompletionUrl,
} from '../lambda/engine/registry/push.ts';
import {
  EXPIRED_TOKEN_MESSAGE,
  type RegistryFaultProxy,
  startProxyInFrontOf,
} from './support/registry-faults.ts';

const registry = inject('registry');
const { multiArch, singleArch } = registry.images;

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const MANIFEST_TYPES = [DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST_MEDIA_TYPE, OCI_INDEX_MEDIA_TYPE];
const ACCEPT_ALL = MANIFEST_TYPES.join(', ');
const GOOD_AUTH = basic('AWS', registry.password);

interface Fetched {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

/** One request on a fresh connection (no agent), so a test never reuses a socket another test broke. */
function fetchRaw(
  baseUrl: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Fetched> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, baseUrl),
      { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ca: registry.caPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ms: performance.now() - started,
          }),
        );
      },
    );
    if (opts.timeoutMs !== undefined) {
      req.setTimeout(opts.timeoutMs, () =>
        req.destroy(Object.assign(new Error('client timeout'), { code: 'TIMEOUT' })),
      );
    }
    req.on('error', reject);
    req.end();
  });
}

function getManifest(
  baseUrl: string,
  repository: string,
  reference: string,
  accept = ACCEPT_ALL,
  auth = GOOD_AUTH,
) {
  const headers: Record<string, string> = { accept };
  if (auth) headers.authorization = auth;
  return fetchRaw(baseUrl, `/v2/${repository}/manifests/${reference}`, { headers });
}

function getBlob(repository: string, digest: string) {
  return fetchRaw(registry.url, `/v2/${repository}/blobs/${digest}`, {
    headers: { authorization: GOOD_AUTH },
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function errorCode(body: Buffer): { code?: string; message?: string } {
  return (
    (JSON.parse(body.toString('utf8')) as { errors: Array<{ code?: string; message?: string }> }).errors[0] ??
    {}
  );
}

/** Reads the single member of a ustar archive (the seed layer has exactly one). */
function onlyTarMember(tar: Buffer): { name: string; content: string } {
  const name = tar.subarray(0, 100).toString('ascii').replace(/\0.*$/s, '');
  const size = Number.parseInt(tar.subarray(124, 136).toString('ascii').replace(/\0.*$/s, ''), 8);
  return { name, content: tar.subarray(512, 512 + size).toString('utf8') };
}

function pushInput(overrides: Partial<PushImageInput> & { image: OciImage }): PushImageInput {
  return {
    registryUrl: registry.url,
    repository: 'push/test',
    tag: 'latest',
    authorization: GOOD_AUTH,
    ca: registry.caPem,
    ...overrides,
  };
}

async function pushError(input: PushImageInput): Promise<RegistryPushError> {
  const error = await pushImage(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RegistryPushError);
  return error as RegistryPushError;
}

/** Every place a leaked secret could surface when the error is logged or serialised. */
function errorText(error: Error): string {
  return [String(error), error.stack, JSON.stringify(error), String(error.cause)].join('\n');
}

function uniqueContent(): string {
  return `push test ${randomBytes(8).toString('hex')}`;
}

describe('seeded images in the real registry (Distribution 2.8)', () => {
  it('resolves the multi-arch tag to the seeded OCI index when Accept lists all four manifest types', async () => {
    const res = await getManifest(registry.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(OCI_INDEX_MEDIA_TYPE);
    expect(res.headers['docker-content-digest']).toBe(multiArch.digest);
    expect(sha256(res.body)).toBe(multiArch.digest);
    const index = JSON.parse(res.body.toString('utf8')) as {
      manifests: Array<{ mediaType: string; platform: { os: string; architecture: string } }>;
    };
    expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(
      multiArch.platforms,
    );
    expect(multiArch.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(index.manifests.every((m) => m.mediaType === OCI_MANIFEST_MEDIA_TYPE)).toBe(true);
  });

  it('serves every platform manifest, config and layer of the index by digest, each verifying', async () => {
    const index = JSON.parse(
      (await getManifest(registry.url, multiArch.repository, multiArch.digest)).body.toString('utf8'),
    ) as {
      manifests: Array<{ digest: string; size: number; platform: { os: string; architecture: string } }>;
    };

    for (const entry of index.manifests) {
      const res = await getManifest(registry.url, multiArch.repository, entry.digest);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(OCI_MANIFEST_MEDIA_TYPE);
      expect(res.headers['docker-content-digest']).toBe(entry.digest);
      expect(sha256(res.body)).toBe(entry.digest);
      expect(res.body.length).toBe(entry.size);

      const manifest = JSON.parse(res.body.toString('utf8')) as {
        config: { digest: string };
        layers: Array<{ digest: string; size: number }>;
      };
      const config = await getBlob(multiArch.repository, manifest.config.digest);
      expect(config.status).toBe(200);
      expect(sha256(config.body)).toBe(manifest.config.digest);
      const parsedConfig = JSON.parse(config.body.toString('utf8')) as {
        os: string;
        architecture: string;
        rootfs: { diff_ids: string[] };
      };
      expect({ os: parsedConfig.os, architecture: parsedConfig.architecture }).toEqual(entry.platform);

      const [layerRef] = manifest.layers;
      const layer = await getBlob(multiArch.repository, layerRef?.digest ?? 'missing');
      expect(layer.status).toBe(200);
      expect(sha256(layer.body)).toBe(layerRef?.digest);
      const tar = gunzipSync(layer.body);
      expect(parsedConfig.rootfs.diff_ids).toEqual([sha256(tar)]);
      const member = onlyTarMember(tar);
      expect(member.name).toBe(CANARY_FILE_PATH);
      expect(member.content).toContain(`platform: ${entry.platform.os}/${entry.platform.architecture}`);
    }
  });

  it('resolves the single-arch tag to the seeded OCI manifest for the seeded platform', async () => {
    const res = await getManifest(registry.url, singleArch.repository, singleArch.tag);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(OCI_MANIFEST_MEDIA_TYPE);
    expect(res.headers['docker-content-digest']).toBe(singleArch.digest);
    expect(sha256(res.body)).toBe(singleArch.digest);
    const manifest = JSON.parse(res.body.toString('utf8')) as { config: { digest: string } };
    const config = JSON.parse(
      (await getBlob(singleArch.repository, manifest.config.digest)).body.toString('utf8'),
    );
    expect(`${config.os}/${config.architecture}`).toBe(singleArch.platform);
  });

  // Distribution 2.8 never converts OCI content: it serves the stored manifest only when its exact media
  // type is accepted (by tag and by digest alike) and otherwise answers 404 MANIFEST_UNKNOWN.
  const cases = MANIFEST_TYPES.flatMap((accept) => [
    { image: 'multi-arch', accept, stored: OCI_INDEX_MEDIA_TYPE },
    { image: 'single-arch', accept, stored: OCI_MANIFEST_MEDIA_TYPE },
  ]);
  it.each(cases)('$image image with only Accept: $accept', async ({ image, accept, stored }) => {
    const seeded = image === 'multi-arch' ? multiArch : singleArch;

    for (const reference of [seeded.tag, seeded.digest]) {
      const res = await getManifest(registry.url, seeded.repository, reference, accept);
      if (accept === stored) {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(stored);
        expect(res.headers['docker-content-digest']).toBe(seeded.digest);
        expect(sha256(res.body)).toBe(seeded.digest);
      } else {
        expect(res.status).toBe(404);
        expect(errorCode(res.body)).toMatchObject({
          code: 'MANIFEST_UNKNOWN',
          message: expect.stringMatching(/found, but accept header does not support/),
        });
      }
    }
  });

  it('answers HEAD with the digest and length but no body', async () => {
    const res = await fetchRaw(registry.url, `/v2/${multiArch.repository}/manifests/${multiArch.tag}`, {
      method: 'HEAD',
      headers: { authorization: GOOD_AUTH, accept: ACCEPT_ALL },
    });

    expect(res.status).toBe(200);
    expect(res.headers['docker-content-digest']).toBe(multiArch.digest);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(100);
    expect(res.body.length).toBe(0);
  });

  it('answers 401 with a Basic challenge without credentials and with a wrong password', async () => {
    for (const auth of ['', basic('AWS', 'not-the-password')]) {
      const res = await getManifest(registry.url, multiArch.repository, multiArch.tag, ACCEPT_ALL, auth);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="https://127.0.0.1/"');
      expect(errorCode(res.body).code).toBe('UNAUTHORIZED');
    }
  });

  // Unlike ECR (NAME_UNKNOWN for a missing repository), Distribution does not tell the two apart on a manifest
  // GET; only the tags list names a missing repository.
  it('answers 404 MANIFEST_UNKNOWN for a missing tag and for a missing repository alike', async () => {
    const missingTag = await getManifest(registry.url, multiArch.repository, 'no-such-tag');
    const missingRepo = await getManifest(registry.url, 'no/such-repo', 'v1');
    const tagsOfMissingRepo = await fetchRaw(registry.url, '/v2/no/such-repo/tags/list', {
      headers: { authorization: GOOD_AUTH },
    });

    expect([missingTag.status, missingRepo.status]).toEqual([404, 404]);
    expect(errorCode(missingTag.body)).toMatchObject({
      code: 'MANIFEST_UNKNOWN',
      message: 'manifest unknown',
    });
    expect(errorCode(missingRepo.body)).toMatchObject({
      code: 'MANIFEST_UNKNOWN',
      message: 'manifest unknown',
    });
    expect(tagsOfMissingRepo.status).toBe(404);
    expect(errorCode(tagsOfMissingRepo.body).code).toBe('NAME_UNKNOWN');
  });
});

describe('pushImage against the real registry', () => {
  let proxy: RegistryFaultProxy;

  beforeAll(async () => {
    proxy = await startProxyInFrontOf(registry);
  });
  afterAll(async () => {
    await proxy?.close();
  });
  beforeEach(() => {
    proxy.setFault(null);
    proxy.requests.length = 0;
  });

  it('pushing the seeded multi-arch image again uploads no blob and keeps the digest', async () => {
    const image = buildMultiArchImage();
    // A repository of this test's own: Distribution rewrites a manifest's link files in place (not atomically),
    // so pushing again into the run's shared seeded repository could hand a reader in another file an empty
    // link, and a 500. The first push here plays the global setup's seeding.
    const repository = 'push/seeded-again';
    const first = await pushImage(pushInput({ repository, tag: multiArch.tag, image }));
    expect(first.digest).toBe(multiArch.digest);

    const result = await pushImage(
      pushInput({ registryUrl: proxy.url, repository, tag: multiArch.tag, image }),
    );

    expect(result.digest).toBe(multiArch.digest);
    expect(result.blobsPushed).toEqual([]);
    expect([...result.blobsSkipped].sort()).toEqual([...image.blobs.keys()].sort());
    expect(proxy.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(proxy.requests.filter((r) => r.method === 'HEAD').map((r) => r.status)).toEqual([
      200, 200, 200, 200,
    ]);
    expect(proxy.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([
      ...image.manifests.map((m) => `/v2/${repository}/manifests/${m.digest}`),
      `/v2/${repository}/manifests/${multiArch.tag}`,
    ]);
    const res = await getManifest(registry.url, repository, multiArch.tag);
    expect(res.headers['docker-content-digest']).toBe(multiArch.digest);
  });

  it('uploads every blob of a new image (POST, then PUT to the Location with its _state query) and tags it', async () => {
    const image = buildMultiArchImage({
      content: uniqueContent(),
      platforms: ['linux/amd64', 'linux/arm64/v8'],
    });

    const result = await pushImage(
      pushInput({ registryUrl: proxy.url, repository: 'push/fresh', tag: 't1', image }),
    );

    expect(result.digest).toBe(image.index.digest);
    expect(result.manifestDigests).toEqual(image.manifests.map((m) => m.digest));
    expect([...result.blobsPushed].sort()).toEqual([...image.blobs.keys()].sort());
    expect(result.blobsSkipped).toEqual([]);
    const uploads = proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/'));
    expect(uploads).toHaveLength(image.blobs.size);
    for (const upload of uploads) {
      expect(upload.status).toBe(201);
      const query = new URL(upload.path, 'https://x').searchParams;
      expect(query.get('_state')).toBeTruthy();
      expect(image.blobs.has(query.get('digest') ?? '')).toBe(true);
    }
    const res = await getManifest(registry.url, 'push/fresh', 't1');
    expect(res.body.equals(image.index.bytes)).toBe(true);
    for (const [digest, bytes] of image.blobs) {
      expect((await getBlob('push/fresh', digest)).body.equals(bytes)).toBe(true);
    }
  });

  it('tags a single-arch image with its manifest directly', async () => {
    const image = buildSingleArchImage({ platform: 'linux/arm64', content: uniqueContent() });

    const result = await pushImage(pushInput({ repository: 'push/single', tag: 'arm', image }));

    expect(result.digest).toBe(image.manifests[0].digest);
    expect(result.mediaType).toBe(OCI_MANIFEST_MEDIA_TYPE);
    const res = await getManifest(registry.url, 'push/single', 'arm');
    expect(res.status).toBe(200);
    expect(res.headers['docker-content-digest']).toBe(image.manifests[0].digest);
  });

  it('fails with status 401 and never reveals the password when the password is wrong', async () => {
    const password = `wrong-${randomBytes(12).toString('hex')}`;
    const authorization = basic('AWS', password);

    const error = await pushError(pushInput({ authorization, image: buildSingleArchImage() }));

    expect(error.status).toBe(401);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.reason).toBe('http');
    expect(error.step).toBe('blob-check');
    expect(error.message).toContain("repository 'push/test'");
    expect(error.message).toContain('blob-check');
    const text = errorText(error);
    for (const secret of [password, authorization, authorization.slice('Basic '.length)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('redacts the credential even when a registry echoes it back (plain-http registry)', async () => {
    const password = `echoed-${randomBytes(12).toString('hex')}`;
    const authorization = basic('AWS', password);
    // A misbehaving registry front end that quotes the header, the token and the password in its error body.
    const echo = createServer((req, res) => {
      const header = req.headers.authorization ?? '';
      const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ errors: [{ code: 'DENIED', message: `bad ${header} / ${decoded} / ${password}` }] }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = echo.address() as AddressInfo;

      const error = await pushError(
        pushInput({ registryUrl: `http://127.0.0.1:${port}`, authorization, image: buildSingleArchImage() }),
      );

      expect(error).toMatchObject({ status: 403, code: 'DENIED' });
      expect(error.message).toContain('[redacted]');
      expect(errorText(error)).not.toContain(password);
      expect(errorText(error)).not.toContain(authorization.slice('Basic '.length));
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('carries the registry error code when the registry rejects a blob whose bytes do not match its digest', async () => {
    const image: OciImage = {
      blobs: new Map([[sha256Digest(Buffer.from('expected')), Buffer.from('actual')]]),
      manifests: buildSingleArchImage().manifests,
    };

    const error = await pushError(pushInput({ image }));

    expect(error).toMatchObject({ status: 400, code: 'DIGEST_INVALID', step: 'blob-upload', reason: 'http' });
    expect(error.message).toMatch(/blob-upload .*HTTP 400 Bad Request \(DIGEST_INVALID/);
  });

  it('carries the registry error code when a manifest names blobs the registry does not have', async () => {
    const { manifests } = buildSingleArchImage({ content: uniqueContent() });

    const error = await pushError(
      pushInput({ repository: 'push/orphan', image: { blobs: new Map(), manifests } }),
    );

    expect(error).toMatchObject({ status: 400, code: 'MANIFEST_BLOB_UNKNOWN', step: 'manifest-put' });
    expect(error.message).toContain("repository 'push/orphan'");
  });

  it('rejects invalid input before sending anything', async () => {
    const image = buildSingleArchImage();
    const bad: Array<[Partial<PushImageInput>, RegExp]> = [
      [{ repository: 'Upper/Case' }, /repository .*'Upper\/Case'/],
      [{ tag: 'bad tag' }, /tag .*'bad tag'/],
      [{ timeoutMs: 0 }, /timeoutMs .*got 0/],
      [{ registryUrl: 'ftp://127.0.0.1' }, /registryUrl .*ftp:/],
      [{ authorization: 'Basic abc\r\nX-Evil: 1' }, /authorization must be a non-empty single-line/],
    ];

    for (const [overrides, message] of bad) {
      await expect(pushImage(pushInput({ registryUrl: proxy.url, image, ...overrides }))).rejects.toThrow(
        message,
      );
    }
    expect(proxy.requests).toEqual([]);
  });

  describe('through injected faults', () => {
    const fresh = () => buildSingleArchImage({ content: uniqueContent() });

    it('throttle: status 429 with code TOOMANYREQUESTS', async () => {
      proxy.setFault({ kind: 'throttle' });

      const error = await pushError(pushInput({ registryUrl: proxy.url, image: fresh() }));

      expect(error).toMatchObject({
        status: 429,
        code: 'TOOMANYREQUESTS',
        step: 'blob-check',
        reason: 'http',
      });
      expect(error.message).toContain('Rate exceeded');
    });

    it('denied: status 403 with code DENIED and the repository named', async () => {
      proxy.setFault({ kind: 'denied', principalArn: 'arn:aws:iam::123456789012:role/seeder' });

      const error = await pushError(
        pushInput({ registryUrl: proxy.url, repository: 'push/denied', image: fresh() }),
      );

      expect(error).toMatchObject({ status: 403, code: 'DENIED' });
      expect(error.message).toContain("repository 'push/denied'");
    });

    it('503 with a plain body: status kept, no code', async () => {
      proxy.setFault({ kind: 'status', status: 503 });

      const error = await pushError(pushInput({ registryUrl: proxy.url, image: fresh() }));

      expect(error.status).toBe(503);
      expect(error.code).toBeUndefined();
      expect(error.message).toContain('HTTP 503 Service Unavailable');
    });

    it('hang: each request is cut at its deadline', async () => {
      proxy.setFault({ kind: 'hang' });
      const started = performance.now();

      const error = await pushError(pushInput({ registryUrl: proxy.url, image: fresh(), timeoutMs: 300 }));

      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(error).toMatchObject({ reason: 'timeout', status: undefined, step: 'blob-check' });
      expect(error.message).toContain('within 300 ms');
    });

    it('reset: a network error naming ECONNRESET', async () => {
      proxy.setFault({ kind: 'reset' });

      const error = await pushError(pushInput({ registryUrl: proxy.url, image: fresh() }));

      expect(error).toMatchObject({ reason: 'network', status: undefined });
      expect(error.message).toContain('ECONNRESET');
      expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    });

    it('digest-mismatch: the upload is refused as an integrity failure', async () => {
      proxy.setFault({ kind: 'digest-mismatch' });

      const error = await pushError(pushInput({ registryUrl: proxy.url, image: fresh() }));

      expect(error).toMatchObject({ reason: 'integrity', step: 'blob-upload', status: 201 });
    });

    it('slow: succeeds when the delay is inside the deadline', async () => {
      proxy.setFault({ kind: 'slow', delayMs: 50 });
      const image = fresh();

      const result = await pushImage(pushInput({ registryUrl: proxy.url, image, timeoutMs: 5_000 }));

      expect(result.digest).toBe(image.manifests[0].digest);
      expect(proxy.requests.length).toBeGreaterThanOrEqual(6);
      expect(proxy.requests.every((r) => r.fault === 'slow' && r.status !== null)).toBe(true);
    });
  });
});

describe('seed image builder', () => {
  // Pinned on purpose: a deployment may pin the seeded digest, so any byte change must be a deliberate one.
  it('builds the same bytes on every call, down to pinned digests', () => {
    const first = buildMultiArchImage();
    const second = buildMultiArchImage();

    expect(second.index.bytes.equals(first.index.bytes)).toBe(true);
    expect([...second.blobs.keys()]).toEqual([...first.blobs.keys()]);
    expect(first.index.digest).toBe(
      'sha256:58bae6ca87dcbe21d846b4fbddeee181aabafec11402aa1791e8f8e9537a58c4',
    );
    expect(buildSingleArchImage().manifests[0].digest).toBe(
      'sha256:d971d0a8326a018ee0976239687a1596131f6c5ad355413fa14214410ec8a887',
    );
    expect(multiArch.digest).toBe(first.index.digest);
  });

  it('gives every platform its own layer and changes every digest with the content', () => {
    const image = buildMultiArchImage({ platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'] });
    const other = buildMultiArchImage({ content: 'another image' });

    expect(image.blobs.size).toBe(6);
    expect(image.manifests.map((m) => m.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    expect([...other.blobs.keys()].filter((digest) => buildMultiArchImage().blobs.has(digest))).toEqual([]);
  });

  it.each([
    [{ platforms: [] }, /between 1 and 16 platforms, got 0/],
    [{ platforms: ['linux'] }, /got 'linux'/],
    [{ platforms: ['linux/amd64', 'linux/amd64'] }, /'linux\/amd64' twice/],
    [{ platforms: ['Linux/AMD64'] }, /got 'Linux\/AMD64'/],
  ])('rejects %j', (options, message) => {
    expect(() => buildMultiArchImage(options)).toThrow(message);
  });
});

describe('uploadCompletionUrl', () => {
  const base = new URL('https://registry.example:5000');
  const digest = `sha256:${'a'.repeat(64)}`;

  it.each([
    ['/v2/r/blobs/uploads/u1', 'https://registry.example:5000/v2/r/blobs/uploads/u1?digest=sha256%3Aaaaa'],
    [
      '/v2/r/blobs/uploads/u1?_state=xyz',
      'https://registry.example:5000/v2/r/blobs/uploads/u1?_state=xyz&digest=sha256%3Aaaaa',
    ],
    ['https://uploads.example/u1?a=1&b=2', 'https://uploads.example/u1?a=1&b=2&digest=sha256%3Aaaaa'],
    [
      '/u1?_state=a%2Bb%3D%3D&x=~*',
      'https://registry.example:5000/u1?_state=a%2Bb%3D%3D&x=~*&digest=sha256%3Aaaaa',
    ],
  ])('%s', (location, expectedPrefix) => {
    const url = uploadCompletionUrl(location, base, digest).toString();

    expect(url.startsWith(expectedPrefix)).toBe(true);
    expect(new URL(url).searchParams.get('digest')).toBe(digest);
  });
});

describe('registry fault proxy', () => {
  let proxy: RegistryFaultProxy;
  const path = `/v2/${multiArch.repository}/manifests/${multiArch.tag}`;

  beforeAll(async () => {
    proxy = await startProxyInFrontOf(registry);
  });
  afterAll(async () => {
    await proxy?.close();
  });
  beforeEach(() => {
    proxy.setFault(null);
    proxy.requests.length = 0;
  });

  it('passes requests and answers through unchanged, Date included, and logs them', async () => {
    const direct = await getManifest(registry.url, multiArch.repository, multiArch.tag);
    const proxied = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(proxied.status).toBe(200);
    expect(proxied.body.equals(direct.body)).toBe(true);
    for (const header of [
      'content-type',
      'docker-content-digest',
      'content-length',
      'docker-distribution-api-version',
    ]) {
      expect(proxied.headers[header]).toBe(direct.headers[header]);
    }
    expect(Math.abs(Date.parse(proxied.headers.date ?? '') - Date.now())).toBeLessThan(5_000);
    expect(proxy.requests).toEqual([{ method: 'GET', path, status: 200, fault: null }]);
  });

  it('forwards Authorization and Accept', async () => {
    const anonymous = await getManifest(proxy.url, multiArch.repository, multiArch.tag, ACCEPT_ALL, '');
    const wrong = await getManifest(
      proxy.url,
      multiArch.repository,
      multiArch.tag,
      ACCEPT_ALL,
      basic('AWS', 'x'),
    );
    const manifestOnly = await getManifest(
      proxy.url,
      multiArch.repository,
      multiArch.tag,
      OCI_MANIFEST_MEDIA_TYPE,
    );

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="https://127.0.0.1/"');
    expect(wrong.status).toBe(401);
    expect(manifestOnly.status).toBe(404);
    expect(errorCode(manifestOnly.body).message).toMatch(/OCI index found/);
  });

  it('expired-token: 403 DENIED with ECR text and no challenge', async () => {
    proxy.setFault({ kind: 'expired-token' });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({
      errors: [{ code: 'DENIED', message: EXPIRED_TOKEN_MESSAGE }],
    });
  });

  it('denied: 403 DENIED naming principal, action and repository ARN', async () => {
    const principalArn = 'arn:aws:sts::210987654321:assumed-role/canary/probe';
    proxy.setFault({ kind: 'denied', principalArn, region: 'eu-west-1' });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toEqual({
      code: 'DENIED',
      message:
        `User: ${principalArn} is not authorized to perform: ecr:BatchGetImage on resource: ` +
        'arn:aws:ecr:eu-west-1:210987654321:repository/canary/multi because no identity-based policy allows ' +
        'the ecr:BatchGetImage action',
    });
  });

  it('throttle: 429 TOOMANYREQUESTS Rate exceeded', async () => {
    proxy.setFault({ kind: 'throttle' });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(429);
    expect(errorCode(res.body)).toEqual({ code: 'TOOMANYREQUESTS', message: 'Rate exceeded' });
  });

  it.each([500, 502, 503])('status %i with a plain-text body', async (status) => {
    proxy.setFault({ kind: 'status', status });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body.toString('utf8')).toContain(String(status));
    expect(proxy.requests.at(-1)?.status).toBe(status);
  });

  it('digest-mismatch: genuine body, another well-formed digest in the header', async () => {
    proxy.setFault({ kind: 'digest-mismatch' });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(200);
    expect(sha256(res.body)).toBe(multiArch.digest);
    expect(res.headers['docker-content-digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(res.headers['docker-content-digest']).not.toBe(multiArch.digest);
  });

  it('corrupt-body: genuine headers, exactly one byte changed, still valid JSON', async () => {
    proxy.setFault({ kind: 'corrupt-body' });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);
    const genuine = (await getManifest(registry.url, multiArch.repository, multiArch.tag)).body;

    expect(res.status).toBe(200);
    expect(res.headers['docker-content-digest']).toBe(multiArch.digest);
    expect(res.body.length).toBe(genuine.length);
    expect([...res.body].filter((byte, i) => byte !== genuine[i])).toHaveLength(1);
    expect(sha256(res.body)).not.toBe(multiArch.digest);
    expect(() => JSON.parse(res.body.toString('utf8'))).not.toThrow();
  });

  it('hang: no answer before the client gives up; the request is logged without a status', async () => {
    proxy.setFault({ kind: 'hang' });

    await expect(
      fetchRaw(proxy.url, path, { headers: { authorization: GOOD_AUTH }, timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(proxy.requests).toEqual([{ method: 'GET', path, status: null, fault: 'hang' }]);
  });

  it('reset: the connection is reset without an answer', async () => {
    proxy.setFault({ kind: 'reset' });

    await expect(fetchRaw(proxy.url, path, { headers: { authorization: GOOD_AUTH } })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  it('slow: the genuine answer, after the delay', async () => {
    proxy.setFault({ kind: 'slow', delayMs: 400 });

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.ms).toBeGreaterThanOrEqual(395);
    expect(res.status).toBe(200);
    expect(sha256(res.body)).toBe(multiArch.digest);
  });

  it('setFault(null) restores pass-through', async () => {
    proxy.setFault({ kind: 'throttle' });
    proxy.setFault(null);

    const res = await getManifest(proxy.url, multiArch.repository, multiArch.tag);

    expect(res.status).toBe(200);
  });

  it('close() ends hung connections', async () => {
    const own = await startProxyInFrontOf(registry);
    own.setFault({ kind: 'hang' });
    const pending = fetchRaw(own.url, path, { headers: { authorization: GOOD_AUTH } }).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await expect.poll(() => own.requests.length).toBe(1);
    const started = performance.now();

    await own.close();

    expect(await pending).toBe('ECONNRESET');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
