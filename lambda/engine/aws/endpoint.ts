import { REDACTED } from '../probe/redact.ts';

/**
 * A subscription endpoint as a command prints it, with what could page or read in someone's name removed: the
 * password of an https:// URL (SNS takes basic-auth credentials in it:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html), every query value (API keys
 * and tokens travel there), and path segments that look like keys (a pager's integration key is a long run of
 * letters and digits in the path). Host, path words and e-mail addresses stay, so a person still knows which
 * endpoint it is. Anything that is not a URL is returned as it is.
 */
export function maskEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return endpoint;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return endpoint;
  const user = url.username === '' ? '' : `${url.username}${url.password === '' ? '' : `:${REDACTED}`}@`;
  const path = url.pathname
    .split('/')
    .map((segment) => (looksLikeKey(segment) ? REDACTED : segment))
    .join('/');
  const query = [...url.searchParams.keys()].map((key) => `${key}=${REDACTED}`).join('&');
  return `${url.protocol}//${user}${url.host}${path}${query === '' ? '' : `?${query}`}`;
}

/** 16 or more characters of a key alphabet, with both letters and digits: an id or key, not a word. */
function looksLikeKey(segment: string): boolean {
  return /^[A-Za-z0-9_-]{16,}$/.test(segment) && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}
