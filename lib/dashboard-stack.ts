import { ArnFormat, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { Problems } from '../lambda/engine/config/validation.ts';
import { SERVICE_LIMITS } from '../lambda/engine/model/limits.ts';
import { chunks, dashboardLimitProblems } from './dashboard-limits.ts';
import type { IEcrPullCanary } from './ecr-pull-canary.ts';
import type { ImageInventory } from './image-inventory.ts';
import { imageInventoryWidget } from './image-inventory-dashboard.ts';
import { checkStackProps, propKeys } from './props.ts';
import type { WorkloadWatch } from './workload-watch.ts';
import { workloadWatchRow } from './workload-watch-dashboard.ts';

export interface DashboardStackProps extends StackProps {
  readonly dashboardName: string;
  /** The canaries to show, one row group per region, in this order. */
  readonly canaries: IEcrPullCanary[];
  /** Workload watches to show, each in a row after its canary's. @default - none */
  readonly workloadWatches?: WorkloadWatch[];
  /** Images-in-use inventories to show, each in a row after its canary's. @default - none */
  readonly imageInventories?: ImageInventory[];
}

/** DashboardStack's own props (beside StackProps): the compiler holds the list complete. */
const DASHBOARD_PROP_KEYS = propKeys<Omit<DashboardStackProps, keyof StackProps>>()([
  'dashboardName',
  'canaries',
  'workloadWatches',
  'imageInventories',
]);

const WIDE = 24;
const THIRD = WIDE / 3;
const HEIGHT = 6;

/** What one canary's widgets are built from: the canary, its region, and its alarms imported by ARN. */
interface CanaryRow {
  readonly canary: IEcrPullCanary;
  readonly region: string;
  readonly alarms: cloudwatch.IAlarm[];
}

/** A metric of the canary's, read in the canary's region. */
function inRegion(row: CanaryRow, metric: cloudwatch.Metric): cloudwatch.Metric {
  return metric.with({ region: row.region });
}

/**
 * The layer phase's timings, p90 per 5 minutes, from the probe's log line (lambda/engine/outputs/probe-log.ts): no
 * metric of its own, so it adds nothing to the monthly metric bill. Logs Insights bills the data a query scans
 * when the dashboard is viewed ($0.005 per GB; a region's probe lines are a few MB a month).
 */
export const LAYER_PHASE_QUERY = [
  'filter type = "probe-result" and timings.layerMs > 0',
  'stats pct(timings.layerMs, 90) as layer, pct(timings.layerRedirectMs, 90) as redirect, ' +
    'pct(timings.layerConnectMs, 90) as storageConnect, pct(timings.layerTlsMs, 90) as storageTls, ' +
    'pct(timings.layerFirstByteMs, 90) as storageFirstByte by bin(5m)',
];

function layerPhaseWidget({ canary, region }: CanaryRow): cloudwatch.IWidget | null {
  if (canary.probeLogGroupName === undefined) return null;
  return new cloudwatch.LogQueryWidget({
    title: `Layer phase p90, ms: registry redirect and storage host (${region}, Logs Insights)`,
    logGroupNames: [canary.probeLogGroupName],
    queryLines: LAYER_PHASE_QUERY,
    view: cloudwatch.LogQueryVisualizationType.LINE,
    region,
    width: THIRD,
    height: HEIGHT,
  });
}

/**
 * The widgets of one canary's row, left to right (the dashboard wraps them at its width): a new widget is one
 * more entry here; one that returns null is left out.
 */
const CANARY_WIDGETS: ReadonlyArray<(row: CanaryRow) => cloudwatch.IWidget | cloudwatch.IWidget[] | null> = [
  ({ canary, region }) =>
    new cloudwatch.TextWidget({ markdown: `## ${canary.canaryName} — ${region}`, width: WIDE, height: 1 }),
  (row) =>
    new cloudwatch.GraphWidget({
      title: `Success rate (${row.region})`,
      // Metric math over each target's runs and its failures (sent only when non-zero): no Success metric is sent.
      left: row.canary.targetNames.map((name) =>
        row.canary.metricSuccess(name, { label: name, region: row.region }),
      ),
      leftYAxis: { min: 0, max: 1 },
      region: row.region,
      width: THIRD,
      height: HEIGHT,
    }),
  (row) =>
    new cloudwatch.GraphWidget({
      title: `Pull latency p90, ms (${row.region})`,
      left: row.canary.targetNames.map((name) =>
        inRegion(row, row.canary.metricLatency(name, { label: name })),
      ),
      leftYAxis: { min: 0 },
      region: row.region,
      width: THIRD,
      height: HEIGHT,
    }),
  ({ canary, region }) =>
    new cloudwatch.GraphWidget({
      title: `Failures by category (${region})`,
      left: [canary.metricFailuresByCategory({ searchRegion: region })],
      leftYAxis: { min: 0 },
      stacked: true,
      region,
      width: THIRD,
      height: HEIGHT,
    }),
  (row) =>
    new cloudwatch.GraphWidget({
      title: `Clock skew, s: host minus AWS (${row.region})`,
      left: [
        inRegion(row, row.canary.metricClockSkew({ label: 'max', statistic: 'Maximum' })),
        inRegion(row, row.canary.metricClockSkew({ label: 'min', statistic: 'Minimum' })),
      ],
      region: row.region,
      width: THIRD,
      height: HEIGHT,
    }),
  (row) =>
    new cloudwatch.GraphWidget({
      title: `Throttled responses, retried ones included (${row.region})`,
      left: [inRegion(row, row.canary.metricThrottledResponses({ label: 'throttled' }))],
      leftYAxis: { min: 0 },
      region: row.region,
      width: THIRD,
      height: HEIGHT,
    }),
  (row) => alarmWidgets(row),
  layerPhaseWidget,
];

/**
 * The region's alarms, in as many status widgets as CloudWatch's limit of alarms per widget needs: one until a
 * region has about 95 targets (a latency alarm each), two up to the target limit.
 */
function alarmWidgets({ region, alarms }: CanaryRow): cloudwatch.IWidget[] {
  const parts = alarms.length === 0 ? [[]] : chunks(alarms, SERVICE_LIMITS.alarmStatusWidgetAlarms.value);
  return parts.map(
    (part, i) =>
      new cloudwatch.AlarmStatusWidget({
        title: parts.length === 1 ? `Alarms (${region})` : `Alarms (${region}, ${i + 1} of ${parts.length})`,
        alarms: part,
        width: THIRD,
        height: HEIGHT,
      }),
  );
}

/**
 * One dashboard for every region: dashboards are global and cost $3 a month each beyond the free three, so one
 * instead of one per region. Each widget names its metrics' region; alarm status is found by ARN, rebuilt from
 * the alarm naming function, because a cross-region stack reference is not possible.
 */
export class DashboardStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    const p = new Problems(Token.isUnresolved);
    checkStackProps(this, p, props, DASHBOARD_PROP_KEYS, 'DashboardStack');
    if (!p.empty) throw new Error(`Invalid DashboardStack properties:\n  ${p.lines.join('\n  ')}`);
    const rows = this.createRows(props);
    const problems = dashboardLimitProblems(
      this,
      rows.flat(),
      'set "dashboard": false, or give the regions fewer targets (each target draws three series)',
    );
    if (problems.length > 0) {
      throw new Error(`The dashboard ${props.dashboardName} cannot be created:\n  ${problems.join('\n  ')}`);
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    for (const row of rows) this.dashboard.addWidgets(...row);
  }

  /**
   * The dashboard's rows, top to bottom: one per canary, in the order given, each followed by its workload
   * watch's row when there is one. Another kind of row is one more entry here.
   */
  private createRows(props: DashboardStackProps): cloudwatch.IWidget[][] {
    return props.canaries.flatMap((canary) => {
      const watch = props.workloadWatches?.find((w) => w.canary === canary);
      const inventory = props.imageInventories?.find((i) => i.canary === canary);
      return [
        this.canaryRow(canary),
        ...(watch ? [workloadWatchRow(this, watch)] : []),
        ...(inventory ? [[imageInventoryWidget(inventory)]] : []),
      ];
    });
  }

  private canaryRow(canary: IEcrPullCanary): cloudwatch.IWidget[] {
    const row: CanaryRow = { canary, region: canary.region, alarms: this.importAlarms(canary) };
    return CANARY_WIDGETS.flatMap((widget) => widget(row) ?? []);
  }

  /** The canary's alarms by ARN: they live in another region's stack, which this one cannot reference. */
  private importAlarms(canary: IEcrPullCanary): cloudwatch.IAlarm[] {
    return canary.alarms.map(({ alarmName }) =>
      cloudwatch.Alarm.fromAlarmArn(
        this,
        `Alarm-${canary.region}-${alarmName}`,
        this.formatArn({
          service: 'cloudwatch',
          region: canary.region,
          resource: 'alarm',
          resourceName: alarmName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    );
  }
}
