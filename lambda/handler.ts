import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { type RunSummary, runCanary } from './canary-run.ts';
import { readHandlerConfig } from './handler-config.ts';
import { dynamoDbStateStore } from './outputs/state-store.ts';
import { type AwsClientFactory, createAwsClientFactory } from './probe/aws-clients.ts';

/** The part of the Lambda context the canary uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

interface WarmClients {
  probe: AwsClientFactory;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
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
    cloudwatch: new CloudWatchClient(outputs),
    sns: new SNSClient(outputs),
    dynamodb: new DynamoDBClient(outputs),
  };
  return warm;
}

/** Scheduled entry point: a thin adapter from the Lambda event to {@link runCanary}. */
export async function handler(_event: unknown, context: InvocationContext): Promise<RunSummary> {
  const config = readHandlerConfig(process.env);
  const { probe, cloudwatch, sns, dynamodb } = clients();
  return runCanary(config, context.getRemainingTimeInMillis(), {
    clients: probe,
    cloudwatch,
    sns: config.topicArn ? sns : null,
    store: config.stateTable ? dynamoDbStateStore(dynamodb, config.stateTable, Date.now) : null,
    now: Date.now,
    write: (line) => process.stdout.write(`${line}\n`),
  });
}
