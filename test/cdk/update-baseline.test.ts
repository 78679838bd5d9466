/**
 * Issue 22: every upgrade updates. The baseline (test/fixtures/baseline/, written by `npm run baseline` at a
 * release) holds the templates a released version synthesized for the example and representative configurations;
 * this checkout's templates of the same configurations must update from them by CloudFormation's rules
 * (test/support/update-judge.ts), and deploy every stack the baseline deployed. The organization cases also make
 * the pair "sinks added" (the organization example → the same with a sink per region) and back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { type StackTemplates, synthesizeTemplates } from '../support/synth-templates.ts';
import { judgeStacks } from '../support/update-judge.ts';

const BASELINE_DIR = fileURLToPath(new URL('../fixtures/baseline/', import.meta.url));
const CASES = readdirSync(BASELINE_DIR)
  .filter((file) => file.endsWith('.config.json'))
  .map((file) => file.replace('.config.json', ''))
  .sort();

function config(name: string): CanaryConfigFile {
  return JSON.parse(readFileSync(join(BASELINE_DIR, `${name}.config.json`), 'utf8')) as CanaryConfigFile;
}

const current = new Map<string, StackTemplates>();
function currentTemplates(name: string): StackTemplates {
  let found = current.get(name);
  if (!found) {
    found = synthesizeTemplates(config(name));
    current.set(name, found);
  }
  return found;
}

describe('an upgrade from the baseline updates every stack', () => {
  it('covers the example configurations and both modes', () => {
    expect(CASES).toEqual(expect.arrayContaining(['example', 'org-example', 'minimal']));
  });

  for (const name of CASES) {
    it(name, () => {
      const baseline = JSON.parse(
        readFileSync(join(BASELINE_DIR, `${name}.templates.json`), 'utf8'),
      ) as StackTemplates;
      const now = currentTemplates(name);
      // A stack the baseline deployed and this version does not would be left behind (or, renamed, deployed twice).
      expect(Object.keys(now).sort()).toEqual(Object.keys(baseline).sort());
      expect(judgeStacks(baseline, now)).toEqual([]);
    });
  }

  // Frozen templates of older releases, which `npm run baseline` does not rewrite: history/pre-relay-vpc is a
  // region with vpc as 47deebc synthesized it, before b5ecaa5 added the first-run relay (its first run's token is
  // the probe function inside the VPC). The upgrade creates the relayed first run and sends the old one's Delete to
  // that probe, which answers it from the subnets it answered its create from.
  it('history/pre-relay-vpc: a vpc deployment from before the relay existed', () => {
    const dir = join(BASELINE_DIR, 'history');
    const before = JSON.parse(
      readFileSync(join(dir, 'pre-relay-vpc.templates.json'), 'utf8'),
    ) as StackTemplates;
    const file = JSON.parse(readFileSync(join(dir, 'pre-relay-vpc.config.json'), 'utf8')) as CanaryConfigFile;
    const now = synthesizeTemplates(file);
    expect(Object.keys(now).sort()).toEqual(Object.keys(before).sort());
    const stack = 'pre-relay-eu-west-1';
    const types = (templates: StackTemplates) =>
      Object.entries(templates[stack]?.Resources ?? {})
        .filter(([, r]) => r.Type === 'Custom::EcrPullCanaryFirstRun')
        .map(([id]) => id);
    expect([types(before), types(now)]).toEqual([
      ['CanaryFirstRun0D2952DB'],
      [expect.stringMatching(/^CanaryFirstRunRelayed/)],
    ]);
    expect(judgeStacks(before, now)).toEqual([]);
  });

  // Deployments from before the first run was retained: their first run's Delete still goes to its token. Adding a
  // vpc in the upgrade itself sends it to the probe function inside the VPC (CHANGELOG.md: upgrade, then add it).
  it('an upgrade that also adds a vpc is judged, and after the upgrade the vpc is added cleanly', () => {
    const minimal = config('minimal');
    const baseline = JSON.parse(
      readFileSync(join(BASELINE_DIR, 'minimal.templates.json'), 'utf8'),
    ) as StackTemplates;
    const withVpc = synthesizeTemplates({
      ...minimal,
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
    });
    const stack = 'ecr-pull-canary-eu-west-1';
    expect(judgeStacks(baseline, withVpc)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${stack}: CanaryFirstRun\\w+ \\(Custom::EcrPullCanaryFirstRun\\): removed, and its Delete goes to CanaryProbeFunction\\w+, which this update places in a VPC`,
        ),
      ),
    ]);
    expect(judgeStacks(currentTemplates('minimal'), withVpc)).toEqual([]);
  });

  it('organization sinks added, and removed', () => {
    const without = currentTemplates('org-example');
    const linked = currentTemplates('org-linked');
    const member = 'pull-canary-org/member';
    expect(Object.values(linked[member]?.Resources ?? {}).map((r) => r.Type)).toContain('AWS::Oam::Link');
    expect([...judgeStacks(without, linked), ...judgeStacks(linked, without)]).toEqual([]);
  });
});
