import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE } from '../../lib/handler-bundling.ts';
import { synthApp } from './helpers.ts';

const run = promisify(execFile);

/** Every output and input directory of this file, removed after it. */
const work = mkdtempSync(join(tmpdir(), 'canary-app-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a clean clone with no AWS credentials: nothing to find, and no metadata service to wait for. */
function noCredentials(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
  );
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
  };
}

async function cdkSynth(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; outdir: string }> {
  const outdir = mkdtempSync(join(work, 'cdk-out-'));
  try {
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--quiet', '--output', outdir, ...args], {
      env: noCredentials(),
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr, outdir };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', outdir };
  }
}

const templatesIn = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.template.json'));

describe('the app', () => {
  it('makes one canary stack per region, each in its region, plus one dashboard stack', () => {
    const file = JSON.parse(readFileSync('canary.config.example.json', 'utf8'));
    const { canaries, dashboard } = synthApp(file);
    expect(canaries.map((stack) => [stack.stackName, stack.region])).toEqual([
      ['platform-ecr-canary-eu-west-1', 'eu-west-1'],
      ['platform-ecr-canary-us-east-1', 'us-east-1'],
      ['platform-ecr-canary-ap-southeast-2', 'ap-southeast-2'],
    ]);
    expect([dashboard?.stackName, dashboard?.region]).toEqual(['platform-ecr-canary-dashboard', 'eu-west-1']);
    // Per-region overrides reach their stack only.
    Template.fromStack(canaries[1] as NonNullable<(typeof canaries)[1]>).resourceCountIs(
      'AWS::SNS::Topic',
      0,
    );
    Template.fromStack(canaries[0] as NonNullable<(typeof canaries)[0]>).resourceCountIs(
      'AWS::SNS::Topic',
      1,
    );
  });

  it('`cdk synth` of the shipped example works without credentials and bundles both functions', async () => {
    const result = await cdkSynth([]);
    expect(result.code, result.stderr).toBe(0);
    expect(templatesIn(result.outdir).sort()).toEqual([
      'ecr-pull-canary-dashboard.template.json',
      'ecr-pull-canary-eu-west-1.template.json',
    ]);
    const bundles = readdirSync(result.outdir).filter((entry) => entry.startsWith('asset.'));
    expect(bundles).toHaveLength(2);
    for (const bundle of bundles) expect(readdirSync(join(result.outdir, bundle))).toEqual([BUNDLE_FILE]);
  }, 180_000);

  it('`cdk synth` of an invalid configuration fails with every problem and writes no template', async () => {
    const dir = mkdtempSync(join(work, 'bad-config-'));
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({ regions: ['eu-west-1', 'us-eats-1'], scheduleMinutes: 0, retries: 2 }),
    );
    const result = await cdkSynth(['-c', `config=${path}`]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Invalid canary configuration ${path} (3 problems):`);
    expect(result.stderr).toContain('retries: got 2; unknown key');
    expect(result.stderr).toContain(
      'regions[1]: got "us-eats-1"; allowed: a known AWS region (did you mean "us-east-1"?)',
    );
    expect(result.stderr).toContain('scheduleMinutes: got 0; allowed: a whole number from 1 to 60 minutes');
    expect(templatesIn(result.outdir)).toEqual([]);
  }, 120_000);
});
