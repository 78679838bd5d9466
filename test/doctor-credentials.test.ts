import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDoctor } from '../lambda/commands/doctor/cli.ts';
import { clockCheck, credentialsCheck, observeCredentials } from '../lambda/commands/doctor/credentials.ts';
import { hostFacts } from '../lambda/commands/doctor/host.ts';
import { imdsCheck, imdsSettings, observeImds } from '../lambda/commands/doctor/imds.ts';
import { DOCTOR_TIMEOUTS, type DoctorDeps } from '../lambda/commands/doctor/run.ts';
import { ecrLogin, hostFiles, leakedSubstrings } from './support/doctor-host.ts';
import { type EcrDouble, startEcrDouble } from './support/ecr-double.ts';
import {
  type MetadataDouble,
  startContainerCredentialsDouble,
  startImdsDouble,
} from './support/metadata-doubles.ts';
import { CANARY_KEYS, REGION } from './support/probe-env.ts';
import { healthyResult } from './support/probe-results.ts';

/**
 * The doctor's credential, IMDS and clock checks with the AWS SDK's real default chain, against loopback doubles
 * of STS (SigV4-verifying), the container credentials endpoint and the instance metadata service. The SDK reads
 * process.env, so each case stubs it (vi.stubEnv, undone after each case) to describe one host.
 */

const TASK_ROLE = {
  accessKeyId: 'ASIATASKROLE00000001',
  secretAccessKey: 'task-role-secret-0000000000000000000000',
  sessionToken: 'task-role-session-token-000000000000000000000000000000',
  arn: 'arn:aws:sts::111122223333:assumed-role/task-role/4f1c2e',
};
const INSTANCE_ROLE = {
  accessKeyId: 'ASIAINSTANCEROLE0001',
  secretAccessKey: 'instance-role-secret-000000000000000000',
  sessionToken: 'instance-role-session-token-0000000000000000000000000',
  arn: 'arn:aws:sts::111122223333:assumed-role/web-node/i-0abc',
};
/** Short deadlines: a silent endpoint must cost a fraction of a second here. */
const IMDS_TIMEOUT_MS = 150;
const EC2_CONTAINER = hostFacts(
  { ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' },
  hostFiles({ '/sys/devices/virtual/dmi/id/sys_vendor': 'Amazon EC2' }),
);

let sts: EcrDouble;
let container: MetadataDouble;
let imds: MetadataDouble;
let silentImds: MetadataDouble;

beforeAll(async () => {
  [sts, container, imds, silentImds] = await Promise.all([
    startEcrDouble({
      identities: [CANARY_KEYS, TASK_ROLE, INSTANCE_ROLE],
      registryPassword: 'unused-registry-password',
      proxyEndpoint: 'https://127.0.0.1:1',
    }),
    startContainerCredentialsDouble(TASK_ROLE),
    startImdsDouble({ role: 'web-node', credentials: INSTANCE_ROLE, tokens: 'required' }),
    startImdsDouble({
      role: 'web-node',
      credentials: INSTANCE_ROLE,
      tokens: 'required',
      dropTokenResponses: true,
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([sts.close(), container.close(), imds.close(), silentImds.close()]);
});
beforeEach(() => {
  sts.reset();
  container.calls.length = 0;
  imds.calls.length = 0;
  // A host with nothing but what each case adds: no keys, no profile, no files, no metadata service.
  const host: Record<string, string | undefined> = {
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_EC2_METADATA_SERVICE_ENDPOINT: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ROLE_ARN: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined,
  };
  for (const [name, value] of Object.entries(host)) vi.stubEnv(name, value);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function stub(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}
const envKeys = {
  AWS_ACCESS_KEY_ID: CANARY_KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CANARY_KEYS.secretAccessKey,
};
const containerUri = () => `${container.url}/v2/credentials/task`;
const withImds = () => ({ AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url });

async function observe() {
  const metadata = await observeImds(imdsSettings(process.env), IMDS_TIMEOUT_MS);
  const credentials = await observeCredentials(
    { region: REGION, timeoutMs: 2000, now: Date.now },
    process.env,
    metadata,
  );
  return { metadata, credentials };
}

describe('which provider won', () => {
  it('warns that environment keys shadow the container credentials, and the identity is the keys’ own', async () => {
    stub({ ...envKeys, AWS_CONTAINER_CREDENTIALS_FULL_URI: containerUri() });
    const { credentials } = await observe();
    const check = credentialsCheck(credentials);
    expect(check.status).toBe('warn');
    expect(check.details).toMatchObject({
      provider: 'environment',
      markers: ['CREDENTIALS_ENV_VARS'],
      identity: CANARY_KEYS.arn,
      shadowed: [{ provider: 'container', evidence: 'AWS_CONTAINER_CREDENTIALS_FULL_URI is set' }],
    });
    expect(check.saw).toContain('environment won and shadows container');
    // The chain stopped at the environment: the container endpoint was never asked.
    expect(container.calls).toEqual([]);
  });

  it('warns that environment keys shadow the instance role that IMDS offers', async () => {
    stub({ ...envKeys, ...withImds() });
    const { credentials } = await observe();
    const check = credentialsCheck(credentials);
    expect(check.status).toBe('warn');
    expect(check.saw).toContain('the instance metadata service offers role "web-node"');
    expect(check.saw).toContain('environment won and shadows imds');
    expect(check.details.identity).toBe(CANARY_KEYS.arn);
  });

  it('passes the container credentials when they are the only source, as the SDK marks them', async () => {
    stub({ AWS_CONTAINER_CREDENTIALS_FULL_URI: containerUri() });
    const check = credentialsCheck((await observe()).credentials);
    expect(check).toMatchObject({
      status: 'pass',
      details: {
        provider: 'container',
        inferred: false,
        markers: ['CREDENTIALS_HTTP'],
        identity: TASK_ROLE.arn,
      },
    });
    expect(container.calls).toHaveLength(1);
  });

  it('passes the instance role from IMDSv2, inferred since the SDK marks no provider for it', async () => {
    stub(withImds());
    const { metadata, credentials } = await observe();
    expect(credentialsCheck(credentials)).toMatchObject({
      status: 'pass',
      details: { provider: 'imds', inferred: true, identity: INSTANCE_ROLE.arn },
    });
    expect(imdsCheck(metadata, EC2_CONTAINER)).toMatchObject({
      status: 'pass',
      details: { role: 'web-node' },
    });
  });

  it('fails with the credentials runbook when nothing offers credentials', async () => {
    const check = credentialsCheck((await observe()).credentials);
    expect(check).toMatchObject({ status: 'fail', runbook: 'credentials' });
    expect(check.saw).toContain('Could not load credentials from any providers');
    expect(sts.calls).toEqual([]);
  });
});

describe('IMDS from a container', () => {
  it('sees the hop-limit symptom: the token PUT unanswered, the plain GET answered 401, within two deadlines', async () => {
    const started = Date.now();
    const metadata = await observeImds({ endpoint: silentImds.url, disabled: false }, IMDS_TIMEOUT_MS);
    expect(Date.now() - started).toBeLessThan(2 * IMDS_TIMEOUT_MS + 300);
    expect(metadata).toMatchObject({ token: { kind: 'timeout' }, plainGet: { kind: 'status', status: 401 } });
    const check = imdsCheck(metadata, EC2_CONTAINER);
    expect(check.status).toBe('fail');
    expect(check.saw).toContain('HttpPutResponseHopLimit of 1 seen from a container');
  });

  it('costs one short deadline when nothing listens', async () => {
    await silentImds.close();
    const closedUrl = silentImds.url;
    silentImds = await startImdsDouble({ role: null, credentials: INSTANCE_ROLE, tokens: 'required' });
    const metadata = await observeImds({ endpoint: closedUrl, disabled: false }, IMDS_TIMEOUT_MS);
    expect(metadata.token).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
  });
});

describe('the clock, from the STS answer to a signed request', () => {
  it('fails a host 400 s ahead of AWS: outside the 5-minute SigV4 window', async () => {
    stub(envKeys);
    sts.setClockOffsetMs(-400_000);
    const check = clockCheck((await observe()).credentials, 60);
    expect(check.status).toBe('fail');
    // The estimate is ±(half a second of the Date header's resolution + half the round trip): on a loaded machine
    // the round trip, and so the uncertainty, grows; the measured skew must stay within it of the 400 s set.
    const match = /host minus AWS: \+(\d+(?:\.\d)?) s ±(\d+(?:\.\d)?) s \(from STS's Date header/.exec(
      check.saw,
    );
    expect(match, check.saw).not.toBeNull();
    const [seconds, uncertainty] = [Number(match?.[1]), Number(match?.[2])];
    expect(uncertainty).toBeGreaterThanOrEqual(0.5);
    expect(Math.abs(seconds - 400)).toBeLessThanOrEqual(uncertainty + 0.5);
  });

  it('passes a synced host', async () => {
    stub(envKeys);
    expect(clockCheck((await observe()).credentials, 60).status).toBe('pass');
  });
});

describe('runDoctor, every check at once', () => {
  it('reports JSON with warnings only (exit 0), a pull that worked, and no secret', async () => {
    stub({ ...envKeys, AWS_CONTAINER_CREDENTIALS_FULL_URI: containerUri() });
    const host = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
    const login = ecrLogin(Date.now() + 8 * 3600_000);
    const deps: Partial<DoctorDeps> = {
      home: '/home/dev',
      files: hostFiles({
        '/home/dev/.docker/config.json': JSON.stringify({ auths: { [host]: { auth: login.auth } } }),
      }),
      resolver: async () => ['10.0.0.9'],
      profileRegion: async () => null,
      pull: async (target) => healthyResult({ image: target.ref.raw, region: target.region }),
      timeouts: { ...DOCTOR_TIMEOUTS, imdsMs: IMDS_TIMEOUT_MS },
    };
    let stdout = '';
    const code = await runDoctor(
      ['--registry', `${host}/team/api:1`, '--json'],
      {
        stdout: (text) => {
          stdout += text;
        },
        stderr: () => undefined,
        env: process.env,
      },
      deps,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ ok: true, summary: { warn: 1, fail: 0, pass: 4, skip: 1 } });
    expect(report.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual([
      'credentials:warn',
      'imds:skip',
      'clock:pass',
      'docker:pass',
      'region:pass',
      'pull:pass',
    ]);
    expect(
      leakedSubstrings(stdout, [
        login.auth,
        login.password,
        login.payload,
        login.datakey,
        CANARY_KEYS.secretAccessKey,
        TASK_ROLE.sessionToken,
      ]),
    ).toEqual([]);
  });
});
