import { beforeEach, describe, expect, it } from 'vitest';
import { runDatapoints } from '../lambda/engine/outputs/datapoints.ts';
import { toEmfLines } from '../lambda/engine/outputs/emf.ts';
import { publishMetrics } from '../lambda/engine/outputs/publish-metrics.ts';
import { type RecordingSink, recordingSink } from './support/fake-outputs.ts';
import { failedResult } from './support/probe-results.ts';

const NAMESPACE = 'EcrPullCanary';
const STARTED = Date.parse('2026-11-27T10:00:00.000Z');
// Latency, Failures in total, per target and per category, AuthFailures.
const POINTS = runDatapoints([failedResult('auth', { clockSkew: null })]);

let sink: RecordingSink;
let written: string[];
beforeEach(() => {
  sink = recordingSink();
  written = [];
});

const publish = (points = POINTS, timeoutMs = 1000) =>
  publishMetrics(sink, NAMESPACE, points, STARTED, timeoutMs, (line) => written.push(line));

describe('publishMetrics', () => {
  it('sends every datapoint in one call stamped with the run start, and logs nothing', async () => {
    expect(await publish()).toEqual({ via: 'PutMetricData', datapoints: 5, fallbackReason: null });
    expect(sink.calls).toEqual([{ namespace: NAMESPACE, points: POINTS, timestamp: new Date(STARTED) }]);
    expect(written).toEqual([]);
  });

  it('writes the same datapoints as EMF lines when the call fails, and says why', async () => {
    sink.behaviour = Object.assign(new Error('User is not authorized to perform: cloudwatch:PutMetricData'), {
      name: 'AccessDenied',
    });
    expect(await publish()).toEqual({
      via: 'EMF',
      datapoints: 5,
      fallbackReason: 'AccessDenied: User is not authorized to perform: cloudwatch:PutMetricData',
    });
    expect(written).toEqual(toEmfLines(POINTS, NAMESPACE, STARTED));
  });

  it('prefers a network error code over the error name in the reason', async () => {
    sink.behaviour = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect((await publish()).fallbackReason).toBe('ECONNRESET: socket hang up');
  });

  it('falls back to EMF at the deadline when the call hangs', async () => {
    sink.behaviour = 'hang';
    const started = performance.now();
    const outcome = await publish(POINTS, 50);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(outcome).toEqual({
      via: 'EMF',
      datapoints: 5,
      fallbackReason: 'DEADLINE_EXCEEDED: PutMetricData did not finish within 50 ms',
    });
    expect(written).toHaveLength(1);
  });

  it('sends nothing at all for no datapoints', async () => {
    expect(await publish([])).toEqual({ via: 'none', datapoints: 0, fallbackReason: null });
    expect(sink.calls).toEqual([]);
    expect(written).toEqual([]);
  });
});
