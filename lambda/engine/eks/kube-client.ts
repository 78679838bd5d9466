/**
 * The two reads the watcher makes of a cluster's Kubernetes API (list Events, list Pods), over node:https with
 * the cluster's own CA from DescribeCluster and the bearer token of token.ts. Why not @kubernetes/client-node:
 * the figures are in the commit that added this file and in /work/notes/issue-28.md (bundle size and cold
 * start); two GETs with `limit`/`continue` need none of its machinery.
 *
 * Every call has a deadline, and every way a call can fail is an answer, never a throw: the watcher reports the
 * cluster "not checked" with the reason, and never pages for it.
 */
import { request } from 'node:https';
import { isIP } from 'node:net';

export interface KubeEndpoint {
  /** `https://…eks.amazonaws.com` from DescribeCluster. */
  url: string;
  /** The cluster's CA bundle, PEM (DescribeCluster gives it base64-encoded). */
  caPem: string;
  token: string;
}

/** Why a cluster could not be read: the watcher's "not checked" reasons. */
export type NotCheckedReason =
  | 'unauthorized'
  | 'forbidden'
  | 'throttled'
  | 'timeout'
  | 'unreachable'
  | 'tls'
  | 'server-error'
  | 'bad-response'
  | 'config-map-mode'
  | 'private-endpoint'
  | 'not-active'
  | 'describe-failed';

export type KubeAnswer<T> =
  | { ok: true; body: T }
  | { ok: false; reason: NotCheckedReason; status?: number; detail: string };

/** A list answer larger than this is refused: one page of `limit` objects never comes near it. */
export const MAX_LIST_BYTES = 16 * 1024 * 1024;

/** One GET of a JSON document, within `deadlineMs`; never rejects. */
export function kubeGet<T>(
  endpoint: KubeEndpoint,
  path: string,
  query: Record<string, string>,
  deadlineMs: number,
): Promise<KubeAnswer<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: KubeAnswer<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    let base: URL;
    try {
      base = new URL(endpoint.url);
    } catch {
      finish({ ok: false, reason: 'bad-response', detail: 'the cluster endpoint is not a URL' });
      return;
    }
    const search = new URLSearchParams(query).toString();
    const req = request({
      host: base.hostname,
      port: base.port || 443,
      method: 'GET',
      path: `${path}${search ? `?${search}` : ''}`,
      ca: endpoint.caPem,
      // SNI carries a name, never an address (RFC 6066); the EKS endpoint is always a name.
      ...(isIP(base.hostname) ? {} : { servername: base.hostname }),
      headers: { authorization: `Bearer ${endpoint.token}`, accept: 'application/json' },
      agent: false,
    });
    const timer = setTimeout(() => {
      finish({
        ok: false,
        reason: 'timeout',
        detail: `no answer within ${deadlineMs} ms (a private endpoint, a public endpoint limited to some CIDRs, or a security group)`,
      });
      req.destroy();
    }, deadlineMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.name;
      const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code);
      finish({
        ok: false,
        reason: tls ? 'tls' : 'unreachable',
        detail: `${code}${tls ? ': the endpoint did not present a certificate of the cluster CA' : ''}`,
      });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_LIST_BYTES) {
          finish({
            ok: false,
            reason: 'bad-response',
            status,
            detail: `answer over ${MAX_LIST_BYTES} bytes`,
          });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', () =>
        finish({ ok: false, reason: 'unreachable', status, detail: 'the answer was cut off' }),
      );
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (status === 200) {
          try {
            finish({ ok: true, body: JSON.parse(text) as T });
          } catch {
            finish({ ok: false, reason: 'bad-response', status, detail: 'the answer is not JSON' });
          }
          return;
        }
        finish({ ok: false, ...statusReason(status), status, detail: statusDetail(status, text) });
      });
    });
    req.end();
  });
}

function statusReason(status: number): { reason: NotCheckedReason } {
  if (status === 401) return { reason: 'unauthorized' };
  if (status === 403) return { reason: 'forbidden' };
  if (status === 429) return { reason: 'throttled' };
  if (status >= 500) return { reason: 'server-error' };
  return { reason: 'bad-response' };
}

/** The Kubernetes Status message, cut short; never the request (whose header holds the token). */
function statusDetail(status: number, text: string): string {
  let message = '';
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not a Status object: the status code says enough.
  }
  return `HTTP ${status}${message ? `: ${message.slice(0, 300)}` : ''}`;
}

export interface ListOptions {
  fieldSelector?: string;
  /** Objects per page. */
  limit: number;
  /** Pages read at most; a longer list is read in part and says so. */
  maxPages: number;
  /** Deadline of each page. */
  callMs: number;
}

export interface KubeList<T> {
  items: T[];
  /** More pages remained after `maxPages`. */
  truncated: boolean;
  pages: number;
}

/**
 * Every page of a list, following `metadata.continue`. A continue token that expired (HTTP 410, the list took
 * longer than the API server keeps its snapshot) restarts the list once from the start.
 */
export async function kubeListAll<T>(
  endpoint: KubeEndpoint,
  path: string,
  options: ListOptions,
): Promise<KubeAnswer<KubeList<T>>> {
  let restarted = false;
  let items: T[] = [];
  let pages = 0;
  let next: string | undefined;
  for (;;) {
    const query: Record<string, string> = { limit: String(options.limit) };
    if (options.fieldSelector) query.fieldSelector = options.fieldSelector;
    if (next) query.continue = next;
    const answer = await kubeGet<{ items?: T[]; metadata?: { continue?: string } }>(
      endpoint,
      path,
      query,
      options.callMs,
    );
    if (!answer.ok) {
      if (answer.status === 410 && next && !restarted) {
        restarted = true;
        items = [];
        pages = 0;
        next = undefined;
        continue;
      }
      return answer;
    }
    pages += 1;
    if (!Array.isArray(answer.body.items)) {
      return { ok: false, reason: 'bad-response', status: 200, detail: 'the list has no items array' };
    }
    items.push(...answer.body.items);
    next = answer.body.metadata?.continue || undefined;
    if (!next) return { ok: true, body: { items, truncated: false, pages } };
    if (pages >= options.maxPages) return { ok: true, body: { items, truncated: true, pages } };
  }
}
