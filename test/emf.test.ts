import { describe, expect, it } from 'vitest';
import { type Datapoint, runDatapoints } from '../lambda/engine/outputs/datapoints.ts';
import { toEmfLines } from '../lambda/engine/outputs/emf.ts';
import { failedResult, healthyResult } from './support/probe-results.ts';

const NAMESPACE = 'EcrPullCanary';
const TIMESTAMP = Date.parse('2026-11-27T10:00:00.000Z');

interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string; Unit: string }>;
}

/**
 * What CloudWatch Logs extracts from EMF lines, by the specification: every MetricDirective yields, for each of
 * its DimensionSets and each of its MetricDefinitions, one datapoint whose value is the root member named like
 * the metric and whose dimension values are the root members named by the set's keys.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
function extract(lines: string[]): Array<Datapoint & { namespace: string; timestamp: number }> {
  return lines.flatMap((line) => {
    const root = JSON.parse(line) as Record<string, unknown> & {
      _aws: { Timestamp: number; CloudWatchMetrics: Directive[] };
    };
    return root._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Dimensions.flatMap((set) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          timestamp: root._aws.Timestamp,
          name: metric.Name,
          dimensions: Object.fromEntries(set.map((key) => [key, root[key] as string])),
          value: root[metric.Name] as number,
          unit: metric.Unit as Datapoint['unit'],
        })),
      ),
    );
  });
}

const sorted = <T>(items: T[]) =>
  [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('toEmfLines', () => {
  it('writes a one-target failure as one line that names every metric with its dimensions', () => {
    const points = runDatapoints([failedResult('auth', { clockSkew: null })]);
    expect(toEmfLines(points, NAMESPACE, TIMESTAMP)).toEqual([
      JSON.stringify({
        _aws: {
          Timestamp: TIMESTAMP,
          CloudWatchMetrics: [
            {
              Namespace: NAMESPACE,
              Dimensions: [['Target']],
              Metrics: [
                { Name: 'Latency', Unit: 'Milliseconds' },
                { Name: 'Failures', Unit: 'Count' },
              ],
            },
            {
              Namespace: NAMESPACE,
              Dimensions: [[]],
              Metrics: [
                { Name: 'Failures', Unit: 'Count' },
                { Name: 'AuthFailures', Unit: 'Count' },
              ],
            },
            {
              Namespace: NAMESPACE,
              Dimensions: [['Category']],
              Metrics: [{ Name: 'Failures', Unit: 'Count' }],
            },
          ],
        },
        Target: 'known-good',
        Latency: 48.9,
        Failures: 1,
        Category: 'auth',
        AuthFailures: 1,
      }),
    ]);
  });

  it.each([
    ['one healthy target', [healthyResult()]],
    ['one failing target with skew', [failedResult('clock-skew', { clockSkew: skew(-1200) })]],
    [
      'targets that differ in Target, Category and value',
      [
        healthyResult({ target: 'a', throttledResponses: 1 }),
        failedResult('auth', { target: 'b' }),
        failedResult('auth', { target: 'c' }),
        failedResult('service', { target: 'd', throttledResponses: 2 }),
      ],
    ],
  ])('CloudWatch extracts exactly the run datapoints from the lines: %s', (_, results) => {
    const points = runDatapoints(results);
    const extracted = extract(toEmfLines(points, NAMESPACE, TIMESTAMP));
    expect(extracted.every((p) => p.namespace === NAMESPACE && p.timestamp === TIMESTAMP)).toBe(true);
    expect(sorted(extracted.map(({ namespace: _n, timestamp: _t, ...point }) => point))).toEqual(
      sorted(points),
    );
  });

  it('needs one line per target, since a line holds one value per dimension key', () => {
    const points = runDatapoints([
      healthyResult({ target: 'a' }),
      healthyResult({ target: 'b' }),
      healthyResult({ target: 'c' }),
    ]);
    expect(toEmfLines(points, NAMESPACE, TIMESTAMP)).toHaveLength(3);
  });

  it('splits one metric name with two values over two lines', () => {
    const points: Datapoint[] = [
      { name: 'Failures', dimensions: {}, value: 2, unit: 'Count' },
      { name: 'Failures', dimensions: { Category: 'auth' }, value: 1, unit: 'Count' },
    ];
    const lines = toEmfLines(points, NAMESPACE, TIMESTAMP);
    expect(lines.map((line) => JSON.parse(line).Failures)).toEqual([2, 1]);
  });

  it('writes nothing for no datapoints', () => {
    expect(toEmfLines([], NAMESPACE, TIMESTAMP)).toEqual([]);
  });
});

function skew(seconds: number) {
  return { seconds, uncertaintySeconds: 0.5, source: 'date-header' as const, sdkCorrected: true };
}
