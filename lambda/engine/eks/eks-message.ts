/**
 * The EKS side of the watcher's notifications: the failure in the shape of the ECS watch's (lambda/watch/
 * watch-message.ts formats it: who, the error, why, the canary's verdict, the fix) with the cluster, namespace,
 * pod, container, image and the role that pulls, and the one recovery message. Pure.
 */

import type { TextClassification } from '../explain/classify-text.ts';
import { AUTH_CATEGORIES, DIAGNOSIS_KIND_ATTRIBUTE } from '../model/contract.ts';
import type { Category } from '../model/types.ts';
import type { WorkloadFailure } from '../watch/workload-event.ts';
import type { PodPullFailure, PullingRoleKind } from './pull-failures.ts';

export const ROLE_KIND_TEXT: Record<PullingRoleKind, string> = {
  'node-role': 'the node’s IAM role (EC2 node, through the kubelet’s ecr-credential-provider)',
  'auto-mode-node-role': 'the EKS Auto Mode node role',
  'fargate-pod-execution-role': 'the Fargate profile’s pod execution role',
};

/** What to change for a credentials, auth or permission failure, by who pulls. */
const ROLE_FIX: Record<PullingRoleKind, string> = {
  'node-role':
    'attach AmazonEC2ContainerRegistryPullOnly (or ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer) to the node group’s IAM role; for another account’s repository, allow that role in the repository policy; on self-managed nodes check that the kubelet’s ecr-credential-provider config matches the registry host (*.dkr.ecr.*.amazonaws.com) and the node can reach IMDS (hop limit 2 for containers). The pod’s service account (IRSA, Pod Identity) does not pull images.',
  'auto-mode-node-role':
    'attach AmazonEC2ContainerRegistryPullOnly to the Auto Mode node role (the NodeClass’s role); for another account’s repository, allow that role in the repository policy. The pod’s service account does not pull images.',
  'fargate-pod-execution-role':
    'attach AmazonEKSFargatePodExecutionRolePolicy (or the ECR pull actions) to the Fargate profile’s pod execution role; for another account’s repository, allow that role in the repository policy. The pod’s service account does not pull images.',
};

/** The EKS-aware fix, for the categories where who pulls decides it. */
export function eksFix(kind: PullingRoleKind, category: Category): string | undefined {
  return (AUTH_CATEGORIES as readonly string[]).includes(category) ? ROLE_FIX[kind] : undefined;
}

const cut = (text: string, limit = 256) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/** The workload's dedup identity: cluster, namespace, pod, container, image. */
export function eksWorkload(
  cluster: string,
  f: Pick<PodPullFailure, 'namespace' | 'pod' | 'container' | 'image'>,
): string {
  return `eks:${cluster}/${f.namespace}/${f.pod}/${f.container}/${f.image}`;
}

export function eksWorkloadFailure(
  cluster: string,
  region: string,
  failure: PodPullFailure,
  classification: TextClassification,
): WorkloadFailure {
  const fix = eksFix(failure.roleKind, classification.category);
  const who: Array<[string, string]> = [
    ['Cluster', cut(cluster)],
    ['Pod', cut(`${failure.namespace}/${failure.pod}`)],
    ['Container', cut(failure.container)],
    ['Image', cut(failure.image)],
    ['Waiting', failure.waitingReason],
    ['Pulled by', `${ROLE_KIND_TEXT[failure.roleKind]}; ${cut(failure.roleBasis, 160)}`],
  ];
  if (failure.node) who.push(['Node', cut(failure.node)]);
  if (failure.pullSecrets.length > 0)
    who.push(['Pull secrets', cut(`${failure.pullSecrets.join(', ')} (the kubelet tries these too)`)]);
  return {
    source: 'eks-pod',
    workload: eksWorkload(cluster, failure),
    who,
    classification,
    region,
    account: null,
    time: null,
    ...(fix ? { fix } : {}),
  };
}

export const EKS_RECOVERY_KIND = 'workload-recovery';

export interface EksRecoveryNotification {
  subject: string;
  message: string;
  attributes: {
    category: Category;
    severity: 'info';
    region: string;
    workload: string;
    [DIAGNOSIS_KIND_ATTRIBUTE]: typeof EKS_RECOVERY_KIND;
  };
}

/** How the container left its failure: it pulled, or its pod is gone. */
export type RecoveryHow = 'pulled' | 'pod-gone' | 'not-waiting';

const HOW_TEXT: Record<RecoveryHow, string> = {
  pulled: 'its image pulled and the container started',
  'pod-gone': 'its pod is gone (replaced, scaled in or deleted)',
  'not-waiting': 'it no longer waits on its image',
};

export function formatEksRecovery(options: {
  canaryName: string;
  region: string;
  cluster: string;
  failure: Pick<PodPullFailure, 'namespace' | 'pod' | 'container' | 'image'>;
  category: Category;
  since: string | null;
  how: RecoveryHow;
}): EksRecoveryNotification {
  const { failure } = options;
  const where = `${options.cluster} ${failure.namespace}/${failure.pod}`;
  const subject = cut(
    `ECR workload pull RECOVERED ${options.category}: ${options.region} ${where}`.replace(
      /[^\x20-\x7e]+/g,
      ' ',
    ),
    99,
  );
  const lines = [
    `The EKS container ${failure.container} of ${failure.namespace}/${failure.pod} in ${options.cluster} (${options.region}) recovered: ${HOW_TEXT[options.how]}.`,
    `It was failing to pull with ${options.category}${options.since ? ` since ${options.since}` : ''}.`,
    '',
    `Image: ${failure.image}`,
    `Canary: ${options.canaryName}`,
  ];
  return {
    subject,
    message: `${lines.join('\n')}\n`,
    attributes: {
      category: options.category,
      severity: 'info',
      region: options.region,
      workload: cut(eksWorkload(options.cluster, failure)),
      [DIAGNOSIS_KIND_ATTRIBUTE]: EKS_RECOVERY_KIND,
    },
  };
}
