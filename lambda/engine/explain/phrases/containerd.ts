import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: containerd, its CRI plugin and the kubelet (kubectl describe pod events). */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const CONTAINERD: readonly PhraseRow[] = [
  ['auth/registry-unauthorized', /": unauthorized:?[ \t]*$/im, 'https://github.com/YFGaia/dify-plus/issues/44'],
  ['throttle/kubelet-qps', /pull QPS exceeded/i, 'https://github.com/zalando-incubator/kubernetes-on-aws/pull/8045'],
  ['platform/no-matching-manifest', /does not contain descriptor matching platform/i, null],
  ['integrity/transfer', /unexpected commit (?:size|digest)/i, 'https://github.com/containerd/containerd/issues/1893'],
  ['integrity/transfer', /failed size validation/i, 'https://github.com/containerd/containerd/issues/4908'],
  ['integrity/transfer', /size mismatch/i, null],
  // containerd's content writer: the blob's stream ended before the size the descriptor gave.
  ['network/truncated-transfer', /failed to read expected number of bytes: unexpected EOF/i, 'https://github.com/bottlerocket-os/bottlerocket/issues/2491'],
  // The registry asks for a client certificate (mutual TLS) that the client did not send.
  ['network/no-answer', /remote error: tls: certificate required/i, 'https://github.com/containerd/containerd/pull/13206'],
  ['network/no-answer', /read tcp [^\n]{1,120}: read: connection timed out/i, 'https://github.com/yunionio/cloudpods/issues/17464'],
  // stargz-snapshotter resolving a lazily pulled layer.
  ['auth/registry-unauthorized', /failed to access to the registry with code 401/i, 'https://github.com/containerd/stargz-snapshotter/issues/1989'],
  ['not-found/repository-or-tag', /code = NotFound/im, 'https://linden.consulting/en/blog/ecr-image-pull-failure'],
  // Batch 4's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['ambiguous/pull-cancelled', /code = Canceled desc = [^\n]{0,600}context canceled/i, 'https://github.com/Azure/AKS/issues/245'],
  ['credentials/pull-secret-unreadable', /cannot get resource "secrets" in API group ""/i, 'https://github.com/argoproj/argo-workflows/issues/9630'],
  // The kubelet's own cancelled pull, whatever code containerd gives it.

  ['ambiguous/pull-cancelled', /Failed to pull image "[^"\n]{1,400}": rpc error: code = \w{1,20} desc = context canceled/i, 'https://github.com/kubernetes/test-infra/issues/15102'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  // An HTML page (a proxy's or a login page) arrived where the layer or config should be.
  ['integrity/transfer', /unexpected media type text\/html for sha256:/i, 'https://github.com/containerd/containerd/issues/7400'],
  // containerd's content store (BuildKit's too) has no blob of that digest: the local store, not the registry.
  ['ambiguous/local-store', /\bcontent digest sha256:[0-9a-f]{64}: not found/i, 'https://github.com/moby/buildkit/issues/3809'],
  ['network/no-answer', /failed to resolve reference "[^"\n]{1,400}": unexpected EOF[ \t]*$/im, 'https://github.com/containerd/containerd/issues/5435'],
];
