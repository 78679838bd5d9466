/**
 * The heartbeat alarm over time, by CloudWatch's documented evaluation rules (test/support/cloudwatch-alarm.ts):
 * its properties and the deployment order come from the synthesized template. A fresh deployment must not
 * page; steady state with late and missed runs must not page; a canary that stops reporting must page within
 * the evaluation range, and resolve on the next report.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { ENV } from '../../lambda/engine/model/contract.ts';
import {
  type AlarmDefinition,
  alarmFromTemplate,
  type Sample,
  simulateAlarm,
} from '../support/cloudwatch-alarm.ts';
import { canaryTemplate, resourcesOfType } from './helpers.ts';

const REGION = 'eu-west-1';
const MIN = 60_000;
const T0 = Date.parse('2026-11-27T03:01:17Z');

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

function resources(template: Template): Record<string, Resource> {
  return (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
}

function heartbeatOf(template: Template): {
  id: string;
  alarm: AlarmDefinition;
  properties: Record<string, unknown>;
} {
  const found = Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).find(([, r]) =>
    String(r.Properties?.AlarmName).endsWith('-heartbeat-critical'),
  );
  if (!found) throw new Error('no heartbeat alarm');
  const properties = found[1].Properties ?? {};
  return { id: found[0], alarm: alarmFromTemplate(properties), properties };
}

/** Every resource `id` waits for before CloudFormation creates it: DependsOn, Ref and GetAtt, transitively. */
function createdBefore(all: Record<string, Resource>, id: string, seen = new Set<string>()): Set<string> {
  const resource = all[id];
  if (!resource) return seen;
  const direct = new Set<string>([resource.DependsOn ?? []].flat());
  JSON.stringify(resource.Properties ?? {}, (key, value) => {
    if (key === 'Ref' && typeof value === 'string' && value in all) direct.add(value);
    if (key === 'Fn::GetAtt' && Array.isArray(value) && value[0] in all) direct.add(value[0] as string);
    return value;
  });
  for (const dependency of direct) {
    if (seen.has(dependency)) continue;
    seen.add(dependency);
    createdBefore(all, dependency, seen);
  }
  return seen;
}

/**
 * Whether the template runs the probe once during the deployment, before the heartbeat alarm exists: a custom
 * resource served by the probe function itself, which the alarm waits for.
 */
function firstRunPrecedesHeartbeat(template: Template): boolean {
  const all = resources(template);
  const probeId = Object.entries(all).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      ENV.canaryName in ((r.Properties?.Environment as { Variables?: object } | undefined)?.Variables ?? {}),
  )?.[0];
  if (!probeId) throw new Error('no probe function');
  const before = createdBefore(all, heartbeatOf(template).id);
  return [...before].some((id) => {
    const r = all[id];
    const token = JSON.stringify(r?.Properties?.ServiceToken ?? null);
    return (
      r?.Type.startsWith('Custom::') === true && token === JSON.stringify({ 'Fn::GetAtt': [probeId, 'Arn'] })
    );
  });
}

/** Scheduled runs from `fromMs` every `periodMs`, each a little late (up to 40 s), with the given runs missed. */
function scheduledRuns(
  fromMs: number,
  toMs: number,
  periodMs: number,
  missed: Set<number> = new Set(),
): Sample[] {
  const samples: Sample[] = [];
  for (let k = 0, at = fromMs; at < toMs; k++, at += periodMs) {
    if (!missed.has(k)) samples.push({ atMs: at + ((k * 7919) % 41) * 1000, value: 1 });
  }
  return samples;
}

const RANGES = (alarm: AlarmDefinition) => [
  alarm.evaluationPeriods,
  alarm.evaluationPeriods + 2,
  alarm.evaluationPeriods + 4,
];

describe.each<[string, CanaryConfigFile]>([
  ['the defaults', { regions: [REGION] }],
  [
    'a one-minute schedule and user targets',
    { regions: [REGION], scheduleMinutes: 1, knownGoodImage: false, targets: [{ image: 'app:1' }] },
  ],
])('heartbeat alarm with %s', (_what, config) => {
  const template = canaryTemplate(config);
  const { alarm } = heartbeatOf(template);
  const scheduleMs = (config.scheduleMinutes ?? 5) * MIN;

  it('watches a metric every run sends and treats missing data as breaching (a stopped canary sends nothing)', () => {
    expect(alarm).toMatchObject({
      statistic: 'SampleCount',
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
    });
    expect(alarm.treatMissingData).toBe('breaching');
  });

  it.each([0, 5_000])('does not page on a fresh deployment (ingestion delay %i ms)', (ingestionDelayMs) => {
    // The deployment order is read from the template: with a deploy-time first run, the first datapoint exists
    // before the alarm; without one, the first datapoint is the schedule's first run, up to a period later.
    const firstRun = firstRunPrecedesHeartbeat(template);
    const alarmCreated = T0 + 15_000;
    const samples = [
      ...(firstRun ? [{ atMs: T0 + 2_000, value: 1 }] : []),
      ...scheduledRuns(alarmCreated + scheduleMs, T0 + 180 * MIN, scheduleMs),
    ];
    for (const evaluationRange of RANGES(alarm)) {
      const sim = simulateAlarm(alarm, samples, {
        createdAtMs: alarmCreated,
        untilMs: T0 + 180 * MIN,
        evaluationRange,
        ingestionDelayMs,
      });
      expect(
        sim.transitions.filter((t) => t.to === 'ALARM').map((t) => `ALARM at +${(t.atMs - T0) / 1000} s`),
        `evaluation range ${evaluationRange}, first run before the alarm: ${firstRun}`,
      ).toEqual([]);
    }
  });

  it('does not page in steady state, with runs landing up to 40 s late and single runs missed', () => {
    const start = T0 - 60 * MIN;
    const samples = scheduledRuns(start, T0 + 24 * 60 * MIN, scheduleMs, new Set([7, 30, 31 + 20, 200]));
    for (const evaluationRange of RANGES(alarm)) {
      const sim = simulateAlarm(alarm, samples, {
        createdAtMs: T0,
        untilMs: T0 + 24 * 60 * MIN,
        evaluationRange,
      });
      expect(
        sim.transitions.map((t) => t.to),
        `evaluation range ${evaluationRange}`,
      ).toEqual(['OK']);
    }
  });

  it('pages when the canary stops reporting, within the evaluation range, and resolves on the next report', () => {
    const periodMs = alarm.periodSeconds * 1000;
    const stop = T0 + 60 * MIN;
    const resume = T0 + 240 * MIN;
    const before = scheduledRuns(T0 - 60 * MIN, stop, scheduleMs);
    const after = scheduledRuns(resume, T0 + 300 * MIN, scheduleMs);
    const last = before.at(-1)?.atMs ?? 0;
    for (const evaluationRange of RANGES(alarm)) {
      const sim = simulateAlarm(alarm, [...before, ...after], {
        createdAtMs: T0,
        untilMs: T0 + 300 * MIN,
        evaluationRange,
      });
      const [ok, paged, resolved, ...rest] = sim.transitions;
      expect([ok?.to, paged?.to, resolved?.to, rest.length], `evaluation range ${evaluationRange}`).toEqual([
        'OK',
        'ALARM',
        'OK',
        0,
      ]);
      // ALARM once no datapoint is left in the range: the last run's period plus the range, at the next evaluation.
      const lastPeriodStart = Math.floor(last / periodMs) * periodMs;
      const expected = lastPeriodStart + evaluationRange * periodMs;
      expect(paged?.atMs).toBeGreaterThanOrEqual(expected);
      expect(paged?.atMs).toBeLessThan(expected + MIN);
      // OK at the first evaluation that sees the first run after the outage.
      const first = after[0]?.atMs ?? 0;
      expect(resolved?.atMs).toBeGreaterThanOrEqual(first);
      expect(resolved?.atMs).toBeLessThan(first + MIN);
    }
  });
});
