/**
 * Entry point of the workload watcher: EventBridge invokes it asynchronously with an ECS task state change or
 * an ECR API call from CloudTrail (lib/workload-watch.ts). A thin adapter: it reads the configuration, builds
 * the SDK-backed outputs and hands the event to {@link handleWorkloadEvent}. It never throws: an error would
 * make Lambda retry the event (and count and announce it again), so every problem is one log line instead.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { OUTPUT_CLIENT_CONFIG } from '../../engine/outputs/client-config.ts';
import { cloudWatchMetricsSink } from '../../engine/outputs/cloudwatch-sink.ts';
import type { MetricsSink } from '../../engine/outputs/ports.ts';
import { snsNotifier } from '../../engine/outputs/sns-notifier.ts';
import { dynamoDbStateStore } from '../../engine/outputs/state-store.ts';
import { readWatchConfig } from '../../engine/watch/watch-config.ts';
import type { WatchNotification } from '../../engine/watch/watch-message.ts';
import { handleWorkloadEvent, type WatchSummary } from '../../engine/watch/watch-run.ts';
import { readCodeData } from '../code-data-file.ts';
import { logRunFailure } from '../run-failed.ts';

interface WarmClients {
  metrics: MetricsSink;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
}

let warm: WarmClients | undefined;

function clients(): WarmClients {
  const outputs = OUTPUT_CLIENT_CONFIG;
  warm ??= {
    metrics: cloudWatchMetricsSink(new CloudWatchClient(outputs)),
    sns: new SNSClient(outputs),
    dynamodb: new DynamoDBClient(outputs),
  };
  return warm;
}

const write = (line: string) => process.stdout.write(`${line}\n`);

export async function handler(event: unknown): Promise<WatchSummary> {
  try {
    const config = readWatchConfig(process.env, readCodeData(process.env));
    const { metrics, sns, dynamodb } = clients();
    return await handleWorkloadEvent(event, config, {
      metrics,
      notifier: config.topicArn ? snsNotifier<WatchNotification>(sns, config.topicArn) : null,
      store: config.stateTable ? dynamoDbStateStore(dynamodb, config.stateTable, Date.now) : null,
      now: Date.now,
      write,
    });
  } catch (error) {
    return {
      handled: false,
      ignored: logRunFailure(write, 'watch-failed', error),
      metricsVia: 'none',
      notified: false,
      duplicate: false,
    };
  }
}
