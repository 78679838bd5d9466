// The per-instance cost model (scripts/cost-model.ts) that `npm run cost` prints and a fleet model multiplies,
// read from the synthesized template of the typical instance: the seeded image plus one target.
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../lambda/engine/config/schema.ts';
import { STEADY_STATE_METRICS_PER_TARGET } from '../lambda/engine/model/contract.ts';
import { LIMITS } from '../lambda/engine/model/limits.ts';
import {
  type CfnTemplate,
  extraTargetUsd,
  instanceCostLines,
  instanceModel,
  instanceMonthlyUsd,
  type ModelTarget,
  PRICE,
  syntheticsMonthlyUsd,
  TARGET_USD,
  targetScaleLines,
  usd,
  watchLines,
} from '../scripts/cost-model.ts';
import { ORGANIZATION_SCALES, organizationReport } from '../scripts/org-cost.ts';
import { synthApp } from './cdk/helpers.ts';

/** A configuration's first canary as the model reads it: its template, and its targets (in the function's code). */
function synthesized(file: CanaryConfigFile): { template: CfnTemplate; targets: ModelTarget[] } {
  const [stack] = synthApp(file).canaries;
  if (!stack) throw new Error('no canary stack');
  return { template: Template.fromStack(stack).toJSON() as CfnTemplate, targets: stack.canary.targets };
}

const TYPICAL_APP = synthesized({ regions: ['eu-west-1'], targets: [{ image: 'app:1' }] });
const model = (scenario: string, m: { template: CfnTemplate; targets: ModelTarget[] }, steady?: number) =>
  instanceModel(scenario, 'stack', m.template, m.targets, steady);

describe('instance cost model', () => {
  it('bills the steady-state metrics the function sends for every target, and every alarm metric in the template', () => {
    const m = model('typical', TYPICAL_APP);
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
    const now = instanceMonthlyUsd(model('typical', TYPICAL_APP));
    const before = instanceMonthlyUsd(model('typical', TYPICAL_APP, 2));
    expect(now).toBeLessThanOrEqual(TARGET_USD);
    expect(before.toFixed(2)).toBe('2.05');
    // The whole saving is the Success metric of each target; no alarm was given up for it.
    expect(before - now).toBeCloseTo(2 * PRICE.metricMonth, 10);
  });
});
describe('the EKS reader per region (regionOverrides.<region>.workloadWatch.eks)', () => {
  it('counts in each region the clusters that region names, and "all" where it inherits the top level', () => {
    const { canaries } = synthApp({
      regions: ['eu-west-1', 'us-east-1'],
      workloadWatch: { eks: { clusters: 'all' } },
      regionOverrides: {
        'eu-west-1': {
          workloadWatch: {
            eks: {
              clusters: ['prod', 'staging', 'batch'],
              privateClusters: [
                {
                  name: 'private',
                  subnetIds: ['subnet-0123456789abcdef0'],
                  securityGroupIds: ['sg-0123456789abcdef0'],
                },
              ],
            },
          },
        },
      },
    });
    const models = canaries.map((stack) =>
      instanceModel(
        stack.region,
        stack.stackName,
        Template.fromStack(stack).toJSON() as CfnTemplate,
        stack.canary.targets,
      ),
    );
    expect(models.map((m) => m.eks && [m.eks.functions, m.eks.namedClusters, m.eks.all])).toEqual([
      [2, 4, false],
      [1, 0, true],
    ]);
  });
});

/**
 * Issue 19: the cost figures README.md and docs/cost.md quote are what the model (and so `npm run cost`) computes
 * for the same configurations, rounded as `npm run cost` prints them, so a change to the model or the template
 * that moves a figure fails here until the docs say the new one.
 */
describe('the cost figures in the docs', () => {
  const SEEDED_ALONE = synthesized({
    regions: ['eu-west-1'],
    notifications: { emails: ['oncall@example.com'] },
  });

  /** The canary alone, with the workload watch, and a Synthetics canary for the same targets: as printed. */
  function printed(synth: { template: CfnTemplate; targets: ModelTarget[] }) {
    const m = model('docs', synth);
    const canary = instanceMonthlyUsd(m);
    if (!m.watch) throw new Error('the default deployment has the workload watch');
    const withWatch = watchLines(m.watch, canary)
      .at(-1)
      ?.match(/canary plus workload watch: (\$[\d.]+) per region-month/)?.[1];
    return { canary: usd(canary), withWatch, synthetics: usd(syntheticsMonthlyUsd(m)) };
  }
  const flat = (path: string) =>
    readFileSync(new URL(`../${path}`, import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const dashboard = usd(PRICE.dashboardMonth);

  it("README's headline is the default deployment: the seeded image plus one target, the workload watch, the dashboard", () => {
    const typical = printed(TYPICAL_APP);
    expect(flat('README.md')).toContain(
      `it costs about ${typical.withWatch} per region-month plus ${dashboard} a month for the dashboard, against about ${typical.synthetics} per region-month for a CloudWatch Synthetics canary`,
    );
  });

  it("docs/cost.md's cost of an extra target and of a region at the target limit, as npm run cost prints them", () => {
    const region = (targets: number) =>
      synthesized({
        regions: ['eu-west-1'],
        targets: Array.from({ length: targets }, (_, i) => ({ image: `app:${i + 1}` })),
      });
    const base = model('base', TYPICAL_APP);
    const plusOne = model('plus one', region(2));
    const atLimit = model('limit', region(LIMITS.targetsPerRegion));
    // One metric and one alarm, plus the target's share of the rest.
    expect(extraTargetUsd(base, plusOne)).toBeGreaterThanOrEqual(PRICE.metricMonth + PRICE.alarmMetricMonth);
    const [extraLine, limitLine] = targetScaleLines(base, plusOne, atLimit);
    const page = flat('docs/cost.md');
    expect(page).toContain(`Each extra target adds ${extraLine?.match(/(\$[\d.]+)/)?.[1]} per region-month`);
    expect(page).toContain(
      `costs about ${limitLine?.match(/: (\$[\d,.]+) per region-month/)?.[1]} per region-month`,
    );
  }, 120_000);

  it("docs/cost.md's headline and table", () => {
    const typical = printed(TYPICAL_APP);
    const one = printed(SEEDED_ALONE);
    const page = flat('docs/cost.md');
    expect(page).toContain(
      `costs about **${typical.withWatch} per region-month, plus ${dashboard} a month for the one dashboard of all regions**. A CloudWatch Synthetics canary on the same schedule costs about ${typical.synthetics} per region-month.`,
    );
    const row = (label: string, figures: ReturnType<typeof printed>) =>
      new RegExp(
        `\\| ${label}[^|]*\\| ${[figures.canary, figures.withWatch, figures.synthetics].map((f) => `\\${f} *`).join('\\| ')}\\|`,
      );
    expect(page).toMatch(row('one target', one));
    expect(page).toMatch(row('two targets', typical));
    expect(page).toMatch(new RegExp(`\\| dashboard [^|]*\\| \\${dashboard} `));
    expect(page).toContain(`Of the ${typical.canary} for two targets`);
  });
  it("docs/organization.md's fleet table: the same per-instance figure, times accounts × regions, as npm run cost prints", () => {
    const m = model('docs', TYPICAL_APP);
    const watch = (m.watch?.alarms ?? 0) * PRICE.alarmMetricMonth;
    const report = organizationReport(instanceMonthlyUsd(m), watch);
    const page = flat('docs/organization.md');
    expect(page).toContain(`At ${printed(TYPICAL_APP).withWatch} per stack instance:`);
    for (const { accounts, regions } of ORGANIZATION_SCALES) {
      const line = report.split('\n').find((l) => l.includes(`${accounts} accounts × ${regions} regions:`));
      const monthly = line?.match(/(\$[\d,.]+) per month/)?.[1];
      expect(monthly, report).toBeDefined();
      // The arithmetic a reader does holds: instances × the stated per-instance figure + the dashboard.
      const figure = (text: string) => Number(text.replace(/[$,]/g, ''));
      expect(figure(monthly ?? '')).toBeCloseTo(
        accounts * regions * figure(printed(TYPICAL_APP).withWatch ?? '') + PRICE.dashboardMonth,
        2,
      );
      expect(page).toMatch(
        new RegExp(
          `\\| ${accounts} accounts × ${regions} regions *\\| ${accounts * regions} *\\| \\${monthly} `,
        ),
      );
    }
  });
});
