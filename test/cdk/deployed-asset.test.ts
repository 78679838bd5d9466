/**
 * The deploy-time path end to end, without AWS: synthesize the minimal configuration with real bundling, run the
 * seeding custom resource's asset as CloudFormation would (Create event, response PUT to a presigned URL),
 * then run the probe function's asset with the environment its template gives it. Only endpoints, the CA and
 * the resolved CloudFormation references (topic ARN, table name) come from the test.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ENV, FIRST_RUN } from '../../lambda/engine/model/contract.ts';
import { WATCH_ENV } from '../../lambda/engine/model/watch-contract.ts';
import { BUNDLE_FILE, bundleHandler, WATCH_HANDLER_ENTRY } from '../../lib/handler-bundling.ts';
import { type CloudWatchDouble, startCloudWatchDouble } from '../support/cloudwatch-double.ts';
import { type DynamoDbDouble, startDynamoDbDouble } from '../support/dynamodb-double.ts';
import { invokeBundle } from '../support/invoke-bundle.ts';
import {
  ACCOUNT,
  functionHostEnv,
  type ProbeEnvironment,
  REGION,
  secretForms,
  startProbeEnvironment,
} from '../support/probe-env.ts';
import { type SnsDouble, startSnsDouble } from '../support/sns-double.ts';
import { MINIMAL_CONFIG, synthApp } from './helpers.ts';

const registry = inject('registry');
const LOCAL_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:canary-topic`;
const LOCAL_TABLE = 'canary-state';

interface LambdaResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties: {
    Handler: string;
    Runtime: string;
    Architectures?: string[];
    Environment?: { Variables?: Record<string, unknown> };
  };
}

let world: ProbeEnvironment;
let cloudwatch: CloudWatchDouble;
let sns: SnsDouble;
let dynamodb: DynamoDbDouble;
let cfnResponses: Server;
const responses: Array<Record<string, unknown>> = [];
/** How many PutMetricData calls the CloudWatch double had received when each response arrived. */
const metricCallsAtResponse: number[] = [];
let template: { Resources: Record<string, LambdaResource & { Properties: Record<string, unknown> }> };
let assemblyDir: string;

beforeAll(async () => {
  const { app, canaries } = synthApp(
    { ...MINIMAL_CONFIG, regions: [REGION] },
    { bundle: true, account: ACCOUNT },
  );
  const assembly = app.synth();
  assemblyDir = assembly.directory;
  const stack = canaries[0];
  if (!stack) throw new Error('no canary stack');
  template = assembly.getStackByName(stack.stackName).template;

  [world, cloudwatch, sns, dynamodb] = await Promise.all([
    startProbeEnvironment(registry),
    startCloudWatchDouble(),
    startSnsDouble(),
    startDynamoDbDouble({ tables: [LOCAL_TABLE] }),
  ]);
  cfnResponses = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      responses.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      metricCallsAtResponse.push(cloudwatch.putMetricDataCalls.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => cfnResponses.listen(0, '127.0.0.1', resolve));
}, 180_000);

afterAll(async () => {
  cfnResponses.close();
  await Promise.all([world.close(), cloudwatch.close(), sns.close(), dynamodb.close()]);
});

function functionWithEnv(key: string | null): LambdaResource {
  const found = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      (key === null
        ? !resource.Properties.Environment
        : key in (resource.Properties.Environment?.Variables ?? {})),
  );
  if (!found) throw new Error(`no function ${key === null ? 'without environment' : `with ${key}`}`);
  return found;
}

function assetEntry(fn: LambdaResource): string {
  expect(fn.Properties.Handler).toBe('index.handler');
  expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
  expect(fn.Properties.Architectures).toEqual(['arm64']);
  const assetPath = fn.Metadata?.['aws:asset:path'];
  if (!assetPath) throw new Error('function has no asset path');
  return join(assemblyDir, assetPath, BUNDLE_FILE);
}

/** What the Lambda service and the test host provide: credentials, region, endpoints, the test CA. */
function hostEnv(): Record<string, string> {
  return functionHostEnv(world, registry.caPath, { cloudwatch, sns, dynamodb });
}

/** The template's variables with CloudFormation references resolved to the local stand-ins. */
function templateEnv(fn: LambdaResource): Record<string, string> {
  const local: Record<string, string> = { [ENV.topicArn]: LOCAL_TOPIC, [ENV.stateTable]: LOCAL_TABLE };
  return Object.fromEntries(
    Object.entries(fn.Properties.Environment?.Variables ?? {}).map(([key, value]) => {
      if (typeof value === 'string') return [key, value];
      const resolved = local[key];
      // A new reference in the template must be given a local stand-in here, or this test says so.
      if (!resolved) throw new Error(`environment variable ${key} is a reference with no local stand-in`);
      return [key, resolved];
    }),
  );
}

describe('the synthesized assets, run as Lambda would run them', () => {
  it('the probe asset is byte for byte the bundle the handler tests and the benchmark use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'canary-compare-'));
    try {
      await bundleHandler(join(dir, 'index.cjs'));
      const deployed = readFileSync(assetEntry(functionWithEnv(ENV.canaryName)));
      expect(deployed.equals(readFileSync(join(dir, 'index.cjs')))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the seeding custom resource pushes the known-good image and answers CloudFormation', async () => {
    const seed = Object.values(template.Resources).find(
      (r) => r.Type === 'Custom::EcrPullCanaryKnownGoodImage',
    );
    if (!seed) throw new Error('no seeding custom resource');
    const { ServiceToken: _token, ...properties } = seed.Properties;
    const address = cfnResponses.address() as AddressInfo;
    const run = await invokeBundle(assetEntry(functionWithEnv(null)), hostEnv(), 60_000, {
      RequestType: 'Create',
      ResponseURL: `http://127.0.0.1:${address.port}/presigned`,
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ecr-pull-canary/1`,
      RequestId: 'request-1',
      LogicalResourceId: 'Seed',
      ResourceProperties: properties,
    });
    expect(responses).toHaveLength(1);
    expect(responses[0], JSON.stringify(responses[0])).toMatchObject({
      Status: 'SUCCESS',
      Data: { Digest: properties.ImageDigest },
    });
    for (const secret of secretForms(registry.password))
      expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('the probe function, with its template environment, finds the seeded image healthy and publishes', async () => {
    const run = await invokeBundle(assetEntry(functionWithEnv(ENV.canaryName)), {
      ...hostEnv(),
      ...templateEnv(functionWithEnv(ENV.canaryName)),
    });
    expect(run.summary).toMatchObject({ ok: true, failed: 0, metrics: { via: 'PutMetricData' } });
    expect(cloudwatch.putMetricDataCalls).toHaveLength(1);
    const [call] = cloudwatch.putMetricDataCalls;
    expect(call?.namespace).toBe('EcrPullCanary');
    expect(
      call?.metricData.map(
        (d) => `${d.metricName}{${d.dimensions.map((x) => `${x.name}=${x.value}`).join(',')}}`,
      ),
    ).toEqual(['Latency{Target=known-good}']);
    expect(call?.metricData[0]?.value).toBeGreaterThan(0);
    for (const secret of secretForms(registry.password))
      expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('the probe function serves the deploy-time first run: it reports its metrics, then answers CloudFormation', async () => {
    const firstRun = Object.values(template.Resources).find((r) => r.Type === FIRST_RUN.resourceType);
    if (!firstRun) throw new Error('no first-run custom resource');
    const { ServiceToken: _token, ...properties } = firstRun.Properties;
    const address = cfnResponses.address() as AddressInfo;
    const event = (requestType: 'Create' | 'Delete') => ({
      RequestType: requestType,
      ResponseURL: `http://127.0.0.1:${address.port}/presigned-first-run`,
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ecr-pull-canary/1`,
      RequestId: `request-${requestType}`,
      ResourceType: FIRST_RUN.resourceType,
      LogicalResourceId: 'FirstRun',
      ...(requestType === 'Delete' ? { PhysicalResourceId: 'FirstRun' } : {}),
      ResourceProperties: properties,
    });
    const env = { ...hostEnv(), ...templateEnv(functionWithEnv(ENV.canaryName)) };
    const callsBefore = cloudwatch.putMetricDataCalls.length;
    const responsesBefore = responses.length;

    // The function's own timeout from the template: the run must leave the reply its margin within it.
    const create = await invokeBundle(
      assetEntry(functionWithEnv(ENV.canaryName)),
      env,
      60_000,
      event('Create'),
    );
    expect(responses.slice(responsesBefore), JSON.stringify(responses.at(-1))).toMatchObject([
      {
        Status: 'SUCCESS',
        PhysicalResourceId: 'FirstRun',
        Data: { Ok: 'true', Failed: '0', MetricsVia: 'PutMetricData' },
      },
    ]);
    // The heartbeat's datapoint was with CloudWatch before CloudFormation heard back (and created the alarm).
    expect(metricCallsAtResponse.at(-1)).toBe(callsBefore + 1);
    // The datapoint the template's heartbeat alarm reads (its metric name and dimensions).
    const heartbeat = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties.AlarmName).endsWith('-heartbeat-critical'),
    )?.Properties as { MetricName?: string; Dimensions?: Array<{ Name: string; Value: string }> } | undefined;
    const key = (
      name: unknown,
      dimensions: Array<{ name?: string; Name?: string; value?: string; Value?: string }>,
    ) => `${name}{${dimensions.map((d) => `${d.name ?? d.Name}=${d.value ?? d.Value}`).join(',')}}`;
    const sent = cloudwatch.putMetricDataCalls[callsBefore]?.metricData.map((d) =>
      key(d.metricName, d.dimensions),
    );
    expect(heartbeat?.MetricName).toBeDefined();
    expect(sent).toContain(key(heartbeat?.MetricName, heartbeat?.Dimensions ?? []));
    expect(create.summary).toMatchObject({ ok: true, failed: 0 });

    // Delete (stack deletion, or replacement) runs nothing and answers.
    const remove = await invokeBundle(
      assetEntry(functionWithEnv(ENV.canaryName)),
      env,
      60_000,
      event('Delete'),
    );
    expect(responses.slice(responsesBefore + 1)).toMatchObject([
      { Status: 'SUCCESS', PhysicalResourceId: 'FirstRun' },
    ]);
    expect(cloudwatch.putMetricDataCalls).toHaveLength(callsBefore + 1);
    expect(remove.summary as unknown).toBeNull();
    for (const secret of secretForms(registry.password)) {
      expect(create.stdout + create.stderr + remove.stdout + remove.stderr).not.toContain(secret);
    }
  });

  // In a VPC the relay outside it (the CDK Provider framework) invokes the probe with the event, its ResponseURL
  // replaced by "...", and answers CloudFormation with what the probe returns: the verdict as attributes, or a
  // thrown failure (lib/ecr-pull-canary.ts createFirstRunRelay). The probe must PUT nothing then.
  it('relayed from outside a VPC, the first run returns its verdict and PUTs nothing; a canary that cannot run throws', async () => {
    const firstRun = Object.values(template.Resources).find((r) => r.Type === FIRST_RUN.resourceType);
    if (!firstRun) throw new Error('no first-run custom resource');
    const { ServiceToken: _token, ...properties } = firstRun.Properties;
    const event = {
      RequestType: 'Create',
      ResponseURL: '...',
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ecr-pull-canary/1`,
      RequestId: 'request-relayed',
      ResourceType: FIRST_RUN.resourceType,
      LogicalResourceId: 'FirstRun',
      ResourceProperties: { ...properties, [FIRST_RUN.properties.answer]: FIRST_RUN.answerByReturn },
    };
    const env = { ...hostEnv(), ...templateEnv(functionWithEnv(ENV.canaryName)) };
    const callsBefore = cloudwatch.putMetricDataCalls.length;
    const responsesBefore = responses.length;
    const relayed = await invokeBundle(assetEntry(functionWithEnv(ENV.canaryName)), env, 60_000, event);
    expect(relayed.summary as unknown).toEqual({
      PhysicalResourceId: 'FirstRun',
      Data: { Ok: 'true', Failed: '0', MetricsVia: 'PutMetricData' },
    });
    expect(cloudwatch.putMetricDataCalls).toHaveLength(callsBefore + 1);
    expect(responses).toHaveLength(responsesBefore);

    // The Delete a first run of a release before 22's gets when it leaves the template (a new one replaces it under
    // another logical ID): answered through the relay, running nothing.
    const removed = await invokeBundle(assetEntry(functionWithEnv(ENV.canaryName)), env, 60_000, {
      ...event,
      RequestType: 'Delete',
      PhysicalResourceId: 'FirstRun',
    });
    expect(removed.summary as unknown).toEqual({ PhysicalResourceId: 'FirstRun' });
    expect(cloudwatch.putMetricDataCalls).toHaveLength(callsBefore + 1);
    expect(responses).toHaveLength(responsesBefore);

    // No targets in the code (a task root without the data file): the canary cannot run, and the relay must hear
    // it as a failure (a thrown error).
    const broken = { ...env, LAMBDA_TASK_ROOT: assemblyDir };
    const failed = await invokeBundle(
      assetEntry(functionWithEnv(ENV.canaryName)),
      broken,
      60_000,
      event,
    ).then(
      () => null,
      (error: { stdout?: string; stderr?: string }) => error,
    );
    expect(failed?.stderr).toMatch(/the canary cannot run: /);
    expect(responses).toHaveLength(responsesBefore);
    // What the relay logs (its event, the returned answer or the thrown message) and the probe's own record.
    const seen = [
      relayed.stdout,
      relayed.stderr,
      JSON.stringify(relayed.summary),
      failed?.stdout,
      failed?.stderr,
    ];
    for (const secret of secretForms(registry.password)) expect(seen.join('\n')).not.toContain(secret);
  });

  it('the workload watcher asset is the tested bundle and, with its template environment, announces a pull failure', async () => {
    const watcher = functionWithEnv(WATCH_ENV.canaryName);
    const dir = await mkdtemp(join(tmpdir(), 'canary-compare-'));
    try {
      await bundleHandler(join(dir, 'index.cjs'), WATCH_HANDLER_ENTRY);
      expect(readFileSync(assetEntry(watcher)).equals(readFileSync(join(dir, 'index.cjs')))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const local: Record<string, string> = {
      [WATCH_ENV.topicArn]: LOCAL_TOPIC,
      [WATCH_ENV.stateTable]: LOCAL_TABLE,
    };
    const env = Object.fromEntries(
      Object.entries(watcher.Properties.Environment?.Variables ?? {}).map(([key, value]) => {
        if (typeof value === 'string') return [key, value];
        const resolved = local[key];
        if (!resolved) throw new Error(`environment variable ${key} is a reference with no local stand-in`);
        return [key, resolved];
      }),
    );
    const fixtures = JSON.parse(
      readFileSync(new URL('../fixtures/workload-events.json', import.meta.url), 'utf8'),
    );
    const publishesBefore = sns.publishes.length;
    const run = await invokeBundle(
      assetEntry(watcher),
      { ...hostEnv(), ...env },
      15_000,
      fixtures.events['ecs-pull-timeout'].event,
    );
    expect(run.summary).toMatchObject({
      handled: true,
      category: 'network',
      notified: true,
      metricsVia: 'PutMetricData',
    });
    expect(sns.publishes.slice(publishesBefore).map((p) => p.topicArn)).toEqual([LOCAL_TOPIC]);
  });
});
