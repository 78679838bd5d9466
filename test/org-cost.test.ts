import { describe, expect, it } from 'vitest';
import {
  defaultPreferences,
  ORGANIZATION_SCALES,
  organizationMonthlyUsd,
  ROLLOUT_ASSUMED,
  rolloutMinutes,
} from '../scripts/org-cost.ts';

const batch = ROLLOUT_ASSUMED.instanceMinutes + ROLLOUT_ASSUMED.batchOverheadMinutes;

describe('organization scale model (npm run cost)', () => {
  it('models the README scales: 10 × 3 and 100 × 4', () => {
    expect(ORGANIZATION_SCALES).toEqual([
      { accounts: 10, regions: 3 },
      { accounts: 100, regions: 4 },
    ]);
  });

  it('multiplies the per-instance cost by accounts × regions and adds the one dashboard', () => {
    expect(organizationMonthlyUsd(1.5, { accounts: 10, regions: 3 })).toBeCloseTo(1.5 * 30 + 3);
    expect(organizationMonthlyUsd(2, { accounts: 100, regions: 4 })).toBeCloseTo(2 * 400 + 3);
  });

  it('rolls out in batches of the concurrent share of accounts, at least one account at a time', () => {
    const prefs = defaultPreferences();
    expect(prefs).toEqual({ maxConcurrent: { percentage: 25 }, regionConcurrency: 'PARALLEL' });
    // 25% of 10 is 2 accounts at once: 5 batches; of 100, 25: 4 batches. Regions in parallel add nothing.
    expect(rolloutMinutes({ accounts: 10, regions: 3 }, prefs)).toBe(5 * batch);
    expect(rolloutMinutes({ accounts: 100, regions: 4 }, prefs)).toBe(4 * batch);
    expect(rolloutMinutes({ accounts: 3, regions: 1 }, prefs)).toBe(3 * batch);
    expect(rolloutMinutes({ accounts: 100, regions: 4 }, { ...prefs, regionConcurrency: 'SEQUENTIAL' })).toBe(
      16 * batch,
    );
    expect(
      rolloutMinutes(
        { accounts: 10, regions: 2 },
        { maxConcurrent: { count: 20 }, regionConcurrency: 'PARALLEL' },
      ),
    ).toBe(batch);
  });
});
