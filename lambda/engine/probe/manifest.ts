import { type Platform, sha256Digest } from '../model/platform.ts';
import type { Phase } from '../model/types.ts';
import { ProbeFailure } from './classify.ts';

/** All four manifest types, as docker and containerd send them: ECR converts (and re-digests) when one is missing. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const INDEX_TYPES = new Set<string>([MANIFEST_MEDIA_TYPES[0], MANIFEST_MEDIA_TYPES[1]]);

export interface ParsedManifest {
  mediaType: string;
  isIndex: boolean;
  /** Platforms listed by an index (attestation entries excluded); empty for a single manifest. */
  platforms: Platform[];
  /** The runnable entries of an index with their digests, in index order; empty for a single manifest. */
  entries: Array<{ digest: string; platform: Platform }>;
  /** Config blob digest of a single manifest. */
  configDigest: string | null;
  /** The layers a pull downloads (foreign, non-distributable ones excluded); empty for an index. */
  layers: LayerDescriptor[];
}

export interface LayerDescriptor {
  digest: string;
  /** Size the manifest declares, in bytes. */
  size: number;
}

/** The digest grammar of the OCI image spec (descriptor `digest`), so a digest is safe in a request path. */
const OCI_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Layers a registry does not serve: Windows base layers (`…foreign.diff…`) and OCI non-distributable ones,
 * which a client fetches from their `urls` instead.
 */
function isDistributable(layer: { mediaType?: unknown; urls?: unknown }): boolean {
  const type = typeof layer.mediaType === 'string' ? layer.mediaType : '';
  return !/foreign|nondistributable/.test(type) && layer.urls === undefined;
}

/** The layer a probe reads: the smallest, so the check costs the least; the first of equal ones. */
export function smallestLayer(layers: readonly LayerDescriptor[]): LayerDescriptor | null {
  let smallest: LayerDescriptor | null = null;
  for (const layer of layers) if (!smallest || layer.size < smallest.size) smallest = layer;
  return smallest;
}

/**
 * Checks the bytes against what ECR announced and what the target pins. The header is optional because ECR has
 * historically omitted it; the computed digest is what the pull would get.
 */
export function verifyDigest(
  bytes: Buffer,
  headerDigest: string | undefined,
  pinnedDigest: string | null,
  phase: Phase = 'manifest',
): string {
  const computed = sha256Digest(bytes);
  if (headerDigest && headerDigest !== computed) {
    throw new ProbeFailure(
      'integrity',
      phase,
      'DigestMismatch',
      `manifest bytes hash to ${computed} but the registry announced ${headerDigest}`,
    );
  }
  if (pinnedDigest && pinnedDigest !== computed) {
    throw new ProbeFailure(
      'integrity',
      phase,
      'PinnedDigestMismatch',
      `the reference resolved to ${computed}, not the pinned ${pinnedDigest}`,
    );
  }
  return computed;
}

interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  manifests?: Array<{ digest?: unknown; platform?: Partial<Platform>; annotations?: Record<string, string> }>;
  config?: { digest?: string };
  layers?: Array<{ digest?: unknown; size?: unknown; mediaType?: unknown; urls?: unknown }>;
}

export function parseManifest(
  bytes: Buffer,
  contentType: string | undefined,
  phase: Phase = 'manifest',
): ParsedManifest {
  let json: ManifestJson;
  try {
    json = JSON.parse(bytes.toString('utf8')) as ManifestJson;
  } catch {
    throw new ProbeFailure('integrity', phase, 'UnparseableManifest', 'the manifest is not valid JSON');
  }
  const mediaType = json.mediaType ?? contentType?.split(';')[0]?.trim() ?? 'unknown';
  const isIndex = Array.isArray(json.manifests) || INDEX_TYPES.has(mediaType);
  if (json.schemaVersion !== 2 || (isIndex ? !Array.isArray(json.manifests) : !json.config?.digest)) {
    throw new ProbeFailure(
      'integrity',
      phase,
      'UnparseableManifest',
      `the manifest (${mediaType}) is not a schema-2 image manifest or index`,
    );
  }
  const runnable = (json.manifests ?? [])
    // buildx attaches provenance and SBOM manifests as unknown/unknown entries; they are not runnable platforms.
    .filter((entry) => entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest')
    .filter(
      (entry): entry is typeof entry & { platform: Platform } =>
        typeof entry.platform?.os === 'string' &&
        typeof entry.platform.architecture === 'string' &&
        entry.platform.os !== 'unknown',
    );
  const platforms = runnable.map((entry) => entry.platform);
  const entries = runnable
    .filter((entry) => typeof entry.digest === 'string' && OCI_DIGEST.test(entry.digest))
    .map((entry) => ({ digest: entry.digest as string, platform: entry.platform }));
  const layers = isIndex
    ? []
    : (Array.isArray(json.layers) ? json.layers : [])
        .filter(
          (layer) =>
            typeof layer?.digest === 'string' &&
            OCI_DIGEST.test(layer.digest) &&
            Number.isSafeInteger(layer.size) &&
            (layer.size as number) >= 0 &&
            isDistributable(layer),
        )
        .map((layer) => ({ digest: layer.digest as string, size: layer.size as number }));
  return {
    mediaType,
    isIndex,
    platforms,
    entries,
    configDigest: isIndex ? null : (json.config?.digest ?? null),
    layers,
  };
}

const ARCH_ALIASES: Record<string, string> = { aarch64: 'arm64', x86_64: 'amd64', 'x86-64': 'amd64' };

function normalize(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture;
  // arm64 images usually carry no variant, or v8: both serve a linux/arm64 node.
  const variant = architecture === 'arm64' && p.variant === 'v8' ? undefined : p.variant;
  return variant ? { os: p.os, architecture, variant } : { os: p.os, architecture };
}

/** A required platform without a variant accepts any variant, as containerd's matcher does for the same arch. */
export function platformMatches(required: Platform, offered: Platform): boolean {
  const r = normalize(required);
  const o = normalize(offered);
  return r.os === o.os && r.architecture === o.architecture && (!r.variant || r.variant === o.variant);
}

export function missingPlatforms(required: Platform[], offered: Platform[]): Platform[] {
  return required.filter((r) => !offered.some((o) => platformMatches(r, o)));
}

/** Reads os/architecture/variant from an image config blob. */
export function platformFromConfig(bytes: Buffer): Platform {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as Partial<Platform>;
    if (typeof json.os === 'string' && typeof json.architecture === 'string') {
      return json.variant
        ? { os: json.os, architecture: json.architecture, variant: json.variant }
        : { os: json.os, architecture: json.architecture };
    }
  } catch {
    // fall through to the integrity failure below
  }
  throw new ProbeFailure(
    'integrity',
    'platform',
    'UnparseableConfig',
    'the image config has no os/architecture',
  );
}
