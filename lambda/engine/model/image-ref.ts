/**
 * Parses image references the way docker does for ECR: short `repo[:tag][@digest]` in the probe's own
 * account and region, or a full reference on an ECR registry host (`ECR_REGISTRY_HOST_FORMS`), and holds the
 * rule of where an ECR token may be sent: the one place config validation, the construct, the probe and the
 * CLI take it from.
 */

const REGION_SOURCE = '[a-z]{2}(?:-[a-z]+)+-\\d';

/**
 * The registry hosts an ECR authorization token is issued for (docker/OCI clients, not the API endpoints):
 * - IPv4, FIPS and dual-stack (FIPS) hosts: https://docs.aws.amazon.com/general/latest/gr/ecr.html (for us-east-2:
 *   `dkr.ecr.…amazonaws.com`, `dkr.ecr-fips.…amazonaws.com`, `dkr-ecr.us-east-2.on.aws`, `dkr-ecr-fips.us-east-2.on.aws`),
 *   and https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html ("OCI and Docker client requests:
 *   <registry-id>.dkr-ecr.<aws-region>.on.aws").
 * - China: `amazonaws.com.cn` (https://docs.amazonaws.cn/en_us/general/latest/gr/rande.html); its dual-stack host
 *   `dkr-ecr.REGION.on.amazonwebservices.com.cn` as in the EKS AMI's kubelet credential-provider `matchImages`
 *   (awslabs/amazon-eks-ami, nodeadm/internal/kubelet).
 * Pull-through-cache repositories (`…/docker-hub/library/nginx`) live under these hosts: only the path differs.
 * Not included: ECR Public (`public.ecr.aws`, which takes its own ecr-public token) and the isolated partitions.
 */
export const ECR_REGISTRY_HOST_FORMS = [
  'ACCOUNT.dkr.ecr.REGION.amazonaws.com',
  'ACCOUNT.dkr.ecr-fips.REGION.amazonaws.com',
  'ACCOUNT.dkr.ecr.REGION.amazonaws.com.cn',
  'ACCOUNT.dkr-ecr.REGION.on.aws',
  'ACCOUNT.dkr-ecr-fips.REGION.on.aws',
  'ACCOUNT.dkr-ecr.REGION.on.amazonwebservices.com.cn',
] as const;

const ECR_HOSTS = ECR_REGISTRY_HOST_FORMS.map(
  (form) =>
    new RegExp(
      `^${form
        .replaceAll('.', '\\.')
        .replace('ACCOUNT', '(\\d{12})')
        .replace('REGION', `(${REGION_SOURCE})`)}$`,
    ),
);
// Domains only AWS registers hosts under: a reference on one of them that is not a registry host is a typo.
const AWS_DOMAINS = ['.amazonaws.com', '.amazonaws.com.cn', '.on.aws', '.amazonwebservices.com.cn'];

// The repository grammar of the distribution spec, which ECR follows (lowercase, separators inside components).
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

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
    const match = ecrHostMatch(host);
    if (match) {
      registryId = match.registryId;
      region = match.region;
    } else if (AWS_DOMAINS.some((domain) => host?.endsWith(domain))) {
      fail(`host "${host}" is not an ECR registry host (${ECR_REGISTRY_HOST_FORMS.join(', ')})`);
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

/** The account and region of an ECR registry host (`ECR_REGISTRY_HOST_FORMS`), or null for any other host. */
export function ecrRegistryHost(host: string): { registryId: string; region: string } | null {
  return ecrHostMatch(host);
}

function ecrHostMatch(host: string): { registryId: string; region: string } | null {
  for (const pattern of ECR_HOSTS) {
    const match = pattern.exec(host);
    if (match?.[1] && match[2]) return { registryId: match[1], region: match[2] };
  }
  return null;
}

/** What an image reference may name, so that the ECR token can go to its registry without being told where. */
export const ECR_TOKEN_REFERENCES = `a short repo[:tag] (in the ECR registry of the credentials' account) or a reference on an ECR registry host (${ECR_REGISTRY_HOST_FORMS.join(', ')}, pull-through-cache paths included)`;

/**
 * The one rule of where the ECR token goes: to the registry of a short reference (the token's own proxy
 * endpoint), to an ECR registry host, or to a registry URL the user named for this target. True when the
 * reference names another host and no registry URL was named, so the token must not be sent.
 */
export function needsExplicitRegistry(ref: ImageReference, registryUrl: string | undefined): boolean {
  return registryUrl === undefined && ref.host !== null && ref.registryId === null;
}

/** What is allowed instead, with `how` the user names a registry explicitly in their context. */
export function tokenHostAllowed(how: string): string {
  return `${ECR_TOKEN_REFERENCES}, or ${how} (the ECR token is sent only to ECR or to a registry named explicitly)`;
}

/** `needsExplicitRegistry` as a sentence naming the host, or null when the token may go. */
export function tokenHostProblem(
  ref: ImageReference,
  registryUrl: string | undefined,
  how: string,
): string | null {
  if (!needsExplicitRegistry(ref, registryUrl)) return null;
  return `registry host "${ref.host}" is not an ECR registry host, and the ECR token is sent only to ECR or to a registry named explicitly: to probe it, ${how}; on ECR, use ${ECR_TOKEN_REFERENCES}`;
}

/**
 * Where an explicit registry URL may point. A deployed canary speaks only TLS; on a workstation, plain HTTP is
 * allowed to a loopback host (a local test registry), where the token never crosses a network.
 */
export type RegistryUrlScope = 'deployed' | 'local';

export const REGISTRY_URL_ALLOWED: Readonly<Record<RegistryUrlScope, string>> = {
  deployed: 'https://host[:port], with no path, query or user',
  local:
    'https://host[:port], or http://host[:port] for a loopback host (localhost, 127.0.0.0/8, [::1]), with no path, query or user',
};

export function isRegistryUrlAllowed(value: string, scope: RegistryUrlScope): boolean {
  const form = /^(https?):\/\/[^/?#@\s]+\/?$/.exec(value);
  if (!form) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hostname === '') return false;
  if (form[1] === 'https') return true;
  return scope === 'local' && isLoopbackHostname(url.hostname);
}

function isLoopbackHostname(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}
