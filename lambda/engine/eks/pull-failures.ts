/**
 * From a cluster's Pods and Events to the containers that cannot pull their image, and who pulls it: pure, no
 * I/O. What the kubelet records (kubernetes pkg/kubelet/images/image_manager.go):
 * - a Warning Event, reason `Failed`, message `Failed to pull image "IMAGE": ERROR` with the runtime's error
 *   (containerd's text with the registry's status, e.g. `… 403 Forbidden`), and one `Error: ErrImagePull`;
 * - a Normal Event, reason `BackOff`, message `Back-off pulling image "IMAGE"` (no error text), and one
 *   `Error: ImagePullBackOff`;
 * - the container's `state.waiting` with reason `ErrImagePull` (message: the error) or `ImagePullBackOff`
 *   (message: the back-off line).
 * The pod's waiting state says which containers are stuck now; the `Failed` event gives the registry's error
 * when the waiting message is only the back-off line. Events live an hour by default (kube-apiserver
 * `--event-ttl`), pod states as long as the pod.
 */

/** The reasons of `state.waiting` that mean the image cannot be pulled. */
export const PULL_WAITING_REASONS = ['ErrImagePull', 'ImagePullBackOff'] as const;
/** The Event reason whose message carries the runtime's pull error. */
export const PULL_FAILED_EVENT_REASON = 'Failed';
export const FAILED_TO_PULL_PREFIX = 'Failed to pull image "';

/** Labels and values EKS puts on Fargate pods and Auto Mode nodes. */
export const EKS_LABELS = {
  fargateProfile: 'eks.amazonaws.com/fargate-profile',
  fargateScheduler: 'fargate-scheduler',
  computeType: 'eks.amazonaws.com/compute-type',
} as const;

/** Whose credentials the kubelet pulls with. */
export type PullingRoleKind = 'node-role' | 'auto-mode-node-role' | 'fargate-pod-execution-role';

export interface PodPullFailure {
  namespace: string;
  pod: string;
  container: string;
  image: string;
  waitingReason: string;
  /** The text to classify: the registry's error when any record of it has it. */
  message: string;
  roleKind: PullingRoleKind;
  /** Why that kind: the label, scheduler or cluster setting it was read from. */
  roleBasis: string;
  node: string | null;
  /** Image pull secrets the pod names: the kubelet tries them too. */
  pullSecrets: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The image named in a kubelet message `… image "IMAGE"…`, or null. */
export function quotedImage(message: string): string | null {
  const match = /image "([^"]+)"/.exec(message);
  return match?.[1] ?? null;
}

interface EventText {
  message: string;
  atMs: number;
}

/**
 * The latest `Failed to pull image` message per pod and image, from a list of Events (already selected by
 * reason Failed and involvedObject.kind Pod). Keys are `namespace/pod/image`.
 */
export function pullErrorsFromEvents(events: unknown[]): Map<string, string> {
  const latest = new Map<string, EventText>();
  for (const event of events.filter(isObject)) {
    const message = str(event.message);
    if (!message?.startsWith(FAILED_TO_PULL_PREFIX)) continue;
    const object = isObject(event.involvedObject) ? event.involvedObject : {};
    const namespace = str(object.namespace) ?? str((event.metadata as Json | undefined)?.namespace);
    const pod = str(object.name);
    const image = quotedImage(message);
    if (!namespace || !pod || !image) continue;
    const when =
      str(event.lastTimestamp) ??
      str(event.eventTime) ??
      str((isObject(event.series) ? event.series : {}).lastObservedTime) ??
      str(event.firstTimestamp);
    const atMs = when ? Date.parse(when) : 0;
    const key = `${namespace}/${pod}/${image}`;
    const previous = latest.get(key);
    if (!previous || atMs >= previous.atMs) latest.set(key, { message, atMs: Number.isNaN(atMs) ? 0 : atMs });
  }
  return new Map([...latest].map(([key, { message }]) => [key, message]));
}

export interface ClusterCompute {
  /** EKS Auto Mode is on (DescribeCluster computeConfig.enabled). */
  autoMode: boolean;
}

/** Who pulls for this pod, from the pod alone (the view policy does not read nodes). */
export function pullingRole(pod: Json, cluster: ClusterCompute): { kind: PullingRoleKind; basis: string } {
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  const spec = isObject(pod.spec) ? pod.spec : {};
  const labels = isObject(metadata.labels) ? metadata.labels : {};
  const profile = str(labels[EKS_LABELS.fargateProfile]);
  if (profile) {
    return {
      kind: 'fargate-pod-execution-role',
      basis: `label ${EKS_LABELS.fargateProfile}=${profile}`,
    };
  }
  if (spec.schedulerName === EKS_LABELS.fargateScheduler) {
    return { kind: 'fargate-pod-execution-role', basis: `scheduler ${EKS_LABELS.fargateScheduler}` };
  }
  const selector = isObject(spec.nodeSelector) ? spec.nodeSelector : {};
  const computeType = str(selector[EKS_LABELS.computeType]);
  if (computeType === 'auto') {
    return { kind: 'auto-mode-node-role', basis: `nodeSelector ${EKS_LABELS.computeType}=auto` };
  }
  if (cluster.autoMode && computeType === null) {
    return {
      kind: 'auto-mode-node-role',
      basis:
        'the cluster runs EKS Auto Mode (a pod on a node group pulls with that node group’s role instead)',
    };
  }
  return {
    kind: 'node-role',
    basis: 'an EC2 node: the kubelet’s ecr-credential-provider uses the node’s instance role',
  };
}

/**
 * The containers of these pods that wait on an image pull, with the best error text for each. Init, regular
 * and ephemeral containers all count: a stuck init container keeps the whole pod from starting.
 */
export function podPullFailures(
  pods: unknown[],
  eventErrors: ReadonlyMap<string, string>,
  cluster: ClusterCompute,
): PodPullFailure[] {
  const failures: PodPullFailure[] = [];
  for (const pod of pods.filter(isObject)) {
    const metadata = isObject(pod.metadata) ? pod.metadata : {};
    const spec = isObject(pod.spec) ? pod.spec : {};
    const status = isObject(pod.status) ? pod.status : {};
    const namespace = str(metadata.namespace);
    const name = str(metadata.name);
    if (!namespace || !name) continue;
    const specImages = new Map<string, string>();
    for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) {
      for (const c of objects(list)) {
        const cname = str(c.name);
        const image = str(c.image);
        if (cname && image) specImages.set(cname, image);
      }
    }
    const statuses = [
      ...objects(status.initContainerStatuses),
      ...objects(status.containerStatuses),
      ...objects(status.ephemeralContainerStatuses),
    ];
    const role = pullingRole(pod, cluster);
    for (const containerStatus of statuses) {
      const state = isObject(containerStatus.state) ? containerStatus.state : {};
      const waiting = isObject(state.waiting) ? state.waiting : null;
      const reason = str(waiting?.reason);
      if (!reason || !(PULL_WAITING_REASONS as readonly string[]).includes(reason)) continue;
      const container = str(containerStatus.name) ?? '?';
      // The spec's image is what the kubelet pulls; the status may show a resolved form.
      const image = specImages.get(container) ?? str(containerStatus.image) ?? '?';
      const waitingMessage = str(waiting?.message) ?? '';
      const fromEvent = eventErrors.get(`${namespace}/${name}/${image}`);
      const message =
        fromEvent ??
        (waitingMessage && !waitingMessage.startsWith('Back-off pulling image')
          ? waitingMessage
          : waitingMessage || reason);
      failures.push({
        namespace,
        pod: name,
        container,
        image,
        waitingReason: reason,
        message,
        roleKind: role.kind,
        roleBasis: role.basis,
        node: str(spec.nodeName),
        pullSecrets: objects(spec.imagePullSecrets).flatMap((s) => str(s.name) ?? []),
      });
    }
  }
  return failures;
}
