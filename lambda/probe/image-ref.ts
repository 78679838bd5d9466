/**
 * Parses image references the way docker does for ECR: short `repo[:tag][@digest]` in the probe's own
 * account and region, or a full `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/repo[:tag][@digest]`.
 */

const ECR_HOST = /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(\.cn)?$/;
// The repository grammar of the distribution spec, which ECR follows (lowercase, separators inside components).
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

export interface ImageReference {
  /** The reference as given. */
  raw: string;
  /** Registry host, or null for a short reference (resolved from the token's proxy endpoint). */
  host: string | null;
  /** 12-digit account of the registry, when the host names it. */
  registryId: string | null;
  /** Region from the host, when it is an ECR host. */
  region: string | null;
  repository: string;
  tag: string | null;
  digest: string | null;
}

export class ImageReferenceError extends Error {
  override name = 'ImageReferenceError';
}

export function isRegion(value: string): boolean {
  return REGION.test(value);
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

export function parseImageReference(raw: string): ImageReference {
  const input = raw.trim();
  const fail = (why: string): never => {
    throw new ImageReferenceError(`invalid image reference "${raw}": ${why}`);
  };
  if (input === '') fail('it is empty');
  if (/^[a-z]+:\/\//i.test(input))
    fail('give the reference without a scheme, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0');

  let rest = input;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`digest "${digest}" is not sha256: followed by 64 lowercase hex digits`);
  }

  let host: string | null = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Same rule as docker: a first component with a dot, a port or "localhost" is a registry host.
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      host = first;
      rest = rest.slice(slash + 1);
    }
  }

  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag))
      fail(`tag "${tag}" must be 1-128 characters of letters, digits, _ . - and not start with . or -`);
  }

  const repository = rest;
  if (!REPOSITORY.test(repository) || repository.length < 2 || repository.length > 256) {
    fail(`repository "${repository}" must be 2-256 lowercase letters, digits and . _ - / separators`);
  }

  let registryId: string | null = null;
  let region: string | null = null;
  if (host !== null) {
    const match = ECR_HOST.exec(host);
    if (match) {
      registryId = match[1] ?? null;
      region = match[3] ?? null;
    } else if (host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn')) {
      fail(`host "${host}" is not an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com)`);
    }
  }
  if (tag === null && digest === null) tag = 'latest';
  return { raw: input, host, registryId, region, repository, tag, digest };
}

/** The manifest reference to request: the digest when pinned (never converted by ECR), else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? (ref.tag as string);
}

/** A short, stable name for metrics: `repo:tag` or `repo@sha256:<12 hex>`. */
export function defaultTargetName(ref: ImageReference): string {
  return ref.digest ? `${ref.repository}@${ref.digest.slice(0, 19)}` : `${ref.repository}:${ref.tag}`;
}
