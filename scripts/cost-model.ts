/**
 * The cost model of one canary instance (one account and region), at list prices: what `npm run cost` prints and
 * what a fleet model (N accounts × M regions) multiplies. Counted from a synthesized template (alarms and the
 * metrics inside them, KMS keys, schedule, memory, targets) plus the healthy-run metric set the function sends
 * (lambda/engine/model/contract.ts STEADY_STATE_METRICS_PER_TARGET; everything else only on failure), next to a
 * CloudWatch Synthetics canary on the same schedule. No side effects: the caller owns the temp directory.
 *
 * For a fleet: `const m = instanceModel(...)` per distinct template, then `instanceMonthlyUsd(m)` × instances;
 * the global dashboard ($3) and the free tier are per account, outside the per-instance figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CanaryConfigFile } from '../lambda/engine/config/schema.ts';
import { validateConfig } from '../lambda/engine/config/validate.ts';
import { ENV, STEADY_STATE_METRICS_PER_TARGET } from '../lambda/engine/model/contract.ts';
import { EKS_WATCH_ACTIONS, EKS_WATCH_ENV } from '../lambda/engine/model/eks-contract.ts';
import { INVENTORY_ENV } from '../lambda/engine/model/inventory-contract.ts';
import { TARGET_DEFAULTS } from '../lambda/engine/model/limits.ts';
import type { ProbeTarget } from '../lambda/engine/model/types.ts';
import { buildCanaryApp } from '../lib/canary-app.ts';
import { WATCH_ALARM_KINDS } from '../lib/workload-watch.ts';

/**
 * us-east-1 list prices (2026) from the AWS pricing pages: CloudWatch (https://aws.amazon.com/cloudwatch/pricing/),
 * Lambda, EventBridge Scheduler, SNS, KMS and DynamoDB on demand. Re-check before quoting.
 */
export const PRICE = {
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
export const ASSUMED = {
  billedSecondsPerRun: 1.0,
  /** Lambda's JSON platform lines (start, report) and the run summary. */
  logBytesPerRun: 2048,
  /** One structured probe record per target. */
  logBytesPerTargetRun: 1024,
  logRetentionMonths: 1,
  /**
   * The images-in-use inventory (lib/image-inventory.ts): billed seconds per run for a region of a few hundred
   * services (the benchmark's 2,000 services and 5,000 images took far longer; `npm run bench` prints it), and its
   * run summary plus a line per image at risk.
   */
  inventoryBilledSecondsPerRun: 10,
  inventoryLogBytesPerRun: 4096,
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

/** What the typical instance (the seeded image plus one target) must cost at most, per account-region-month. */
export const TARGET_USD = 1.5;
/** NAT gateway data processing, us-east-1: only when the function reaches S3 through NAT, not a gateway endpoint. */
const NAT_PER_GB = 0.045;
const MINUTES_PER_MONTH = 30 * 24 * 60;

/** Dollars as the report prints them: cents, or four decimals below a cent. */
export const usd = (value: number) => `$${value.toFixed(value < 0.01 && value > 0 ? 4 : 2)}`;

/** A CloudFormation template, as much of it as the model reads. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** One canary instance (one account and region) as the model sees it. */
export interface InstanceModel {
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
  /**
   * Metrics sent for every target on every run, billed every hour of the month: instanceModel() takes
   * STEADY_STATE_METRICS_PER_TARGET.length (1) unless told otherwise; 2 before issue 12 (Success and Latency).
   */
  steadyStateMetricsPerTarget: number;
  /** The workload watcher (lib/workload-watch.ts), modelled on its own: its alarms and rules. */
  watch: { alarms: number; rules: number; cloudTrailRule: boolean } | null;
  /** The images-in-use inventory (lib/image-inventory.ts), modelled on its own. */
  inventory: { scheduleMinutes: number; memoryMb: number; alarms: number } | null;
  /** Its EKS reader (lib/eks-watch.ts): scheduled functions, the clusters named, or "all". */
  eks: { functions: number; namedClusters: number; all: boolean; memoryMb: number } | null;
}

/** Synthesizes a configuration's canary templates in a directory of `tmpDir`, removed before it returns. */
export function synthesizeConfig(
  file: CanaryConfigFile,
  tmpDir: string,
): {
  canaries: Array<{ name: string; template: CfnTemplate; targets: ModelTarget[] }>;
  dashboards: number;
} {
  const { config, problems } = validateConfig(file);
  if (!config) throw new Error(problems.join('\n'));
  const outdir = mkdtempSync(join(tmpDir, 'cdk-out-'));
  try {
    const app = new App({
      outdir,
      // The bundles do not change the bill; skipping esbuild keeps this quick.
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    const stacks = buildCanaryApp(app, config);
    const assembly = app.synth();
    const template = (name: string) => assembly.getStackByName(name).template as CfnTemplate;
    const dashboards = stacks.dashboard
      ? Object.values(template(stacks.dashboard.stackName).Resources).filter(
          (r) => r.Type === 'AWS::CloudWatch::Dashboard',
        ).length
      : 0;
    return {
      canaries: stacks.canaries.map((stack) => ({
        name: stack.stackName,
        template: template(stack.stackName),
        targets: stack.canary.targets,
      })),
      dashboards,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What the model reads of a target: the function's code carries the targets, not the template. */
export type ModelTarget = Partial<Pick<ProbeTarget, 'layerCheck'>>;

/** Reads one instance from its synthesized template and its targets (the canary construct's `targets`). */
export function instanceModel(
  scenario: string,
  name: string,
  template: CfnTemplate,
  targets: readonly ModelTarget[],
  steadyStateMetricsPerTarget: number = STEADY_STATE_METRICS_PER_TARGET.length,
): InstanceModel {
  const resources = Object.values(template.Resources);
  const schedule = resources.find((r) => r.Type === 'AWS::Scheduler::Schedule');
  const expression = String(schedule?.Properties?.ScheduleExpression ?? '');
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`${name}: cannot read the schedule "${expression}"`);
  const scheduleMinutes = Number(match[1]) * (match[2]?.startsWith('hour') ? 60 : 1);
  const probe = resources.find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.[ENV.canaryName],
  );
  if (!probe?.Properties) throw new Error(`${name}: no probe function`);
  const isWatchAlarm = (r: { Properties?: Record<string, unknown> }) =>
    WATCH_ALARM_KINDS.some((kind) => String(r.Properties?.AlarmName ?? '').includes(`-${kind}-`));
  const isInventoryAlarm = (r: { Properties?: Record<string, unknown> }) =>
    String(r.Properties?.AlarmName ?? '').includes(`-${INVENTORY_ALARM_KIND}-`);
  const allAlarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const alarms = allAlarms.filter((r) => !isWatchAlarm(r) && !isInventoryAlarm(r));
  const watchAlarms = allAlarms.filter(isWatchAlarm);
  // Scheduled rules are the inventory's and the EKS reader's, not the watcher's.
  const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule' && !r.Properties?.ScheduleExpression);
  const inventoryFunction = resources.find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.[
        INVENTORY_ENV.canaryName
      ],
  );
  const eksFunctionIds = Object.entries(template.Resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.[
          EKS_WATCH_ENV.inVpc
        ] !== undefined,
    )
    .map(([id]) => id);
  const eksFunctions = eksFunctionIds.map((id) => template.Resources[id] as (typeof resources)[number]);
  const inventoryRule = resources.find(
    (r) =>
      r.Type === 'AWS::Events::Rule' &&
      r.Properties?.ScheduleExpression &&
      !eksFunctionIds.some((id) => JSON.stringify(r.Properties?.Targets ?? []).includes(`"${id}"`)),
  );
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
    targets: targets.length,
    layerTargets: targets.filter((target) => target.layerCheck ?? TARGET_DEFAULTS.layerCheck).length,
    memoryMb: Number(probe.Properties.MemorySize ?? 128),
    alarms: alarms.length,
    alarmMetrics,
    kmsKeys: resources.filter((r) => r.Type === 'AWS::KMS::Key').length,
    steadyStateMetricsPerTarget,
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
    inventory: inventoryFunction
      ? {
          scheduleMinutes: rateMinutes(String(inventoryRule?.Properties?.ScheduleExpression ?? ''), name),
          memoryMb: Number(inventoryFunction.Properties?.MemorySize ?? 128),
          alarms: allAlarms.filter(isInventoryAlarm).length,
        }
      : null,
    eks:
      eksFunctions.length > 0
        ? {
            functions: eksFunctions.length,
            namedClusters: resources.filter((r) => r.Type === 'AWS::EKS::AccessEntry').length,
            // "all" is the one case the role may list clusters (lib/eks-watch.ts); the names are in the code.
            all: JSON.stringify(
              resources.filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'),
            ).includes(`"${EKS_WATCH_ACTIONS[1]}"`),
            memoryMb: Number(eksFunctions[0]?.Properties?.MemorySize ?? 128),
          }
        : null,
  };
}

/** The inventory's alarm kind (lambda/engine/config/alarm-naming.ts). */
const INVENTORY_ALARM_KIND = 'images-at-risk';

function rateMinutes(expression: string, stack: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`${stack}: cannot read the inventory's schedule "${expression}"`);
  const unit = match[2] ?? '';
  return Number(match[1]) * (unit.startsWith('day') ? 1440 : unit.startsWith('hour') ? 60 : 1);
}

/** What the inventory may cost per region-month in its default configuration. */
export const INVENTORY_TARGET_USD = 0.5;

/**
 * The images-in-use inventory per region-month: its one steady metric and one alarm, one PutMetricData and one
 * DynamoDB read per run, Lambda at a stated duration, and its log lines. The ECS, Lambda and ECR reads it makes are
 * free API calls; a notification is an SNS publish (the first million a month free).
 */
export function inventoryCostLines(
  inventory: NonNullable<InstanceModel['inventory']>,
): Array<{ item: string; usd: number; note: string }> {
  const runs = MINUTES_PER_MONTH / inventory.scheduleMinutes;
  const gbSeconds = runs * (inventory.memoryMb / 1024) * ASSUMED.inventoryBilledSecondsPerRun;
  const logGb = (runs * ASSUMED.inventoryLogBytesPerRun) / 1024 ** 3;
  return [
    {
      item: 'metric InUseImagesAtRisk',
      usd: PRICE.metricMonth,
      note: 'the one steady metric; per-reason ones only while non-zero',
    },
    {
      item: 'alarm',
      usd: inventory.alarms * PRICE.alarmMetricMonth,
      note: `${inventory.alarms} alarm on it`,
    },
    {
      item: 'PutMetricData',
      usd: (runs / 1000) * PRICE.putMetricDataPer1k,
      note: `${Math.round(runs)} runs`,
    },
    {
      item: 'Lambda',
      usd: (runs / 1e6) * PRICE.lambdaRequestPerMillion + gbSeconds * PRICE.lambdaArmGbSecond,
      note: `${inventory.memoryMb} MB arm64 × ${ASSUMED.inventoryBilledSecondsPerRun} s`,
    },
    {
      item: 'DynamoDB',
      usd: (runs / 1e6) * PRICE.dynamoReadPerMillion,
      note: 'one state read per run; a write only on a change',
    },
    {
      item: 'logs',
      usd: logGb * (PRICE.logsIngestPerGb + PRICE.logsStorePerGbMonth * ASSUMED.logRetentionMonths),
      note: `${ASSUMED.inventoryLogBytesPerRun} B per run`,
    },
  ];
}

export function inventoryMonthlyUsd(inventory: NonNullable<InstanceModel['inventory']>): number {
  return inventoryCostLines(inventory).reduce((sum, line) => sum + line.usd, 0);
}

/** One line of the bill: the canary's figure and a Synthetics canary's for the same job. */
export interface CostLine {
  item: string;
  canary: number;
  synthetics: number;
  note: string;
}

/** The bill of one instance per month, line by line (the dashboard and KMS keys are listed apart). */
export function instanceCostLines(m: InstanceModel): CostLine[] {
  const logGb = (m.runs * (ASSUMED.logBytesPerRun + ASSUMED.logBytesPerTargetRun * m.targets)) / 1024 ** 3;
  const gbSeconds = m.runs * (m.memoryMb / 1024) * ASSUMED.billedSecondsPerRun;
  const syntheticsGbSeconds = m.runs * ASSUMED.syntheticsMemoryGb * ASSUMED.syntheticsSeconds;
  return [
    {
      item: `custom metrics (${m.steadyStateMetricsPerTarget * m.targets} steady-state)`,
      canary: m.steadyStateMetricsPerTarget * m.targets * PRICE.metricMonth,
      synthetics: 0,
      note: `${m.steadyStateMetricsPerTarget === 1 ? 'Latency' : `${m.steadyStateMetricsPerTarget} metrics`} per target; failure metrics only while failing. Synthetics metrics are vended (free)`,
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

/** The layer phase (docs/architecture.md, "Layer phase"): no metric and no alarm of its own; compute and log bytes only. */
function layerPhaseLine(m: InstanceModel): CostLine {
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

/** The canary's total per account-region-month (without the dashboard, KMS keys and the workload watch). */
export function instanceMonthlyUsd(m: InstanceModel): number {
  return instanceCostLines(m).reduce((sum, line) => sum + line.canary, 0);
}

/** A Synthetics canary's total for the same job, for comparison. */
export function syntheticsMonthlyUsd(m: InstanceModel): number {
  return instanceCostLines(m).reduce((sum, line) => sum + line.synthetics, 0);
}

/**
 * The workload watcher: its two alarms are its only fixed cost. ECS task state changes are AWS service events
 * on the default bus (free to EventBridge), its rules match only pull failures, so the function, its metrics
 * (sent only on a failure) and its notifications cost nothing while no workload fails. The failure-time cost
 * is stated per 1,000 failing events: Lambda (256 MB × 0.5 s), one PutMetricData, about three DynamoDB reads
 * and a conditional write; the failure metrics are billed by the hour they exist.
 */
export function watchLines(watch: NonNullable<InstanceModel['watch']>, canaryTotal: number): string[] {
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
          '    CloudTrail: the first copy of management events is free; a trail that records read events is required (docs/workload-watch.md)',
        ]
      : []),
    `    canary plus workload watch: ${usd(canaryTotal + fixed)} per region-month`,
  ];
}

/**
 * What one more target costs, as the model prices two synthesized instances that differ by one target, and what a
 * region at the target limit costs: the figures `npm run cost` prints and docs/cost.md quotes.
 */
export function extraTargetUsd(base: InstanceModel, plusOne: InstanceModel): number {
  return instanceMonthlyUsd(plusOne) - instanceMonthlyUsd(base);
}

export function targetScaleLines(
  base: InstanceModel,
  plusOne: InstanceModel,
  atLimit: InstanceModel,
): string[] {
  const extra = extraTargetUsd(base, plusOne);
  return [
    `Each extra target: ${usd(extra)} per region-month (the model, ${base.targets} → ${plusOne.targets} targets: one steady-state metric ${usd(PRICE.metricMonth)}, one latency alarm ${usd(PRICE.alarmMetricMonth)}, and its share of compute, log lines and the state table).`,
    `A region at the target limit (${atLimit.targets} targets, the seeded image included): ${usd(instanceMonthlyUsd(atLimit))} per region-month, ${atLimit.alarms} alarms.`,
  ];
}

/**
 * Stated, not measured in AWS: one EKS run per function is a cold or warm start, one DescribeCluster, a token
 * minted locally, two list calls and one index read per cluster (four clusters at once), a few hundred ms.
 * Measured here against the local stub: a run over one cluster takes tens of ms; 0.5 s per run plus 0.25 s per
 * cluster covers a real endpoint's round trips and a cold start. Scheduled EventBridge rules, DescribeCluster,
 * ListClusters and the Kubernetes API cost nothing; the failure metrics are the workload watch's, and its alarms
 * already cover them.
 */
export const EKS_ASSUMED = {
  baseSecondsPerRun: 0.5,
  secondsPerCluster: 0.25,
  /** The run summary and Lambda's platform lines, and one line per cluster not checked or failing. */
  logBytesPerRun: 2048,
  logBytesPerCluster: 300,
  /** Clusters assumed behind `"all"`, for a figure. */
  clustersForAll: 3,
} as const;

/** The EKS reader per region-month: a line per cluster count, and what a private cluster's function adds. */
export function eksLines(eks: NonNullable<InstanceModel['eks']>, minutesPerRun: number): string[] {
  const runs = MINUTES_PER_MONTH / minutesPerRun;
  const clusters = eks.all ? EKS_ASSUMED.clustersForAll : eks.namedClusters;
  const perFunctionRuns = runs * eks.functions;
  const seconds =
    perFunctionRuns * EKS_ASSUMED.baseSecondsPerRun + runs * clusters * EKS_ASSUMED.secondsPerCluster;
  const compute = seconds * (eks.memoryMb / 1024) * PRICE.lambdaArmGbSecond;
  const requests = (perFunctionRuns / 1e6) * PRICE.lambdaRequestPerMillion;
  const reads = ((runs * clusters) / 1e6) * PRICE.dynamoReadPerMillion;
  const logGb =
    (perFunctionRuns * EKS_ASSUMED.logBytesPerRun + runs * clusters * EKS_ASSUMED.logBytesPerCluster) / 1e9;
  const logs = logGb * (PRICE.logsIngestPerGb + PRICE.logsStorePerGbMonth * ASSUMED.logRetentionMonths);
  const total = compute + requests + reads + logs;
  const perCluster =
    runs * EKS_ASSUMED.secondsPerCluster * (eks.memoryMb / 1024) * PRICE.lambdaArmGbSecond +
    (runs / 1e6) * PRICE.dynamoReadPerMillion +
    ((runs * EKS_ASSUMED.logBytesPerCluster) / 1e9) *
      (PRICE.logsIngestPerGb + PRICE.logsStorePerGbMonth * ASSUMED.logRetentionMonths);
  return [
    `  EKS reader (${eks.functions} function(s) every ${minutesPerRun} min, ${eks.all ? `"all" clusters, ${clusters} assumed` : `${clusters} named cluster(s)`}):`,
    `    while no pod fails: ${usd(total)} per region-month (Lambda ${usd(compute + requests)}, DynamoDB ${usd(reads)}, logs ${usd(logs)}); each further cluster ${usd(perCluster)}; a private cluster's own function adds ${usd((runs / 1e6) * PRICE.lambdaRequestPerMillion + runs * EKS_ASSUMED.baseSecondsPerRun * (eks.memoryMb / 1024) * PRICE.lambdaArmGbSecond)} (NAT or VPC endpoints are the VPC's own cost)`,
    '    failures: the workload watch metrics and alarms above; DescribeCluster, ListClusters, the Kubernetes API and scheduled rules $0.00',
  ];
}
