// Smoke tests of the bundle that will be deployed: each invocation is a fresh Node process (a cold start) running
// the esbuild bundle against the registry, the ECR/STS double and the CloudWatch, SNS and DynamoDB doubles. They
// prove the wiring (environment, SDK clients and their settings, the credential swap, the outputs on the wire);
// the run's logic is unit-tested in process (canary-run, notify, publish-metrics, datapoints, emf, dedup,
// notification, handler-config) and the probe's verdicts in probe-faults.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  DIMENSION,
  ENV,
  type HandlerTarget,
  METRIC,
  type ProbeCodeData,
} from '../lambda/engine/model/contract.ts';
import { bundleHandler } from '../lib/handler-bundling.ts';
import { type CloudWatchDouble, startCloudWatchDouble } from './support/cloudwatch-double.ts';
import { type DynamoDbDouble, startDynamoDbDouble } from './support/dynamodb-double.ts';
import { type Invocation, invokeBundle, SCHEDULED_EVENT } from './support/invoke-bundle.ts';
import {
  ACCOUNT,
  functionHostEnv,
  type ProbeEnvironment,
  REGION,
  secretForms,
  startProbeEnvironment,
} from './support/probe-env.ts';
import { startRecordingListener } from './support/recording-listener.ts';
import { type SnsDouble, startSnsDouble } from './support/sns-double.ts';

const registry = inject('registry');
const { multiArch } = registry.images;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:ecr-pull-canary`;
const STATE_TABLE = 'ecr-pull-canary-state';
const TARGET = 'known-good';

let dir: string;
let bundle: string;
let world: ProbeEnvironment;
let cloudwatch: CloudWatchDouble;
let sns: SnsDouble;
let dynamodb: DynamoDbDouble;
const allOutput: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canary-bundle-'));
  bundle = join(dir, 'index.cjs');
  [world, cloudwatch, sns, dynamodb] = await Promise.all([
    startProbeEnvironment(registry),
    startCloudWatchDouble(),
    startSnsDouble(),
    startDynamoDbDouble({ tables: [STATE_TABLE] }),
    bundleHandler(bundle).then(() => undefined),
  ]);
}, 60_000);

afterAll(async () => {
  try {
    await Promise.all([world.close(), cloudwatch.close(), sns.close(), dynamodb.close()]);
  } finally {
    // The bundle's directory goes even when closing a server fails.
    await rm(dir, { recursive: true, force: true });
  }
  // Every byte the function wrote in this file, and everything it sent, is free of the registry secret.
  const everything = [
    ...allOutput,
    JSON.stringify(cloudwatch.putMetricDataCalls),
    JSON.stringify(sns.publishes),
    JSON.stringify([...dynamodb.items(STATE_TABLE).values()]),
  ].join('\n');
  for (const secret of secretForms(registry.password)) expect(everything).not.toContain(secret);
});

beforeEach(() => {
  world.double.reset();
  world.proxy.setFault(null);
  cloudwatch.setFault(null);
  sns.setFault(null);
  cloudwatch.putMetricDataCalls.length = 0;
  sns.publishes.length = 0;
  dynamodb.items(STATE_TABLE).clear();
});

interface TargetOverrides {
  image?: string;
  /** `undefined` removes the registry URL from the target. */
  registryUrl?: string | undefined;
  platforms?: string[];
  expectedPrincipal?: string;
}

/** The targets the construct writes into the function's code (lambda/engine/model/code-data.ts). */
function codeData(target: TargetOverrides = {}): ProbeCodeData {
  return {
    targets: [
      {
        name: TARGET,
        image: `${multiArch.repository}:${multiArch.tag}`,
        registryUrl: world.proxy.url,
        ...target,
      } as HandlerTarget,
    ],
  };
}

/** The environment the construct sets, plus the endpoints and CA a test host needs. */
function functionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...functionHostEnv(world, registry.caPath, { cloudwatch, sns, dynamodb }),
    [ENV.canaryName]: 'test-canary',
    [ENV.topicArn]: TOPIC_ARN,
    [ENV.stateTable]: STATE_TABLE,
    [ENV.dashboardName]: 'ecr-pull-canary',
    [ENV.reminderHours]: '6',
    ...extra,
  };
}

async function invoke(
  target: TargetOverrides = {},
  extra: Record<string, string> = {},
  remainingMs = 30_000,
) {
  const run = await invokeBundle(bundle, functionEnv(extra), remainingMs, SCHEDULED_EVENT, codeData(target));
  allOutput.push(run.stdout, run.stderr);
  return run;
}

/** The datapoints of the single PutMetricData call, as `Name{Dim=Value}` → value. */
function sentMetrics(): Record<string, number | undefined> {
  expect(cloudwatch.putMetricDataCalls).toHaveLength(1);
  const [call] = cloudwatch.putMetricDataCalls;
  expect(call?.namespace).toBe('EcrPullCanary');
  return Object.fromEntries(
    (call?.metricData ?? []).map((datum) => [
      `${datum.metricName}{${datum.dimensions.map((d) => `${d.name}=${d.value}`).join(',')}}`,
      datum.value,
    ]),
  );
}

function logRecords(run: Invocation, type: string): Array<Record<string, unknown>> {
  return run.logLines.map((line) => JSON.parse(line)).filter((record) => record.type === type);
}

describe('a healthy run', () => {
  it('sends exactly one steady-state metric in one PutMetricData call and logs one JSON line per target', async () => {
    const run = await invoke();
    expect(run.summary).toMatchObject({ ok: true, failed: 0, metrics: { via: 'PutMetricData' } });
    const metrics = sentMetrics();
    expect(Object.keys(metrics)).toEqual([`Latency{Target=${TARGET}}`]);
    expect(metrics[`Latency{Target=${TARGET}}`]).toBeGreaterThan(0);
    expect(sns.publishes).toHaveLength(0);

    // The line has timings, skew, attempts, identity and token expiry.
    const [record, ...others] = logRecords(run, 'probe-result');
    expect(others).toHaveLength(0);
    expect(record).toMatchObject({
      level: 'INFO',
      target: TARGET,
      ok: true,
      category: null,
      digest: multiArch.digest,
      tokenAttempts: 1,
      identity: `arn:aws:iam::${ACCOUNT}:user/canary`,
    });
    expect(record?.timings).toMatchObject({ tokenMs: expect.any(Number), tlsMs: expect.any(Number) });
    expect(typeof record?.clockSkewSeconds).toBe('number');
    expect(Date.parse(String(record?.tokenExpiresAt))).toBeGreaterThan(Date.now());
  });
});

describe('a target on another registry', () => {
  it('stops the function before any call when the target names no registry URL', async () => {
    // GIVEN a target whose host is a TLS listener the function trusts, with no registryUrl (config would refuse it)
    const listener = await startRecordingListener(registry);
    try {
      const image = `localhost:${listener.port}/${multiArch.repository}:${multiArch.tag}`;
      // WHEN the deployed bundle runs / THEN it fails on its configuration, and the token went nowhere
      const failure = await invoke({ image, registryUrl: undefined }).then(
        () => null,
        (error: { stderr?: string }) => error,
      );
      expect(failure?.stderr).toContain(
        `target "${image}": registry host "localhost:${listener.port}" is not an ECR registry host`,
      );
      allOutput.push(failure?.stderr ?? '');
      expect(listener.connections).toBe(0);
      expect(listener.requests).toEqual([]);
      expect(world.double.calls).toEqual([]);
    } finally {
      await listener.close();
    }
  });
});

describe('when CloudWatch is unreachable', () => {
  it('writes the same datapoints as EMF, once, and says why', async () => {
    cloudwatch.setFault({ kind: 'access-denied' });
    world.proxy.setFault({ kind: 'expired-token' });
    const run = await invoke();
    expect(run.summary.metrics.via).toBe('EMF');
    expect(cloudwatch.putMetricDataCalls).toHaveLength(0);
    const emf = run.logLines.map((line) => JSON.parse(line)).filter((record) => record._aws);
    expect(emf).toHaveLength(1);
    const [line] = emf;
    const declared = line._aws.CloudWatchMetrics.flatMap(
      (directive: { Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }) => {
        expect(directive.Namespace).toBe('EcrPullCanary');
        return directive.Metrics.map((metric) => `${metric.Name}{${directive.Dimensions[0]?.join(',')}}`);
      },
    );
    expect(declared.sort()).toEqual([
      `${METRIC.authFailures}{}`,
      `${METRIC.failures}{${DIMENSION.category}}`,
      `${METRIC.failures}{${DIMENSION.target}}`,
      `${METRIC.failures}{}`,
      `${METRIC.latency}{${DIMENSION.target}}`,
    ]);
    expect(line).toMatchObject({
      Latency: expect.any(Number),
      Failures: 1,
      AuthFailures: 1,
      Target: TARGET,
      Category: 'auth',
    });
    const [fallback] = logRecords(run, 'metrics-fallback');
    expect(fallback?.reason).toContain('AccessDenied');
  });
});

describe('notifications', () => {
  it('announces a failure once across cold starts: the next run reads the streak from the table', async () => {
    world.proxy.setFault({ kind: 'expired-token' });
    await invoke();
    await invoke();
    expect(sns.publishes.map((p) => p.messageAttributes.kind?.stringValue)).toEqual(['failure']);
    expect([...dynamodb.items(STATE_TABLE).values()]).toMatchObject([
      { status: { S: 'failing' }, category: { S: 'auth' }, version: { N: '1' } },
    ]);
  });

  it('says what is wrong, whose credentials, what to do, and where to look', async () => {
    world.proxy.setFault({ kind: 'expired-token' });
    const run = await invoke();
    expect(run.summary).toMatchObject({ ok: false, failed: 1 });
    expect(sentMetrics()).toEqual({
      [`Latency{Target=${TARGET}}`]: expect.any(Number),
      'Failures{}': 1,
      [`Failures{Target=${TARGET}}`]: 1,
      'Failures{Category=auth}': 1,
      'AuthFailures{}': 1,
    });
    expect(logRecords(run, 'probe-result')[0]).toMatchObject({ level: 'WARN', ok: false, category: 'auth' });
    expect(sns.publishes).toHaveLength(1);
    const [publish] = sns.publishes;
    expect(publish?.topicArn).toBe(TOPIC_ARN);
    expect(publish?.subject).toBe(`ECR pull canary FAILING auth: ${REGION} ${TARGET}`);
    expect(publish?.subject?.length).toBeLessThan(100);
    expect(publish?.message).toContain('Phase:     manifest');
    expect(publish?.message).toContain(
      'Error:     DENIED: registry answered 403: Your authorization token has expired',
    );
    expect(publish?.message).toContain(`Identity:  arn:aws:iam::${ACCOUNT}:user/canary`);
    expect(publish?.message).toContain('Fix: Fetch a fresh token');
    expect(publish?.message).toContain(
      `Dashboard: https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/ecr-pull-canary`,
    );
    expect(publish?.message).toContain(
      '#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fecr-pull-canary-probe',
    );
    expect(publish?.messageAttributes).toEqual({
      category: { dataType: 'String', stringValue: 'auth' },
      severity: { dataType: 'String', stringValue: 'critical' },
      region: { dataType: 'String', stringValue: REGION },
      target: { dataType: 'String', stringValue: TARGET },
      kind: { dataType: 'String', stringValue: 'failure' },
    });
  });

  it('a broken SNS or dedup store is logged and never fails the run', async () => {
    world.proxy.setFault({ kind: 'expired-token' });
    sns.setFault({ kind: 'access-denied' });
    dynamodb.setFault({ kind: 'status', status: 500 });
    const run = await invoke();
    dynamodb.setFault(null);
    expect(run.summary).toMatchObject({ ok: false, metrics: { via: 'PutMetricData' } });
    expect(logRecords(run, 'dedup-store-read-failed')).toHaveLength(1);
    expect(logRecords(run, 'notification-failed')[0]).toMatchObject({
      level: 'ERROR',
      errorCode: 'AuthorizationErrorException',
    });
  });
});
