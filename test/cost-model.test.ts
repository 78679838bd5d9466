// The per-instance cost model (scripts/cost-model.ts) that `npm run cost` prints and a fleet model multiplies,
// read from the synthesized template of the typical instance: the seeded image plus one target.
import { describe, expect, it } from 'vitest';
import { STEADY_STATE_METRICS_PER_TARGET } from '../lambda/model/contract.ts';
import {
  type CfnTemplate,
  instanceCostLines,
  instanceModel,
  instanceMonthlyUsd,
  PRICE,
  TARGET_USD,
} from '../scripts/cost-model.ts';
import { canaryTemplate } from './cdk/helpers.ts';

const TYPICAL = canaryTemplate({
  regions: ['eu-west-1'],
  targets: [{ image: 'app:1' }],
}).toJSON() as CfnTemplate;

describe('instance cost model', () => {
  it('bills the steady-state metrics the function sends for every target, and every alarm metric in the template', () => {
    const m = instanceModel('typical', 'stack', TYPICAL);
    expect([m.targets, m.steadyStateMetricsPerTarget, m.alarms, m.alarmMetrics]).toEqual([
      2,
      STEADY_STATE_METRICS_PER_TARGET.length,
      7,
      7,
    ]);
    const metrics = instanceCostLines(m).find((line) => line.item.startsWith('custom metrics'));
    expect(metrics?.canary).toBeCloseTo(2 * STEADY_STATE_METRICS_PER_TARGET.length * PRICE.metricMonth, 10);
  });

  it('keeps the seeded image plus one target at or under $1.50 per account-region-month, from $2.05 before issue 12', () => {
    const now = instanceMonthlyUsd(instanceModel('typical', 'stack', TYPICAL));
    const before = instanceMonthlyUsd(instanceModel('typical', 'stack', TYPICAL, 2));
    expect(now).toBeLessThanOrEqual(TARGET_USD);
    expect(before.toFixed(2)).toBe('2.05');
    // The whole saving is the Success metric of each target; no alarm was given up for it.
    expect(before - now).toBeCloseTo(2 * PRICE.metricMonth, 10);
  });
});
