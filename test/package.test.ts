/**
 * The npm package as a user gets it, outside this repository: `npm pack` (its `prepack` builds), the tarball
 * installed into an empty prefix, the installed `ecr-pull-canary` run against the real registry and the ECR
 * double, and a fresh CDK app with its own package.json (aws-cdk-lib, constructs and the tarball) that
 * synthesizes `new EcrPullCanary(...)` from the compiled library and its type declarations. npm runs offline:
 * the package installs nothing from a registry, and the app's aws-cdk-lib and constructs are `file:` links to
 * this repository's node_modules (no second copy of aws-cdk-lib per run).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileSystem } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COMMANDS } from '../lambda/commands/commands.ts';
import { RUNBOOKS_HTML_FILE } from '../lambda/commands/package-info.ts';
import { sdkNodeNotice } from '../lambda/commands/sdk-node-notice.ts';
import { CODE_DATA } from '../lambda/engine/model/code-data.ts';
import { BUNDLE_FILE, LAMBDA_CODE_NAMES, lambdaCodeDir } from '../lib/lambda-code.ts';
import { type InstalledPackage, npm, packAndInstall } from '../scripts/pack-install.ts';
import { CDK_VALIDATION_OFF } from './support/cdk-validation.ts';
import { brokenLinks } from './support/doc-links.ts';
import { htmlIds } from './support/markdown-anchors.ts';
import { emptyAccount, startPreflightDouble } from './support/preflight-double.ts';
import { type ProbeEnvironment, secretForms, startProbeEnvironment } from './support/probe-env.ts';

const registry = inject('registry');
const REPO = resolve('.');
const NODE_MODULES = join(REPO, 'node_modules');
const { multiArch } = registry.images;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string>; input?: string },
): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd ?? REPO, env: options.env, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

const work = mkdtempSync(join(tmpdir(), 'package-test-'));

/** A host with node on PATH and nothing else: no AWS variables, npm's own settings only from its flags. */
function hostEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
    HOME: work,
    TMPDIR: tmpdir(),
    ...extra,
  };
}

let pkg: InstalledPackage;
let world: ProbeEnvironment;

beforeAll(async () => {
  [world, pkg] = await Promise.all([startProbeEnvironment(registry), packAndInstall(work)]);
}, 300_000);

afterAll(async () => {
  await world?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships only the built files: the command and its lazily loaded parts, the prebuilt functions, the compiled library, the docs', () => {
    const paths = pkg.packed.files.map((file) => file.path).sort();
    const allowed =
      /^(dist\/cli\.mjs|dist\/cli-chunks\/[\w-]+\.mjs$|dist\/functions\/|dist\/lib\/|dist\/lambda\/engine\/(?:model|config)\/|docs\/[a-z-]+\.(?:md|html)$|schema\/canary\.config\.schema\.json$|canary\.(?:config|org)\.example\.json$|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/;
    expect(paths.filter((path) => !allowed.test(path))).toEqual([]);
    for (const name of LAMBDA_CODE_NAMES) expect(paths).toContain(`dist/functions/${name}/${BUNDLE_FILE}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/cli.mjs',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'LICENSE',
        // What each release changes on update, which README.md links to.
        'CHANGELOG.md',
        // The JSON Schema a user's canary.config.json names in "$schema", from node_modules.
        'schema/canary.config.schema.json',
      ]),
    );
    // The pages README.md links to, so its links work in the installed package too.
    const pages = readdirSync(fileURLToPath(new URL('../docs/', import.meta.url))).filter((f) =>
      f.endsWith('.md'),
    );
    expect(paths).toEqual(expect.arrayContaining(pages.map((page) => `docs/${page}`)));
    // The web page of the runbooks the command links to.
    expect(paths).toContain(RUNBOOKS_HTML_FILE);
    // No TypeScript sources: only their declarations.
    expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    expect(pkg.packed.entryCount).toBe(paths.length);
  });

  it('has docs whose relative links all lead to a file the package ships, and to a heading of it', () => {
    const docs = join(pkg.installed, 'docs');
    const pages = [
      join(pkg.installed, 'README.md'),
      ...readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(docs, name)),
    ];
    expect(pages.length).toBeGreaterThan(5);
    expect(brokenLinks(pkg.installed, pages)).toEqual([]);
    // The examples the pages link to (docs/organization.md's), shipped for that.
    expect(readdirSync(pkg.installed)).toEqual(
      expect.arrayContaining(['canary.config.example.json', 'canary.org.example.json']),
    );
  });

  it("is the tarball README's Install section names, of about the size it states", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npm ci && npm pack'));
    const stated = line?.match(/# writes (\S+\.tgz) \(about (\d+(?:\.\d+)?) MB\)/);
    expect(stated, `README's npm pack line: ${line}`).not.toBeNull();
    expect(stated?.[1]).toBe(pkg.packed.filename);
    // Within 15%: the code grows a little with every change; a figure off by half misleads.
    const statedBytes = Number(stated?.[2]) * 1e6;
    expect(
      Math.abs(statedBytes - pkg.packed.size) / pkg.packed.size,
      `${pkg.packed.size} bytes`,
    ).toBeLessThan(0.15);
    // Every command in README and docs/ that installs or runs the tarball names the same file.
    const docs = join(REPO, 'docs');
    const pages = readdirSync(docs).filter((f) => f.endsWith('.md'));
    const text = [readme, ...pages.map((page) => readFileSync(join(docs, page), 'utf8'))].join('\n');
    for (const named of text.match(/ecr-pull-canary-[\d.]+\.tgz/g) ?? [])
      expect(named).toBe(pkg.packed.filename);
  });

  it('installs into an empty prefix offline, with nothing else: no dependency, no build tool', () => {
    const manifest = JSON.parse(readFileSync(join(pkg.installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(readdirSync(join(pkg.prefix, 'lib', 'node_modules'))).toEqual(['ecr-pull-canary']);
    expect(readdirSync(pkg.installed)).not.toContain('node_modules');
    expect(readdirSync(join(pkg.prefix, 'bin'))).toEqual(['ecr-pull-canary']);
  });

  it('the installed `ecr-pull-canary probe IMAGE --json` probes the registry through the ECR double', async () => {
    const image = `${multiArch.repository}:${multiArch.tag}`;
    // The SDK's opt-out is not set: on Node below 22 the command prints its one-line notice, never the SDK's block.
    const result = await run(pkg.command, ['probe', image, '--registry-url', world.proxy.url, '--json'], {
      env: hostEnv({ ...world.env, NODE_EXTRA_CA_CERTS: registry.caPath }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, category: null, digest: multiArch.digest });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe(sdkNodeNotice(process.version, {}) ?? '');
    for (const secret of secretForms(registry.password)) {
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('the installed command lists its subcommands and runs explain, which calls nothing', async () => {
    const help = await run(pkg.command, ['--help'], { env: hostEnv() });
    expect(help.code, help.stderr).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    // preflight lives in the lazily loaded files beside the command: its help proves they shipped and load.
    const preflight = await run(pkg.command, ['preflight', '--help'], { env: hostEnv() });
    expect(preflight.code, preflight.stderr).toBe(0);
    expect(preflight.stdout).toMatch(/^Usage: ecr-pull-canary preflight /);
    // Its read permissions: the installed page, not a path relative to wherever the user stands.
    const permissions = join(pkg.installed, 'docs', 'preflight.md');
    expect(preflight.stdout).toContain(`${pathToFileURL(permissions).href}#read-permissions`);
    expect(readFileSync(permissions, 'utf8')).toContain('\n## Read permissions\n');
    const explain = await run(pkg.command, ['explain', '--json'], {
      env: hostEnv(),
      input:
        'denied: User: arn:aws:iam::123456789012:user/deploy is not authorized to perform: ecr:BatchGetImage',
    });
    expect(explain.code, explain.stderr).toBe(0);
    expect(JSON.parse(explain.stdout)).toMatchObject({ category: 'permission' });
    const manifest = JSON.parse(readFileSync(join(pkg.installed, 'package.json'), 'utf8'));
    expect(await run(pkg.command, ['--version'], { env: hostEnv() })).toMatchObject({
      code: 0,
      stdout: `ecr-pull-canary ${manifest.version}\n`,
    });
    // From a global install the runbook is the installed copy, linked by an absolute file:// URL that opens: the
    // web page, which a browser opens at the element with the fragment's id (a .md it shows from the top).
    const human = await run(pkg.command, ['explain', 'no basic auth credentials'], { env: hostEnv() });
    const link = /^ {2}runbook: +(\S+)$/m.exec(human.stdout)?.[1] ?? '';
    const runbooks = join(pkg.installed, 'docs', 'runbooks.html');
    expect(link).toBe(`${pathToFileURL(runbooks).href}#auth`);
    const page = readFileSync(fileURLToPath(link), 'utf8');
    expect(htmlIds(page).filter((id) => id === new URL(link).hash.slice(1))).toEqual(['auth']);
    // The Markdown beside it still has the heading the same fragment names.
    expect(readFileSync(join(pkg.installed, 'docs', 'runbooks.md'), 'utf8')).toContain('\n## auth\n');
  });
});

describe('the installed deployment commands', () => {
  it('`status` and `drill` run through the double: load their chunks, sign, judge; drill asks or needs --yes', async () => {
    const keys = {
      accessKeyId: 'AKIAPACKAGESTATUS001',
      secretAccessKey: 'package-status-secret-0000000000000000000',
    };
    const double = await startPreflightDouble(keys, emptyAccount('111122223333', ['eu-west-1']));
    try {
      const config = join(work, 'status.config.json');
      writeFileSync(
        config,
        JSON.stringify({ name: 'packed', account: '111122223333', regions: ['eu-west-1'] }),
      );
      const env = hostEnv({
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...double.env(),
      });
      const help = await run(pkg.command, ['status', '--help'], { env });
      expect(help.code, help.stderr).toBe(0);
      const permissions = join(pkg.installed, 'docs', 'status.md');
      expect(help.stdout).toContain(`${pathToFileURL(permissions).href}#permissions`);
      expect(readFileSync(permissions, 'utf8')).toContain('\n## Permissions\n');
      const result = await run(pkg.command, ['status', '-c', `config=${config}`, '--json'], { env });
      expect(result.code, result.stderr).toBe(1);
      expect(
        JSON.parse(result.stdout).checks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`),
      ).toEqual(['credentials pass', 'stack fail', 'leftover pass']);
      // The configured region's stack, then the look for stacks left in the partition's other regions (each of
      // which answers as not enabled here): DescribeStacks by name and nothing else.
      expect(double.calls[0]).toBe('sts:GetCallerIdentity@eu-west-1');
      expect(double.calls).toContain('cloudformation:DescribeStacks@eu-west-1');
      expect(double.calls.slice(1).filter((c) => !c.startsWith('cloudformation:DescribeStacks@'))).toEqual(
        [],
      );
      expect(result.stdout + result.stderr).not.toContain(keys.secretAccessKey);

      // `drill`: its own chunk; with no terminal and no --yes it refuses, with --yes it pages and sets OK back.
      const topic = 'arn:aws:sns:eu-west-1:111122223333:packed-alarms';
      double.state.topics.push({
        arn: topic,
        subscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com' }],
      });
      const alarm = {
        region: 'eu-west-1',
        name: 'packed-eu-west-1-availability-critical',
        state: 'OK' as const,
        updated: new Date(),
        actionsEnabled: true,
        alarmActions: [topic],
        okActions: [topic],
        history: [],
      };
      double.state.deployment?.alarms.push(alarm);
      const refused = await run(pkg.command, ['drill', '-c', `config=${config}`], { env });
      expect(refused.code, refused.stdout).toBe(2);
      expect(refused.stderr).toContain('refusing to page anyone without asking');
      const drilled = await run(pkg.command, ['drill', '-c', `config=${config}`, '--yes', '--json'], { env });
      expect(drilled.code, drilled.stdout + drilled.stderr).toBe(0);
      expect(
        JSON.parse(drilled.stdout).checks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`),
      ).toEqual(['alarm pass', 'alarm-action pass', 'restore pass', 'ok-action pass']);
      expect(alarm.state).toBe('OK');
    } finally {
      await double.close();
    }
  });
});

describe('a fresh CDK app outside the repository', () => {
  const app = join(work, 'app');

  /** The user's app in TypeScript, compiled by tsc against the installed declarations, run by plain node. */
  const APP_SOURCE = `import { App, Stack } from 'aws-cdk-lib';
import { EcrPullCanary, ImageInventory, WorkloadWatch } from 'ecr-pull-canary';

const app = new App();
const stack = new Stack(app, 'UserStack', { env: { account: '111122223333', region: 'eu-west-1' } });
const canary = new EcrPullCanary(stack, 'EcrCanary', {
  targets: [{ image: 'team/api:stable', platforms: ['linux/arm64'] }],
  notifications: { emails: ['oncall@example.com'] },
});
new WorkloadWatch(stack, 'Watch', { canary, eks: { clusters: ['prod-eu'] } });
new ImageInventory(stack, 'Inventory', { canary });
app.synth();
`;

  it('installs aws-cdk-lib, constructs and the tarball, and synthesizes new EcrPullCanary(...) with the prebuilt code', async () => {
    mkdirSync(join(app, 'cdk.out'), { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'user-app',
        private: true,
        type: 'module',
        dependencies: {
          'aws-cdk-lib': `file:${join(NODE_MODULES, 'aws-cdk-lib')}`,
          constructs: `file:${join(NODE_MODULES, 'constructs')}`,
          'ecr-pull-canary': `file:${pkg.tarball}`,
        },
      }),
    );
    writeFileSync(join(app, 'app.ts'), APP_SOURCE);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    );
    const install = await npm(['install'], work, app);
    expect(install.code, install.stderr).toBe(0);

    // The repository's TypeScript compiler, but the app's own node_modules: the types come from the package.
    const tsc = await run(process.execPath, [join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', app], {
      cwd: app,
      env: hostEnv(),
    });
    expect(tsc.code, tsc.stdout).toBe(0);

    const outdir = join(app, 'cdk.out');
    const synth = await run(process.execPath, ['app.js'], {
      cwd: app,
      env: hostEnv({
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-asset-metadata': true }),
        AWS_EC2_METADATA_DISABLED: 'true',
        // CDK's template validation, off as in the whole run (test/support/cdk-validation.ts).
        ...CDK_VALIDATION_OFF,
      }),
    });
    expect(synth.code, synth.stderr).toBe(0);

    const template = JSON.parse(readFileSync(join(outdir, 'UserStack.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Metadata?: Record<string, string>; Properties: Record<string, unknown> }
      >;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // The probe, the seeding function, the workload watcher, its EKS reader and the inventory, each a copy of a prebuilt directory.
    expect(functions).toHaveLength(LAMBDA_CODE_NAMES.length);
    // Same code and data, same asset hash, wherever it is installed: a user's deploy changes a function only when
    // its code or its data (the targets, beside the probe's and the watcher's bundle) does. The seeding function is
    // the prebuilt directory as it ships.
    const assetDirOf = (fn: { Metadata?: Record<string, string> }) =>
      join(outdir, fn.Metadata?.['aws:asset:path'] ?? 'missing');
    const keys = functions.map((fn) => (fn.Properties.Code as { S3Key: string }).S3Key);
    expect(keys.sort()).toEqual(
      functions.map((fn) => `${FileSystem.fingerprint(assetDirOf(fn))}.zip`).sort(),
    );
    expect(keys).toContain(`${FileSystem.fingerprint(lambdaCodeDir('seed'))}.zip`);
    const deployed = functions.map((fn) => {
      expect(fn.Properties.Handler).toBe('index.handler');
      const assetDir = assetDirOf(fn);
      expect([[BUNDLE_FILE], [CODE_DATA.file, BUNDLE_FILE]]).toContainEqual(readdirSync(assetDir).sort());
      return readFileSync(join(assetDir, BUNDLE_FILE));
    });
    for (const name of LAMBDA_CODE_NAMES) {
      const shipped = readFileSync(join(pkg.installed, 'dist', 'functions', name, BUNDLE_FILE));
      // The code the tests in this repository run (the global setup's build) is the code the user deploys.
      expect(shipped.equals(readFileSync(join(lambdaCodeDir(name), BUNDLE_FILE))), name).toBe(true);
      expect(
        deployed.filter((code) => code.equals(shipped)),
        name,
      ).toHaveLength(1);
    }
  }, 240_000);

  it("loads from a CommonJS app (what `cdk init` writes): Node's require of the ESM-only package", async () => {
    // docs/construct.md says a CommonJS app can use the package on the Node.js versions of `engines`. Uses the
    // app the test above installed (its node_modules, one directory up).
    const cjs = join(app, 'cjs');
    mkdirSync(cjs, { recursive: true });
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ private: true, type: 'commonjs' }));
    writeFileSync(
      join(cjs, 'app.js'),
      "const { EcrPullCanary, WorkloadWatch } = require('ecr-pull-canary');\n" +
        'console.log(typeof EcrPullCanary, typeof WorkloadWatch);\n',
    );
    const loaded = await run(process.execPath, ['app.js'], { cwd: cjs, env: hostEnv() });
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout.trim()).toBe('function function');
  });
});
