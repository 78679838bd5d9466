import { request } from 'node:http';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
// The clients' own protocol implementations (a transitive dependency of both), used only to drive each double
// over the protocol its installed client does not default to.
import { AwsJson1_0Protocol, AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  const metrics: MetricDatum[] = [
    {
      MetricName: 'ManifestLatency',
      Dimensions: [
        { Name: 'Repository', Value: 'team/app' },
        { Name: 'Region', Value: 'eu-west-1' },
      ],
      Values: [12.5, 40, 250.25],
      Counts: [3, 1, 2],
      Unit: 'Milliseconds',
      Timestamp: probeTime,
      StorageResolution: 1,
    },
    {
      MetricName: 'PullSuccess',
      Dimensions: [{ Name: 'Repository', Value: 'team/app' }],
      Value: 0,
      Unit: 'Count',
      Timestamp: probeTime,
    },
    {
      MetricName: 'TokenRemaining',
      Dimensions: [],
      StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4.5 },
      Unit: 'Seconds',
    },
  ];
  const decoded = (protocol: 'json' | 'query') => ({
    namespace: 'EcrPullCanary',
    protocol,
    metricData: [
      {
        metricName: 'ManifestLatency',
        dimensions: [
          { name: 'Repository', value: 'team/app' },
          { name: 'Region', value: 'eu-west-1' },
        ],
        values: [12.5, 40, 250.25],
        counts: [3, 1, 2],
        unit: 'Milliseconds',
        timestamp: probeTime,
        storageResolution: 1,
      },
      {
        metricName: 'PullSuccess',
        dimensions: [{ name: 'Repository', value: 'team/app' }],
        value: 0,
        unit: 'Count',
        timestamp: probeTime,
      },
      {
        metricName: 'TokenRemaining',
        dimensions: [],
        statisticValues: { sampleCount: 4, sum: 10, minimum: 1, maximum: 4.5 },
        unit: 'Seconds',
      },
    ],
  });

  it('decodes a multi-metric PutMetricData sent by the installed client (AWS JSON 1.0)', async () => {
    const c = client();
    const responses = captureResponses(c);
    const out = await c.send(new PutMetricDataCommand({ Namespace: 'EcrPullCanary', MetricData: metrics }));

    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(cw.putMetricDataCalls).toEqual([decoded('json')]);
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
    expectRecentDate(responses[0]?.headers ?? {});
    expect(responses[0]?.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('decodes the same call over the AWS query protocol and answers in XML', async () => {
    const c = client({ protocol: AwsQueryProtocol });
    const out = await c.send(new PutMetricDataCommand({ Namespace: 'EcrPullCanary', MetricData: metrics }));

    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cw.putMetricDataCalls).toEqual([decoded('query')]);
    expect(cw.requests[0]?.body).toContain('Action=PutMetricData&Version=2010-08-01');
    expect(cw.requests[0]?.body).toContain('MetricData.member.1.Values.member.3=250.25');

    cw.setFault({ kind: 'access-denied' });
    const err = await failure(put(c));
    expect(err.name).toBe('AccessDenied');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.Error).toMatchObject({ Code: 'AccessDenied', Type: 'Sender' });
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
        new PutMetricDataCommand({
          Namespace: 'EcrPullCanary',
          MetricData: [{ MetricName: 'M', Values: [1, 2], Counts: [1] }],
        }),
      ),
    );
    expect(err.name).toBe('InvalidParameterValueException');
    expect(err.Error?.Code).toBe('InvalidParameterValue');
    expect(err.$metadata.httpStatusCode).toBe(400);
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

  it('throttle N then success shows the retries in $metadata.attempts', async () => {
    cw.setFault({ kind: 'throttle', times: 2 });
    const out = await put(client());

    expect(out.$metadata.attempts).toBe(3);
    expect(cw.requests.map((r) => r.outcome)).toEqual([400, 400, 200]);
    expect(cw.putMetricDataCalls).toHaveLength(1);
  });

  it('throttle that outlasts the retries surfaces as Throttling (400)', async () => {
    cw.setFault({ kind: 'throttle', times: 3 });
    const err = await failure(put(client({ maxAttempts: 2 })));

    expect(err.name).toBe('Throttling');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.attempts).toBe(2);
    // One throttle left on the countdown, then the fault clears itself.
    await expect(put(client({ maxAttempts: 1 }))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(put(client({ maxAttempts: 1 }))).resolves.toBeDefined();
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
        protocol: 'query',
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

  it('decodes a Publish over AWS JSON 1.0 too', async () => {
    const out = await client({ protocol: AwsJson1_0Protocol }).send(
      new PublishCommand({ TopicArn: TOPIC, Message: 'm', MessageAttributes: { a: category } }),
    );

    expect(sns.requests[0]?.headers['x-amz-target']).toBe('AmazonSimpleNotificationService.Publish');
    expect(sns.publishes).toEqual([
      {
        topicArn: TOPIC,
        message: 'm',
        messageAttributes: { a: { dataType: 'String', stringValue: 'permission' } },
        messageId: out.MessageId,
        protocol: 'json',
      },
    ]);
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

  it('throttle N then success shows the retries in $metadata.attempts', async () => {
    sns.setFault({ kind: 'throttle', times: 2 });
    const out = await publish(client());

    expect(out.$metadata.attempts).toBe(3);
    expect(sns.requests.map((r) => r.outcome)).toEqual([429, 429, 200]);
    expect(sns.publishes).toHaveLength(1);
  });

  it('throttle that outlasts the retries surfaces as ThrottledException (429)', async () => {
    sns.setFault({ kind: 'throttle', times: 5 });
    const err = await failure(publish(client({ maxAttempts: 2 })));

    expect(err.name).toBe('ThrottledException');
    expect(err.$metadata.httpStatusCode).toBe(429);
    expect(err.$metadata.attempts).toBe(2);
  });

  it.each([
    [500, 'InternalErrorException'],
    [503, 'ServiceUnavailable'],
  ])('status %i is %s, a retried server fault', async (status, name) => {
    sns.setFault({ kind: 'status', status });
    const err = await failure(publish(client({ maxAttempts: 2 })));

    expect(err.name).toBe(name);
    expect(err.$fault).toBe('server');
    expect(err.$metadata.httpStatusCode).toBe(status);
    expect(err.$metadata.attempts).toBe(2);
  });

  it('reset drops the connection: ECONNRESET', async () => {
    sns.setFault({ kind: 'reset' });
    const err = await failure(publish(client({ maxAttempts: 1 })));
    expect(err.code).toBe('ECONNRESET');
  });

  it('rejects a request with no Authorization header as MissingAuthenticationToken', async () => {
    const c = client();
    stripAuthorization(c);
    const err = await failure(publish(c));

    expect(err.name).toBe('MissingAuthenticationToken');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(sns.publishes).toEqual([]);
  });

  it('rejects a credential scoped to another service (JSON caller, query-compatible error)', async () => {
    const cw = new CloudWatchClient({ endpoint: sns.url, region, credentials });
    const err = await failure(
      cw.send(new PutMetricDataCommand({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value: 1 }] })),
    );
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.message).toContain("scoped to correct service: 'sns'");
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

  it('outlasts a requestTimeout without throwOnRequestTimeout: this SDK only warns', async () => {
    const sns = await startSnsDouble();
    try {
      sns.setFault({ kind: 'hang' });
      const warnings: string[] = [];
      const logger = { warn: (m: string) => warnings.push(m), debug() {}, info() {}, error() {} };
      const c = new SNSClient({
        endpoint: sns.url,
        region,
        credentials,
        maxAttempts: 1,
        requestHandler: { requestTimeout: 200, logger },
      });
      const err = await failure(
        c.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }), {
          abortSignal: AbortSignal.timeout(1_200),
        }),
      );

      expect(err.name).toBe('AbortError');
      expect(warnings.join('\n')).toContain('exceeded the configured 200 ms requestTimeout');
    } finally {
      await sns.close();
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
