import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../lambda/engine/aws/node-sha256.ts';
import { type KubeEndpoint, kubeGet, kubeListAll } from '../../lambda/engine/eks/kube-client.ts';
import { readClusterPullFailures } from '../../lambda/engine/eks/read-cluster.ts';
import { EKS_TOKEN, mintEksToken, stsHost } from '../../lambda/engine/eks/token.ts';
import { type KubeApiStub, refuseToken, startKubeApiStub } from '../support/kube-api-stub.ts';
import {
  containerdStatusError,
  ECR_IMAGE,
  failedPullEvent,
  noiseEvents,
  pod,
} from '../support/kube-fixtures.ts';

const identity = {
  accessKeyId: 'ASIAEKSWATCHTEST0001',
  secretAccessKey: 'eks-watch-test-secret/0123456789abcdefABCDEF',
  sessionToken: 'IQoJb3JpZ2luX2VjEKs//session+token/with=padding==',
};
const CLUSTER = 'prod-eu';
const REGION = 'eu-west-1';

let stub: KubeApiStub;
beforeAll(async () => {
  stub = await startKubeApiStub({ clusterName: CLUSTER, identities: [identity] });
});
afterAll(() => stub?.close());
beforeEach(() => {
  stub.fault = null;
  stub.pods = [];
  stub.events = [];
  stub.requests.length = 0;
});

async function endpoint(overrides: { cluster?: string; nowMs?: number; credentials?: typeof identity } = {}) {
  const { token } = await mintEksToken({
    clusterName: overrides.cluster ?? CLUSTER,
    region: REGION,
    credentials: overrides.credentials ?? identity,
    nowMs: overrides.nowMs ?? Date.now(),
  });
  return { url: stub.url, caPem: stub.caPem, token } satisfies KubeEndpoint;
}

/** The presigned URL inside a token, and a token made of a URL. */
const urlOf = (token: string) =>
  new URL(Buffer.from(token.slice(EKS_TOKEN.prefix.length), 'base64url').toString());
const tokenOf = (url: string) => `${EKS_TOKEN.prefix}${Buffer.from(url).toString('base64url')}`;

describe('the token', () => {
  it('is the unpadded base64url of a presigned STS GetCallerIdentity URL with the cluster header signed', async () => {
    const now = Date.UTC(2026, 11, 7, 18, 30, 12, 345);
    const { token, expiresAtMs } = await mintEksToken({
      clusterName: CLUSTER,
      region: REGION,
      credentials: identity,
      nowMs: now,
    });
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token).not.toMatch(/[=+/]/);
    const url = urlOf(token);
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261207T183012Z');
    expect(url.searchParams.has('x-k8s-aws-id')).toBe(false);
    expect(expiresAtMs).toBe(Date.UTC(2026, 11, 7, 18, 45, 12));
    expect(refuseToken(token, CLUSTER, [identity], now + 14 * 60_000)).toBeNull();
  });

  it('is refused for another cluster, after 15 minutes, with a wrong secret or session, and when tampered with', async () => {
    const now = Date.now();
    const { token } = await mintEksToken({
      clusterName: CLUSTER,
      region: REGION,
      credentials: identity,
      nowMs: now,
    });
    expect(refuseToken(token, 'other-cluster', [identity], now)).toBe('STS: SignatureDoesNotMatch');
    expect(refuseToken(token, CLUSTER, [identity], now + 15 * 60_000 + 1000)).toMatch(/expired/);
    expect(refuseToken(token, CLUSTER, [{ ...identity, secretAccessKey: 'other' }], now)).toBe(
      'STS: SignatureDoesNotMatch',
    );
    expect(refuseToken(token, CLUSTER, [{ ...identity, sessionToken: 'other' }], now)).toMatch(
      /session token/,
    );
    const url = urlOf(token);
    expect(refuseToken(tokenOf(`${url.href}&foo=bar`), CLUSTER, [identity], now)).toMatch(
      /non-whitelisted query parameter "foo"/,
    );
    expect(refuseToken(tokenOf(url.href.replace('https:', 'http:')), CLUSTER, [identity], now)).toMatch(
      /scheme/,
    );
    expect(
      refuseToken(
        tokenOf(url.href.replace('sts.eu-west-1.amazonaws.com', 'sts.eu-west-1.example.com')),
        CLUSTER,
        [identity],
        now,
      ),
    ).toMatch(/hostname/);
    expect(
      refuseToken(
        tokenOf(url.href.replace('X-Amz-Expires=60', 'X-Amz-Expires=901')),
        CLUSTER,
        [identity],
        now,
      ),
    ).toMatch(/X-Amz-Expires/);
    expect(
      refuseToken(
        tokenOf(url.href.replace('Action=GetCallerIdentity', 'Action=AssumeRole')),
        CLUSTER,
        [identity],
        now,
      ),
    ).toMatch(/action/);
    expect(refuseToken(`${token}==`, CLUSTER, [identity], now)).toMatch(/base64/);
    expect(refuseToken(`k8s-aws-v2.${token.slice(11)}`, CLUSTER, [identity], now)).toMatch(/prefix/);
    expect(refuseToken(`${token}${'A'.repeat(4096)}`, CLUSTER, [identity], now)).toMatch(/too large/);
  });

  it('is refused when the cluster header is hoisted into the query instead of signed as a header', async () => {
    const host = stsHost(REGION);
    const signer = new SignatureV4({
      service: 'sts',
      region: REGION,
      credentials: identity,
      sha256: NodeSha256,
    });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: host,
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host, 'x-k8s-aws-id': CLUSTER },
      },
      { expiresIn: 60, hoistableHeaders: new Set(['x-k8s-aws-id']) },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    expect(refuseToken(tokenOf(`https://${host}/?${query}`), CLUSTER, [identity], Date.now())).toMatch(
      /x-k8s-aws-id/,
    );
    // Without the cluster header at all.
    const bare = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: host,
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host },
      },
      { expiresIn: 60 },
    );
    const bareQuery = new URLSearchParams(bare.query as Record<string, string>).toString();
    expect(refuseToken(tokenOf(`https://${host}/?${bareQuery}`), CLUSTER, [identity], Date.now())).toMatch(
      /did not sign the x-k8s-aws-id/,
    );
  });

  it('uses the China partition host in cn- regions', () => {
    expect(stsHost('cn-north-1')).toBe('sts.cn-north-1.amazonaws.com.cn');
  });
});

describe('the Kubernetes client against the stub', () => {
  it('lists every page with limit and continue, with an accepted token', async () => {
    stub.pods = Array.from({ length: 5 }, (_, i) => pod({ name: `web-${i}` }));
    const answer = await kubeListAll(await endpoint(), '/api/v1/pods', {
      limit: 2,
      maxPages: 10,
      callMs: 2000,
      fieldSelector: 'status.phase=Pending',
    });
    expect(answer).toMatchObject({ ok: true, body: { truncated: false, pages: 3 } });
    expect(
      answer.ok && answer.body.items.map((p) => (p as { metadata: { name: string } }).metadata.name),
    ).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    expect(stub.requests.map((r) => [r.refused, r.query.limit, Boolean(r.query.continue)])).toEqual([
      [null, '2', false],
      [null, '2', true],
      [null, '2', true],
    ]);
  });

  it('stops at maxPages and says the list is truncated', async () => {
    stub.pods = Array.from({ length: 5 }, (_, i) => pod({ name: `web-${i}` }));
    const answer = await kubeListAll(await endpoint(), '/api/v1/pods', {
      limit: 2,
      maxPages: 2,
      callMs: 2000,
    });
    expect(answer).toMatchObject({ ok: true, body: { truncated: true, pages: 2 } });
  });

  it('restarts a list once when its continue token expired (410)', async () => {
    stub.pods = Array.from({ length: 3 }, (_, i) => pod({ name: `web-${i}` }));
    stub.fault = 'expire-continue';
    const answer = await kubeListAll(await endpoint(), '/api/v1/pods', {
      limit: 2,
      maxPages: 10,
      callMs: 2000,
    });
    expect(answer.ok && answer.body.items).toHaveLength(3);
    expect(stub.requests).toHaveLength(4);
  });

  it('is unauthorized with a token for another cluster or an expired one', async () => {
    for (const ep of [
      await endpoint({ cluster: 'other' }),
      await endpoint({ nowMs: Date.now() - 16 * 60_000 }),
    ]) {
      const answer = await kubeGet(ep, '/api/v1/pods', {}, 2000);
      expect(answer).toMatchObject({ ok: false, reason: 'unauthorized', status: 401 });
    }
    expect(stub.requests.map((r) => r.refused)).toEqual([
      'STS: SignatureDoesNotMatch',
      expect.stringMatching(/expired/),
    ]);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [429, 'throttled'],
    [500, 'server-error'],
  ] as const)('answers HTTP %s as "%s", never a throw', async (fault, reason) => {
    stub.fault = fault;
    const answer = await kubeGet(await endpoint(), '/api/v1/events', {}, 2000);
    expect(answer).toMatchObject({ ok: false, reason, status: fault });
    if (fault === 403) expect(!answer.ok && answer.detail).toMatch(/cannot list resource "events"/);
  });

  it('gives up on an API that never answers at the deadline', async () => {
    stub.fault = 'never';
    const started = Date.now();
    const answer = await kubeGet(await endpoint(), '/api/v1/pods', {}, 300);
    expect(answer).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses an endpoint whose certificate is not of the cluster CA, and a closed port', async () => {
    const other = await startKubeApiStub({ clusterName: CLUSTER, identities: [identity] });
    try {
      const wrongCa = await kubeGet({ ...(await endpoint()), caPem: other.caPem }, '/api/v1/pods', {}, 2000);
      expect(wrongCa).toMatchObject({ ok: false, reason: 'tls' });
    } finally {
      await other.close();
    }
    const closed = await kubeGet({ ...(await endpoint()), url: other.url }, '/api/v1/pods', {}, 2000);
    expect(closed).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('never puts the token in an answer', async () => {
    const ep = await endpoint({ cluster: 'other' });
    for (const fault of [401, 403, 429, 500, null] as const) {
      stub.fault = fault;
      const answer = await kubeGet(ep, '/api/v1/pods', {}, 2000);
      expect(JSON.stringify(answer)).not.toContain(ep.token.slice(11, 60));
      expect(JSON.stringify(answer)).not.toContain(identity.secretAccessKey);
    }
  });
});

describe('reading a cluster', () => {
  it('finds the stuck containers with the registry error from their Failed event', async () => {
    stub.pods = [
      pod({ name: 'web-1' }),
      pod({
        name: 'api-1',
        state: 'ErrImagePull',
        image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:9',
      }),
      pod({ name: 'ok-1', state: 'running' }),
      pod({
        name: 'job-1',
        init: true,
        labels: { 'eks.amazonaws.com/fargate-profile': 'batch' },
        schedulerName: 'fargate-scheduler',
      }),
    ];
    stub.events = [
      failedPullEvent({
        pod: 'web-1',
        error: containerdStatusError(ECR_IMAGE, '403 Forbidden'),
        at: '2026-12-07T18:01:00Z',
      }),
      failedPullEvent({
        pod: 'web-1',
        error: containerdStatusError(ECR_IMAGE, '401 Unauthorized'),
        at: '2026-12-07T17:01:00Z',
      }),
      ...noiseEvents('web-1'),
    ];
    const answer = await readClusterPullFailures(
      await endpoint(),
      { autoMode: false },
      { callMs: 2000, limit: 2 },
    );
    if (!answer.ok) throw new Error(answer.detail);
    const byPod = Object.fromEntries(answer.body.failures.map((f) => [f.pod, f]));
    expect(Object.keys(byPod).sort()).toEqual(['api-1', 'job-1', 'web-1']);
    expect(byPod['web-1']).toMatchObject({
      namespace: 'shop',
      container: 'app',
      image: ECR_IMAGE,
      waitingReason: 'ImagePullBackOff',
      roleKind: 'node-role',
      message: expect.stringMatching(/^Failed to pull image .*403 Forbidden$/),
    });
    // No event: the waiting message of ErrImagePull is the error itself.
    expect(byPod['api-1']).toMatchObject({
      waitingReason: 'ErrImagePull',
      message: expect.stringMatching(/403 Forbidden$/),
    });
    expect(byPod['job-1']).toMatchObject({
      roleKind: 'fargate-pod-execution-role',
      message: `Back-off pulling image "${ECR_IMAGE}"`,
    });
    // The selectors went to the API server: only Pending pods and Failed pod events were listed.
    expect(stub.requests.map((r) => r.query.fieldSelector)).toEqual(
      expect.arrayContaining(['status.phase=Pending', 'reason=Failed,involvedObject.kind=Pod']),
    );
    expect(answer.body.events).toBe(4);
  });

  it('names the Auto Mode node role on an Auto Mode cluster', async () => {
    stub.pods = [
      pod({ name: 'a' }),
      pod({ name: 'b', nodeSelector: { 'eks.amazonaws.com/compute-type': 'auto' } }),
    ];
    const auto = await readClusterPullFailures(await endpoint(), { autoMode: true }, { callMs: 2000 });
    expect(auto.ok && auto.body.failures.map((f) => [f.pod, f.roleKind, f.roleBasis])).toEqual([
      ['a', 'auto-mode-node-role', expect.stringMatching(/Auto Mode/)],
      ['b', 'auto-mode-node-role', expect.stringMatching(/nodeSelector/)],
    ]);
  });

  it('is not checked when either list is refused', async () => {
    stub.fault = 403;
    const answer = await readClusterPullFailures(await endpoint(), { autoMode: false }, { callMs: 2000 });
    expect(answer).toMatchObject({ ok: false, reason: 'forbidden' });
  });
});
