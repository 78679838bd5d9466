#!/usr/bin/env node
/**
 * Modelled monthly cost per account and region (scripts/cost-model.ts), for fixed configurations, next to a
 * CloudWatch Synthetics canary on the same schedule, ending with the default deployment's figure (the seeded
 * image plus one target, workload watch on, the dashboard). List prices, us-east-1, no free tier.
 */
import type { CanaryConfigFile } from '../lambda/engine/config/schema.ts';
import { EKS_WATCH_SCHEDULE_MINUTES } from '../lambda/engine/model/eks-contract.ts';
import { LIMITS } from '../lambda/engine/model/limits.ts';
import {
  ASSUMED,
  eksLines,
  INVENTORY_TARGET_USD,
  type InstanceModel,
  instanceCostLines,
  instanceModel,
  instanceMonthlyUsd,
  inventoryCostLines,
  inventoryMonthlyUsd,
  PRICE,
  synthesizeConfig,
  TARGET_USD,
  targetScaleLines,
  usd,
  watchLines,
} from './cost-model.ts';
import { organizationReport } from './org-cost.ts';
import { leftoverMessage, startRunTmp } from './run-tmp.ts';

// Everything this script writes to the temp directory goes under one directory, removed at the end.
const runTmp = startRunTmp('ecr-pull-canary-cost-');

/**
 * Prints one scenario. Only scenarios held to the target get a PASS or MISS line; the others print their
 * total against the target as a plain comparison, so no MISS stands beside the target's own PASS.
 */
function report(m: InstanceModel, dashboards: number, heldToTarget: boolean): boolean {
  const rows = instanceCostLines(m);
  const total = rows.reduce((sum, row) => sum + row.canary, 0);
  const synthetics = rows.reduce((sum, row) => sum + row.synthetics, 0);
  const width = Math.max(...rows.map((row) => row.item.length)) + 2;
  const out: string[] = [
    '',
    `${m.scenario} — ${m.stack}: ${m.targets} target(s), every ${m.scheduleMinutes} min, ${m.memoryMb} MB`,
    `  ${'line'.padEnd(width)}${'ecr-pull-canary'.padStart(16)}${'Synthetics'.padStart(12)}   note`,
    ...rows.map(
      (row) =>
        `  ${row.item.padEnd(width)}${usd(row.canary).padStart(16)}${usd(row.synthetics).padStart(12)}   ${row.note}`,
    ),
    `  ${'total per region-month'.padEnd(width)}${usd(total).padStart(16)}${usd(synthetics).padStart(12)}`,
    `  listed separately: KMS keys ${m.kmsKeys} × ${usd(PRICE.kmsKeyMonth)} = ${usd(m.kmsKeys * PRICE.kmsKeyMonth)}; dashboards ${dashboards} × ${usd(PRICE.dashboardMonth)} = ${usd(dashboards * PRICE.dashboardMonth)} for all regions`,
  ];
  if (m.watch) out.push(...watchLines(m.watch, total));
  if (m.inventory) {
    const lines = inventoryCostLines(m.inventory);
    const inventory = inventoryMonthlyUsd(m.inventory);
    const ok = inventory <= INVENTORY_TARGET_USD;
    if (!ok) inventoryMissed = true;
    out.push(
      `  images-in-use inventory (every ${m.inventory.scheduleMinutes} min), modelled apart from the canary:`,
      ...lines.map((line) => `    ${line.item.padEnd(26)}${usd(line.usd).padStart(8)}   ${line.note}`),
      `    ${ok ? 'PASS' : 'MISS'}: ${usd(inventory)} ${ok ? '≤' : '>'} ${usd(INVENTORY_TARGET_USD)} per region-month; its ECS, Lambda and ECR reads are free API calls`,
    );
  }
  if (m.eks) out.push(...eksLines(m.eks, EKS_WATCH_SCHEDULE_MINUTES));
  const pass = total <= TARGET_USD;
  out.push(
    heldToTarget
      ? `  ${pass ? 'PASS' : 'MISS'}: ${usd(total)} ${pass ? '≤' : '>'} ${usd(TARGET_USD)} per region-month${m.watch ? ' (the canary; the workload watch is listed above)' : ''}`
      : `  for comparison: ${usd(total)} per region-month with ${m.targets} targets (the ${usd(TARGET_USD)} target is for the seeded image plus one)`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return pass;
}

/**
 * Fixed scenarios, never the user's canary.config.json, so the figures stay the ones the README quotes: the
 * smallest deployable configuration (one region, the seeded image as its one target, one e-mail address).
 */
const region = 'eu-west-1';
const minimal: CanaryConfigFile = { regions: [region], notifications: { emails: ['oncall@example.com'] } };
const TYPICAL = 'the typical instance: one target plus the seeded image (two targets)';
const scenarios: Array<[string, CanaryConfigFile, boolean]> = [
  ['minimal configuration (the seeded image is its one target)', minimal, true],
  [
    'one target, seeding off',
    { regions: [region], knownGoodImage: false, targets: [{ image: 'app:1' }] },
    true,
  ],
  [
    'with the images-in-use inventory (imageInventory.enabled, every 30 minutes)',
    { regions: [region], targets: [{ image: 'app:1' }], imageInventory: { enabled: true } },
    false,
  ],
  [TYPICAL, { regions: [region], targets: [{ image: 'app:1' }] }, true],
  [
    'the typical instance reading three EKS clusters (workloadWatch.eks)',
    {
      regions: [region],
      targets: [{ image: 'app:1' }],
      workloadWatch: { eks: { clusters: ['prod', 'staging', 'batch'] } },
    },
    false,
  ],
  [
    'two regions, each reading its own EKS clusters (regionOverrides.<region>.workloadWatch.eks)',
    {
      regions: [region, 'us-east-1'],
      targets: [{ image: 'app:1' }],
      regionOverrides: {
        [region]: { workloadWatch: { eks: { clusters: ['prod-eu', 'staging-eu'] } } },
        'us-east-1': { workloadWatch: { eks: { clusters: ['prod-us'] } } },
      },
    },
    false,
  ],
];
let inventoryMissed = false;

process.stdout.write(
  `Modelled monthly cost per region at us-east-1 list prices, no free tier (the account-wide free tier covers 10 metrics, 10 alarms and 3 dashboards).\nStated, not measured: ${ASSUMED.billedSecondsPerRun} s billed per run, log volume as noted. Steady state: a healthy canary, no notifications.\n`,
);
let failed = false;
let typical: InstanceModel | undefined;
let typicalDashboards = 0;
try {
  for (const [name, file, counts] of scenarios) {
    const { canaries, dashboards } = synthesizeConfig(file, runTmp.dir);
    for (const canary of canaries) {
      const now = instanceModel(name, canary.name, canary.template, canary.targets);
      const pass = report(now, dashboards, counts);
      if (counts && !pass) failed = true;
      if (name === TYPICAL) {
        typical = now;
        typicalDashboards = dashboards;
      }
    }
  }
  // The cost of one more target, and of a region at the target limit, from synthesized templates.
  if (typical) {
    const modelOf = (scenario: string, targets: number) => {
      const file: CanaryConfigFile = {
        regions: [region],
        targets: Array.from({ length: targets }, (_, i) => ({ image: `app:${i + 1}` })),
      };
      const [canary] = synthesizeConfig(file, runTmp.dir).canaries;
      if (!canary) throw new Error('no canary stack');
      return instanceModel(scenario, canary.name, canary.template, canary.targets);
    };
    const lines = targetScaleLines(
      typical,
      modelOf('one more target', typical.targets),
      modelOf('the target limit', LIMITS.targetsPerRegion),
    );
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
  // Across an organization: the typical instance's model, times accounts × regions.
  if (typical) {
    const watch = (typical.watch?.alarms ?? 0) * PRICE.alarmMetricMonth;
    process.stdout.write(`${organizationReport(instanceMonthlyUsd(typical), watch)}\n`);
    const synthetics = instanceCostLines(typical).reduce((sum, row) => sum + row.synthetics, 0);
    process.stdout.write(
      `\nDefault deployment (one image of yours beside the seeded image, workload watch on, the dashboard): ${usd(instanceMonthlyUsd(typical) + watch)} per region-month, plus ${usd(typicalDashboards * PRICE.dashboardMonth)} a month for the one dashboard of all regions; a CloudWatch Synthetics canary on the same schedule: ${usd(synthetics)} per region-month.\n`,
    );
  }
} finally {
  const left = runTmp.finish();
  if (left.length > 0) {
    process.stderr.write(`${leftoverMessage('npm run cost', runTmp.dir, left)}\n`);
    process.exitCode = 1;
  }
}
process.stdout.write(
  `\nTarget (${usd(TARGET_USD)} per account-region-month for the seeded image plus one target): ${failed ? 'MISS' : 'PASS'}.\n`,
);
if (failed || inventoryMissed) process.exitCode = 1;
