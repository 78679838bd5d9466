import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { type RunSummary, runCanary } from './canary-run.ts';
import { readHandlerConfig } from './handler-config.ts';
import { cloudWatchMetricsSink } from './outputs/cloudwatch-sink.ts';
import type { TargetState } from './outputs/dedup.ts';
import type { MetricsSink } from './outputs/ports.ts';
import { snsNotifier } from './outputs/sns-notifier.ts';
import { dynamoDbStateStore } from './outputs/state-store.ts';
import { type AwsClientFactory, createAwsClientFactory } from './probe/aws-clients.ts';
import { probeTargets } from './probe/probe.ts';

/** The part of the Lambda context the canary uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

interface WarmClients {
  probe: AwsClientFactory;
  metrics: MetricsSink;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  /** Last-known dedup states, kept while the container is warm (see lambda/outputs/notify.ts). */
  lastKnown: Map<string, TargetState>;
}

/** Created on the first invocation and reused while the container is warm; no configuration is read here. */
let warm: WarmClients | undefined;

function clients(): WarmClients {
  // Outputs get two attempts with short socket deadlines: their own time budget is a few seconds.
  const outputs = {
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 2500, throwOnRequestTimeout: true },
  };
  warm ??= {
    probe: createAwsClientFactory(),
    metrics: cloudWatchMetricsSink(new CloudWatchClient(outputs)),
    sns: new SNSClient(outputs),
    dynamodb: new DynamoDBClient(outputs),
    lastKnown: new Map(),
  };
  return warm;
}

/**
 * Scheduled entry point: a thin adapter from the Lambda event to {@link runCanary}. It reads the configuration
 * and builds the SDK-backed outputs; everything else is in `runCanary`.
 */
export async function handler(_event: unknown, context: InvocationContext): Promise<RunSummary> {
  const config = readHandlerConfig(process.env);
  const { probe, metrics, sns, dynamodb, lastKnown } = clients();
  return runCanary(config, context.getRemainingTimeInMillis(), {
    probe: (targets, options) => probeTargets(targets, options, { clients: probe, now: Date.now }),
    metrics,
    notifier: config.topicArn ? snsNotifier(sns, config.topicArn) : null,
    store: config.stateTable ? dynamoDbStateStore(dynamodb, config.stateTable, Date.now) : null,
    lastKnown,
    now: Date.now,
    write: (line) => process.stdout.write(`${line}\n`),
  });
}
