import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { DIMENSION, METRIC } from '../lambda/model/contract.ts';
import type { EcrPullCanary } from './ecr-pull-canary.ts';

export interface DashboardStackProps extends StackProps {
  readonly dashboardName: string;
  /** The canaries to show, one row group per region, in this order. */
  readonly canaries: EcrPullCanary[];
}

const WIDE = 24;
const HEIGHT = 6;

/**
 * One dashboard for every region: dashboards are global and cost $3 a month each beyond the free three, so one
 * instead of one per region. Each widget names its metrics' region; alarm status is found by ARN, rebuilt from
 * the alarm naming function, because a cross-region stack reference is not possible.
 */
export class DashboardStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
    });
    for (const canary of props.canaries) {
      this.dashboard.addWidgets(...this.regionRow(canary));
    }
  }

  private regionRow(canary: EcrPullCanary): cloudwatch.IWidget[] {
    const region = Stack.of(canary).region;
    const inRegion = (metric: cloudwatch.Metric) => metric.with({ region });
    const names = canary.targets.map((target) => target.name);
    const third = WIDE / 3;

    const failuresByCategory = new cloudwatch.MathExpression({
      // Failure metrics exist only for categories that happened; a search shows whichever did.
      expression: `SEARCH('{${canary.namespace},${DIMENSION.category}} MetricName="${METRIC.failures}"', 'Sum', ${canary.schedule.toSeconds()})`,
      searchRegion: region,
      label: '',
      period: canary.schedule,
    });

    const alarms = canary.alarms.map(({ alarmName }) =>
      cloudwatch.Alarm.fromAlarmArn(
        this,
        `Alarm-${region}-${alarmName}`,
        this.formatArn({
          service: 'cloudwatch',
          region,
          resource: 'alarm',
          resourceName: alarmName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    );

    return [
      new cloudwatch.TextWidget({
        markdown: `## ${canary.canaryName} — ${region}`,
        width: WIDE,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: `Success rate (${region})`,
        left: names.map((name) => inRegion(canary.metricSuccess(name, { label: name }))),
        leftYAxis: { min: 0, max: 1 },
        region,
        width: third,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: `Pull latency p90, ms (${region})`,
        left: names.map((name) => inRegion(canary.metricLatency(name, { label: name }))),
        leftYAxis: { min: 0 },
        region,
        width: third,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: `Failures by category (${region})`,
        left: [failuresByCategory],
        leftYAxis: { min: 0 },
        stacked: true,
        region,
        width: third,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: `Clock skew, s: host minus AWS (${region})`,
        left: [
          inRegion(canary.metricClockSkew({ label: 'max', statistic: 'Maximum' })),
          inRegion(canary.metricClockSkew({ label: 'min', statistic: 'Minimum' })),
        ],
        region,
        width: third,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: `Throttled responses, retried ones included (${region})`,
        left: [inRegion(canary.metricThrottledResponses({ label: 'throttled' }))],
        leftYAxis: { min: 0 },
        region,
        width: third,
        height: HEIGHT,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: `Alarms (${region})`,
        alarms,
        width: third,
        height: HEIGHT,
      }),
    ];
  }
}
