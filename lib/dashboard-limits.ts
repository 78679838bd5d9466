import type { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SERVICE_LIMITS } from '../lambda/engine/model/limits.ts';

/** One widget's size as CloudWatch counts it: its metrics-array entries, its alarms. */
interface WidgetSize {
  metrics: number;
  alarms: number;
}

/**
 * The size of each widget as its JSON says, resolved in `stack`: every entry of a metric widget's `metrics`
 * array counts, a metric-math expression and the metrics it uses alike (how CloudWatch counts expressions is not
 * documented; counting them is the safe side); an alarm status widget counts its alarm ARNs.
 */
export function widgetSizes(stack: Stack, widgets: readonly cloudwatch.IWidget[]): WidgetSize[] {
  return widgets.flatMap((widget) =>
    (
      stack.resolve(widget.toJson()) as Array<{ properties?: { metrics?: unknown[]; alarms?: unknown[] } }>
    ).map((json) => ({
      metrics: json.properties?.metrics?.length ?? 0,
      alarms: json.properties?.alarms?.length ?? 0,
    })),
  );
}

/**
 * The dashboard limits of SERVICE_LIMITS a set of widgets passes, each naming the limit and what to change
 * (`fix`); empty when they fit. Checked before the dashboard is created, so a synthesis that would fail at
 * PutDashboard fails here instead, and nothing is deployed.
 */
export function dashboardLimitProblems(
  stack: Stack,
  widgets: readonly cloudwatch.IWidget[],
  fix: string,
): string[] {
  const sizes = widgetSizes(stack, widgets);
  const problems: string[] = [];
  const total = sizes.reduce((sum, size) => sum + size.metrics, 0);
  const widest = Math.max(0, ...sizes.map((size) => size.metrics));
  const mostAlarms = Math.max(0, ...sizes.map((size) => size.alarms));
  const over = (count: number, limit: { value: number; what: string; source: string }, what: string) => {
    if (count > limit.value)
      problems.push(
        `${what}: ${count}; CloudWatch allows ${limit.value} ${limit.what} (${limit.source}); ${fix}`,
      );
  };
  over(sizes.length, SERVICE_LIMITS.dashboardWidgets, 'widgets on the dashboard');
  over(widest, SERVICE_LIMITS.dashboardMetricsPerWidget, 'metrics on its widest widget');
  over(total, SERVICE_LIMITS.dashboardMetrics, 'metrics on the dashboard');
  over(mostAlarms, SERVICE_LIMITS.alarmStatusWidgetAlarms, 'alarms in one alarm status widget');
  return problems;
}

/** Splits a list into runs of at most `size`, for widgets that must stay under a per-widget limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
