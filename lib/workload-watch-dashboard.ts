import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { DIMENSION } from '../lambda/engine/model/contract.ts';
import { WATCH_METRIC } from '../lambda/engine/model/watch-contract.ts';
import type { WorkloadWatch } from './workload-watch.ts';

const WIDE = 24;
const HEIGHT = 6;

/**
 * One dashboard row per region with a workload watch: the workloads' pull failures by category beside the
 * canary's own verdicts (success rate of every target), and the watcher's alarms. Self-contained: the
 * dashboard stack adds it after the region's canary row. Alarms are found by ARN, rebuilt from their names,
 * as the canary's are (no cross-region references).
 */
export function workloadWatchRow(scope: Construct, watch: WorkloadWatch): cloudwatch.IWidget[] {
  const { canary } = watch;
  const region = Stack.of(canary).region;
  const third = WIDE / 3;
  const byCategory = new cloudwatch.MathExpression({
    // Only categories that happened have a metric; a search shows whichever did.
    expression: `SEARCH('{${canary.namespace},${DIMENSION.category}} MetricName="${WATCH_METRIC.pullFailures}"', 'Sum', ${canary.schedule.toSeconds()})`,
    searchRegion: region,
    label: '',
    period: canary.schedule,
  });
  const alarms = watch.alarms.map(({ alarmName }) =>
    cloudwatch.Alarm.fromAlarmArn(
      scope,
      `WatchAlarm-${region}-${alarmName}`,
      Stack.of(scope).formatArn({
        service: 'cloudwatch',
        region,
        resource: 'alarm',
        resourceName: alarmName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ),
  );
  return [
    new cloudwatch.GraphWidget({
      title: `Workload pull failures by category (${region})`,
      left: [byCategory],
      leftYAxis: { min: 0 },
      stacked: true,
      region,
      width: third,
      height: HEIGHT,
    }),
    new cloudwatch.GraphWidget({
      title: `Canary verdict beside them: success rate (${region})`,
      left: canary.targets.map((target) => canary.metricSuccess(target.name, { label: target.name, region })),
      leftYAxis: { min: 0, max: 1 },
      region,
      width: third,
      height: HEIGHT,
    }),
    new cloudwatch.AlarmStatusWidget({
      title: `Workload alarms (${region})`,
      alarms,
      width: third,
      height: HEIGHT,
    }),
  ];
}
