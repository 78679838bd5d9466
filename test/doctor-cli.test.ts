import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, cliBundle, runCliProcess } from './support/cli-process.ts';
import { type EcrLogin, ecrLogin, leakedSubstrings } from './support/doctor-host.ts';
import { type EcrDouble, startEcrDouble } from './support/ecr-double.ts';
import {
  type MetadataDouble,
  startContainerCredentialsDouble,
  startImdsDouble,
} from './support/metadata-doubles.ts';
import { CANARY_KEYS, REGION } from './support/probe-env.ts';

/**
 * Issue 11, done-when: `doctor --json` on a host whose docker config holds an ECR login that expired an hour ago
 * reports that registry's login as expired with its expiry time and prints no part of the token; with environment
 * keys set on a host that also has container or instance credentials, it warns which provider won. The doctor
 * runs as its own process from its bundle, with a docker config in a temp directory, the STS double, and the
 * container-credentials or IMDS double, all on loopback.
 */

const HOST = `111122223333.dkr.ecr.${REGION}.amazonaws.com`;
const ROLE = {
  accessKeyId: 'ASIAHOSTROLE00000001',
  secretAccessKey: 'host-role-secret-00000000000000000000000',
  sessionToken: 'host-role-session-token-0000000000000000000000000000000',
  arn: 'arn:aws:sts::111122223333:assumed-role/host-role/x',
};

let sts: EcrDouble;
let container: MetadataDouble;
let imds: MetadataDouble;
let dir: string;
let login: EcrLogin;

beforeAll(async () => {
  [sts, container, imds] = await Promise.all([
    startEcrDouble({
      identities: [CANARY_KEYS, ROLE],
      registryPassword: 'unused-registry-password',
      proxyEndpoint: 'https://127.0.0.1:1',
    }),
    startContainerCredentialsDouble(ROLE),
    startImdsDouble({ role: 'host-role', credentials: ROLE, tokens: 'required' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  // An hour ago, to the second: the token's own `expiration` is in whole seconds.
  login = ecrLogin(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ auths: { [HOST]: { auth: login.auth } }, credsStore: '' }, null, 2),
  );
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await Promise.all([sts?.close(), container?.close(), imds?.close()]);
});

/** A host with environment keys, a docker config, and the given extra credential source. */
function doctor(args: string[], extra: Record<string, string>): Promise<CliRun> {
  return runCliProcess(
    args,
    {
      HOME: dir,
      DOCKER_CONFIG: dir,
      AWS_ACCESS_KEY_ID: CANARY_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CANARY_KEYS.secretAccessKey,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_STS: sts.url,
      // The API host is then the double's loopback address: no DNS query leaves the machine.
      AWS_ENDPOINT_URL_ECR: sts.url,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extra,
    },
    cliBundle('doctor'),
  );
}

function expectNoSecret(run: CliRun): void {
  // Every 8-character piece of every form of the token; the access key's secret (a readable test fixture whose
  // prefix also names the run's temp directory) as a whole.
  const output = run.stdout + run.stderr;
  expect(leakedSubstrings(output, [login.auth, login.password, login.payload, login.datakey])).toEqual([]);
  expect(output).not.toContain(CANARY_KEYS.secretAccessKey);
}

describe('doctor, in its own process', () => {
  it('reports the expired ECR login with its expiry time and warns that the environment keys won over the container credentials', async () => {
    const run = await doctor(['--json'], { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds` });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    const check = (id: string) => report.checks.find((c: { id: string }) => c.id === id);
    const expiresAt = new Date(
      JSON.parse(Buffer.from(login.password, 'base64').toString('utf8')).expiration * 1000,
    ).toISOString();
    expect(check('docker')).toMatchObject({
      status: 'fail',
      runbook: 'auth',
      details: {
        path: join(dir, 'config.json'),
        logins: [{ host: HOST, via: 'auths', expiresAt, status: 'fail' }],
      },
    });
    expect(check('docker').saw).toContain(
      `${HOST}: the stored docker login expired at ${expiresAt} (1 h ago)`,
    );
    expect(check('credentials')).toMatchObject({
      status: 'warn',
      details: { provider: 'environment', identity: CANARY_KEYS.arn, shadowed: [{ provider: 'container' }] },
    });
    expect(check('credentials').saw).toContain('environment won and shadows container');
    expect(container.calls).toEqual([]);
    expectNoSecret(run);
  });

  it('warns that the environment keys won over the instance role, in human words, and prints no part of the token', async () => {
    const run = await doctor([], {
      AWS_EC2_METADATA_DISABLED: 'false',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}ecr-pull-canary doctor: 1 fail, 1 warn, /);
    expect(run.stdout).toMatch(
      /^FAIL {2}docker's view +111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com: the stored docker login expired at /m,
    );
    expect(run.stdout).toMatch(
      /^WARN {2}credential chain .*the instance metadata service offers role "host-role".*environment won and shadows imds/m,
    );
    expect(run.stdout).toContain('runbook:             docs/runbooks.md#auth');
    expectNoSecret(run);
  });
});
