import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_FILE, locateConfig, USER_CONFIG_FILE } from '../../lambda/engine/config/locate.ts';
import { CODE_DATA } from '../../lambda/engine/model/code-data.ts';
import { BUNDLE_FILE } from '../../lib/handler-bundling.ts';
import { CDK_CLI_TELEMETRY_OFF, CDK_VALIDATION_OFF } from '../support/cdk-validation.ts';
import { MINIMAL_CONFIG_PATH, synthApp } from './helpers.ts';

const run = promisify(execFile);
const CDK_CLI = resolve('node_modules/.bin/cdk');

/** Every output and input directory of this file, removed after it. */
const work = mkdtempSync(join(tmpdir(), 'canary-app-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The environment of a clean clone with no AWS credentials: nothing to find, and no metadata service to wait for.
 * CDK's template validation is off, as in the whole run (test/support/cdk-validation.ts).
 */
function noCredentials(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
  );
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    ...CDK_VALIDATION_OFF,
    ...CDK_CLI_TELEMETRY_OFF,
  };
}

async function cdkSynth(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; outdir: string }> {
  const outdir = mkdtempSync(join(work, 'cdk-out-'));
  try {
    // The CLI itself, not through npx (which costs a second of its own to find it).
    const { stdout, stderr } = await run(CDK_CLI, ['synth', '--quiet', '--output', outdir, ...args], {
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

/** The app as `cdk synth` runs it (CDK_OUTDIR, CDK_CONTEXT_JSON), after cdk.json built the functions. */
async function runApp(
  clone: string,
  context: Record<string, unknown> = {},
): Promise<{ code: number; stderr: string; templates: string[] }> {
  const outdir = mkdtempSync(join(work, 'app-out-'));
  const env = {
    ...noCredentials(),
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
  };
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', join(clone, 'bin', 'app.ts')], {
      cwd: clone,
      env,
      timeout: 120_000,
    });
    return { code: 0, stderr, templates: templatesIn(outdir).sort() };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, stderr: failed.stderr ?? '', templates: templatesIn(outdir).sort() };
  }
}

describe('the app', () => {
  it('makes one canary stack per region, each in its region, plus one dashboard stack', () => {
    const file = JSON.parse(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'));
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

  it('`cdk synth -c config=PATH` works without credentials and packages the three prebuilt functions (probe, seeding, workload watcher)', async () => {
    const result = await cdkSynth(['-c', `config=${MINIMAL_CONFIG_PATH}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(templatesIn(result.outdir).sort()).toEqual([
      'ecr-pull-canary-dashboard.template.json',
      'ecr-pull-canary-eu-west-1.template.json',
    ]);
    const bundles = readdirSync(result.outdir).filter((entry) => entry.startsWith('asset.'));
    expect(bundles).toHaveLength(3);
    // The probe and the watcher carry their data (the targets) beside the bundle; the seeding function has none.
    expect(bundles.map((bundle) => readdirSync(join(result.outdir, bundle)).sort().join(',')).sort()).toEqual(
      [`${CODE_DATA.file},${BUNDLE_FILE}`, `${CODE_DATA.file},${BUNDLE_FILE}`, BUNDLE_FILE],
    );
  }, 180_000);

  it('the app given an invalid configuration (-c config=PATH) fails with every problem and writes no template', async () => {
    const dir = mkdtempSync(join(work, 'bad-config-'));
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({ regions: ['eu-west-1', 'us-eats-1'], scheduleMinutes: 0, retries: 2 }),
    );
    // bin/app.ts as `cdk synth -c config=PATH` runs it (the test above runs the CLI itself): the app exits
    // before synthesizing, so the CLI, which fails when its app fails, has nothing to add here.
    const result = await runApp(resolve('.'), { config: path });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Invalid canary configuration ${path} (3 problems):`);
    expect(result.stderr).toContain('retries: got 2; unknown key');
    expect(result.stderr).toContain(
      'regions[1]: got "us-eats-1"; allowed: a known AWS region (did you mean "us-east-1"?)',
    );
    expect(result.stderr).toContain('scheduleMinutes: got 0; allowed: a whole number from 1 to 60 minutes');
    expect(result.templates).toEqual([]);
  }, 120_000);
});

describe("the app's configuration file", () => {
  const root = '/repo';
  const cwd = '/somewhere/else';

  it('is the file given with -c config=PATH, relative to the working directory, whatever else exists', () => {
    expect(locateConfig({ given: 'mine.json', cwd, root, exists: () => true })).toEqual({
      path: '/somewhere/else/mine.json',
    });
    // A given file that is missing is reported by loadConfig, never replaced by the example.
    expect(locateConfig({ given: '/abs/absent.json', cwd, root, exists: () => false })).toEqual({
      path: '/abs/absent.json',
    });
  });

  it("is the user's canary.config.json at the repository root when there is one, without a notice", () => {
    const seen: string[] = [];
    const source = locateConfig({ cwd, root, exists: (path) => seen.push(path) > 0 });
    expect(source).toEqual({ path: `/repo/${USER_CONFIG_FILE}` });
    expect(seen).toEqual([`/repo/${USER_CONFIG_FILE}`]);
  });

  it('is the shipped example on a clone without one, with a one-line notice naming both files', () => {
    const source = locateConfig({ cwd, root, exists: () => false });
    expect(source.path).toBe(`/repo/${EXAMPLE_CONFIG_FILE}`);
    expect(source.notice).toBe(
      `${USER_CONFIG_FILE} not found in /repo: synthesizing the shipped example ${EXAMPLE_CONFIG_FILE} ` +
        `instead; create ${USER_CONFIG_FILE} (README, Quick start) before you deploy.`,
    );
  });

  /**
   * bin/app.ts as on a fresh clone: a copy of the files it needs in a directory of its own (its repository root
   * is where bin/app.ts is), with the shipped example and no canary.config.json.
   */
  function freshClone(): string {
    const clone = mkdtempSync(join(work, 'clone-'));
    mkdirSync(join(clone, 'bin'));
    copyFileSync('bin/app.ts', join(clone, 'bin', 'app.ts'));
    for (const file of ['package.json', 'package-lock.json', EXAMPLE_CONFIG_FILE]) {
      copyFileSync(file, join(clone, file));
    }
    for (const dir of ['lib', 'lambda']) cpSync(dir, join(clone, dir), { recursive: true });
    symlinkSync(resolve('node_modules'), join(clone, 'node_modules'));
    // The prebuilt functions, as cdk.json builds them before it runs the app (the global setup built them here).
    symlinkSync(resolve('dist'), join(clone, 'dist'));
    return clone;
  }

  it('synthesizes the shipped example on a fresh clone and says so in one line on stderr', async () => {
    const clone = freshClone();
    const result = await runApp(clone);
    expect(result.code, result.stderr).toBe(0);
    const notice = locateConfig({ cwd: clone, root: clone, exists: () => false }).notice;
    expect(result.stderr.split('\n').filter((line) => line === notice)).toHaveLength(1);
    const example = JSON.parse(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')) as {
      name: string;
      regions: string[];
    };
    expect(result.templates).toEqual(
      [...example.regions, 'dashboard'].map((suffix) => `${example.name}-${suffix}.template.json`).sort(),
    );
  }, 120_000);
});

describe("the user's configuration", () => {
  it('is read by no test, benchmark or script: they use test/fixtures or build their own', () => {
    // A path or string literal naming the file (prose in comments may mention it).
    const reads = new RegExp(`['"\`/]${USER_CONFIG_FILE.replaceAll('.', '\\.')}`);
    const offenders = ['test', 'bench', 'scripts'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.(ts|json)$/.test(file))
        .map((file) => join(dir, file))
        .filter((file) => reads.test(readFileSync(file, 'utf8'))),
    );
    expect(offenders).toEqual([]);
  });
});
