import { describe, expect, it } from 'vitest';
import { validateConfig } from '../lambda/engine/config/validate.ts';
import {
  accountsAtOnce,
  defaultPreferences,
  ORGANIZATION_SCALES,
  organizationMonthlyUsd,
  ROLLOUT_ASSUMED,
  rolloutMinutes,
  toleratedFailures,
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
    expect(prefs).toMatchObject({ maxConcurrent: { percentage: 25 }, regionConcurrency: 'PARALLEL' });
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

  // API_StackSetOperationPreferences: MaxConcurrentPercentage rounds down but "where rounding down would result is
  // zero ... sets the number as one"; FailureTolerancePercentage "rounds down to the next whole number", no floor.
  it('rounds percentages as CloudFormation does: concurrency down to at least one, tolerance down to zero', () => {
    expect(accountsAtOnce(3, { percentage: 25 })).toBe(1);
    expect(accountsAtOnce(10, { percentage: 25 })).toBe(2);
    expect(accountsAtOnce(10, { count: 4 })).toBe(4);
    expect(toleratedFailures(9, { percentage: 10 })).toBe(0);
    expect(toleratedFailures(10, { percentage: 10 })).toBe(1);
    expect(toleratedFailures(19, { percentage: 10 })).toBe(1);
    expect(toleratedFailures(5, { count: 2 })).toBe(2);
  });

  // A region stops, and the StackSet's create fails and rolls back every instance, once more accounts fail than the
  // tolerance: a default that rounds to zero in a small organization makes one odd account (an SCP, a quota) undo
  // the whole rollout. The default must tolerate the same one account at every size.
  it('defaults to tolerating one failed account per region whatever the organization’s size', () => {
    const { config, problems } = validateConfig({
      name: 'org',
      account: '111111111111',
      regions: ['eu-west-1'],
      organization: { organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-prod0001'] },
    });
    expect(problems).toEqual([]);
    const tolerance = config?.organization?.failureTolerance;
    if (!tolerance) throw new Error('no tolerance');
    for (const accounts of [1, 2, 5, 9, 10, 50, 100, 1000]) {
      expect(toleratedFailures(accounts, tolerance), `${accounts} accounts`).toBe(1);
      expect(toleratedFailures(accounts, defaultPreferences().failureTolerance)).toBe(1);
    }
  });
});
