import { CloudFormationClient, type Stack, type StackResource } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { ClientPool, type Outcome, withDeadline } from '../../engine/aws/call.ts';
import { metricAlarmsByPrefix } from '../../engine/aws/metric-alarms.ts';
import { stackByName, stackResources } from '../../engine/aws/stack-scan.ts';

/**
 * The reads status makes, one function per API (paging included), each under the deadline and never throwing.
 * The clients come from one pool with the caller's credentials and the SDK's endpoint variables.
 */
export class StatusReader {
  readonly pool: ClientPool;

  /**
   * @param scanRegions the regions the leftover scan looks in (lambda/engine/aws/stack-scan.ts); tests name a few, as
   * they pin `now`; by default every known region of the configuration's partition.
   */
  constructor(
    readonly timeoutMs: number,
    readonly scanRegions?: readonly string[],
  ) {
    this.pool = new ClientPool(timeoutMs);
  }

  sts = (region: string) => this.pool.get('sts', region, (c) => new STSClient(c));
  cloudformation = (region: string) =>
    this.pool.get('cloudformation', region, (c) => new CloudFormationClient(c));
  cloudwatch = (region: string) => this.pool.get('cloudwatch', region, (c) => new CloudWatchClient(c));
  scheduler = (region: string) => this.pool.get('scheduler', region, (c) => new SchedulerClient(c));
  events = (region: string) => this.pool.get('events', region, (c) => new EventBridgeClient(c));
  sns = (region: string) => this.pool.get('sns', region, (c) => new SNSClient(c));
  kms = (region: string) => this.pool.get('kms', region, (c) => new KMSClient(c));

  topicAttributes(region: string, topicArn: string) {
    return this.call((abortSignal) =>
      this.sns(region).send(new GetTopicAttributesCommand({ TopicArn: topicArn }), { abortSignal }),
    );
  }

  key(region: string, keyId: string) {
    return this.call((abortSignal) =>
      this.kms(region).send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal }),
    );
  }

  keyPolicy(region: string, keyArn: string) {
    return this.call((abortSignal) =>
      this.kms(region).send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }), {
        abortSignal,
      }),
    );
  }

  call<T>(run: (abortSignal: AbortSignal) => Promise<T>): Promise<Outcome<T>> {
    return withDeadline(this.timeoutMs, run);
  }

  /** The stack, or null when CloudFormation says there is none by that name. */
  stack(region: string, name: string): Promise<Outcome<Stack | null>> {
    return stackByName((run) => this.call(run), this.cloudformation(region), name);
  }

  /** The stack's resources (DescribeStackResources). */
  resources(region: string, name: string): Promise<Outcome<StackResource[]>> {
    return stackResources((run) => this.call(run), this.cloudformation(region), name);
  }

  schedule(region: string, name: string, group: string) {
    return this.call((abortSignal) =>
      this.scheduler(region).send(new GetScheduleCommand({ Name: name, GroupName: group }), { abortSignal }),
    );
  }

  rule(region: string, name: string) {
    return this.call((abortSignal) =>
      this.events(region).send(new DescribeRuleCommand({ Name: name }), { abortSignal }),
    );
  }

  /** Every metric alarm whose name starts with `prefix`, all pages. */
  alarms(region: string, prefix: string): Promise<Outcome<MetricAlarm[]>> {
    return metricAlarmsByPrefix((run) => this.call(run), this.cloudwatch(region), prefix);
  }

  /** Every subscription of the topic, all pages. */
  async subscriptions(region: string, topicArn: string): Promise<Outcome<Subscription[]>> {
    const subscriptions: Subscription[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call((abortSignal) =>
        this.sns(region).send(
          new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: nextToken }),
          {
            abortSignal,
          },
        ),
      );
      if (!page.ok) return page;
      subscriptions.push(...(page.value.Subscriptions ?? []));
      nextToken = page.value.NextToken;
    } while (nextToken);
    return { ok: true, value: subscriptions };
  }

  /** One GetMetricData over `[start, end)`, newest first, every page. */
  async metrics(
    region: string,
    queries: MetricDataQuery[],
    start: Date,
    end: Date,
  ): Promise<Outcome<MetricDataResult[]>> {
    const results = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      const page = await this.call((abortSignal) =>
        this.cloudwatch(region).send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampDescending',
            NextToken: nextToken,
          }),
          { abortSignal },
        ),
      );
      if (!page.ok) return page;
      for (const result of page.value.MetricDataResults ?? []) {
        const id = result.Id ?? '';
        const seen = results.get(id);
        results.set(
          id,
          seen
            ? {
                ...seen,
                Timestamps: [...(seen.Timestamps ?? []), ...(result.Timestamps ?? [])],
                Values: [...(seen.Values ?? []), ...(result.Values ?? [])],
              }
            : result,
        );
      }
      nextToken = page.value.NextToken;
    } while (nextToken);
    return { ok: true, value: [...results.values()] };
  }
}
