/**
 * The contract between the construct's seeding custom resource and its handler: property names, the data it
 * returns, and how the known-good image is tagged and named as a probe target.
 */
export const SEED_PROPERTIES = {
  repository: 'RepositoryName',
  tag: 'Tag',
  platforms: 'Platforms',
  /** Index digest the construct computed at synthesis; the handler refuses to push anything else. */
  digest: 'ImageDigest',
} as const;

export const SEED_ATTRIBUTES = {
  digest: 'Digest',
  /** Whether this run uploaded the image (false: the tag already held exactly this image). */
  pushed: 'Pushed',
} as const;

/** Metric dimension of the seeded target: fixed, so the image can change without renaming metrics or alarms. */
export const KNOWN_GOOD_TARGET_NAME = 'known-good';
export const KNOWN_GOOD_PLATFORMS: readonly string[] = ['linux/amd64', 'linux/arm64'];

/**
 * The tag carries the image's digest: ECR's immutable tags refuse to re-point a tag, so a changed image needs
 * a new tag, and the same image always gets the same one.
 */
export const KNOWN_GOOD_TAG_PREFIX = 'known-good-';

export function knownGoodTag(indexDigest: string): string {
  return `${KNOWN_GOOD_TAG_PREFIX}${indexDigest.replace(/^sha256:/, '').slice(0, 16)}`;
}
