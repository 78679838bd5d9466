import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, synthApp } from './helpers.ts';

const REGIONS = ['eu-west-1', 'us-east-1'];
const { dashboard, canaries } = synthApp({ regions: REGIONS, targets: [{ image: 'app:1' }] });

interface Widget {
  type: string;
  properties: { title?: string; region?: string; metrics?: unknown[][]; alarms?: unknown[] };
}

/** The dashboard body with the CloudFormation joins flattened: partition and account become placeholders. */
function widgets(): Widget[] {
  if (!dashboard) throw new Error('no dashboard stack');
  const body = Template.fromStack(dashboard).toJSON().Resources.Dashboard9E4231ED.Properties
    .DashboardBody as {
    'Fn::Join': [string, Array<string | Record<string, string>>];
  };
  const text = body['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : `<${Object.values(part)[0]}>`))
    .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

describe('one dashboard for all regions', () => {
  it('lives in its own stack in the first configured region', () => {
    expect(dashboard?.region).toBe('eu-west-1');
    expect(dashboard?.stackName).toBe('ecr-pull-canary-dashboard');
    const template = Template.fromStack(dashboard as NonNullable<typeof dashboard>);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ecr-pull-canary' });
    for (const stack of canaries) Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('shows success, latency, failures by category, skew, throttling and alarm status for each region', () => {
    const titles = widgets()
      .filter((widget) => widget.type !== 'text')
      .map((widget) => widget.properties.title);
    for (const region of REGIONS) {
      expect(titles).toEqual(
        expect.arrayContaining([
          `Success rate (${region})`,
          `Pull latency p90, ms (${region})`,
          `Failures by category (${region})`,
          `Clock skew, s: host minus AWS (${region})`,
          `Throttled responses, retried ones included (${region})`,
          `Alarms (${region})`,
        ]),
      );
    }
  });

  it('reads every metric from its own region', () => {
    for (const widget of widgets().filter((w) => w.type === 'metric')) {
      const region = /\((.+)\)$/.exec(widget.properties.title ?? '')?.[1];
      expect(widget.properties.region, widget.properties.title).toBe(region);
      for (const metric of widget.properties.metrics ?? []) {
        const options = metric[metric.length - 1] as { region?: string; expression?: string };
        if (options.expression === undefined) expect(options.region, widget.properties.title).toBe(region);
      }
    }
  });

  it('plots one line per target and searches the sparse failure metrics', () => {
    // One success-rate line per target: metric math over its runs (latency SampleCount, every run) and its
    // failures (sent only when non-zero, so filled with 0); no Success metric is sent any more.
    const success = widgets().find((w) => w.properties.title === 'Success rate (us-east-1)');
    const rows = success?.properties.metrics ?? [];
    const lines = rows.map((row) => row.at(-1) as { expression?: string; label?: string; id?: string });
    const expressions = lines.filter((line) => line.expression !== undefined);
    expect(expressions.map((line) => line.label)).toEqual(['known-good', 'app:1']);
    for (const [i, target] of ['known-good', 'app:1'].entries()) {
      const [, failedId, runsId] =
        /^1 - FILL\((\w+), 0\) \/ (\w+)$/.exec(expressions[i]?.expression ?? '') ?? [];
      const byId = (id: string | undefined) => rows.find((row) => (row.at(-1) as { id?: string }).id === id);
      expect(byId(runsId)).toEqual([
        'EcrPullCanary',
        'Latency',
        'Target',
        target,
        { stat: 'SampleCount', region: 'us-east-1', visible: false, id: runsId },
      ]);
      expect(byId(failedId)).toEqual([
        'EcrPullCanary',
        'Failures',
        'Target',
        target,
        { stat: 'Sum', region: 'us-east-1', visible: false, id: failedId },
      ]);
    }
    const failures = widgets().find((w) => w.properties.title === 'Failures by category (us-east-1)');
    expect(JSON.stringify(failures?.properties.metrics)).toContain(
      `SEARCH('{EcrPullCanary,Category} MetricName=\\"Failures\\"', 'Sum', 300)`,
    );
  });

  it("graphs the layer phase from each region's probe log line with Logs Insights, not a metric", () => {
    for (const [i, region] of REGIONS.entries()) {
      const layer = widgets().find((w) => w.type === 'log' && w.properties.title?.includes(`(${region},`));
      const properties = layer?.properties as { region?: string; query?: string; view?: string } | undefined;
      expect(properties?.region).toBe(region);
      expect(properties?.view).toBe('timeSeries');
      // The log group the widget names is the one the region's probe writes to.
      const stack = canaries[i] as NonNullable<(typeof canaries)[number]>;
      const logGroupName = stack.canary.probeLogGroupName;
      Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: logGroupName });
      expect(properties?.query).toContain(`SOURCE '${logGroupName}'`);
      expect(properties?.query).toContain('pct(timings.layerMs, 90)');
      expect(properties?.query).toContain('pct(timings.layerFirstByteMs, 90)');
    }
  });

  it("finds each region's alarms by the ARN the naming function gives them", () => {
    const status = widgets().find((w) => w.properties.title === 'Alarms (us-east-1)');
    const names = canaries[1]?.canary.alarms.map((alarm) => alarm.alarmName) ?? [];
    expect(names).toHaveLength(7);
    expect(status?.properties.alarms).toEqual(
      names.map((name) => `arn:<AWS::Partition>:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`),
    );
  });

  it('is left out when turned off', () => {
    const { dashboard: none } = synthApp({ regions: REGIONS, dashboard: false });
    expect(none).toBeUndefined();
  });
});
