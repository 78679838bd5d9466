/**
 * Organization scale: the per-instance monthly cost that scripts/cost.ts models from the synthesized
 * template, times accounts × regions, plus what the organization adds once; and how long a StackSet rollout
 * takes at the chosen concurrency. Pure: cost.ts passes its own per-instance figure in, so lowering that model
 * lowers these numbers with no second copy of any price.
 */

import { countOrPercentage } from '../lambda/engine/config/organization.ts';
import type { CountOrPercentage, OrganizationConfig } from '../lambda/engine/config/schema.ts';
import { ORGANIZATION_DEFAULTS } from '../lambda/engine/model/limits.ts';

/** What the organization adds once, per month (us-east-1 list prices; re-check before quoting). */
const ORGANIZATION_PRICE = {
  /** The one cross-account dashboard in the monitoring account. */
  dashboardMonth: 3,
  /**
   * CloudWatch cross-account observability: no charge for sharing metrics through OAM links (CloudWatch pricing,
   * "Cross-account observability"); the members' own metrics and alarms are in the per-instance figure.
   */
  oamSharing: 0,
  /** StackSets: no charge for AWS resource types. Code buckets: a few MB per region, well under $0.01. */
  stackSets: 0,
} as const;

/**
 * Stated, not measured here: one stack instance (roles, function, state table, repository, the seeding custom
 * resource and the deploy-time first run) takes about 4 minutes; StackSets adds about a minute per batch.
 */
export const ROLLOUT_ASSUMED = { instanceMinutes: 4, batchOverheadMinutes: 1 } as const;

export interface Scale {
  accounts: number;
  regions: number;
}

export interface RolloutPreferences {
  /** Accounts at once per region: a count or a percentage of the accounts. */
  maxConcurrent: CountOrPercentage;
  /** Failed accounts per region before the operation stops there: a count or a percentage. */
  failureTolerance: CountOrPercentage;
  regionConcurrency: OrganizationConfig['regionConcurrency'];
}

/** The defaults of `organization` (lambda/engine/model/limits.ts), as the rollout model reads them. */
export function defaultPreferences(): RolloutPreferences {
  return {
    maxConcurrent: countOrPercentage(ORGANIZATION_DEFAULTS.maxConcurrent),
    failureTolerance: countOrPercentage(ORGANIZATION_DEFAULTS.failureTolerance),
    regionConcurrency: ORGANIZATION_DEFAULTS.regionConcurrency,
  };
}

/**
 * Accounts StackSets deploys at once in a region of `accounts` accounts: a percentage "rounds down to the next
 * whole number ... except in cases where rounding down would result is zero. In this case, CloudFormation sets
 * the number as one instead" (MaxConcurrentPercentage,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html).
 */
export function accountsAtOnce(accounts: number, maxConcurrent: CountOrPercentage): number {
  return 'count' in maxConcurrent
    ? maxConcurrent.count
    : Math.max(1, Math.floor((accounts * maxConcurrent.percentage) / 100));
}

/**
 * Failed accounts a region tolerates before the operation stops there: a percentage "rounds down to the next
 * whole number" (FailureTolerancePercentage, same page), with no floor: 10% of fewer than ten accounts is zero.
 */
export function toleratedFailures(accounts: number, failureTolerance: CountOrPercentage): number {
  return 'count' in failureTolerance
    ? failureTolerance.count
    : Math.floor((accounts * failureTolerance.percentage) / 100);
}

/**
 * Minutes to roll out to every account of every region (the StackSet's create or update operation; an account
 * that joins a targeted OU later is deployed by auto-deployment, to which these preferences do not apply).
 * StackSets deploys each region's accounts in batches of {@link accountsAtOnce}, and regions one after another
 * or all at once.
 */
export function rolloutMinutes(
  scale: Scale,
  prefs: Pick<RolloutPreferences, 'maxConcurrent' | 'regionConcurrency'>,
): number {
  const perBatch = accountsAtOnce(scale.accounts, prefs.maxConcurrent);
  const batches = Math.ceil(scale.accounts / Math.min(perBatch, scale.accounts));
  const perRegion = batches * (ROLLOUT_ASSUMED.instanceMinutes + ROLLOUT_ASSUMED.batchOverheadMinutes);
  return prefs.regionConcurrency === 'PARALLEL' ? perRegion : perRegion * scale.regions;
}

export function organizationMonthlyUsd(perInstanceUsd: number, scale: Scale): number {
  return (
    perInstanceUsd * scale.accounts * scale.regions +
    ORGANIZATION_PRICE.dashboardMonth +
    ORGANIZATION_PRICE.oamSharing +
    ORGANIZATION_PRICE.stackSets
  );
}

export const ORGANIZATION_SCALES: readonly Scale[] = [
  { accounts: 10, regions: 3 },
  { accounts: 100, regions: 4 },
];

const usd = (value: number) =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const duration = (minutes: number) => (minutes < 60 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`);

/** The lines `npm run cost` prints for an organization. */
export function organizationReport(
  perInstanceUsd: number,
  watchUsd = 0,
  prefs: RolloutPreferences = defaultPreferences(),
): string {
  const concurrency =
    'count' in prefs.maxConcurrent
      ? `${prefs.maxConcurrent.count} accounts`
      : `${prefs.maxConcurrent.percentage}% of the accounts`;
  const sequential: RolloutPreferences = { ...prefs, regionConcurrency: 'SEQUENTIAL' };
  // The fleet totals multiply the per-instance figure as printed (whole cents), so a reader's own
  // instances × price + dashboard gives the total shown; the model is not finer than a cent per instance anyway.
  const perInstance = Math.round((perInstanceUsd + watchUsd) * 100) / 100;
  return [
    '',
    `Across an organization (StackSet, docs/organization.md), as deployed by default: ${usd(perInstance)} per stack instance (one account in one region: the seeded image plus one target ${usd(perInstanceUsd)}${watchUsd > 0 ? `, the workload watch's alarms ${usd(watchUsd)}` : ''}, as modelled above)`,
    `  plus once: the cross-account dashboard ${usd(ORGANIZATION_PRICE.dashboardMonth)}; OAM metric sharing, StackSets and the code buckets ~$0.00`,
    `  rollout at ${concurrency} per region at once (a percentage rounds down, to at least one), ${ROLLOUT_ASSUMED.instanceMinutes} min per instance + ${ROLLOUT_ASSUMED.batchOverheadMinutes} min per batch (stated, not measured); the StackSet's own create and update only: an account that joins an OU later is deployed by auto-deployment, which these preferences do not govern`,
    ...ORGANIZATION_SCALES.map((scale) => {
      const instances = scale.accounts * scale.regions;
      return `  ${String(scale.accounts).padStart(3)} accounts × ${scale.regions} regions: ${String(instances).padStart(3)} stack instances, ${usd(organizationMonthlyUsd(perInstance, scale)).padStart(9)} per month; rollout ${duration(rolloutMinutes(scale, prefs))} (regions ${prefs.regionConcurrency.toLowerCase()}), ${duration(rolloutMinutes(scale, sequential))} sequential; ${accountsAtOnce(scale.accounts, prefs.maxConcurrent)} at once, stops in a region after more than ${toleratedFailures(scale.accounts, prefs.failureTolerance)} failed`;
    }),
  ].join('\n');
}
