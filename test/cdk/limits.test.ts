// Issue 22: every valid configuration deploys. The largest valid configurations (every list at its limit, every
// string at its longest, every option on) are synthesized, and every template and function asset is measured
// against every limit in SERVICE_LIMITS (lambda/engine/model/limits.ts) the way the service measures it
// (test/support/service-limits.ts). What cannot deploy is refused before synthesis, naming the field, the value
// and the limit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { CODE_DATA } from '../../lambda/engine/model/code-data.ts';
import { ENV, FIRST_RUN } from '../../lambda/engine/model/contract.ts';
import { EKS_WATCH_ENV, type EksWatchCodeData } from '../../lambda/engine/model/eks-contract.ts';
import { LIMITS, SERVICE_LIMITS } from '../../lambda/engine/model/limits.ts';
import { buildCanaryApp } from '../../lib/canary-app.ts';
import { buildOrganizationApp } from '../../lib/organization/organization-app.ts';
import {
  LARGEST_ACCOUNT,
  LONGEST_NAME,
  largestEks,
  largestRegion,
  longestTargets,
} from '../support/largest-config.ts';
import { measureTemplate, overLimit, peaks, readTemplate } from '../support/service-limits.ts';
import { canaryTemplate, probeFunctionOf, probeTargetsOf } from './helpers.ts';

const REGION = 'eu-west-1';

/** Every template file of an assembly, the organization's member template (a file asset) included. */
function templatesOf(dir: string): string[] {
  return readdirSync(dir).filter((file) => file.endsWith('.template.json'));
}

function synthesize(file: CanaryConfigFile) {
  const { config, problems } = validateConfig(file);
  if (!config) throw new Error(`expected a valid configuration:\n${problems.join('\n')}`);
  const app = new App();
  const built = config.organization
    ? { organization: buildOrganizationApp(app, { ...config, organization: config.organization }) }
    : { canary: buildCanaryApp(app, config) };
  const assembly = app.synth();
  const measured = templatesOf(assembly.directory).map((templateFile) => ({
    templateFile,
    measured: measureTemplate(readTemplate(assembly.directory, templateFile), assembly.directory),
  }));
  return { ...built, assembly, measured };
}

/** The data file (lambda/engine/model/code-data.ts) in a function's code asset, as the function reads it. */
function codeDataIn(dir: string, fn: { Properties?: Record<string, unknown> } | undefined): unknown {
  const key = String((fn?.Properties?.Code as { S3Key?: string } | undefined)?.S3Key).replace(/\.zip$/, '');
  return JSON.parse(readFileSync(join(dir, `asset.${key}`, CODE_DATA.file), 'utf8'));
}

function problemsOf(file: unknown): string[] {
  return validateConfig(file).problems;
}

describe('the largest one-account region: 100 targets with every field at its longest, every option on', () => {
  const file = largestRegion(REGION);
  const { canary, assembly, measured } = synthesize(file);

  it('is within every service limit, in every template and function asset', () => {
    const over = measured.flatMap(({ templateFile, measured: m }) =>
      overLimit(m).map((line) => `${templateFile}: ${line}`),
    );
    expect(over).toEqual([]);
    // Each limit was measured at least once where it applies.
    const seen = new Set(measured.flatMap(({ measured: m }) => m.map((x) => x.limit)));
    for (const limit of [
      'lambdaEnvironmentBytes',
      'lambdaCodeUnzippedBytes',
      'alarmNameChars',
      'alarmDescriptionChars',
      'eventPatternChars',
      'iamRolePolicyChars',
      'iamManagedPoliciesPerRole',
      'cfnResources',
      'cfnTemplateUrlBytes',
      'snsFilterPolicyCombinations',
      'dashboardMetrics',
      'alarmStatusWidgetAlarms',
    ] as const)
      expect(seen, limit).toContain(limit);
  });

  it('carries all its targets in the function code, not the environment, which stays far under 4 KB', () => {
    const stack = canary?.canaries[0];
    if (!stack) throw new Error('no canary stack');
    const template = readTemplate(assembly.directory, stack.templateFile);
    const probe = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        ENV.canaryName in ((r.Properties?.Environment as { Variables?: object })?.Variables ?? {}),
    );
    const data = codeDataIn(assembly.directory, probe) as { targets: unknown[] };
    expect(data.targets).toHaveLength(LIMITS.targetsPerRegion + 1);
    const peak = peaks(measured.flatMap((t) => t.measured));
    expect(peak.lambdaEnvironmentBytes).toBeLessThan(SERVICE_LIMITS.lambdaEnvironmentBytes.value / 2);
  });

  it('watches every EKS cluster the validator allows, 100-character names, with the names in the code', () => {
    const stack = canary?.canaries[0];
    if (!stack) throw new Error('no canary stack');
    const template = readTemplate(assembly.directory, stack.templateFile);
    const eks = largestEks();
    const named = [...eks.clusters, ...eks.privateClusters.map((c) => c.name)];
    expect(named).toHaveLength(LIMITS.eksClusters + LIMITS.eksPrivateClusters);
    expect(named.every((name) => name.length === 100)).toBe(true);
    const resources = Object.entries(template.Resources);
    const entries = resources.filter(([, r]) => r.Type === 'AWS::EKS::AccessEntry');
    expect(entries.map(([, r]) => r.Properties?.ClusterName).sort()).toEqual([...named].sort());
    // One function for the public clusters and one per private cluster, each read its names from its code.
    const functions = resources.filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        EKS_WATCH_ENV.inVpc in ((r.Properties?.Environment as { Variables?: object })?.Variables ?? {}),
    );
    expect(functions).toHaveLength(1 + LIMITS.eksPrivateClusters);
    const read = functions.map(([, r]) => codeDataIn(assembly.directory, r) as EksWatchCodeData);
    expect(read.flatMap((data) => (Array.isArray(data.clusters) ? data.clusters : [])).sort()).toEqual(
      [...named].sort(),
    );
    // Measured the way Lambda counts (every key and value): the names would be 12 KB there; without them
    // each EKS function's environment stays far under 4 KB.
    const ids = new Set(functions.map(([id]) => id));
    const own = measured
      .flatMap((t) => t.measured)
      .filter((m) => ids.has(m.where) && m.limit === 'lambdaEnvironmentBytes');
    expect(own).toHaveLength(functions.length);
    for (const m of own)
      expect(m.value, m.where).toBeLessThan(SERVICE_LIMITS.lambdaEnvironmentBytes.value / 2);
    const namesInEnvironment = Buffer.byteLength(
      `EKS_WATCH_CLUSTERS${JSON.stringify(eks.clusters)}EKS_WATCH_EXCLUDE${JSON.stringify(eks.privateClusters.map((c) => c.name))}`,
    );
    expect(namesInEnvironment).toBeGreaterThan(SERVICE_LIMITS.lambdaEnvironmentBytes.value);
    // The role names every cluster: its policy is spread over its inline policy and overflow managed policies,
    // each within IAM's size, and no more of them than a role may have.
    const overflow = resources.filter(
      ([id, r]) =>
        r.Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('WorkloadWatchEksRoleOverflowPolicy'),
    );
    expect(overflow.length).toBeGreaterThan(0);
    expect(overflow.length).toBeLessThanOrEqual(SERVICE_LIMITS.iamManagedPoliciesPerRole.value);
  });
});

describe('several regions, each naming the most EKS clusters the validator allows (regionOverrides)', () => {
  // Each region's clusters are its own: no stack carries more than one region's, so every regional stack is at
  // most the largest one-region EKS watch, and the dashboard has no per-cluster widget.
  const regions = [REGION, 'us-east-1'];
  const eks = largestEks();
  const { canary, assembly, measured } = synthesize({
    account: LARGEST_ACCOUNT,
    regions,
    workloadWatch: { eks: { clusters: 'all' } },
    regionOverrides: Object.fromEntries(regions.map((region) => [region, { workloadWatch: { eks } }])),
  } as CanaryConfigFile);

  it('is within every service limit, and each regional stack holds only its own region’s access entries', () => {
    expect(
      measured.flatMap(({ templateFile, measured: m }) => overLimit(m).map((l) => `${templateFile}: ${l}`)),
    ).toEqual([]);
    const named = [...eks.clusters, ...eks.privateClusters.map((c) => c.name)].sort();
    expect(canary?.canaries.map((stack) => stack.region)).toEqual(regions);
    for (const stack of canary?.canaries ?? []) {
      const template = readTemplate(assembly.directory, stack.templateFile);
      const entries = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EKS::AccessEntry');
      expect(entries.map((r) => r.Properties?.ClusterName).sort(), stack.region).toEqual(named);
    }
  });
});

describe('validation refuses what cannot deploy, naming the field, the value and the limit', () => {
  const base = { regions: [REGION] };
  it('more targets in a region than the limit', () => {
    const targets = Array.from({ length: LIMITS.targetsPerRegion + 1 }, (_, i) => ({ image: `app:${i}` }));
    expect(problemsOf({ ...base, targets })).toEqual([
      `targets: got "${LIMITS.targetsPerRegion + 1} targets"; allowed: at most ${LIMITS.targetsPerRegion} targets per region`,
    ]);
  });

  it('more EKS clusters, or private clusters, than the largest configuration deploys', () => {
    const eks = largestEks(LIMITS.eksClusters + 1, LIMITS.eksPrivateClusters + 1);
    const problems = problemsOf({ ...base, workloadWatch: { eks } });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(
        `^workloadWatch\\.eks\\.clusters: got .*allowed: .*at most ${LIMITS.eksClusters} EKS cluster names`,
      ),
    );
    expect(problems[1]).toMatch(
      new RegExp(
        `^workloadWatch\\.eks\\.privateClusters: got .*allowed: a list of at most ${LIMITS.eksPrivateClusters} objects`,
      ),
    );
    expect(problemsOf({ ...base, workloadWatch: { eks: largestEks() } })).toEqual([]);
  });

  it('more subscriptions of one protocol than a region stack holds', () => {
    const emails = Array.from({ length: LIMITS.subscriptionsPerProtocol + 1 }, (_, i) => `a${i}@example.com`);
    const [problem, ...others] = problemsOf({ ...base, notifications: { emails } });
    expect(others).toEqual([]);
    expect(problem).toContain('notifications.emails');
    expect(problem).toContain(`at most ${LIMITS.subscriptionsPerProtocol}`);
  });

  it('a dashboard over CloudWatch’s metrics per dashboard, at synthesis, before anything deploys', () => {
    const regions = [
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'eu-central-1',
      'eu-north-1',
      'us-east-1',
      'us-east-2',
    ];
    const targets = Array.from({ length: LIMITS.targetsPerRegion }, (_, i) => ({ image: `app:${i}` }));
    const { config } = validateConfig({ regions, targets });
    if (!config) throw new Error('expected a valid configuration');
    expect(() => buildCanaryApp(new App(), config)).toThrow(
      new RegExp(
        `metrics on the dashboard: \\d+; CloudWatch allows ${SERVICE_LIMITS.dashboardMetrics.value} .*set "dashboard": false`,
      ),
    );
    expect(() => buildCanaryApp(new App(), { ...config, dashboard: false })).not.toThrow();
  });
});

describe('the largest organization rollout: every region at once, many OUs and accounts, 100 targets', () => {
  const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
  const organizationalUnits = Array.from(
    { length: 100 },
    (_, i) => `ou-${'a'.repeat(32)}-${String(i).padStart(32, '0')}`,
  );
  // The most accounts the monitoring dashboard's tiles hold for these regions (three series each).
  const accountsThatFit = Math.floor(SERVICE_LIMITS.dashboardMetrics.value / 3 / regions.length) - 10;
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));
  const file = (n: number): CanaryConfigFile =>
    ({
      name: LONGEST_NAME,
      account: LARGEST_ACCOUNT,
      regions,
      targets: longestTargets(REGION),
      notifications: largestRegion(REGION).notifications,
      workloadWatch: { ecsTasks: true, ecrApiCalls: true },
      organization: {
        organizationId: `o-${'a'.repeat(32)}`,
        organizationalUnits,
        accounts: accounts(n),
        accountFilter: 'INTERSECTION',
        monitoringAccount: '222222222222',
        sinkArns: Object.fromEntries(
          regions.map((region) => [
            region,
            `arn:aws:oam:${region}:222222222222:sink/${'0a1b2c3d-1111-4e5f-8a9b-000000000001'}`,
          ]),
        ),
      },
    }) as CanaryConfigFile;

  it('is within every service limit, the member template and the monitoring dashboard included', () => {
    const { measured } = synthesize(file(accountsThatFit));
    expect(measured.map((t) => t.templateFile).some((name) => name.includes('Member'))).toBe(true);
    expect(
      measured.flatMap(({ templateFile, measured: m }) => overLimit(m).map((l) => `${templateFile}: ${l}`)),
    ).toEqual([]);
  });

  it('refuses more explicit accounts than the monitoring dashboard can show, naming the field and the limit', () => {
    const { config } = validateConfig(
      file(Math.ceil(SERVICE_LIMITS.dashboardMetrics.value / 3 / regions.length) + 1),
    );
    const organization = config?.organization;
    if (!config || !organization) throw new Error('expected a valid configuration');
    expect(() => buildOrganizationApp(new App(), { ...config, organization })).toThrow(
      /organization\.accounts/,
    );
  });
});

describe('targets in the function code update cleanly', () => {
  const firstRunTargets = (template: Template) =>
    Object.values(template.findResources(FIRST_RUN.resourceType))[0]?.Properties?.[
      FIRST_RUN.properties.targets
    ];
  const codeKey = (template: Template) =>
    (probeFunctionOf(template).Properties.Code as { S3Key: string }).S3Key;

  it('a change of targets changes the probe’s code asset and the first run’s digest; the same targets change neither', () => {
    const before = canaryTemplate({ regions: [REGION], targets: [{ image: 'app:1' }] });
    const same = canaryTemplate({ regions: [REGION], targets: [{ image: 'app:1' }], scheduleMinutes: 10 });
    const after = canaryTemplate({ regions: [REGION], targets: [{ image: 'app:2' }] });
    expect(codeKey(same)).toBe(codeKey(before));
    expect(firstRunTargets(same)).toBe(firstRunTargets(before));
    expect(codeKey(after)).not.toBe(codeKey(before));
    expect(firstRunTargets(after)).not.toBe(firstRunTargets(before));
    expect(probeTargetsOf(after).map((t) => t.image)).toEqual([
      expect.stringContaining('known-good'),
      'app:2',
    ]);
  });
});
