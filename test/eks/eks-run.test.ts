import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterInfo, EksApi } from '../../lambda/engine/eks/clusters.ts';
import { readEksWatchConfig } from '../../lambda/engine/eks/eks-config.ts';
import { type EksWatchConfig, runEksWatch } from '../../lambda/engine/eks/eks-run.ts';
import { memoryIndexStore } from '../../lambda/engine/eks/index-store.ts';
import { canaryStateKey } from '../../lambda/engine/outputs/notify.ts';
import type { PublishedMessage } from '../../lambda/engine/outputs/ports.ts';
import { memoryStore, recordingSink } from '../support/fake-outputs.ts';
import { type KubeApiStub, startKubeApiStub } from '../support/kube-api-stub.ts';
import {
  containerdStatusError,
  ECR_IMAGE,
  failedPullEvent,
  noiseEvents,
  pod,
} from '../support/kube-fixtures.ts';

const identity = {
  accessKeyId: 'ASIAEKSRUNTEST000001',
  secretAccessKey: 'eks-run-test-secret/abcdefABCDEF0123456789',
  sessionToken: 'eks-run-session-token/xyz=',
};
const CLUSTER = 'prod-eu';
const REGION = 'eu-west-1';

let stub: KubeApiStub;
beforeAll(async () => {
  stub = await startKubeApiStub({ clusterName: CLUSTER, identities: [identity] });
});
afterAll(() => stub?.close());

function info(overrides: Partial<ClusterInfo> = {}): ClusterInfo {
  return {
    name: CLUSTER,
    status: 'ACTIVE',
    endpoint: stub.url,
    caPem: stub.caPem,
    authenticationMode: 'API_AND_CONFIG_MAP',
    publicAccess: true,
    privateAccess: false,
    publicAccessCidrs: ['0.0.0.0/0'],
    vpcId: 'vpc-0123456789abcdef0',
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    autoMode: false,
    ...overrides,
  };
}

function fakeEks(clusters: Record<string, ClusterInfo | Error>): EksApi & { described: string[] } {
  const described: string[] = [];
  return {
    described,
    async listClusters() {
      return Object.keys(clusters);
    },
    async describeCluster(name) {
      described.push(name);
      const found = clusters[name];
      if (!found)
        throw Object.assign(new Error(`No cluster found for name: ${name}.`), {
          name: 'ResourceNotFoundException',
        });
      if (found instanceof Error) throw found;
      return found;
    },
  };
}

const config: EksWatchConfig = {
  canaryName: 'ecr-pull-canary',
  region: REGION,
  namespace: 'ECRPullCanary',
  topicArn: 'arn:aws:sns:eu-west-1:111122223333:canary',
  stateTable: 'state',
  canaryTargets: ['app'],
  dedupHours: 6,
  dashboardUrl: null,
  logsUrl: null,
  clusters: [CLUSTER],
  exclude: [],
  inVpc: false,
};

function harness(eks: EksApi) {
  let now = Date.now();
  // The authenticator's clock moves with the run's: each run mints its token at its own time.
  stub.now = () => now;
  const published: PublishedMessage[] = [];
  const lines: string[] = [];
  const deps = {
    eks,
    credentials: async () => identity,
    metrics: recordingSink(),
    notifier: { publish: async (m: PublishedMessage) => void published.push(m) },
    store: memoryStore(),
    index: memoryIndexStore(),
    now: () => now,
    write: (line: string) => void lines.push(line),
  };
  return {
    deps,
    published,
    lines,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

beforeEach(() => {
  stub.now = Date.now;
  stub.fault = null;
  stub.pods = [];
  stub.events = [];
  stub.requests.length = 0;
});

describe('the EKS watch run', () => {
  it('notifies once for a pod stuck on an ECR 403, not again while it stays stuck, and once when it pulls', async () => {
    const h = harness(fakeEks({ [CLUSTER]: info() }));
    h.deps.store.items.set(canaryStateKey(config.canaryName, REGION, 'app'), {
      status: 'ok',
      category: null,
      since: null,
      lastNotifiedAt: null,
      version: 1,
    });
    stub.pods = [pod({ name: 'web-7d9f-abc12' }), pod({ name: 'fine', state: 'running' })];
    stub.events = [
      failedPullEvent({ pod: 'web-7d9f-abc12', error: containerdStatusError(ECR_IMAGE, '403 Forbidden') }),
      ...noiseEvents('web-7d9f-abc12'),
    ];
    const first = await runEksWatch(config, h.deps);
    expect(first).toMatchObject({ failures: 1, notified: 1, recovered: 0, metricsVia: 'PutMetricData' });
    expect(first.clusters).toEqual([expect.objectContaining({ cluster: CLUSTER, checked: true })]);
    expect(h.published).toHaveLength(1);
    const [message] = h.published;
    expect(message?.subject).toBe('ECR workload pull failure permission: eu-west-1 shop/web-7d9f-abc12');
    expect(message?.attributes).toMatchObject({
      category: 'permission',
      kind: 'workload-failure',
      workload: `eks:${CLUSTER}/shop/web-7d9f-abc12/app/${ECR_IMAGE}`,
    });
    for (const text of [
      `Cluster:`,
      CLUSTER,
      'shop/web-7d9f-abc12',
      `Image:`,
      ECR_IMAGE,
      'ecr-credential-provider',
      'AmazonEC2ContainerRegistryPullOnly',
      '403 Forbidden',
      'The canary pulls fine here',
    ]) {
      expect(message?.message).toContain(text);
    }
    const auth = h.deps.metrics.calls[0]?.points.find((p) => p.name === 'WorkloadAuthFailures');
    expect(auth?.value).toBe(1);

    // Five and fifty minutes later, still stuck: counted, not announced again.
    for (const minutes of [5, 45]) {
      h.advance(minutes * 60_000);
      const again = await runEksWatch(config, h.deps);
      expect(again).toMatchObject({ failures: 1, notified: 0 });
    }
    expect(h.published).toHaveLength(1);
    expect(h.deps.metrics.calls).toHaveLength(3);

    // The image pulls: the pod runs, so it is no longer listed as Pending.
    stub.pods = [pod({ name: 'web-7d9f-abc12', state: 'running' })];
    h.advance(5 * 60_000);
    const recovered = await runEksWatch(config, h.deps);
    expect(recovered).toMatchObject({ failures: 0, notified: 0, recovered: 1 });
    expect(h.published[1]?.subject).toBe(
      `ECR workload pull RECOVERED permission: eu-west-1 ${CLUSTER} shop/web-7d9f-abc12`,
    );
    expect(h.published[1]?.message).toContain('its image pulled and the container started');
    expect(h.published[1]?.attributes).toMatchObject({ kind: 'workload-recovery', severity: 'info' });

    h.advance(5 * 60_000);
    expect(await runEksWatch(config, h.deps)).toMatchObject({ notified: 0, recovered: 0 });
    expect(h.published).toHaveLength(2);
    // Nothing secret in what went out.
    const out = JSON.stringify([h.published, h.lines, h.deps.metrics.calls]);
    for (const secret of [identity.secretAccessKey, identity.sessionToken, 'k8s-aws-v1.'])
      expect(out).not.toContain(secret);
  });

  it('announces a pod that is deleted while failing as gone, once', async () => {
    const h = harness(fakeEks({ [CLUSTER]: info() }));
    stub.pods = [pod({ name: 'api-1', state: 'ErrImagePull' })];
    await runEksWatch(config, h.deps);
    stub.pods = [];
    h.advance(300_000);
    expect(await runEksWatch(config, h.deps)).toMatchObject({ recovered: 1 });
    expect(h.published.map((m) => m.attributes.kind)).toEqual(['workload-failure', 'workload-recovery']);
    expect(h.published[1]?.message).toContain('its pod is gone');
  });

  it('names the Fargate pod execution role and its fix', async () => {
    const h = harness(fakeEks({ [CLUSTER]: info() }));
    stub.pods = [
      pod({
        name: 'batch-1',
        state: 'ErrImagePull',
        labels: { 'eks.amazonaws.com/fargate-profile': 'batch' },
      }),
    ];
    await runEksWatch(config, h.deps);
    expect(h.published[0]?.message).toContain('Fargate profile’s pod execution role');
    expect(h.published[0]?.message).toContain('AmazonEKSFargatePodExecutionRolePolicy');
  });

  it.each([
    [
      'config-map-mode',
      () => info({ authenticationMode: 'CONFIG_MAP' }),
      /authenticationMode=API_AND_CONFIG_MAP/,
    ],
    [
      'private-endpoint',
      () => info({ publicAccess: false, privateAccess: true }),
      /private only: give the cluster a VPC placement/,
    ],
    ['not-active', () => info({ status: 'UPDATING' }), /UPDATING/],
    [
      'describe-failed',
      () =>
        Object.assign(new Error('User is not authorized to perform: eks:DescribeCluster'), {
          name: 'AccessDeniedException',
        }),
      /AccessDeniedException/,
    ],
  ] as const)(
    'reports a cluster it cannot read as not checked (%s), without a page',
    async (reason, cluster, detail) => {
      const h = harness(fakeEks({ [CLUSTER]: cluster() }));
      stub.pods = [pod({ name: 'web-1' })];
      const summary = await runEksWatch(config, h.deps);
      expect(summary.clusters).toEqual([
        expect.objectContaining({ checked: false, reason, detail: expect.stringMatching(detail) }),
      ]);
      expect(h.published).toEqual([]);
      expect(stub.requests).toEqual([]);
    },
  );

  it.each([
    [401, 'unauthorized', /no access entry/],
    [403, 'forbidden', /lacks AmazonEKSViewPolicy/],
    [429, 'throttled', /HTTP 429/],
    ['never', 'timeout', /no answer within/],
  ] as const)('reports HTTP %s from the API server as not checked (%s)', async (fault, reason, detail) => {
    const h = harness(fakeEks({ [CLUSTER]: info() }));
    stub.pods = [pod({ name: 'web-1' })];
    stub.fault = fault;
    // A short deadline, so the API server that never answers costs the suite a second, not five.
    const summary = await runEksWatch(config, { ...h.deps, callMs: 1000 });
    expect(summary.clusters).toEqual([
      expect.objectContaining({ checked: false, reason, detail: expect.stringMatching(detail) }),
    ]);
    expect(h.published).toEqual([]);
    expect(h.lines.some((l) => l.includes('"type":"eks-not-checked"'))).toBe(true);
  });

  it('refuses a token minted for another cluster name (the stub authenticates as aws-iam-authenticator does)', async () => {
    const h = harness(fakeEks({ 'other-cluster': info({ name: 'other-cluster' }) }));
    stub.pods = [pod({ name: 'web-1' })];
    const summary = await runEksWatch({ ...config, clusters: ['other-cluster'] }, h.deps);
    expect(summary.clusters[0]).toMatchObject({ checked: false, reason: 'unauthorized' });
    expect(stub.requests[0]?.refused).toBe('STS: SignatureDoesNotMatch');
  });

  it('reads every cluster of the region with "all", but those another function reads', async () => {
    const eks = fakeEks({
      [CLUSTER]: info(),
      private1: info({ name: 'private1' }),
      old: info({ name: 'old', authenticationMode: 'CONFIG_MAP' }),
    });
    const h = harness(eks);
    const summary = await runEksWatch({ ...config, clusters: 'all', exclude: ['private1'] }, h.deps);
    expect(eks.described.sort()).toEqual(['old', CLUSTER]);
    expect(summary.clusters.map((c) => [c.cluster, c.checked])).toEqual([
      ['old', false],
      [CLUSTER, true],
    ]);
  });
});

describe('the EKS watch configuration', () => {
  const env = { AWS_REGION: REGION };
  // The canary's target names, as the function's code carries them (lambda/engine/model/code-data.ts).
  const data = { canaryTargets: ['app'] };
  it('reads "all" or names from the code, and names every bad value', () => {
    expect(
      readEksWatchConfig({ ...env, EKS_WATCH_IN_VPC: 'true' }, { ...data, clusters: 'all', exclude: [] }),
    ).toMatchObject({ clusters: 'all', exclude: [], inVpc: true });
    expect(readEksWatchConfig(env, { ...data, clusters: ['a', 'b-2'], exclude: ['c'] })).toMatchObject({
      clusters: ['a', 'b-2'],
      exclude: ['c'],
      inVpc: false,
    });
    expect(() => readEksWatchConfig(env, { ...data, clusters: 'some', exclude: [1] })).toThrow(
      /canary-data\.json clusters="some": allowed: "all" or a list.*canary-data\.json exclude=\[1\]/,
    );
  });
});
