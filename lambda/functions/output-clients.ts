/**
 * The output clients every function writes through (PutMetricData, SNS Publish, the dedup store), with the outputs'
 * short deadlines (OUTPUT_CLIENT_CONFIG). Created on a function's first invocation and reused while its container
 * is warm; each function bundles its own copy of this module, so nothing is shared between functions.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { OUTPUT_CLIENT_CONFIG } from '../engine/outputs/client-config.ts';
import { cloudWatchMetricsSink } from '../engine/outputs/cloudwatch-sink.ts';
import type { MetricsSink } from '../engine/outputs/ports.ts';

export interface OutputClients {
  metrics: MetricsSink;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
}

let warm: OutputClients | undefined;

export function outputClients(): OutputClients {
  warm ??= {
    metrics: cloudWatchMetricsSink(new CloudWatchClient(OUTPUT_CLIENT_CONFIG)),
    sns: new SNSClient(OUTPUT_CLIENT_CONFIG),
    dynamodb: new DynamoDBClient(OUTPUT_CLIENT_CONFIG),
  };
  return warm;
}
