import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricsSink } from './ports.ts';

/** The datapoints of a run as one PutMetricData call, every datum stamped with the run's start. */
export function cloudWatchMetricsSink(client: CloudWatchClient): MetricsSink {
  return {
    async put(namespace, points, timestamp, abortSignal) {
      await client.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: points.map((point) => ({
            MetricName: point.name,
            Dimensions: Object.entries(point.dimensions).map(([Name, Value]) => ({ Name, Value })),
            Value: point.value,
            Unit: point.unit,
            Timestamp: timestamp,
          })),
        }),
        { abortSignal },
      );
    },
  };
}
