import { describe, expect, it } from 'vitest';
import { type Platform, parsePlatform, sha256Digest } from '../lambda/engine/model/platform.ts';
import {
  missingPlatforms,
  parseManifest,
  platformFromConfig,
  smallestLayer,
  verifyDigest,
} from '../lambda/engine/probe/manifest.ts';

const index = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
      { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      {
        digest: 'sha256:c',
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
    ],
  }),
);

describe('verifyDigest', () => {
  it('returns the sha256 of the exact bytes when everything agrees', () => {
    const digest = sha256Digest(index);
    expect(verifyDigest(index, digest, digest)).toBe(digest);
    expect(verifyDigest(index, undefined, null)).toBe(digest);
  });

  it('fails integrity when the announced or pinned digest differs', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    expect(() => verifyDigest(index, other, null)).toThrow(/announced/);
    expect(() => verifyDigest(index, undefined, other)).toThrow(/pinned/);
  });
});

describe('parseManifest', () => {
  it('lists runnable platforms of an index, without attestations', () => {
    const parsed = parseManifest(index, 'application/vnd.oci.image.index.v1+json');
    expect(parsed.isIndex).toBe(true);
    expect(parsed.platforms).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
  });

  it('takes the media type from Content-Type for docker v2 manifests without one in the body', () => {
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c' }, layers: [] }),
    );
    const parsed = parseManifest(
      manifest,
      'application/vnd.docker.distribution.manifest.v2+json; charset=utf-8',
    );
    expect(parsed).toMatchObject({
      isIndex: false,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      configDigest: 'sha256:c',
    });
  });

  it.each([['not json'], [JSON.stringify({ schemaVersion: 1, fsLayers: [] })]])(
    'rejects %j as integrity',
    (text) => {
      expect(() => parseManifest(Buffer.from(text), undefined)).toThrow(
        expect.objectContaining({ category: 'integrity' }),
      );
    },
  );
});

function platform(text: string): Platform {
  const parsed = parsePlatform(text);
  if (!parsed) throw new Error(`bad platform in test: ${text}`);
  return parsed;
}

describe('platform matching', () => {
  const offered = parseManifest(index, undefined).platforms;
  it('matches arm64 with or without v8 and aarch64 as arm64', () => {
    expect(missingPlatforms([platform('linux/arm64')], offered)).toEqual([]);
    expect(missingPlatforms([{ os: 'linux', architecture: 'aarch64' }], offered)).toEqual([]);
  });

  it('reports what is missing', () => {
    expect(missingPlatforms([platform('linux/s390x'), platform('linux/amd64')], offered)).toEqual([
      { os: 'linux', architecture: 's390x' },
    ]);
    expect(
      missingPlatforms([platform('linux/arm/v7')], [{ os: 'linux', architecture: 'arm', variant: 'v6' }]),
    ).toHaveLength(1);
  });

  it('rejects malformed platform text', () => {
    expect(parsePlatform('linux')).toBeNull();
    expect(parsePlatform('linux/arm64/v8/x')).toBeNull();
  });

  it('reads the platform from an image config', () => {
    expect(platformFromConfig(Buffer.from('{"os":"linux","architecture":"amd64","rootfs":{}}'))).toEqual({
      os: 'linux',
      architecture: 'amd64',
    });
    expect(() => platformFromConfig(Buffer.from('{}'))).toThrow(/no os/);
  });
});

describe('the layer a probe reads', () => {
  const hex = (c: string) => c.repeat(64);
  const manifest = (layers: unknown[]) =>
    parseManifest(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { digest: `sha256:${hex('0')}` },
          layers,
        }),
      ),
      undefined,
    );

  it('is the smallest layer a registry serves (the first of equal ones)', () => {
    const parsed = manifest([
      { digest: `sha256:${hex('a')}`, size: 900 },
      { digest: `sha256:${hex('b')}`, size: 58 },
      { digest: `sha256:${hex('c')}`, size: 58 },
      // Windows base layers come from their own URLs, never from the registry.
      {
        digest: `sha256:${hex('d')}`,
        size: 1,
        mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
        urls: ['https://mcr.microsoft.com/v2/'],
      },
    ]);
    expect(smallestLayer(parsed.layers)).toEqual({ digest: `sha256:${hex('b')}`, size: 58 });
  });

  it('does not exist for a config-only manifest, or layers with an unusable digest or size', () => {
    expect(smallestLayer(manifest([]).layers)).toBeNull();
    const bad = manifest([
      { digest: '../../etc/passwd', size: 1 },
      { digest: `sha256:${hex('e')}`, size: -1 },
      { digest: `sha256:${hex('f')}` },
    ]);
    expect(bad.layers).toEqual([]);
  });

  it('comes from an entry of an index that names its digest', () => {
    const parsed = parseManifest(index, undefined);
    expect(parsed.entries.map((entry) => entry.digest)).toEqual(['sha256:a', 'sha256:b']);
    expect(parsed.layers).toEqual([]);
  });
});
