/**
 * One scheduled run of the EKS watch: for each watched cluster of the region, describe it, mint its token, read
 * its waiting pods and failed-pull events, classify each stuck container's error with explain's classifier,
 * count them in the workload watch's metrics, and notify once per container and image (again only when its
 * category changes or after the dedup window), with one recovery when it stops failing. A cluster that cannot
 * be read is "not checked" with the reason: a log line, never a page. Never rejects.
 */
import { createHash } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import { classifyText } from '../explain/classify-text.ts';
import { EKS_ALL_CLUSTERS, EKS_INDEX_PREFIX, EKS_STATE_PREFIX } from '../model/eks-contract.ts';
import type { Category } from '../model/types.ts';
import type { Datapoint } from '../outputs/datapoints.ts';
import { decideNotification, INITIAL_STATE, type TargetState } from '../outputs/dedup.ts';
import type { MetricsSink, Notifier, PublishedMessage, StateStore } from '../outputs/ports.ts';
import { type MetricsOutcome, publishMetrics } from '../outputs/publish-metrics.ts';
import { withDeadline } from '../probe/deadline.ts';
import { type CanaryVerdict, formatWatchNotification } from '../watch/watch-message.ts';
import {
  readCanaryVerdict,
  WATCH_CALL_TIMEOUT_MS,
  type WatchConfig,
  watchDatapoints,
} from '../watch/watch-run.ts';
import { type ClusterInfo, clusterGate, type EksApi, notCheckedDetail } from './clusters.ts';
import { eksWorkloadFailure, formatEksRecovery, type RecoveryHow } from './eks-message.ts';
import type { EksIndexStore, IndexedFailure } from './index-store.ts';
import { type KubeEndpoint, kubeGet, type NotCheckedReason } from './kube-client.ts';
import type { PodPullFailure } from './pull-failures.ts';
import { readClusterPullFailures } from './read-cluster.ts';
import { mintEksToken } from './token.ts';

export interface EksWatchConfig extends WatchConfig {
  /** "all" clusters of the region (ListClusters each run), or these names. */
  clusters: typeof EKS_ALL_CLUSTERS | string[];
  /** Names another function reads (from its VPC): left out of "all". */
  exclude: string[];
  /** The function runs in a VPC. */
  inVpc: boolean;
}

export interface EksWatchDeps {
  eks: EksApi;
  credentials: () => Promise<AwsCredentialIdentity>;
  metrics: MetricsSink;
  notifier: Notifier<PublishedMessage> | null;
  store: StateStore | null;
  index: EksIndexStore | null;
  now: () => number;
  write: (line: string) => void;
  /** The deadline of each EKS API call and Kubernetes API page; `EKS_RUN_LIMITS.callMs` unless a test shortens it. */
  callMs?: number;
}

export const EKS_RUN_LIMITS = {
  /** Deadline of each EKS API call and each Kubernetes API page. */
  callMs: 5000,
  /** A cluster's whole read (both lists, every page): a slow cluster cannot hold up the others. */
  clusterMs: 20_000,
  /** Clusters read at once. */
  concurrency: 4,
  /** Clusters read per run at most (ListClusters pages of 100). */
  maxClusters: 100,
} as const;

export interface ClusterOutcome {
  cluster: string;
  checked: boolean;
  reason?: NotCheckedReason;
  detail?: string;
  failures: number;
  notified: number;
  recovered: number;
  truncated: boolean;
}

export interface EksRunSummary {
  clusters: ClusterOutcome[];
  failures: number;
  notified: number;
  recovered: number;
  metricsVia: MetricsOutcome['via'];
  problems: string[];
}

/** The dedup item of one container and image; long names are hashed to keep the key within DynamoDB's limit. */
export function eksStateKey(
  canaryName: string,
  region: string,
  cluster: string,
  f: Pick<PodPullFailure, 'namespace' | 'pod' | 'container' | 'image'>,
): string {
  const tail = `${cluster}/${f.namespace}/${f.pod}/${f.container}/${f.image}`;
  const safe =
    tail.length <= 900
      ? tail
      : `${tail.slice(0, 200)}#sha256:${createHash('sha256').update(tail).digest('hex')}`;
  return `${EKS_STATE_PREFIX}${canaryName}#${region}#${safe}`;
}

export function eksIndexKey(canaryName: string, region: string, cluster: string): string {
  return `${EKS_INDEX_PREFIX}${canaryName}#${region}#${cluster}`;
}

const errorText = (error: unknown): string => {
  const e = error as { name?: string; code?: string; message?: string };
  return `${e?.code ?? e?.name ?? 'Error'}: ${e?.message ?? String(error)}`.slice(0, 500);
};

export async function runEksWatch(config: EksWatchConfig, deps: EksWatchDeps): Promise<EksRunSummary> {
  const problems: string[] = [];
  const log = (record: Record<string, unknown>) =>
    deps.write(JSON.stringify({ timestamp: new Date(deps.now()).toISOString(), ...record }));
  let names: string[];
  try {
    names =
      config.clusters === EKS_ALL_CLUSTERS
        ? (
            await withDeadline(
              (signal) => deps.eks.listClusters(signal),
              EKS_RUN_LIMITS.callMs * 3,
              'ListClusters',
            )
          ).filter((name) => !config.exclude.includes(name))
        : config.clusters;
  } catch (error) {
    log({
      level: 'WARN',
      type: 'eks-not-checked',
      cluster: '*',
      reason: 'describe-failed',
      detail: `ListClusters: ${errorText(error)}`,
    });
    return {
      clusters: [],
      failures: 0,
      notified: 0,
      recovered: 0,
      metricsVia: 'none',
      problems: [`list-clusters-failed: ${errorText(error)}`],
    };
  }
  if (names.length > EKS_RUN_LIMITS.maxClusters) {
    problems.push(`clusters-cut: ${names.length} clusters, ${EKS_RUN_LIMITS.maxClusters} read`);
    names = names.slice(0, EKS_RUN_LIMITS.maxClusters);
  }

  let verdict: Promise<CanaryVerdict> | undefined;
  const canaryVerdict = () => {
    verdict ??= readCanaryVerdict(deps.store, config).catch(
      (error): CanaryVerdict => ({ status: 'unknown', reason: errorText(error) }),
    );
    return verdict;
  };
  const points: Datapoint[] = [];
  const outcomes: Outcome[] = [];
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const outcome = await watchCluster(name, config, deps, canaryVerdict, log, problems).catch(
        (error): Outcome => ({
          cluster: name as string,
          checked: false,
          reason: 'bad-response',
          detail: errorText(error),
          failures: 0,
          notified: 0,
          recovered: 0,
          truncated: false,
          categories: [],
        }),
      );
      outcomes.push(outcome);
      points.push(...outcome.categories.flatMap((category) => watchDatapoints(category)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(EKS_RUN_LIMITS.concurrency, names.length) }, worker));
  const metrics = await publishMetrics(
    deps.metrics,
    config.namespace,
    aggregate(points),
    deps.now(),
    WATCH_CALL_TIMEOUT_MS,
    deps.write,
  );
  const summary: EksRunSummary = {
    clusters: outcomes
      .map(({ categories: _, ...rest }) => rest)
      .sort((a, b) => a.cluster.localeCompare(b.cluster)),
    failures: outcomes.reduce((n, o) => n + o.failures, 0),
    notified: outcomes.reduce((n, o) => n + o.notified, 0),
    recovered: outcomes.reduce((n, o) => n + o.recovered, 0),
    metricsVia: metrics.via,
    problems,
  };
  log({
    level: summary.failures > 0 ? 'WARN' : 'INFO',
    type: 'eks-run',
    clusters: summary.clusters.length,
    notChecked: summary.clusters.filter((c) => !c.checked).map((c) => c.cluster),
    failures: summary.failures,
    notified: summary.notified,
    recovered: summary.recovered,
    metricsVia: metrics.via,
    ...(metrics.fallbackReason ? { metricsFallbackReason: metrics.fallbackReason } : {}),
    ...(problems.length > 0 ? { problems } : {}),
  });
  return summary;
}

/** One datapoint per name and dimension set, the values summed: one PutMetricData entry each. */
function aggregate(points: Datapoint[]): Datapoint[] {
  const byKey = new Map<string, Datapoint>();
  for (const point of points) {
    const key = JSON.stringify([point.name, point.dimensions]);
    const seen = byKey.get(key);
    if (seen) byKey.set(key, { ...seen, value: seen.value + point.value });
    else byKey.set(key, { ...point });
  }
  return [...byKey.values()];
}

type Outcome = ClusterOutcome & { categories: Category[] };

async function watchCluster(
  name: string,
  config: EksWatchConfig,
  deps: EksWatchDeps,
  canaryVerdict: () => Promise<CanaryVerdict>,
  log: (record: Record<string, unknown>) => void,
  problems: string[],
): Promise<Outcome> {
  const base: Outcome = {
    cluster: name,
    checked: false,
    failures: 0,
    notified: 0,
    recovered: 0,
    truncated: false,
    categories: [],
  };
  const notChecked = (reason: NotCheckedReason, detail: string): Outcome => {
    log({ level: 'WARN', type: 'eks-not-checked', cluster: name, reason, detail });
    return { ...base, reason, detail };
  };
  let cluster: ClusterInfo;
  try {
    cluster = await withDeadline(
      (signal) => deps.eks.describeCluster(name, signal),
      deps.callMs ?? EKS_RUN_LIMITS.callMs,
      'DescribeCluster',
    );
  } catch (error) {
    return notChecked('describe-failed', `DescribeCluster: ${errorText(error)}`);
  }
  const gate = clusterGate(cluster, config.inVpc);
  if (gate) return notChecked(gate.reason, gate.detail);
  let endpoint: KubeEndpoint;
  try {
    const { token } = await mintEksToken({
      clusterName: name,
      region: config.region,
      credentials: deps.credentials,
      nowMs: deps.now(),
    });
    endpoint = { url: cluster.endpoint as string, caPem: cluster.caPem as string, token };
  } catch (error) {
    return notChecked('unauthorized', `no token: ${errorText(error)}`);
  }
  const reading = await withDeadline(
    () =>
      readClusterPullFailures(
        endpoint,
        { autoMode: cluster.autoMode },
        { callMs: deps.callMs ?? EKS_RUN_LIMITS.callMs },
      ),
    EKS_RUN_LIMITS.clusterMs,
    `reading ${name}`,
  ).catch((error) => ({ ok: false as const, reason: 'timeout' as const, detail: errorText(error) }));
  if (!reading.ok)
    return notChecked(
      reading.reason,
      notCheckedDetail(cluster, reading.reason, reading.detail, config.inVpc),
    );

  const { failures, truncated } = reading.body;
  const outcome: Outcome = { ...base, checked: true, truncated, failures: failures.length };
  const current: IndexedFailure[] = [];
  for (const failure of failures) {
    const classification = classifyText(failure.message);
    const category = classification.category;
    outcome.categories.push(category);
    const key = eksStateKey(config.canaryName, config.region, name, failure);
    current.push({
      key,
      namespace: failure.namespace,
      pod: failure.pod,
      container: failure.container,
      image: failure.image,
    });
    const workload = eksWorkloadFailure(name, config.region, failure, classification);
    const sent = await notifyTransition(key, { ok: false, category }, config, deps, problems, async () =>
      formatWatchNotification(workload, await canaryVerdict(), config),
    );
    if (sent) outcome.notified += 1;
    log({
      level: 'WARN',
      type: 'workload-pull-failure',
      source: 'eks-pod',
      workload: workload.workload,
      category,
      rule: classification.evidence?.rule ?? null,
      fields: classification.fields,
      text: classification.text,
      roleKind: failure.roleKind,
      notified: sent,
    });
  }

  // Recoveries: failing at the last run, absent from a complete read now.
  if (deps.index) {
    const indexKey = eksIndexKey(config.canaryName, config.region, name);
    try {
      const previous = await deps.index.get(indexKey);
      const now = new Set(current.map((c) => c.key));
      if (!truncated) {
        for (const gone of (previous?.failing ?? []).filter((p) => !now.has(p.key))) {
          const how = await recoveryHow(endpoint, gone);
          const sent = await notifyTransition(
            gone.key,
            { ok: true, category: null },
            config,
            deps,
            problems,
            async (state) =>
              formatEksRecovery({
                canaryName: config.canaryName,
                region: config.region,
                cluster: name,
                failure: gone,
                category: state.category ?? 'unknown',
                since: state.since,
                how,
              }),
          );
          if (sent) outcome.recovered += 1;
        }
      }
      const keep = truncated
        ? [...current, ...(previous?.failing ?? []).filter((p) => !now.has(p.key))]
        : current;
      const unchanged =
        previous &&
        JSON.stringify(previous.failing.map((p) => p.key).sort()) ===
          JSON.stringify(keep.map((p) => p.key).sort());
      if (!unchanged && (previous || keep.length > 0)) {
        await deps.index.put(indexKey, { failing: keep, version: (previous?.version ?? 0) + 1 });
      }
    } catch (error) {
      problems.push(`eks-index-failed ${name}: ${errorText(error)}`);
    }
  }
  if (truncated)
    log({
      level: 'WARN',
      type: 'eks-list-truncated',
      cluster: name,
      detail: 'more pending pods or events than one run reads',
    });
  return outcome;
}

/** Whether the container pulled or its pod went away, for the recovery message; one GET of the pod. */
async function recoveryHow(endpoint: KubeEndpoint, gone: IndexedFailure): Promise<RecoveryHow> {
  const path = `/api/v1/namespaces/${encodeURIComponent(gone.namespace)}/pods/${encodeURIComponent(gone.pod)}`;
  const answer = await kubeGet<{
    spec?: { containers?: Array<{ name?: string; image?: string }> };
    status?: { containerStatuses?: Array<{ name?: string; state?: Record<string, unknown> }> };
  }>(endpoint, path, {}, EKS_RUN_LIMITS.callMs);
  if (!answer.ok) return answer.status === 404 ? 'pod-gone' : 'not-waiting';
  const status = answer.body.status?.containerStatuses?.find((s) => s.name === gone.container);
  return status?.state && ('running' in status.state || 'terminated' in status.state)
    ? 'pulled'
    : 'not-waiting';
}

/**
 * The dedup decision of the canary (lambda/engine/outputs/dedup.ts) for one container: notify on the first failure, a
 * category change, after the window, and on recovery; write the state first, conditionally, so of two runs only
 * one notifies. Returns whether a message went out.
 */
async function notifyTransition(
  key: string,
  result: { ok: boolean; category: Category | null },
  config: EksWatchConfig,
  deps: EksWatchDeps,
  problems: string[],
  message: (previous: TargetState) => Promise<PublishedMessage>,
): Promise<boolean> {
  let previous: TargetState = INITIAL_STATE;
  let storeHealthy = deps.store !== null;
  if (deps.store) {
    try {
      previous = (await deps.store.get(key)) ?? INITIAL_STATE;
    } catch (error) {
      storeHealthy = false;
      problems.push(`dedup-store-read-failed: ${errorText(error)}`);
      // Without the state a recovery cannot be told from nothing; a failure is still announced.
      if (result.ok) return false;
    }
  }
  const decision = decideNotification(previous, result, deps.now(), config.dedupHours * 3_600_000);
  if (!decision.kind || !decision.next) return false;
  if (storeHealthy && deps.store) {
    try {
      if (!(await deps.store.put(key, decision.next))) return false;
    } catch (error) {
      problems.push(`dedup-store-write-failed: ${errorText(error)}`);
    }
  }
  if (!deps.notifier) return false;
  const notifier = deps.notifier;
  try {
    const notification = await message(previous);
    await withDeadline(
      (signal) => notifier.publish(notification, signal),
      WATCH_CALL_TIMEOUT_MS,
      'SNS Publish',
    );
    return true;
  } catch (error) {
    problems.push(`notification-failed: ${errorText(error)}`);
    return false;
  }
}
