// An evaluator of CloudWatch metric alarms, for tests that must show what an alarm will do over time (a fresh
// deployment, steady state, an outage, a recovery), not only which properties the template sets.
//
// Sources (Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms" → "Alarm evaluation" and
// "Configuring how CloudWatch alarms treat missing data" → "How alarm state is evaluated when data is missing"):
// - Period is the length of time that makes one datapoint; Evaluation Periods (N) the number of most recent
//   datapoints evaluated; Datapoints to Alarm (M) how many of them must breach for ALARM (M out of N, not
//   necessarily consecutive). Fewer than M breaching: OK.
// - CloudWatch retrieves more datapoints than N, the evaluation range (its example: N = 3 with a 5-minute
//   period retrieves 5). Then: with no missing datapoint, or with at least N real ones, it evaluates the N most
//   recent real datapoints and the missing-data setting is not used; with fewer than N real ones it fills the
//   missing ones by the setting, "as few times as possible", and every real datapoint in the range is included.
//   `breaching` fills breaching, `notBreaching` not breaching; `missing` with no datapoint at all goes to
//   INSUFFICIENT_DATA and `ignore` keeps the current state (the guide's tables give both rows).
// - "If data points are missing soon after you create an alarm, and the metric was being reported to
//   CloudWatch before you created the alarm, CloudWatch retrieves the most recent data points from before the
//   alarm was created": datapoints older than the alarm count like any other.
// - Alarms invoke actions on state changes only. A new alarm starts in INSUFFICIENT_DATA.
//
// Modelling choices the guide does not fix, stated so a test can vary them: periods are aligned to multiples
// of the period; the alarm is evaluated every minute from its creation; the most recent (still open) period
// is part of the range; a sample becomes visible `ingestionDelayMs` after its timestamp; the evaluation range
// is a parameter (default N + 2, the guide's example). One documented row is not modelled: the newer guide
// shows `X - - - -` (one breaching datapoint, oldest) as ALARM under `missing` but `- - - - X` as
// INSUFFICIENT_DATA; this model gives INSUFFICIENT_DATA for both.

export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
/**
 * A statistic, or a percentile `pNN` (an extended statistic; nearest-rank here, which is exact for the one
 * sample per period a canary sends).
 */
export type Statistic = 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum' | `p${number}`;

/** A single-metric alarm, with the fields `AWS::CloudWatch::Alarm` carries. */
export interface AlarmDefinition {
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  statistic: Statistic;
  treatMissingData: TreatMissingData;
  /**
   * A metric-math alarm over one metric: the function its returned expression applies to the statistic.
   * @default - none: a plain metric alarm
   */
  math?: 'ABS';
}

/** The metric an alarm reads: `Name{Dim=Value,…}` (dimensions sorted by name) in its namespace. */
export interface AlarmMetric {
  namespace: string;
  key: string;
}

type Dimensions = Array<{ Name: string; Value: string }>;

/** `Name{Dim=Value,…}`, dimensions sorted by name: one metric, as CloudWatch identifies it. */
export function metricKey(name: string, dimensions: Record<string, string>): string {
  const dims = Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b));
  return `${name}{${dims.map(([k, v]) => `${k}=${v}`).join(',')}}`;
}

interface MetricStatQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { MetricName: string; Namespace: string; Dimensions?: Dimensions };
    Period: number;
    Stat: string;
  };
}

/** The one metric of a single-metric math alarm and the function of its returned expression (only ABS here). */
function singleMetricMath(properties: Record<string, unknown>): { query: MetricStatQuery; math: 'ABS' } {
  const queries = properties.Metrics as MetricStatQuery[];
  const stats = queries.filter((q) => q.MetricStat !== undefined);
  const returned = queries.find((q) => q.ReturnData !== false && q.Expression !== undefined);
  const [query] = stats;
  if (stats.length !== 1 || !query || returned?.Expression !== `ABS(${query.Id})`)
    throw new Error(`only ABS() over one metric is modelled, not ${JSON.stringify(queries)}`);
  return { query, math: 'ABS' };
}

/** Reads the alarm from a template resource's properties. */
export function alarmFromTemplate(properties: Record<string, unknown>): AlarmDefinition {
  const need = <T>(key: string): T => {
    const value = properties[key];
    if (value === undefined) throw new Error(`alarm has no ${key}`);
    return value as T;
  };
  const common = {
    evaluationPeriods: need<number>('EvaluationPeriods'),
    datapointsToAlarm:
      (properties.DatapointsToAlarm as number | undefined) ?? need<number>('EvaluationPeriods'),
    threshold: need<number>('Threshold'),
    comparisonOperator: need<ComparisonOperator>('ComparisonOperator'),
    // CloudWatch's default.
    treatMissingData: (properties.TreatMissingData as TreatMissingData | undefined) ?? 'missing',
  };
  if (properties.Metrics !== undefined) {
    const { query, math } = singleMetricMath(properties);
    const stat = query.MetricStat as NonNullable<MetricStatQuery['MetricStat']>;
    return { ...common, periodSeconds: stat.Period, statistic: stat.Stat as Statistic, math };
  }
  return {
    ...common,
    periodSeconds: need<number>('Period'),
    statistic: (properties.Statistic ?? need<Statistic>('ExtendedStatistic')) as Statistic,
  };
}

/** The metric a template alarm reads (for a single-metric math alarm, that metric). */
export function alarmMetricFromTemplate(properties: Record<string, unknown>): AlarmMetric {
  const metric =
    properties.Metrics === undefined
      ? {
          MetricName: properties.MetricName as string,
          Namespace: properties.Namespace as string,
          Dimensions: properties.Dimensions as Dimensions | undefined,
        }
      : (singleMetricMath(properties).query.MetricStat as NonNullable<MetricStatQuery['MetricStat']>).Metric;
  const dimensions = Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  return { namespace: metric.Namespace, key: metricKey(metric.MetricName, dimensions) };
}

export function breaches(alarm: AlarmDefinition, value: number): boolean {
  switch (alarm.comparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.threshold;
    case 'GreaterThanThreshold':
      return value > alarm.threshold;
    case 'LessThanThreshold':
      return value < alarm.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.threshold;
  }
}

/**
 * One evaluation over the evaluation range: `range` holds the datapoints oldest first, `null` where one is
 * missing. Returns the state the alarm goes to.
 */
export function evaluateRange(
  alarm: AlarmDefinition,
  range: ReadonlyArray<number | null>,
  current: AlarmState,
): AlarmState {
  const n = alarm.evaluationPeriods;
  const m = alarm.datapointsToAlarm;
  const real = range.filter((value): value is number => value !== null);
  const breachingReal = real.filter((value) => breaches(alarm, value)).length;
  const verdict = (breaching: number): AlarmState => (breaching >= m ? 'ALARM' : 'OK');
  if (real.length >= n) {
    // Enough real datapoints: the N most recent of them decide, the missing-data setting is not used.
    return verdict(real.slice(-n).filter((value) => breaches(alarm, value)).length);
  }
  // Fewer than N real datapoints: every one of them counts, and the missing ones are filled by the setting.
  const fills = n - real.length;
  switch (alarm.treatMissingData) {
    case 'breaching':
      return verdict(breachingReal + fills);
    case 'notBreaching':
      return verdict(breachingReal);
    case 'ignore':
      if (real.length === 0 || breachingReal === real.length) return current;
      return verdict(breachingReal);
    case 'missing':
      if (real.length === 0 || breachingReal === real.length) return 'INSUFFICIENT_DATA';
      return verdict(breachingReal);
  }
}

/** A value the metric received (a PutMetricData datapoint). */
export interface Sample {
  atMs: number;
  value: number;
}

export interface SimulationOptions {
  /** When the alarm is created; it is evaluated then and every minute after. */
  createdAtMs: number;
  /** Last evaluation at or before this time. */
  untilMs: number;
  /** @default evaluationPeriods + 2 (the guide's example: 3 evaluation periods retrieve 5 datapoints) */
  evaluationRange?: number;
  /** @default 0 */
  ingestionDelayMs?: number;
  /** @default 60_000 */
  evaluationIntervalMs?: number;
}

export interface Transition {
  atMs: number;
  from: AlarmState;
  to: AlarmState;
}

export interface Simulation {
  transitions: Transition[];
  /** State after every evaluation, in order. */
  evaluations: Array<{ atMs: number; state: AlarmState; range: Array<number | null> }>;
  /** The state the alarm was in at `atMs`. */
  stateAt(atMs: number): AlarmState;
}

function aggregate(statistic: Statistic, values: number[]): number | null {
  if (values.length === 0) return null;
  if (statistic.startsWith('p')) {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.ceil((Number(statistic.slice(1)) / 100) * sorted.length);
    return sorted[Math.max(0, rank - 1)] as number;
  }
  switch (statistic) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    default:
      throw new Error(`statistic ${statistic} is not modelled`);
  }
}

/** Runs the alarm over time against the samples the metric received. */
export function simulateAlarm(
  alarm: AlarmDefinition,
  samples: readonly Sample[],
  options: SimulationOptions,
): Simulation {
  const periodMs = alarm.periodSeconds * 1000;
  const rangeLength = options.evaluationRange ?? alarm.evaluationPeriods + 2;
  if (rangeLength < alarm.evaluationPeriods) throw new Error('the evaluation range is at least N datapoints');
  const delay = options.ingestionDelayMs ?? 0;
  const step = options.evaluationIntervalMs ?? 60_000;
  let state: AlarmState = 'INSUFFICIENT_DATA';
  const transitions: Transition[] = [];
  const evaluations: Simulation['evaluations'] = [];
  for (let at = options.createdAtMs; at <= options.untilMs; at += step) {
    const visible = samples.filter((sample) => sample.atMs + delay <= at);
    const current = Math.floor(at / periodMs) * periodMs;
    const range: Array<number | null> = [];
    for (let i = rangeLength - 1; i >= 0; i--) {
      const start = current - i * periodMs;
      const values = visible
        .filter((sample) => sample.atMs >= start && sample.atMs < start + periodMs)
        .map((sample) => sample.value);
      const value = aggregate(alarm.statistic, values);
      range.push(value !== null && alarm.math === 'ABS' ? Math.abs(value) : value);
    }
    const next = evaluateRange(alarm, range, state);
    if (next !== state) transitions.push({ atMs: at, from: state, to: next });
    state = next;
    evaluations.push({ atMs: at, state, range });
  }
  return {
    transitions,
    evaluations,
    stateAt(atMs: number): AlarmState {
      let found: AlarmState = 'INSUFFICIENT_DATA';
      for (const evaluation of evaluations) {
        if (evaluation.atMs > atMs) break;
        found = evaluation.state;
      }
      return found;
    },
  };
}
