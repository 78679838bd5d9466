import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCommand } from '../lambda/commands/commands.ts';
import { SYNOPSIS } from '../lambda/commands/probe/cli.ts';
import { SDK_NODE_WARNING_OPT_OUT, sdkNodeNotice } from '../lambda/commands/sdk-node-notice.ts';
import { type CliRun, cliBundle, PROBE_FROM_SOURCE, runCliProcess } from './support/cli-process.ts';
import { type ProbeEnvironment, secretForms, startProbeEnvironment } from './support/probe-env.ts';

const registry = inject('registry');
const { multiArch } = registry.images;
let world: ProbeEnvironment;

beforeAll(async () => {
  world = await startProbeEnvironment(registry);
});
afterAll(() => world?.close());
beforeEach(() => {
  world.double.reset();
  world.proxy.setFault(null);
});

/**
 * Runs the CLI as a user would: its own process, configured only by arguments and environment. The cases run
 * the shipped bundle (`npm run build` → dist/cli.mjs, plain `node`); one case below runs the sources through
 * tsx as `npm run probe` does.
 */
function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
  entry: readonly string[] = cliBundle(),
): Promise<CliRun> {
  return runCliProcess(args, { NODE_EXTRA_CA_CERTS: registry.caPath, ...world.env, ...extraEnv }, entry);
}

/**
 * The dispatcher bin/ecr-pull-canary.ts runs (lambda/commands/commands.ts), called in process with the same arguments and
 * environment, for answers decided before any I/O: usage errors and refused images. One usage error and the
 * refusals (test/token-destination.test.ts) also run in the command's own process.
 */
async function cliInProcess(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(['probe', ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { ...world.env, ...extraEnv },
    stdin: null,
  });
  return { code, stdout, stderr };
}

/** Exit 2, one line naming the problem, then the one-line synopsis; none of Node's own parser advice. */
function expectUsageError(run: CliRun, expected: string): void {
  expect(run.code).toBe(2);
  const [problem, ...rest] = run.stderr.split('\n');
  expect(problem).toMatch(/^ecr-pull-canary: /);
  expect(problem).toContain(expected);
  expect(rest).toEqual([SYNOPSIS, '']);
  expect(run.stderr).not.toContain('positional argument');
  expect(run.stdout).toBe('');
}

function expectNoSecret(run: CliRun): void {
  for (const secret of secretForms(registry.password)) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

const image = `${multiArch.repository}:${multiArch.tag}`;

describe('probe CLI', () => {
  it('prints one JSON object and exits 0 for a healthy image', async () => {
    const run = await cli([image, '--registry-url', world.proxy.url, '--platform', 'linux/arm64', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ ok: true, category: null, phase: null, digest: multiArch.digest });
    expect(doc.latencyMs).toBeGreaterThan(0);
    expect(typeof doc.clockSkewSeconds).toBe('number');
    // The layer phase: the registry here serves the blob itself (no redirect), one byte of it.
    expect(doc.layer).toMatchObject({
      redirects: 0,
      status: 206,
      storageHost: new URL(world.proxy.url).host,
    });
    expect(doc.timings.layerMs).toBeGreaterThan(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expectNoSecret(run);
  });

  it('shows a human the layer phase: which layer, from which host, and its timings', async () => {
    const run = await cli([image, '--registry-url', world.proxy.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `layer: +sha256:[a-f0-9]{12}… \\(\\d+ B\\) from ${new URL(world.proxy.url).host}, 0 redirect\\(s\\), status 206`,
      ),
    );
    expect(run.stdout).toMatch(/layer times: [\d.]+ ms in all; redirect -, /);
  });

  it('runs from source as `npm run probe` does (node --import tsx bin/probe.ts)', async () => {
    const run = await cli([image, '--registry-url', world.proxy.url, '--json'], {}, PROBE_FROM_SOURCE);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, digest: multiArch.digest });
    expect(run.stderr).toBe('');
    expectNoSecret(run);
  });

  it('exits 1 with the category for a failed probe', async () => {
    const run = await cli([`${multiArch.repository}:gone`, '--registry-url', world.proxy.url, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, category: 'not-found', phase: 'manifest' });
    expectNoSecret(run);
  });

  it('tells a human what is wrong and what to do', async () => {
    world.proxy.setFault({ kind: 'expired-token' });
    const run = await cli([image, '--registry-url', world.proxy.url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL');
    expect(run.stdout).toContain('auth in phase manifest');
    expect(run.stdout).toMatch(/fix: +Fetch a fresh token/);
    expect(run.stdout).toContain('identity:    arn:aws:iam::111122223333:user/canary');
    expectNoSecret(run);
  });

  it('trusts a CA given with --ca-file', async () => {
    const run = await cli(
      [image, '--registry-url', world.proxy.url, '--ca-file', registry.caPath, '--json'],
      {
        NODE_EXTRA_CA_CERTS: '',
      },
    );
    expect(run.code, run.stdout).toBe(0);
  });

  it('takes the region from the image URI over AWS_REGION', async () => {
    const run = await cli(
      [
        `111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/${image}`,
        '--registry-url',
        world.proxy.url,
        '--json',
      ],
      { AWS_REGION: 'eu-west-1' },
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, region: 'ap-northeast-1' });
  });

  it.each([
    [['--bogus', image], 'unknown option --bogus'],
    [['-region', 'eu-west-1', image], 'unknown option -region (long options take two dashes: --region)'],
    [[image, '--region'], '--region needs a value: --region R'],
    [[image, '--region', '--json'], '--region needs a value: --region R, got the option --json'],
    [[image, '--json=yes'], '--json takes no value, got "yes"'],
    [[image, '--region', 'eu-west-1', '--region', 'us-east-1'], '--region given twice'],
    [['Bad_Image'], 'invalid image reference "Bad_Image"'],
    [[], 'missing IMAGE'],
    [[image, '--platform', 'arm64'], '--platform "arm64"'],
    [[image, '--region', 'mars-1'], '--region "mars-1"'],
    [[image, '--timeout', '0'], '--timeout "0" must be a number from 100'],
    [[image, '--role-arn', 'role/x'], '--role-arn "role/x"'],
    // The configuration file's rules (lambda/engine/model/arn.ts): a role to assume, a principal to expect.
    [
      [image, '--role-arn', 'arn:aws:iam::123456789012:user/alice'],
      '--role-arn "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN',
    ],
    [
      [image, '--expect-principal', 'arn:aws:iam::123456789012:group/devs'],
      '--expect-principal "arn:aws:iam::123456789012:group/devs" is not an IAM role or user ARN',
    ],
    [
      [image, '--registry-url', 'http://registry.example.com'],
      '--registry-url "http://registry.example.com" is not allowed; allowed: https://host[:port], or http://host[:port] for a loopback host',
    ],
    [
      [image, '--registry-url', 'https://registry.example.com/v2'],
      '--registry-url "https://registry.example.com/v2" is not allowed',
    ],
  ])('exits 2 for usage error %j, naming it', async (args, expected) => {
    expectUsageError(await cliInProcess(args), expected);
  });

  it('exits 2 for a usage error in its own process, with the line and the synopsis on stderr', async () => {
    expectUsageError(await cli(['--bogus', image]), 'unknown option --bogus');
  });

  it.each(['docker.io/library/nginx:latest', 'ghcr.io/org/app:1', 'localhost:5000/canary/multi:v1'])(
    'exits 2 before any network call for %s on another registry without --registry-url',
    async (other) => {
      const run = await cliInProcess([other, '--json']);
      expect(run.code).toBe(2);
      const host = other.slice(0, other.indexOf('/'));
      expect(run.stderr).toContain(`IMAGE "${other}": registry host "${host}" is not an ECR registry host`);
      expect(run.stderr).toContain('ACCOUNT.dkr.ecr.REGION.amazonaws.com');
      expect(run.stderr).toContain('to probe it, name the registry with --registry-url URL');
      expect(run.stdout).toBe('');
      // Not even a token was fetched.
      expect(world.double.calls).toEqual([]);
    },
  );

  it('probes an image on another registry host when --registry-url names the registry', async () => {
    const run = await cli([`localhost:5000/${image}`, '--registry-url', world.proxy.url, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      digest: multiArch.digest,
      registryUrl: world.proxy.url,
    });
    expectNoSecret(run);
  });

  it("replaces the SDK's multi-line Node.js support warning with at most one line", async () => {
    // GIVEN a user who has not opted out of the SDK's warning / WHEN a probe creates SDK clients
    const run = await cli([image, '--registry-url', world.proxy.url, '--json'], {
      [SDK_NODE_WARNING_OPT_OUT]: '',
    });
    // THEN stdout stays one JSON object and stderr holds our one line on Node.js < 22, nothing on newer
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
    expect(run.stderr).toBe(sdkNodeNotice(process.version, {}) ?? '');
  });

  it("prints nothing on stderr once the user sets the SDK's own opt-out", async () => {
    const run = await cli([image, '--registry-url', world.proxy.url, '--json'], {
      [SDK_NODE_WARNING_OPT_OUT]: 'true',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('exits 2 when no region can be found', async () => {
    const run = await cliInProcess([image], { AWS_REGION: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no region');
  });
});

describe('sdkNodeNotice', () => {
  it.each([
    ['v20.20.2', {}, true],
    ['v20.20.2', { [SDK_NODE_WARNING_OPT_OUT]: 'true' }, false],
    // The SDK itself treats anything but "true" as not opted out.
    ['v20.20.2', { [SDK_NODE_WARNING_OPT_OUT]: '1' }, true],
    ['v22.12.0', {}, false],
    ['v24.1.0', {}, false],
  ])('on %s with %j: one line = %s', (version, env, expected) => {
    const notice = sdkNodeNotice(version, env);
    if (!expected) {
      expect(notice).toBeUndefined();
      return;
    }
    expect(notice).toMatch(/^ecr-pull-canary: note: .*\n$/);
    expect(notice?.trimEnd()).not.toContain('\n');
    expect(notice).toContain(version);
    expect(notice).toContain(`${SDK_NODE_WARNING_OPT_OUT}=true`);
  });
});
