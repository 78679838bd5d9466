import { gzipSync } from 'node:zlib';
import { formatPlatform, parsePlatform as parseProbePlatform, sha256Digest } from './platform.ts';

/** Media types of the OCI image format, as the registry v2 API spells them. */
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** The platforms of the default multi-arch image: what Lambda and most ECS/EKS nodes run. */
export const DEFAULT_PLATFORMS: readonly string[] = ['linux/amd64', 'linux/arm64'];

/** Path of the single file in the image's only layer. */
export const CANARY_FILE_PATH = 'canary.txt';

/** Builds never exceed this many platforms: an index that large is not a canary fixture any more. */
export const MAX_PLATFORMS = 16;

export { formatPlatform, sha256Digest };

export interface OciPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface BuiltManifest {
  /** `sha256:<hex>` over `bytes`. */
  readonly digest: string;
  readonly mediaType: typeof OCI_MANIFEST_MEDIA_TYPE;
  /** The exact bytes to upload; the digest is only valid for these bytes. */
  readonly bytes: Buffer;
  readonly platform: OciPlatform;
}

export interface BuiltIndex {
  readonly digest: string;
  readonly mediaType: typeof OCI_INDEX_MEDIA_TYPE;
  readonly bytes: Buffer;
}

export interface MultiArchImage {
  /** Config and layer blobs of every platform, keyed by digest. */
  readonly blobs: ReadonlyMap<string, Buffer>;
  readonly manifests: readonly BuiltManifest[];
  readonly index: BuiltIndex;
}

export interface SingleArchImage {
  readonly blobs: ReadonlyMap<string, Buffer>;
  readonly manifests: readonly [BuiltManifest];
  readonly index?: undefined;
}

/** What a push takes: with an index, the index is the tagged object; without, the only manifest is. */
export type OciImage = MultiArchImage | SingleArchImage;

export interface BuildImageOptions {
  /**
   * Platforms as `os/architecture[/variant]`.
   * @default ['linux/amd64', 'linux/arm64']
   */
  readonly platforms?: readonly string[];
  /**
   * Text placed in `/canary.txt` (followed by the platform). Changing it changes every digest, which is how
   * two distinct known-good images are made.
   * @default 'ecr-pull-canary known-good image'
   */
  readonly content?: string;
}

export interface BuildSingleArchImageOptions {
  /**
   * Platform as `os/architecture[/variant]`.
   * @default 'linux/amd64'
   */
  readonly platform?: string;
  /** @default 'ecr-pull-canary known-good image' */
  readonly content?: string;
}

const DEFAULT_CONTENT = 'ecr-pull-canary known-good image';

/** Parses `os/architecture[/variant]`, throwing on anything else: a seed image must name real platforms. */
export function parsePlatform(value: string): OciPlatform {
  const platform = parseProbePlatform(value);
  if (!platform) {
    throw new TypeError(
      `platform must look like 'os/architecture' or 'os/architecture/variant' (e.g. 'linux/arm64'), got '${value}'`,
    );
  }
  return platform;
}

/**
 * Builds a multi-arch OCI image (index + one manifest per platform) entirely in memory.
 *
 * The output is a pure function of the options: same options, same bytes, same digests, on every run, so a
 * deployment can pin the digest of the image it seeds.
 */
export function buildMultiArchImage(options: BuildImageOptions = {}): MultiArchImage {
  const platformNames = options.platforms ?? DEFAULT_PLATFORMS;
  if (platformNames.length === 0 || platformNames.length > MAX_PLATFORMS) {
    throw new RangeError(
      `platforms must list between 1 and ${MAX_PLATFORMS} platforms, got ${platformNames.length}`,
    );
  }
  const platforms = platformNames.map(parsePlatform);
  const seen = new Set<string>();
  for (const platform of platforms) {
    const key = formatPlatform(platform);
    if (seen.has(key)) throw new TypeError(`platforms must not repeat a platform, got '${key}' twice`);
    seen.add(key);
  }

  const blobs = new Map<string, Buffer>();
  const manifests = platforms.map((platform) => buildPlatformManifest(platform, options.content, blobs));
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX_MEDIA_TYPE,
    manifests: manifests.map((manifest) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform: manifest.platform,
    })),
  };
  const indexBytes = jsonBytes(index);
  return {
    blobs,
    manifests,
    index: { digest: sha256Digest(indexBytes), mediaType: OCI_INDEX_MEDIA_TYPE, bytes: indexBytes },
  };
}

/** Builds a single-platform OCI image: one manifest, no index (what `docker build` without buildx pushes). */
export function buildSingleArchImage(options: BuildSingleArchImageOptions = {}): SingleArchImage {
  const blobs = new Map<string, Buffer>();
  const manifest = buildPlatformManifest(
    parsePlatform(options.platform ?? 'linux/amd64'),
    options.content,
    blobs,
  );
  return { blobs, manifests: [manifest] };
}

function buildPlatformManifest(
  platform: OciPlatform,
  content: string | undefined,
  blobs: Map<string, Buffer>,
): BuiltManifest {
  // The platform goes into the file so every platform has its own layer, as a real multi-arch image does;
  // a shared layer would hide a client that fetches the wrong platform's blobs.
  const fileText = `${content ?? DEFAULT_CONTENT}\nplatform: ${formatPlatform(platform)}\n`;
  const tar = tarWithOneFile(CANARY_FILE_PATH, Buffer.from(fileText, 'utf8'));
  const layer = deterministicGzip(tar);

  const config = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    // A fixed timestamp: the real time would change the digest on every build.
    created: '1970-01-01T00:00:00Z',
    config: { Labels: { 'org.opencontainers.image.title': 'ecr-pull-canary' } },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'ecr-pull-canary seed' }],
  };
  const configBytes = jsonBytes(config);

  const configDigest = sha256Digest(configBytes);
  const layerDigest = sha256Digest(layer);
  blobs.set(configDigest, configBytes);
  blobs.set(layerDigest, layer);

  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: OCI_CONFIG_MEDIA_TYPE, digest: configDigest, size: configBytes.length },
    layers: [{ mediaType: OCI_LAYER_MEDIA_TYPE, digest: layerDigest, size: layer.length }],
  };
  const bytes = jsonBytes(manifest);
  return { digest: sha256Digest(bytes), mediaType: OCI_MANIFEST_MEDIA_TYPE, bytes, platform };
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * gzip with stored (level 0) deflate blocks. Compressed output of levels 1-9 may change with the zlib build
 * (Node bundles Chromium's fork, whose matcher differs from upstream), which would change the layer digest
 * between Node releases; stored blocks are a byte copy with fixed framing. The header's OS byte also depends
 * on the platform zlib was built for, so it is pinned to 255 ("unknown").
 */
function deterministicGzip(data: Buffer): Buffer {
  const gz = gzipSync(data, { level: 0 });
  gz[9] = 0xff;
  return gz;
}

const TAR_BLOCK = 512;

/** A POSIX ustar archive holding one regular file; owner, group and mtime are zero so the bytes are stable. */
function tarWithOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(TAR_BLOCK, 0);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii');
  };
  const octal = (offset: number, length: number, value: number): void => {
    field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  };
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  field(148, 8, ' '.repeat(8));
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);

  const padding = (TAR_BLOCK - (content.length % TAR_BLOCK)) % TAR_BLOCK;
  // Two zero blocks end the archive.
  return Buffer.concat([header, content, Buffer.alloc(padding + 2 * TAR_BLOCK, 0)]);
}
