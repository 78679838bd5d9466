/**
 * Entry point of the workload watcher: EventBridge invokes it asynchronously with an ECS task state change or
 * an ECR API call from CloudTrail (lib/workload-watch.ts). A thin adapter: it reads the configuration, builds
 * the SDK-backed outputs and hands the event to {@link handleWorkloadEvent}. It never throws: an error would
 * make Lambda retry the event (and count and announce it again), so every problem is one log line instead.
 */
import { snsNotifier } from '../../engine/outputs/sns-notifier.ts';
import { dynamoDbStateStore } from '../../engine/outputs/state-store.ts';
import { readWatchConfig } from '../../engine/watch/watch-config.ts';
import type { WatchNotification } from '../../engine/watch/watch-message.ts';
import { handleWorkloadEvent, type WatchSummary } from '../../engine/watch/watch-run.ts';
import { readCodeData } from '../code-data-file.ts';
import { outputClients } from '../output-clients.ts';
import { logRunFailure } from '../run-failed.ts';

const write = (line: string) => process.stdout.write(`${line}\n`);

export async function handler(event: unknown): Promise<WatchSummary> {
  try {
    const config = readWatchConfig(process.env, readCodeData(process.env));
    const { metrics, sns, dynamodb } = outputClients();
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
