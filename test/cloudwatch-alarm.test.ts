// The CloudWatch alarm evaluator against the Amazon CloudWatch User Guide, "Configuring how CloudWatch alarms
// treat missing data" → "How alarm state is evaluated when data is missing": its two example tables (a 5-minute
// period, 5 datapoints retrieved; 3 of 3 and 2 of 3), row by row, for all four missing-data settings.
import { describe, expect, it } from 'vitest';
import {
  type AlarmDefinition,
  type AlarmState,
  alarmFromTemplate,
  alarmMetricFromTemplate,
  evaluateRange,
  type Sample,
  simulateAlarm,
  type TreatMissingData,
} from './support/cloudwatch-alarm.ts';

const SETTINGS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
/** "Retain current state": evaluated from each of the other states to show it is kept. */
const RETAIN = 'retain';

/** `0` not breaching, `X` breaching, `-` missing, oldest first, as the guide writes them. */
function datapoints(row: string): Array<number | null> {
  return row.split(' ').map((cell) => (cell === '-' ? null : cell === 'X' ? 5 : 0));
}

function alarm(m: number, n: number, treatMissingData: TreatMissingData): AlarmDefinition {
  return {
    periodSeconds: 300,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    threshold: 3,
    comparisonOperator: 'GreaterThanThreshold',
    statistic: 'Maximum',
    treatMissingData,
  };
}

type Expected = AlarmState | typeof RETAIN;

function checkRow(m: number, n: number, row: string, expected: Expected[]) {
  SETTINGS.forEach((setting, i) => {
    const want = expected[i] as Expected;
    const starts: AlarmState[] = want === RETAIN ? ['OK', 'ALARM', 'INSUFFICIENT_DATA'] : ['OK'];
    for (const start of starts) {
      expect(
        evaluateRange(alarm(m, n, setting), datapoints(row), start),
        `${row} ${setting} from ${start}`,
      ).toBe(want === RETAIN ? start : want);
    }
  });
}

describe("CloudWatch alarm evaluator: the guide's tables", () => {
  // Columns: MISSING, IGNORE, BREACHING, NOT BREACHING.
  it.each<[string, Expected[]]>([
    ['0 - X - X', ['OK', 'OK', 'OK', 'OK']],
    ['0 - - - -', ['OK', 'OK', 'OK', 'OK']],
    ['- - - - -', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
    ['0 X X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['- - - - X', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
  ])('3 of 3: %s', (row, expected) => checkRow(3, 3, row, expected));

  it('3 of 3: X - - - - (newer guide) for the settings this model follows', () => {
    // The guide gives ALARM under MISSING here; see the note in cloudwatch-alarm.ts.
    expect(evaluateRange(alarm(3, 3, 'breaching'), datapoints('X - - - -'), 'OK')).toBe('ALARM');
    expect(evaluateRange(alarm(3, 3, 'notBreaching'), datapoints('X - - - -'), 'ALARM')).toBe('OK');
    expect(evaluateRange(alarm(3, 3, 'ignore'), datapoints('X - - - -'), 'OK')).toBe('OK');
  });

  it.each<[string, Expected[]]>([
    ['0 - X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 0 X 0 X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 - X - -', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - 0', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - X', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
  ])('2 of 3: %s', (row, expected) => checkRow(2, 3, row, expected));
});

describe('CloudWatch alarm evaluator over time', () => {
  const MIN = 60_000;
  const T0 = Date.parse('2026-11-27T03:00:00Z');
  const failures = alarm(2, 3, 'notBreaching');
  const failing = (fromMin: number, toMin: number): Sample[] =>
    Array.from({ length: (toMin - fromMin) / 5 }, (_, i) => ({
      atMs: T0 + (fromMin + i * 5) * MIN + 20_000,
      value: 5,
    }));

  it('goes to ALARM on the second breaching period of a 2-of-3 alarm and back to OK, acting on changes only', () => {
    const sim = simulateAlarm(failures, failing(10, 25), { createdAtMs: T0, untilMs: T0 + 60 * MIN });
    expect(sim.transitions.map((t) => [(t.atMs - T0) / MIN, t.to])).toEqual([
      [0, 'OK'],
      // Second breaching datapoint (the 15-minute period) is visible at 15:20.
      [16, 'ALARM'],
      // Failures are sent only while failing, so after 20:20 nothing arrives. While the range (5 periods) still
      // holds two real breaching datapoints they decide, whatever the missing-data setting (the guide's note:
      // alarms re-evaluate the last datapoints for a while after a metric stops): OK only at 40:00.
      [40, 'OK'],
    ]);
  });

  it('counts datapoints reported before the alarm existed', () => {
    const heartbeat = {
      ...alarm(3, 3, 'breaching'),
      statistic: 'SampleCount' as const,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold' as const,
    };
    const before: Sample[] = [{ atMs: T0 + 2 * MIN, value: 1 }];
    const created = T0 + 2 * MIN + 10_000;
    expect(
      simulateAlarm(heartbeat, before, { createdAtMs: created, untilMs: created }).stateAt(created),
    ).toBe('OK');
    expect(simulateAlarm(heartbeat, [], { createdAtMs: created, untilMs: created }).stateAt(created)).toBe(
      'ALARM',
    );
  });

  it('sees a sample only after the ingestion delay', () => {
    const heartbeat = {
      ...alarm(1, 1, 'breaching'),
      statistic: 'SampleCount' as const,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold' as const,
    };
    const sample: Sample[] = [{ atMs: T0, value: 1 }];
    const sim = simulateAlarm(heartbeat, sample, {
      createdAtMs: T0,
      untilMs: T0 + 2 * MIN,
      ingestionDelayMs: 90_000,
    });
    expect(sim.evaluations.map((e) => e.state)).toEqual(['ALARM', 'ALARM', 'OK']);
  });
});

describe('CloudWatch alarm evaluator: statistics and single-metric math', () => {
  it('reads a percentile alarm and aggregates pNN by nearest rank', () => {
    const p90 = alarmFromTemplate({
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
      ExtendedStatistic: 'p90',
    });
    const samples: Sample[] = Array.from({ length: 10 }, (_, i) => ({ atMs: i * 1000, value: (i + 1) * 10 }));
    // 10 values 10…100: the 9th is the 90th percentile.
    const sim = simulateAlarm(p90, samples, { createdAtMs: 60_000, untilMs: 60_000 });
    expect(sim.evaluations[0]?.range.at(-1)).toBe(90);
  });

  it('reads ABS() over one metric and applies it to the statistic; refuses any other expression', () => {
    const metrics = (expression: string) => [
      { Id: 'e', Expression: expression, ReturnData: true },
      {
        Id: 'skew',
        MetricStat: { Metric: { MetricName: 'ClockSkew', Namespace: 'Ns' }, Period: 300, Stat: 'Maximum' },
        ReturnData: false,
      },
    ];
    const properties = {
      Metrics: metrics('ABS(skew)'),
      EvaluationPeriods: 1,
      Threshold: 60,
      ComparisonOperator: 'GreaterThanThreshold',
    };
    const alarm = alarmFromTemplate(properties);
    expect(alarmMetricFromTemplate(properties)).toEqual({ namespace: 'Ns', key: 'ClockSkew{}' });
    const sim = simulateAlarm(alarm, [{ atMs: 1000, value: -1200 }], {
      createdAtMs: 60_000,
      untilMs: 60_000,
    });
    expect([sim.evaluations[0]?.range.at(-1), sim.stateAt(60_000)]).toEqual([1200, 'ALARM']);
    expect(() => alarmFromTemplate({ ...properties, Metrics: metrics('skew * 2') })).toThrow(/only ABS/);
  });
});
