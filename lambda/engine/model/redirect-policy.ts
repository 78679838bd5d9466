/**
 * The one rule of what a registry request may do when the registry sends it elsewhere. ECR answers a blob
 * request with a redirect to a pre-signed URL on its S3 layer storage (`prod-<region>-starport-layer-bucket`,
 * "Amazon ECR interface VPC endpoints", https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html); a pull follows it
 * without the registry's credential. The probe's blob requests and the seeding push both take the rule from here.
 */

/**
 * The registry credential (the ECR token) goes only to the registry's own origin: scheme, host and port. A
 * redirect to any other origin is followed without it (S3 also refuses a request that carries two auth
 * mechanisms: the pre-signed query and an `Authorization` header).
 */
export function mayCarryRegistryCredential(url: URL, registry: URL): boolean {
  return url.origin === registry.origin;
}

/** Where a redirect may lead, in words for a verdict. */
export const REDIRECT_ALLOWED =
  'an https:// URL without user info (http:// only when the registry itself was reached over http://)';

/**
 * Resolves a redirect's `Location` against the URL that answered, or says why it must not be followed: a scheme
 * other than http(s), user info in the URL, or plain HTTP when the registry was reached over TLS (a downgrade
 * would carry the layer, and a pre-signed URL, in clear text).
 */
export function resolveRedirect(
  location: string,
  from: URL,
  registry: URL,
): { url: URL; problem: null } | { url: null; problem: string } {
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return { url: null, problem: `${from.host} redirected to a Location that is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      url: null,
      problem: `${from.host} redirected to a ${url.protocol} URL; allowed: ${REDIRECT_ALLOWED}`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      url: null,
      problem: `${from.host} redirected to a URL with user info; allowed: ${REDIRECT_ALLOWED}`,
    };
  }
  if (url.protocol === 'http:' && registry.protocol !== 'http:') {
    return {
      url: null,
      problem: `${from.host} redirected to plain-HTTP ${url.host} from the ${registry.protocol}// registry ${registry.host}; refused, allowed: ${REDIRECT_ALLOWED}`,
    };
  }
  return { url, problem: null };
}
