import { request } from 'node:http';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
// The SNS client's JSON protocol implementation (a transitive dependency), to show the SNS double refuses it.
import { AwsJson1_0Protocol } from '@aws-sdk/core/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudWatchMetricsSink } from '../lambda/engine/outputs/cloudwatch-sink.ts';
import type { Datapoint } from '../lambda/engine/outputs/datapoints.ts';
import { type CloudWatchDouble, startCloudWatchDouble } from './support/cloudwatch-double.ts';
import { type SnsDouble, startSnsDouble } from './support/sns-double.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLETEST', secretAccessKey: 'test-secret-key' };
const region = 'eu-west-1';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ecr-pull-canary-alerts';

interface Captured {
  status: number;
  headers: Record<string, string>;
}

/** Records every raw HTTP response the client receives, so headers the SDK does not surface can be checked. */
function captureResponses(client: CloudWatchClient | SNSClient): Captured[] {
  const seen: Captured[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const out = await next(args);
        const res = out.response as { statusCode: number; headers: Record<string, string> };
        seen.push({ status: res.statusCode, headers: res.headers });
        return out;
      } catch (e) {
        const res = (e as { $response?: { statusCode: number; headers: Record<string, string> } }).$response;
        if (res) seen.push({ status: res.statusCode, headers: res.headers });
        throw e;
      }
    },
    { step: 'deserialize', name: 'captureResponses', priority: 'low' },
  );
  return seen;
}

/** Runs after signing, so the request is otherwise exactly what the SDK would send. */
function stripAuthorization(client: CloudWatchClient | SNSClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { headers: Record<string, string> };
      delete req.headers.authorization;
      return next(args);
    },
    { step: 'deserialize', name: 'stripAuthorization', priority: 'low' },
  );
}

/** The fields of an SDK v3 error (service or transport) these tests read. */
interface SdkError {
  name: string;
  message: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata: { httpStatusCode?: number; attempts?: number; requestId?: string };
  Error?: { Code?: string; Type?: string };
}

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the call to fail');
}

function expectRecentDate(headers: Record<string, string>): void {
  const date = headers.date;
  expect(date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  expect(Math.abs(Date.parse(date as string) - Date.now())).toBeLessThan(5_000);
}

describe('CloudWatch double', () => {
  let cw: CloudWatchDouble;
  beforeEach(async () => {
    cw = await startCloudWatchDouble();
  });
  afterEach(async () => {
    await cw.close();
  });

  const client = (extra: Partial<ConstructorParameters<typeof CloudWatchClient>[0]> = {}) =>
    new CloudWatchClient({ endpoint: cw.url, region, credentials, ...extra });
  const put = (c: CloudWatchClient) =>
    c.send(
      new PutMetricDataCommand({ Namespace: 'EcrPullCanary', MetricData: [{ MetricName: 'M', Value: 1 }] }),
    );

  const probeTime = new Date('2026-11-26T12:34:56.789Z');
  const points: Datapoint[] = [
    { name: 'Success', dimensions: { Target: 'team-app' }, value: 0, unit: 'Count' },
    { name: 'Failures', dimensions: { Category: 'auth' }, value: 1, unit: 'Count' },
    { name: 'ClockSkew', dimensions: {}, value: -1200.5, unit: 'Seconds' },
  ];

  it("decodes the sink's PutMetricData as the installed client sends it (AWS JSON 1.0)", async () => {
    const c = client();
    const responses = captureResponses(c);
    await cloudWatchMetricsSink(c).put('EcrPullCanary', points, probeTime, new AbortController().signal);

    expect(cw.putMetricDataCalls).toEqual([
      {
        namespace: 'EcrPullCanary',
        metricData: [
          {
            metricName: 'Success',
            dimensions: [{ name: 'Target', value: 'team-app' }],
            value: 0,
            unit: 'Count',
            timestamp: probeTime,
          },
          {
            metricName: 'Failures',
            dimensions: [{ name: 'Category', value: 'auth' }],
            value: 1,
            unit: 'Count',
            timestamp: probeTime,
          },
          { metricName: 'ClockSkew', dimensions: [], value: -1200.5, unit: 'Seconds', timestamp: probeTime },
        ],
      },
    ]);
    const [req] = cw.requests;
    expect(req?.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.PutMetricData');
    expect(req?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(req?.operation).toBe('PutMetricData');
    expect(req?.credential).toMatchObject({
      accessKeyId: credentials.accessKeyId,
      region,
      service: 'monitoring',
    });
    expect(responses).toHaveLength(1);
    expect(responses[0]?.status).toBe(200);
    expectRecentDate(responses[0]?.headers ?? {});
    expect(responses[0]?.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gunzips the bodies the client compresses once they pass 10 KiB', async () => {
    const many: MetricDatum[] = Array.from({ length: 150 }, (_, i) => ({
      MetricName: `Latency${i}`,
      Dimensions: [{ Name: 'Repository', Value: `team/service-with-a-long-name-${i}` }],
      Value: i,
      Unit: 'Milliseconds',
    }));
    await client().send(new PutMetricDataCommand({ Namespace: 'EcrPullCanary', MetricData: many }));

    expect(cw.requests[0]?.headers['content-encoding']).toBe('gzip');
    const data = cw.putMetricDataCalls[0]?.metricData ?? [];
    expect(data).toHaveLength(150);
    expect(data[149]).toEqual({
      metricName: 'Latency149',
      dimensions: [{ name: 'Repository', value: 'team/service-with-a-long-name-149' }],
      value: 149,
      unit: 'Milliseconds',
    });
  });

  it('rejects what the real service rejects, with its modeled error', async () => {
    const err = await failure(
      client().send(
        new PutMetricDataCommand({ Namespace: 'AWS/ECR', MetricData: [{ MetricName: 'M', Value: 1 }] }),
      ),
    );
    expect(err.name).toBe('InvalidParameterValueException');
    expect(err.Error?.Code).toBe('InvalidParameterValue');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(cw.putMetricDataCalls).toEqual([]);
  });

  it('refuses, naming itself, the members the sink does not send', async () => {
    for (const datum of [
      { MetricName: 'M', StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } },
      { MetricName: 'M', Values: [1, 2], Counts: [1, 1] },
      { MetricName: 'M', Value: 1, StorageResolution: 1 },
    ] satisfies MetricDatum[]) {
      const err = await failure(
        client({ maxAttempts: 1 }).send(new PutMetricDataCommand({ Namespace: 'N', MetricData: [datum] })),
      );
      expect(err.name).toBe('InvalidParameterValueException');
      expect(err.message).toContain('not modelled by the CloudWatch test double');
    }
    expect(cw.putMetricDataCalls).toEqual([]);
  });

  it('access-denied is AccessDenied (403) via x-amzn-query-error, not retried', async () => {
    cw.setFault({ kind: 'access-denied' });
    const c = client();
    const responses = captureResponses(c);
    const err = await failure(put(c));

    expect(err.name).toBe('AccessDenied');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.$metadata.attempts).toBe(1);
    expect(err.message).toContain('is not authorized to perform: cloudwatch:PutMetricData');
    expect(responses[0]?.headers['x-amzn-query-error']).toBe('AccessDenied;Sender');
    expectRecentDate(responses[0]?.headers ?? {});
    expect(cw.putMetricDataCalls).toEqual([]);
  });

  it.each([
    [500, 'InternalFailure'],
    [503, 'ServiceUnavailable'],
  ])('status %i is %s, a retried server fault', async (status, name) => {
    cw.setFault({ kind: 'status', status });
    const err = await failure(put(client({ maxAttempts: 2 })));

    expect(err.name).toBe(name);
    expect(err.$fault).toBe('server');
    expect(err.$metadata.httpStatusCode).toBe(status);
    expect(err.$metadata.attempts).toBe(2);
  });

  it('reset drops the connection: ECONNRESET after the retries', async () => {
    cw.setFault({ kind: 'reset' });
    const err = await failure(put(client({ maxAttempts: 2 })));

    expect(err.code).toBe('ECONNRESET');
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(cw.requests.map((r) => r.outcome)).toEqual(['reset', 'reset']);
  });

  it('rejects a request with no Authorization header as MissingAuthenticationToken', async () => {
    const c = client();
    stripAuthorization(c);
    const err = await failure(put(c));

    expect(err.name).toBe('MissingAuthenticationToken');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(cw.putMetricDataCalls).toEqual([]);
  });

  it('rejects a credential scoped to another service', async () => {
    const sns = new SNSClient({ endpoint: cw.url, region, credentials });
    const err = await failure(sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })));

    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.message).toContain("scoped to correct service: 'monitoring'");
    expect(err.$metadata.httpStatusCode).toBe(403);
  });
});

describe('SNS double', () => {
  let sns: SnsDouble;
  beforeEach(async () => {
    sns = await startSnsDouble();
  });
  afterEach(async () => {
    await sns.close();
  });

  const client = (extra: Partial<ConstructorParameters<typeof SNSClient>[0]> = {}) =>
    new SNSClient({ endpoint: sns.url, region, credentials, ...extra });
  const publish = (c: SNSClient) => c.send(new PublishCommand({ TopicArn: TOPIC, Message: 'probe failed' }));

  const category: MessageAttributeValue = { DataType: 'String', StringValue: 'permission' };
  const attributes: Record<string, MessageAttributeValue> = {
    category,
    repository: { DataType: 'String', StringValue: 'team/app' },
    detail: { DataType: 'String', StringValue: 'a=b&c=d +€ <x/>' },
  };
  const message = 'ECR pull canary failed:\n  category=permission & status=403 <DENIED> "quoted" ünïcode 🚨';

  it('decodes a Publish sent by the installed client (AWS query) and answers with its MessageId', async () => {
    const c = client();
    const responses = captureResponses(c);
    const out = await c.send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: 'ECR pull canary: permission',
        Message: message,
        MessageAttributes: attributes,
      }),
    );

    expect(sns.publishes).toEqual([
      {
        topicArn: TOPIC,
        subject: 'ECR pull canary: permission',
        message,
        messageAttributes: {
          category: { dataType: 'String', stringValue: 'permission' },
          repository: { dataType: 'String', stringValue: 'team/app' },
          detail: { dataType: 'String', stringValue: 'a=b&c=d +€ <x/>' },
        },
        messageId: out.MessageId,
      },
    ]);
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const [req] = sns.requests;
    expect(req?.body).toMatch(/^Action=Publish&Version=2010-03-31&/);
    expect(req?.body).toContain('MessageAttributes.entry.3.Value.StringValue=');
    expect(req?.credential).toMatchObject({ region, service: 'sns' });
    expect(responses[0]?.headers['content-type']).toBe('text/xml');
    expectRecentDate(responses[0]?.headers ?? {});
  });

  it('rejects a Subject with a line break as the real service does', async () => {
    const err = await failure(
      client().send(new PublishCommand({ TopicArn: TOPIC, Subject: 'two\nlines', Message: 'x' })),
    );
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toBe('Invalid parameter: Subject');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(sns.publishes).toEqual([]);
  });

  it('takes a Subject of 99 characters and rejects one of 100, as the real service does', async () => {
    await client().send(new PublishCommand({ TopicArn: TOPIC, Subject: 's'.repeat(99), Message: 'x' }));
    const err = await failure(
      client().send(new PublishCommand({ TopicArn: TOPIC, Subject: 's'.repeat(100), Message: 'x' })),
    );
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toBe('Invalid parameter: Subject');
    expect(sns.publishes).toHaveLength(1);
  });

  it('access-denied is AuthorizationErrorException (403), not retried', async () => {
    sns.setFault({ kind: 'access-denied' });
    const c = client();
    const responses = captureResponses(c);
    const err = await failure(publish(c));

    expect(err.name).toBe('AuthorizationErrorException');
    expect(err.Error).toMatchObject({ Code: 'AuthorizationError', Type: 'Sender' });
    expect(err.message).toContain(`SNS:Publish on resource: ${TOPIC}`);
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.$metadata.attempts).toBe(1);
    expectRecentDate(responses[0]?.headers ?? {});
  });

  it('refuses, naming itself, what the notifier does not send', async () => {
    const refusals = [
      client().send(new PublishCommand({ TopicArn: TOPIC, Message: 'm', MessageGroupId: 'g' })),
      client().send(
        new PublishCommand({
          TopicArn: TOPIC,
          Message: 'm',
          MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } },
        }),
      ),
      client({ protocol: AwsJson1_0Protocol }).send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' })),
    ];
    for (const refusal of refusals) {
      const err = await failure(refusal);
      expect(err.name).toBe('InvalidParameterException');
      expect(err.message).toContain('not modelled by the SNS test double');
    }
    expect(sns.publishes).toEqual([]);
  });
});

describe('hang', () => {
  it('is ended by the client requestTimeout (with throwOnRequestTimeout) and retried as a timeout', async () => {
    const cw = await startCloudWatchDouble();
    try {
      cw.setFault({ kind: 'hang' });
      const c = new CloudWatchClient({
        endpoint: cw.url,
        region,
        credentials,
        maxAttempts: 2,
        requestHandler: { requestTimeout: 250, throwOnRequestTimeout: true },
      });
      const started = Date.now();
      const err = await failure(
        c.send(new PutMetricDataCommand({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value: 1 }] })),
      );

      expect(err.name).toBe('TimeoutError');
      expect(err.$metadata.attempts).toBe(2);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(cw.requests.map((r) => r.outcome)).toEqual(['hang', 'hang']);
      expect(cw.putMetricDataCalls).toEqual([]);
    } finally {
      await cw.close();
    }
  });

  it('close() ends a hung connection and resolves', async () => {
    const sns = await startSnsDouble();
    sns.setFault({ kind: 'hang' });
    const ended = new Promise<string>((resolve) => {
      const req = request(`${sns.url}/`, { method: 'POST' }, () => resolve('response'));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end('Action=Publish');
    });
    await expect.poll(() => sns.requests.length).toBe(1);
    await sns.close();
    expect(await ended).toBe('ECONNRESET');
    expect(sns.requests[0]?.outcome).toBe('hang');
  });
});
