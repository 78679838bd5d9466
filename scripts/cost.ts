#!/usr/bin/env node
/**
 * Modelled monthly cost per region, counted from the synthesized templates (alarms and the metrics inside
 * them, dashboards, KMS keys, schedule, memory, targets) plus the healthy-run metric set the function sends
 * (lambda/model/contract.ts: Success and Latency per target every run; everything else only on failure). Printed
 * next to a CloudWatch Synthetics canary on the same schedule. List prices, us-east-1, no free tier.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ENV } from '../lambda/model/contract.ts';
import { buildCanaryApp } from '../lib/canary-app.ts';
import type { CanaryConfigFile } from '../lib/config/schema.ts';
import { validateConfig } from '../lib/config/validate.ts';
import { WATCH_ALARM_KINDS } from '../lib/workload-watch.ts';
import { leftoverMessage, startRunTmp } from './run-tmp.ts';

// Everything this script writes to the temp directory goes under one directory, removed at the end.
const runTmp = startRunTmp('ecr-pull-canary-cost-');

/** docs/aws-costs-and-alarms.md (us-east-1, 2026); DynamoDB on-demand from its pricing page. Re-check before quoting. */
const PRICE = {
  metricMonth: 0.3,
  putMetricDataPer1k: 0.01,
  alarmMetricMonth: 0.1,
  dashboardMonth: 3,
  kmsKeyMonth: 1,
  logsIngestPerGb: 0.5,
  logsStorePerGbMonth: 0.03,
  lambdaRequestPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  lambdaX86GbSecond: 0.0000166667,
  schedulerPerMillion: 1,
  dynamoReadPerMillion: 0.125,
  dynamoWritePerMillion: 0.625,
  syntheticsRun: 0.0012,
  s3PutPer1k: 0.005,
} as const;

/**
 * Stated, not measured here: a warm run is a token call, one manifest GET per target, one PutMetricData and
 * one GetItem per target, a few hundred ms; a cold start adds about half a second. One second covers both.
 */
const ASSUMED = {
  billedSecondsPerRun: 1.0,
  /** Lambda's JSON platform lines (start, report) and the run summary. */
  logBytesPerRun: 2048,
  /** One structured probe record per target. */
  logBytesPerTargetRun: 1024,
  logRetentionMonths: 1,
  /** Synthetics: its minimum memory and a short heartbeat script on x86. */
  syntheticsMemoryGb: 0.9375,
  syntheticsSeconds: 5,
  /** Synthetics writes a log and a result artifact to S3 per run. */
  syntheticsS3PutsPerRun: 2,
  /**
   * The layer phase, per target that keeps it on (the default): the platform manifest and a one-byte ranged
   * read through the storage redirect. ECR charges no request fee and no in-region transfer for it, and S3
   * bills the layer bucket to ECR, not to the puller; what it adds is a longer run and a longer log line.
   * Measured on loopback by `npm run bench` (a few ms); 0.1 s allows a fresh TLS handshake with S3 in a region.
   */
  layerPhase: { secondsPerTargetRun: 0.1, logBytesPerTargetRun: 400, natBytesPerTargetRun: 8192 },
} as const;

const TARGET_USD = 1.5;
/** NAT gateway data processing, us-east-1: only when the function reaches S3 through NAT, not a gateway endpoint. */
const NAT_PER_GB = 0.045;
const MINUTES_PER_MONTH = 30 * 24 * 60;

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

interface RegionModel {
  scenario: string;
  stack: string;
  runs: number;
  scheduleMinutes: number;
  targets: number;
  memoryMb: number;
  alarms: number;
  alarmMetrics: number;
  kmsKeys: number;
  /** Targets with the layer phase on (`layerCheck` not false). */
  layerTargets: number;
  /** The workload watcher (lib/workload-watch.ts), modelled on its own: its alarms and rules. */
  watch: { alarms: number; rules: number; cloudTrailRule: boolean } | null;
}

function synthesize(file: CanaryConfigFile): {
  canaries: Array<{ name: string; template: Template }>;
  dashboards: number;
} {
  const { config, problems } = validateConfig(file);
  if (!config) throw new Error(problems.join('\n'));
  const outdir = mkdtempSync(join(runTmp.dir, 'cdk-out-'));
  try {
    const app = new App({
      outdir,
      // The bundles do not change the bill; skipping esbuild keeps this quick.
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    const stacks = buildCanaryApp(app, config);
    const assembly = app.synth();
    const template = (name: string) => assembly.getStackByName(name).template as Template;
    const dashboards = stacks.dashboard
      ? Object.values(template(stacks.dashboard.stackName).Resources).filter(
          (r) => r.Type === 'AWS::CloudWatch::Dashboard',
        ).length
      : 0;
    return {
      canaries: stacks.canaries.map((stack) => ({
        name: stack.stackName,
        template: template(stack.stackName),
      })),
      dashboards,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function model(scenario: string, name: string, template: Template): RegionModel {
  const resources = Object.values(template.Resources);
  const schedule = resources.find((r) => r.Type === 'AWS::Scheduler::Schedule');
  const expression = String(schedule?.Properties?.ScheduleExpression ?? '');
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`${name}: cannot read the schedule "${expression}"`);
  const scheduleMinutes = Number(match[1]) * (match[2]?.startsWith('hour') ? 60 : 1);
  const probe = resources.find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.[ENV.targets],
  );
  if (!probe?.Properties) throw new Error(`${name}: no probe function`);
  const variables = (probe.Properties.Environment as { Variables: Record<string, string> }).Variables;
  const isWatchAlarm = (r: { Properties?: Record<string, unknown> }) =>
    WATCH_ALARM_KINDS.some((kind) => String(r.Properties?.AlarmName ?? '').includes(`-${kind}-`));
  const allAlarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const alarms = allAlarms.filter((r) => !isWatchAlarm(r));
  const watchAlarms = allAlarms.filter(isWatchAlarm);
  const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule');
  // A metric-math alarm is billed per metric in its expression; a plain alarm is one metric.
  const alarmMetrics = alarms.reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as Array<{ MetricStat?: unknown }> | undefined;
    return sum + (metrics ? metrics.filter((metric) => metric.MetricStat !== undefined).length : 1);
  }, 0);
  return {
    scenario,
    stack: name,
    runs: MINUTES_PER_MONTH / scheduleMinutes,
    scheduleMinutes,
    targets: (JSON.parse(variables[ENV.targets] ?? '[]') as unknown[]).length,
    layerTargets: (JSON.parse(variables[ENV.targets] ?? '[]') as Array<{ layerCheck?: boolean }>).filter(
      (target) => target.layerCheck !== false,
    ).length,
    memoryMb: Number(probe.Properties.MemorySize ?? 128),
    alarms: alarms.length,
    alarmMetrics,
    kmsKeys: resources.filter((r) => r.Type === 'AWS::KMS::Key').length,
    watch:
      watchAlarms.length + rules.length > 0
        ? {
            alarms: watchAlarms.length,
            rules: rules.length,
            cloudTrailRule: rules.some(
              (r) => r.Properties?.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
            ),
          }
        : null,
  };
}

interface Line {
  item: string;
  canary: number;
  synthetics: number;
  note: string;
}

function lines(m: RegionModel): Line[] {
  const logGb = (m.runs * (ASSUMED.logBytesPerRun + ASSUMED.logBytesPerTargetRun * m.targets)) / 1024 ** 3;
  const gbSeconds = m.runs * (m.memoryMb / 1024) * ASSUMED.billedSecondsPerRun;
  const syntheticsGbSeconds = m.runs * ASSUMED.syntheticsMemoryGb * ASSUMED.syntheticsSeconds;
  return [
    {
      item: `custom metrics (${2 * m.targets} steady-state)`,
      canary: 2 * m.targets * PRICE.metricMonth,
      synthetics: 0,
      note: 'Success + Latency per target; failure metrics only while failing. Synthetics metrics are vended (free)',
    },
    {
      item: `alarms (${m.alarms}, ${m.alarmMetrics} metrics)`,
      canary: m.alarmMetrics * PRICE.alarmMetricMonth,
      synthetics: m.alarmMetrics * PRICE.alarmMetricMonth,
      note: 'Synthetics needs the same alarms to page',
    },
    {
      item: `PutMetricData (${m.runs} requests)`,
      canary: (m.runs / 1000) * PRICE.putMetricDataPer1k,
      synthetics: 0,
      note: 'one request per run, all datapoints in it',
    },
    {
      item: `runs (${m.runs})`,
      canary: (m.runs / 1e6) * (PRICE.lambdaRequestPerMillion + PRICE.schedulerPerMillion),
      synthetics: m.runs * PRICE.syntheticsRun,
      note: 'Lambda requests + EventBridge Scheduler invocations vs $0.0012 per Synthetics run',
    },
    {
      item: 'compute (GB-s)',
      canary: gbSeconds * PRICE.lambdaArmGbSecond,
      synthetics: syntheticsGbSeconds * PRICE.lambdaX86GbSecond,
      note: `${m.memoryMb} MB arm64 × ${ASSUMED.billedSecondsPerRun} s vs ${Math.round(ASSUMED.syntheticsMemoryGb * 1024)} MB x86 × ${ASSUMED.syntheticsSeconds} s`,
    },
    {
      item: 'DynamoDB reads',
      canary: ((m.runs * m.targets) / 1e6) * PRICE.dynamoReadPerMillion,
      synthetics: 0,
      note: 'one consistent GetItem (1 RRU) per target per run; writes only on transitions',
    },
    {
      item: 'logs',
      canary: logGb * (PRICE.logsIngestPerGb + PRICE.logsStorePerGbMonth * ASSUMED.logRetentionMonths),
      synthetics: logGb * (PRICE.logsIngestPerGb + PRICE.logsStorePerGbMonth * ASSUMED.logRetentionMonths),
      note: `${ASSUMED.logBytesPerRun} B + ${ASSUMED.logBytesPerTargetRun} B per target per run`,
    },
    layerPhaseLine(m),
    {
      item: 'S3 artifacts',
      canary: 0,
      synthetics: ((m.runs * ASSUMED.syntheticsS3PutsPerRun) / 1000) * PRICE.s3PutPer1k,
      note: 'Synthetics stores results per run',
    },
  ];
}

/** The layer phase (README "Layer phase"): no metric and no alarm of its own; compute and log bytes only. */
function layerPhaseLine(m: RegionModel): Line {
  const { secondsPerTargetRun, logBytesPerTargetRun, natBytesPerTargetRun } = ASSUMED.layerPhase;
  const reads = m.runs * m.layerTargets;
  const compute = reads * (m.memoryMb / 1024) * secondsPerTargetRun * PRICE.lambdaArmGbSecond;
  const logs =
    ((reads * logBytesPerTargetRun) / 1024 ** 3) *
    (PRICE.logsIngestPerGb + PRICE.logsStorePerGbMonth * ASSUMED.logRetentionMonths);
  const nat = ((reads * natBytesPerTargetRun) / 1024 ** 3) * NAT_PER_GB;
  return {
    item: `layer phase (${m.layerTargets} target(s))`,
    canary: compute + logs,
    synthetics: 0,
    note: `+${secondsPerTargetRun} s and +${logBytesPerTargetRun} B of log line per target-run; no metric, no ECR or S3 request fee; through a NAT gateway instead of the S3 gateway endpoint add ${usd(nat)}`,
  };
}

/**
 * The workload watcher: its two alarms are its only fixed cost. ECS task state changes are AWS service events
 * on the default bus (free to EventBridge), its rules match only pull failures, so the function, its metrics
 * (sent only on a failure) and its notifications cost nothing while no workload fails. The failure-time cost
 * is stated per 1,000 failing events: Lambda (256 MB × 0.5 s), one PutMetricData, about three DynamoDB reads
 * and a conditional write; the failure metrics are billed by the hour they exist.
 */
function watchLines(watch: NonNullable<RegionModel['watch']>, canaryTotal: number): string[] {
  const fixed = watch.alarms * PRICE.alarmMetricMonth;
  const perThousand =
    (1000 / 1e6) * PRICE.lambdaRequestPerMillion +
    1000 * 0.25 * 0.5 * PRICE.lambdaArmGbSecond +
    (1000 / 1000) * PRICE.putMetricDataPer1k +
    ((3 * 1000) / 1e6) * PRICE.dynamoReadPerMillion +
    (1000 / 1e6) * PRICE.dynamoWritePerMillion;
  return [
    `  workload watch (${watch.rules} rule(s)${watch.cloudTrailRule ? ', one receiving CloudTrail read-only management events' : ''}), modelled apart from the canary:`,
    `    while no workload fails: ${usd(fixed)} (${watch.alarms} alarms); rules, events, function, metrics and notifications $0.00`,
    `    per 1,000 failing events: ${usd(perThousand)} (Lambda, PutMetricData, DynamoDB); each failure metric ${usd(PRICE.metricMonth)} per month it exists, prorated by the hour`,
    ...(watch.cloudTrailRule
      ? [
          '    CloudTrail: the first copy of management events is free; a trail that records read events is required (README)',
        ]
      : []),
    `    canary plus workload watch: ${usd(canaryTotal + fixed)} per region-month`,
  ];
}

const usd = (value: number) => `$${value.toFixed(value < 0.01 && value > 0 ? 4 : 2)}`;

/**
 * Prints one scenario. Only scenarios held to the target get a PASS or MISS line; the others print their
 * total against the target as a plain comparison, so no MISS stands beside the target's own PASS.
 */
function report(m: RegionModel, dashboards: number, heldToTarget: boolean): boolean {
  const rows = lines(m);
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
  const pass = total <= TARGET_USD;
  out.push(
    heldToTarget
      ? `  ${pass ? 'PASS' : 'MISS'}: ${usd(total)} ${pass ? '≤' : '>'} ${usd(TARGET_USD)} per region-month${m.watch ? ' (the canary; the workload watch is listed above)' : ''}`
      : `  for comparison: ${usd(total)} per region-month with ${m.targets} targets (the ${usd(TARGET_USD)} target is for one)`,
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
const scenarios: Array<[string, CanaryConfigFile, boolean]> = [
  ['minimal configuration (the seeded image is its one target)', minimal, true],
  [
    'one target, seeding off',
    { regions: [region], knownGoodImage: false, targets: [{ image: 'app:1' }] },
    true,
  ],
  [
    'one target plus the seeded image (two targets)',
    { regions: [region], targets: [{ image: 'app:1' }] },
    false,
  ],
];

process.stdout.write(
  `Modelled monthly cost per region at us-east-1 list prices, no free tier (the account-wide free tier covers 10 metrics, 10 alarms and 3 dashboards).\nStated, not measured: ${ASSUMED.billedSecondsPerRun} s billed per run, log volume as noted. Steady state: a healthy canary, no notifications.\n`,
);
let failed = false;
try {
  for (const [name, file, counts] of scenarios) {
    const { canaries, dashboards } = synthesize(file);
    for (const canary of canaries) {
      const pass = report(model(name, canary.name, canary.template), dashboards, counts);
      if (counts && !pass) failed = true;
    }
  }
} finally {
  const left = runTmp.finish();
  if (left.length > 0) {
    process.stderr.write(`${leftoverMessage('npm run cost', runTmp.dir, left)}\n`);
    process.exitCode = 1;
  }
}
process.stdout.write(
  `\nTarget (${usd(TARGET_USD)} per region-month with one target): ${failed ? 'MISS' : 'PASS'}. Each extra target adds two metrics and one alarm.\n`,
);
if (failed) process.exitCode = 1;
