// The workload watcher bundle that will be deployed, each invocation in a fresh Node process (a cold start),
// against the CloudWatch, SNS and DynamoDB doubles: the wiring (environment, SDK clients, the state table
// shared with the canary, the outputs on the wire). The logic is unit-tested in process in watch.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WATCH_ENV, type WatchCodeData } from '../lambda/engine/model/watch-contract.ts';
import { canaryStateKey } from '../lambda/engine/outputs/notify.ts';
import { bundleHandler, WATCH_HANDLER_ENTRY } from '../lib/handler-bundling.ts';
import { type CloudWatchDouble, startCloudWatchDouble } from './support/cloudwatch-double.ts';
import { type DynamoDbDouble, startDynamoDbDouble } from './support/dynamodb-double.ts';
import { invokeBundle } from './support/invoke-bundle.ts';
import { ACCOUNT, hostEnv, REGION } from './support/probe-env.ts';
import { type SnsDouble, startSnsDouble } from './support/sns-double.ts';

const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:ecr-pull-canary`;
const STATE_TABLE = 'ecr-pull-canary-state';
const CANARY = 'test-canary';

let dir: string;
let bundle: string;
let cloudwatch: CloudWatchDouble;
let sns: SnsDouble;
let dynamodb: DynamoDbDouble;
let fixtures: Record<string, { event: Record<string, unknown> & { detail: Record<string, unknown> } }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watch-bundle-'));
  bundle = join(dir, 'index.cjs');
  [cloudwatch, sns, dynamodb] = await Promise.all([
    startCloudWatchDouble(),
    startSnsDouble(),
    startDynamoDbDouble({ tables: [STATE_TABLE] }),
    bundleHandler(bundle, WATCH_HANDLER_ENTRY).then(() => undefined),
  ]);
  fixtures = JSON.parse(
    await readFile(new URL('./fixtures/workload-events.json', import.meta.url), 'utf8'),
  ).events;
}, 60_000);

afterAll(async () => {
  try {
    await Promise.all([cloudwatch.close(), sns.close(), dynamodb.close()]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

beforeEach(() => {
  cloudwatch.putMetricDataCalls.length = 0;
  sns.publishes.length = 0;
  dynamodb.items(STATE_TABLE).clear();
});

/** What the construct sets (lib/workload-watch.ts), plus the doubles' endpoints; ECR is never called. */
function env(): Record<string, string> {
  return {
    ...hostEnv('http://127.0.0.1:9'),
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
    AWS_ENDPOINT_URL_SNS: sns.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
    AWS_LAMBDA_FUNCTION_NAME: 'ecr-pull-canary-watch',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/ecr-pull-canary-watch',
    [WATCH_ENV.canaryName]: CANARY,
    [WATCH_ENV.namespace]: 'EcrPullCanary',
    [WATCH_ENV.topicArn]: TOPIC_ARN,
    [WATCH_ENV.stateTable]: STATE_TABLE,
    [WATCH_ENV.dedupHours]: '6',
  };
}

/** What the construct writes into the watcher's code (lambda/engine/model/code-data.ts). */
const CODE_DATA_DOC: WatchCodeData = { canaryTargets: ['known-good'] };

const invoke = (event: unknown) => invokeBundle(bundle, env(), 15_000, event, CODE_DATA_DOC);

function sentMetrics(): string[] {
  return cloudwatch.putMetricDataCalls.flatMap((call) => {
    expect(call.namespace).toBe('EcrPullCanary');
    return call.metricData.map(
      (d) => `${d.metricName}{${d.dimensions.map((x) => `${x.name}=${x.value}`).join(',')}}=${d.value}`,
    );
  });
}

describe('the deployed watcher bundle', () => {
  it('turns one CannotPullContainerError stop into one datapoint per metric and one notification with the canary verdict', async () => {
    const run = await invoke(fixtures['ecs-pull-denied-fargate']?.event);
    expect(run.summary).toMatchObject({
      handled: true,
      category: 'permission',
      notified: true,
      verdict: 'ok',
    });
    expect(sentMetrics()).toEqual([
      'WorkloadPullFailures{Category=permission}=1',
      'WorkloadPullFailures{}=1',
      'WorkloadAuthFailures{}=1',
    ]);
    expect(sns.publishes).toHaveLength(1);
    const [publish] = sns.publishes;
    expect(publish?.topicArn).toBe(TOPIC_ARN);
    expect(publish?.subject).toBe(`ECR workload pull failure permission: ${REGION} payments-api`);
    expect(publish?.message).toContain(
      "The canary pulls fine here, so this is the workload's own identity or network.",
    );
    expect(publish?.message).toContain('Service:         payments-api');
    expect(publish?.message).toContain(
      `Task definition: arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/payments-api:42`,
    );
    expect(publish?.message).toContain(`Logs:      https://${REGION}.console.aws.amazon.com/`);
    expect(publish?.messageAttributes).toEqual({
      category: { dataType: 'String', stringValue: 'permission' },
      severity: { dataType: 'String', stringValue: 'critical' },
      region: { dataType: 'String', stringValue: REGION },
      workload: { dataType: 'String', stringValue: 'ecs:prod/service:payments-api' },
      kind: { dataType: 'String', stringValue: 'workload-failure' },
    });
    // Its dedup item lives in its own key namespace of the canary's table.
    expect([...dynamodb.items(STATE_TABLE).keys()]).toEqual([
      `watch#${CANARY}#${REGION}#ecs:prod/service:payments-api#permission`,
    ]);
    const lines = run.logLines.map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.type === 'workload-pull-failure')).toHaveLength(1);
  });

  it('does not notify twice within the dedup window, across cold starts', async () => {
    const event = fixtures['ecs-pull-denied-fargate']?.event;
    await invoke(event);
    const again = await invoke(event);
    expect(again.summary).toMatchObject({ handled: true, notified: false, duplicate: true });
    expect(sns.publishes).toHaveLength(1);
    // Every failure is still counted.
    expect(sentMetrics().filter((m) => m.startsWith('WorkloadPullFailures{}'))).toHaveLength(2);
  });

  it("says the canary fails too when the canary's own item in the table is failing", async () => {
    dynamodb.items(STATE_TABLE).set(canaryStateKey(CANARY, REGION, 'known-good'), {
      pk: { S: canaryStateKey(CANARY, REGION, 'known-good') },
      status: { S: 'failing' },
      category: { S: 'auth' },
      since: { S: '2026-11-27T10:00:00.000Z' },
      version: { N: '1' },
    });
    const run = await invoke(fixtures['cloudtrail-batchgetimage-denied']?.event);
    expect(run.summary).toMatchObject({ handled: true, category: 'permission', verdict: 'failing' });
    expect(sns.publishes[0]?.message).toContain(
      'The canary fails too (known-good: auth since 2026-11-27T10:00:00.000Z): ECR or the account.',
    );
    expect(sns.publishes[0]?.message).toContain('Action:     ecr:BatchGetImage');
  });

  it('logs one line for a malformed event, sends nothing and exits 0', async () => {
    for (const event of [
      { hello: 'world' },
      null,
      { source: 'aws.ecs', 'detail-type': 'ECS Task State Change', detail: { lastStatus: 'STOPPED' } },
    ]) {
      const run = await invoke(event);
      expect(run.summary).toMatchObject({ handled: false, notified: false, metricsVia: 'none' });
      expect(run.logLines).toHaveLength(1);
      expect(JSON.parse(run.logLines[0] as string)).toMatchObject({ level: 'WARN', type: 'event-ignored' });
    }
    expect(cloudwatch.putMetricDataCalls).toHaveLength(0);
    expect(sns.publishes).toHaveLength(0);
    expect(dynamodb.items(STATE_TABLE).size).toBe(0);
  });

  it('returns with one error line, and no retry, when its configuration is broken', async () => {
    const run = await invokeBundle(
      bundle,
      { ...env(), [WATCH_ENV.dedupHours]: 'soon' },
      15_000,
      fixtures['ecs-pull-timeout']?.event,
      CODE_DATA_DOC,
    );
    expect(run.summary).toMatchObject({ handled: false });
    expect(run.logLines.map((l) => JSON.parse(l))).toMatchObject([
      { level: 'ERROR', type: 'watch-failed', message: expect.stringContaining('WATCH_DEDUP_HOURS="soon"') },
    ]);
    expect(sns.publishes).toHaveLength(0);
  });
});
