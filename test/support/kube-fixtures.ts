/**
 * Pods and Events as the Kubernetes API lists them, in the forms the kubelet leaves after a failed pull
 * (kubernetes pkg/kubelet/images/image_manager.go): the `Failed` Warning with containerd's error, the waiting
 * state ErrImagePull / ImagePullBackOff. Messages follow containerd's wording for a registry's answers.
 */
export const ECR_IMAGE = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.2';

/** containerd's error for an HTTP status from the registry while resolving the manifest. */
export function containerdStatusError(image: string, status: string): string {
  const host = image.split('/')[0];
  const tag = image.split(':').pop();
  return `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": pulling from host ${host} failed with status code [manifests ${tag}]: ${status}`;
}

export interface PodFixture {
  namespace?: string;
  name: string;
  image?: string;
  container?: string;
  /** The waiting reason, or `running`. */
  state?: 'ErrImagePull' | 'ImagePullBackOff' | 'running';
  waitingMessage?: string;
  labels?: Record<string, string>;
  schedulerName?: string;
  nodeSelector?: Record<string, string>;
  init?: boolean;
  pullSecrets?: string[];
}

export function pod(f: PodFixture): Record<string, unknown> {
  const image = f.image ?? ECR_IMAGE;
  const container = f.container ?? 'app';
  const state = f.state ?? 'ImagePullBackOff';
  const running = state === 'running';
  const status = {
    name: container,
    image,
    imageID: '',
    ready: running,
    restartCount: 0,
    started: running,
    state: running
      ? { running: { startedAt: '2026-12-07T18:00:00Z' } }
      : {
          waiting: {
            reason: state,
            message:
              f.waitingMessage ??
              (state === 'ImagePullBackOff'
                ? `Back-off pulling image "${image}"`
                : containerdStatusError(image, '403 Forbidden')),
          },
        },
  };
  return {
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'shop',
      uid: `uid-${f.name}`,
      labels: f.labels ?? { app: f.name },
    },
    spec: {
      [f.init ? 'initContainers' : 'containers']: [{ name: container, image }],
      ...(f.init ? { containers: [{ name: 'main', image: 'public.ecr.aws/docker/library/busybox:1' }] } : {}),
      nodeName: 'ip-10-0-1-23.eu-west-1.compute.internal',
      schedulerName: f.schedulerName ?? 'default-scheduler',
      ...(f.nodeSelector ? { nodeSelector: f.nodeSelector } : {}),
      ...(f.pullSecrets ? { imagePullSecrets: f.pullSecrets.map((name) => ({ name })) } : {}),
    },
    status: {
      phase: running ? 'Running' : 'Pending',
      [f.init ? 'initContainerStatuses' : 'containerStatuses']: [status],
    },
  };
}

export function failedPullEvent(f: {
  namespace?: string;
  pod: string;
  image?: string;
  container?: string;
  error: string;
  at?: string;
}): Record<string, unknown> {
  const image = f.image ?? ECR_IMAGE;
  return {
    metadata: { name: `${f.pod}.18f0a`, namespace: f.namespace ?? 'shop' },
    involvedObject: {
      kind: 'Pod',
      namespace: f.namespace ?? 'shop',
      name: f.pod,
      fieldPath: `spec.containers{${f.container ?? 'app'}}`,
    },
    reason: 'Failed',
    message: `Failed to pull image "${image}": ${f.error}`,
    source: { component: 'kubelet' },
    type: 'Warning',
    count: 3,
    firstTimestamp: '2026-12-07T18:00:00Z',
    lastTimestamp: f.at ?? '2026-12-07T18:04:00Z',
  };
}

/** The other records a failed pull leaves, which must not be taken for the error text. */
export function noiseEvents(podName: string, image = ECR_IMAGE): Record<string, unknown>[] {
  const base = (reason: string, message: string, type: string) => ({
    metadata: { name: `${podName}.${reason}`, namespace: 'shop' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: podName },
    reason,
    message,
    type,
    lastTimestamp: '2026-12-07T18:05:00Z',
  });
  return [
    base('Failed', 'Error: ErrImagePull', 'Warning'),
    base('Failed', 'Error: ImagePullBackOff', 'Warning'),
    base('BackOff', `Back-off pulling image "${image}"`, 'Normal'),
    base('Pulling', `Pulling image "${image}"`, 'Normal'),
  ];
}
