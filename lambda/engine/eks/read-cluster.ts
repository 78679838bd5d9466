/**
 * One cluster's image-pull failures now: its Pending pods' waiting states and its `Failed` pod Events, read in
 * pages, joined by pod and image (pull-failures.ts). Never rejects: a refused or silent API is an answer with
 * the reason, and the watcher reports the cluster "not checked".
 */
import { type KubeAnswer, type KubeEndpoint, kubeListAll } from './kube-client.ts';
import {
  type ClusterCompute,
  type PodPullFailure,
  PULL_FAILED_EVENT_REASON,
  podPullFailures,
  pullErrorsFromEvents,
} from './pull-failures.ts';

export const CLUSTER_READ = {
  /** Pods in a Pending phase: a container waiting on its image keeps the pod Pending. */
  podsSelector: 'status.phase=Pending',
  eventsSelector: `reason=${PULL_FAILED_EVENT_REASON},involvedObject.kind=Pod`,
  /** Objects per page: a page of pods stays well under a few MB. */
  limit: 250,
  /** Pages per list at most (2,500 objects); more is read in part and logged. */
  maxPages: 10,
} as const;

export interface ClusterReading {
  failures: PodPullFailure[];
  /** A list had more pages than are read. */
  truncated: boolean;
  pods: number;
  events: number;
  calls: number;
}

export async function readClusterPullFailures(
  endpoint: KubeEndpoint,
  cluster: ClusterCompute,
  paging: { callMs: number; limit?: number; maxPages?: number },
): Promise<KubeAnswer<ClusterReading>> {
  const options = {
    limit: paging.limit ?? CLUSTER_READ.limit,
    maxPages: paging.maxPages ?? CLUSTER_READ.maxPages,
    callMs: paging.callMs,
  };
  const [pods, events] = await Promise.all([
    kubeListAll<unknown>(endpoint, '/api/v1/pods', { ...options, fieldSelector: CLUSTER_READ.podsSelector }),
    kubeListAll<unknown>(endpoint, '/api/v1/events', {
      ...options,
      fieldSelector: CLUSTER_READ.eventsSelector,
    }),
  ]);
  if (!pods.ok) return pods;
  if (!events.ok) return events;
  const failures = podPullFailures(pods.body.items, pullErrorsFromEvents(events.body.items), cluster);
  return {
    ok: true,
    body: {
      failures,
      truncated: pods.body.truncated || events.body.truncated,
      pods: pods.body.items.length,
      events: events.body.items.length,
      calls: pods.body.pages + events.body.pages,
    },
  };
}
