import { afterEach, describe, expect, it, vi } from 'vitest';
import { DOCTOR_EXIT, DOCTOR_USAGE, runDoctor } from '../lambda/commands/doctor/cli.ts';
import {
  type CredentialObservation,
  clockCheck,
  credentialsCheck,
  offeredProviders,
  providerFromSource,
} from '../lambda/commands/doctor/credentials.ts';
import {
  dockerCheck,
  dockerConfigPath,
  ecrLoginExpiry,
  readDockerConfig,
} from '../lambda/commands/doctor/docker-config.ts';
import { addressKind, ecrApiHost, regionCheck, resolveHosts } from '../lambda/commands/doctor/endpoints.ts';
import { hostFacts } from '../lambda/commands/doctor/host.ts';
import { imdsCheck, imdsSettings, observeImds } from '../lambda/commands/doctor/imds.ts';
import { pullCheck } from '../lambda/commands/doctor/pull.ts';
import type { DoctorDeps } from '../lambda/commands/doctor/run.ts';
import { RUNBOOKS } from '../lambda/engine/model/runbooks.ts';
import { ecrLogin, hostFiles, leakedSubstrings } from './support/doctor-host.ts';
import { failedResult, healthyResult } from './support/probe-results.ts';

/**
 * Issue 11, item 2: each doctor check in process, from injected inputs (files, addresses, metadata answers,
 * observations). The checks that talk to the SDK's credential chain and to the instance metadata service run
 * against the loopback doubles in test/doctor-credentials.test.ts.
 */

const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const HOST = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
const OTHER = '444455556666.dkr.ecr.us-east-1.amazonaws.com';
const HOME = '/home/dev';
const CONFIG = '/home/dev/.docker/config.json';

function docker(
  config: unknown,
  options: { registryHost?: string | null; path?: string[]; text?: string } = {},
) {
  const files = hostFiles(
    { [CONFIG]: options.text ?? JSON.stringify(config) },
    (options.path ?? []).map((name) => `/usr/local/bin/${name}`),
  );
  return dockerCheck(readDockerConfig(CONFIG, files), {
    registryHost: options.registryHost ?? null,
    now: NOW,
    env: { PATH: '/usr/bin:/usr/local/bin' },
    files,
  });
}

describe("docker's view", () => {
  it('reports an ECR login that expired an hour ago as failed, with its expiry time, and no part of the token', () => {
    const login = ecrLogin(NOW - 3600_000);
    const check = docker({ auths: { [HOST]: { auth: login.auth } } });
    expect(check).toMatchObject({ status: 'fail', runbook: 'auth' });
    expect(check.saw).toContain(
      `${HOST}: the stored docker login expired at 2026-11-27T11:00:00.000Z (1 h ago)`,
    );
    expect(check.details.logins).toEqual([
      expect.objectContaining({
        host: HOST,
        via: 'auths',
        expiresAt: '2026-11-27T11:00:00.000Z',
        status: 'fail',
      }),
    ]);
    expect(check.fix).toContain(`aws ecr get-login-password --region eu-west-1 | docker login`);
    const text = JSON.stringify(check);
    expect(leakedSubstrings(text, [login.auth, login.password, login.payload, login.datakey])).toEqual([]);
  });

  it.each([
    [11 * 3600_000, 'pass', 'expires at 2026-11-27T23:00:00.000Z (in 11 h)'],
    [30 * 60_000, 'warn', 'expires at 2026-11-27T12:30:00.000Z (in 30 min)'],
  ])('a login %d ms from expiry is %s', (ahead, status, words) => {
    const check = docker({ auths: { [`https://${HOST}`]: { auth: ecrLogin(NOW + ahead).auth } } });
    expect(check.status).toBe(status);
    expect(check.saw).toContain(words);
  });

  it('passes a credHelpers ecr-login entry whose helper is on PATH, and fails it when the helper is missing', () => {
    const config = {
      credHelpers: { [HOST]: 'ecr-login' },
      auths: { [HOST]: { auth: ecrLogin(NOW - 1).auth } },
    };
    const found = docker(config, { path: ['docker-credential-ecr-login'] });
    // The helper wins over the stale stored login, as in docker.
    expect(found.status).toBe('pass');
    expect(found.saw).toContain('docker-credential-ecr-login (/usr/local/bin/docker-credential-ecr-login)');
    const missing = docker(config);
    expect(missing.status).toBe('fail');
    expect(missing.saw).toContain('docker-credential-ecr-login is not on PATH');
    expect(missing.fix).toContain('Install docker-credential-ecr-login on PATH');
  });

  it('warns that "credsStore": "ecr-login" makes every other registry\'s docker login fail, and names credHelpers', () => {
    const check = docker(
      { credsStore: 'ecr-login', auths: {} },
      { path: ['docker-credential-ecr-login'], registryHost: HOST },
    );
    expect(check.status).toBe('warn');
    expect(check.saw).toContain('docker login to any registry fails ("not implemented")');
    expect(check.fix).toContain(`"credHelpers": {"${HOST}": "ecr-login"}`);
    expect(check.runbook).toBe('credentials');
    // The same helper named per host is the configuration to have: a pass.
    const perHost = docker(
      { credHelpers: { [HOST]: 'ecr-login' }, auths: {} },
      { path: ['docker-credential-ecr-login'] },
    );
    expect(perHost.status).toBe('pass');
  });

  it('warns that a credsStore keeps the login where its expiry cannot be read', () => {
    const check = docker(
      { credsStore: 'desktop', auths: { [HOST]: {} } },
      { path: ['docker-credential-desktop'] },
    );
    expect(check.status).toBe('warn');
    expect(check.saw).toContain('kept by the "desktop" helper');
  });

  it('ignores registries that are not ECR, and skips (never passes) when there is nothing for ECR', () => {
    const check = docker({ auths: { 'https://index.docker.io/v1/': { auth: 'dXNlcjpwYXNz' } } });
    expect(check).toMatchObject({ status: 'skip', details: { logins: [] } });
    expect(check.saw).toContain('nothing to check');
  });

  it("with --registry, fails only that registry's login; another expired login is a warning", () => {
    const auths = {
      [HOST]: { auth: ecrLogin(NOW + 6 * 3600_000).auth },
      [OTHER]: { auth: ecrLogin(NOW - 1).auth },
    };
    const check = docker({ auths }, { registryHost: HOST });
    expect(check.status).toBe('warn');
    expect(check.details.logins).toEqual([
      expect.objectContaining({ host: HOST, status: 'pass' }),
      expect.objectContaining({ host: OTHER, status: 'warn' }),
    ]);
    expect(docker({ auths }, { registryHost: OTHER }).status).toBe('fail');
  });

  it('warns with the path when the config is malformed, without quoting it', () => {
    const login = ecrLogin(NOW);
    const check = docker(null, { text: `{"auths": {"${HOST}": {"auth": "${login.auth}"}}` });
    expect(check.status).toBe('warn');
    expect(check.saw).toMatch(
      /^docker's config \/home\/dev\/\.docker\/config\.json cannot be used: not valid JSON \(at character \d+\)$/,
    );
    expect(leakedSubstrings(JSON.stringify(check), [login.auth])).toEqual([]);
    expect(docker(null, { text: '[1]' }).saw).toContain('not a JSON object');
  });

  it('warns about a stored login whose token is not an ECR token', () => {
    const check = docker({ auths: { [HOST]: { auth: Buffer.from('AWS:not-a-token').toString('base64') } } });
    expect(check.status).toBe('warn');
    expect(check.saw).toContain('the password is not an ECR token');
  });

  it('reads DOCKER_CONFIG, and gives a missing config the same status (skip) with or without --registry', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/ci-docker' }, HOME)).toBe('/etc/ci-docker/config.json');
    expect(dockerConfigPath({}, HOME)).toBe(CONFIG);
    const none = hostFiles({});
    const options = { now: NOW, env: {}, files: none };
    const unnamed = dockerCheck(readDockerConfig(CONFIG, none), { ...options, registryHost: null });
    const named = dockerCheck(readDockerConfig(CONFIG, none), { ...options, registryHost: HOST });
    expect(unnamed.status).toBe('skip');
    expect(named.status).toBe(unnamed.status);
    expect(named.saw).toContain(`If this host pulls ${HOST} with docker`);
    // A config that docker does use, without a login for the named host, is a finding: docker pull fails.
    expect(docker({ auths: {} }, { registryHost: HOST }).status).toBe('warn');
  });

  it('decodes only the expiration of an ECR token', () => {
    expect(ecrLoginExpiry(ecrLogin(NOW).auth)).toEqual({ expiresAtMs: NOW });
    expect(ecrLoginExpiry(Buffer.from('bob:x').toString('base64'))).toEqual({
      problem: 'the user is not AWS, so this is not an ECR token',
    });
    expect(ecrLoginExpiry(undefined)).toEqual({ problem: 'the entry has no "auth" value' });
  });
});

describe('host facts', () => {
  it('infers a container and an EC2 instance from their marks, and says from what', () => {
    const facts = hostFacts(
      {},
      hostFiles({
        '/proc/1/cgroup': '0::/kubepods/burstable/pod1234/abcd\n',
        '/sys/devices/virtual/dmi/id/board_vendor': 'Amazon EC2\n',
      }),
    );
    expect(facts.inContainer).toEqual({ value: true, evidence: '/proc/1/cgroup names kubepods' });
    expect(facts.onEc2).toEqual({
      value: true,
      evidence: '/sys/devices/virtual/dmi/id/board_vendor is "Amazon EC2"',
    });
    const laptop = hostFacts({}, hostFiles({ '/sys/devices/virtual/dmi/id/sys_vendor': 'LENOVO\n' }));
    expect(laptop.inContainer.value).toBe(false);
    expect(laptop.onEc2).toEqual({ value: false, evidence: `the machine's vendor is "LENOVO"` });
  });
});

const EC2_CONTAINER = hostFacts(
  { ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' },
  hostFiles({ '/sys/hypervisor/uuid': 'ec2e1916-9099-7caf-fd21-012345abcdef' }),
);
const LAPTOP = hostFacts({}, hostFiles({ '/sys/devices/virtual/dmi/id/sys_vendor': 'LENOVO' }));

describe('instance metadata verdicts', () => {
  const observation = {
    endpoint: 'http://169.254.169.254',
    disabled: false,
    timeoutMs: 1000,
    token: null,
    plainGet: null,
    role: null,
  };

  it('fails with the hop-limit fix when the token PUT times out in a container while a plain GET is answered', () => {
    const check = imdsCheck(
      { ...observation, token: { kind: 'timeout' }, plainGet: { kind: 'status', status: 401, body: '' } },
      EC2_CONTAINER,
    );
    expect(check.status).toBe('fail');
    expect(check.saw).toContain('no answer within 1000 ms while a plain GET was answered (HTTP 401)');
    expect(check.saw).toContain('HttpPutResponseHopLimit of 1 seen from a container');
    expect(check.fix).toContain('--http-put-response-hop-limit 2');
  });

  it('passes a host where nothing answers and that is not EC2, and warns on an EC2 instance', () => {
    const silent = {
      ...observation,
      token: { kind: 'timeout' as const },
      plainGet: { kind: 'timeout' as const },
    };
    // Not an EC2 instance: the metadata service is no part of the pull path, so nothing passed.
    expect(imdsCheck(silent, LAPTOP).status).toBe('skip');
    const onEc2 = imdsCheck(silent, EC2_CONTAINER);
    expect(onEc2.status).toBe('warn');
    expect(onEc2.saw).toContain('this is not the hop-limit symptom alone');
  });

  it('says a 403 at the metadata address off EC2 is not EC2, with advice for a host that is not EC2', () => {
    const refused = { ...observation, token: { kind: 'status' as const, status: 403, body: '' } };
    const laptop = imdsCheck(refused, LAPTOP);
    expect(laptop.status).toBe('skip');
    expect(laptop.saw).toContain('refused the IMDSv2 token request (HTTP 403)');
    expect(laptop.saw).toContain(
      `this does not look like an EC2 instance (the machine's vendor is "LENOVO")`,
    );
    expect(laptop.saw).toContain("not EC2's instance metadata service");
    expect(laptop.fix).toMatch(/^Off EC2, give the SDK credentials another way/);
    expect(`${laptop.saw} ${laptop.fix}`).not.toMatch(/describe-instances|MetadataOptions|hop limit/i);
    // On EC2 the same answer keeps the EC2 advice.
    const ec2 = imdsCheck(refused, EC2_CONTAINER);
    expect(ec2.status).toBe('warn');
    expect(ec2.fix).toContain('aws ec2 describe-instances');
  });

  it('follows the SDK: disabled by AWS_EC2_METADATA_DISABLED, endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT', () => {
    expect(imdsSettings({ AWS_EC2_METADATA_DISABLED: 'true' }).disabled).toBe(true);
    expect(imdsSettings({ AWS_EC2_METADATA_DISABLED: 'false' }).disabled).toBe(false);
    expect(imdsSettings({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9/' }).endpoint).toBe(
      'http://127.0.0.1:9',
    );
    expect(imdsSettings({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }).endpoint).toBe(
      'http://[fd00:ec2::254]',
    );
  });

  it('asks nothing when disabled', async () => {
    const seen = await observeImds({ endpoint: 'http://127.0.0.1:9', disabled: true }, 50);
    expect(seen).toMatchObject({ token: null, plainGet: null });
    expect(imdsCheck(seen, LAPTOP).status).toBe('skip');
  });
});

function credentialObservation(overrides: Partial<CredentialObservation> = {}): CredentialObservation {
  return {
    region: 'eu-west-1',
    source: {
      provider: 'environment',
      how: 'environment variables',
      inferred: false,
      markers: ['CREDENTIALS_ENV_VARS'],
    },
    error: null,
    identity: { arn: 'arn:aws:iam::111122223333:user/ci', account: '111122223333' },
    identityError: null,
    offered: [],
    attempts: { attempts: 1, throttled: 0, dateSamples: [], clockSkewCorrected: false },
    sdkOffsetMs: null,
    ...overrides,
  };
}

describe('credential chain verdicts', () => {
  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, {}, 'environment', false],
    [{ CREDENTIALS_PROFILE_SSO: 'r', CREDENTIALS_PROFILE: 'n' }, {}, 'profile', false],
    [
      { CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k' },
      {},
      'web-identity',
      false,
    ],
    [{ CREDENTIALS_HTTP: 'z' }, {}, 'container', false],
    [undefined, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }, 'container', true],
    [undefined, {}, 'imds', true],
  ])('maps the SDK markers %j (env %j) to %s', (source, env, provider, inferred) => {
    expect(providerFromSource(source, env)).toMatchObject({ provider, inferred });
  });

  it('lists what else offers credentials; IMDS only when no container variable hides it from the SDK', () => {
    const imds = { endpoint: '', disabled: false, timeoutMs: 1, token: null, plainGet: null, role: 'web' };
    expect(
      offeredProviders({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, imds).map(
        (o) => o.provider,
      ),
    ).toEqual(['environment', 'imds']);
    expect(
      offeredProviders({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/' }, imds).map(
        (o) => o.provider,
      ),
    ).toEqual(['container']);
  });

  it('warns which provider won when a later one also offers credentials', () => {
    const check = credentialsCheck(
      credentialObservation({
        offered: [
          { provider: 'environment', evidence: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set' },
          { provider: 'imds', evidence: 'the instance metadata service offers role "web"' },
        ],
      }),
    );
    expect(check.status).toBe('warn');
    expect(check.saw).toContain('environment won and shadows imds');
    expect(check.fix).toContain('unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN');
  });

  it('fails with the credentials runbook when the chain gives nothing, and with auth when STS refuses them', () => {
    const none = credentialsCheck(
      credentialObservation({
        source: null,
        error: { code: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
      }),
    );
    expect(none).toMatchObject({ status: 'fail', runbook: 'credentials', fix: RUNBOOKS.credentials.fix });
    const refused = credentialsCheck(
      credentialObservation({
        identity: null,
        identityError: {
          code: 'InvalidClientTokenId',
          message: 'The security token included in the request is invalid.',
        },
      }),
    );
    expect(refused).toMatchObject({ status: 'fail', runbook: 'auth' });
  });
});

describe('clock verdicts', () => {
  // The STS answer stamped `Date` at server time; the host sent at `sentAtMs` and received 40 ms later.
  const observed = (hostAheadSeconds: number) =>
    credentialObservation({
      attempts: {
        attempts: 1,
        throttled: 0,
        clockSkewCorrected: false,
        dateSamples: [
          {
            dateHeader: new Date(NOW).toUTCString(),
            sentAtMs: NOW + 480 + hostAheadSeconds * 1000,
            receivedAtMs: NOW + 520 + hostAheadSeconds * 1000,
          },
        ],
      },
    });

  it.each([
    [0, 'pass', 'well inside the 5-minute SigV4 window'],
    [120, 'warn', "over the canary's 60 s threshold"],
    [-400, 'fail', 'outside the 5-minute SigV4 window'],
  ])('host %d s ahead of AWS: %s', (ahead, status, words) => {
    const check = clockCheck(observed(ahead), 60);
    expect(check.status).toBe(status);
    expect(check.saw).toContain(words);
    expect(check.saw).toContain(`host minus AWS: ${ahead > 0 ? '+' : ''}${ahead} s ±0.5 s`);
  });

  it('skips without an answered signed request', () => {
    expect(
      clockCheck(credentialObservation({ attempts: { ...observed(0).attempts, dateSamples: [] } }), 60)
        .status,
    ).toBe('skip');
  });
});

describe('region and endpoints', () => {
  const facts = {
    registryHost: HOST,
    configuredRegion: 'eu-west-1',
    regionSource: 'AWS_REGION',
    apiOverride: null,
  };
  const resolve = (answers: Record<string, string[] | Error>) =>
    resolveHosts(
      [
        { role: 'api', host: 'api.ecr.eu-west-1.amazonaws.com' },
        { role: 'registry', host: HOST },
      ],
      async (host) => {
        const answer = answers[host];
        if (answer instanceof Error) throw answer;
        return answer ?? [];
      },
      100,
    );

  it('passes private addresses for both hosts (VPC endpoints with private DNS)', async () => {
    const dns = await resolve({ 'api.ecr.eu-west-1.amazonaws.com': ['10.0.1.5'], [HOST]: ['10.0.2.7'] });
    const check = regionCheck(facts, dns);
    expect(check.status).toBe('pass');
    expect(check.saw).toContain(`${HOST} → 10.0.2.7 (private)`);
  });

  it('warns when only one of the two hosts resolves privately', async () => {
    const dns = await resolve({ 'api.ecr.eu-west-1.amazonaws.com': ['10.0.1.5'], [HOST]: ['52.94.1.10'] });
    const check = regionCheck(facts, dns);
    expect(check).toMatchObject({ status: 'warn', runbook: 'network' });
    expect(check.saw).toContain('the ecr.dkr interface endpoint is missing or has private DNS off');
  });

  it('warns when the registry region differs from the configured region', async () => {
    const dns = await resolve({ 'api.ecr.eu-west-1.amazonaws.com': ['52.1.1.1'], [HOST]: ['52.94.1.10'] });
    const check = regionCheck({ ...facts, configuredRegion: 'us-east-1' }, dns);
    expect(check.status).toBe('warn');
    expect(check.saw).toContain('the registry is in eu-west-1 but the configured region is us-east-1');
    expect(check.fix).toContain('aws ecr get-login-password --region eu-west-1');
  });

  it('fails with the network runbook when a host does not resolve, and a hung resolver meets its deadline', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const failed = regionCheck(
      facts,
      await resolve({ 'api.ecr.eu-west-1.amazonaws.com': ['10.0.1.5'], [HOST]: notFound }),
    );
    expect(failed).toMatchObject({ status: 'fail', runbook: 'network' });
    expect(failed.saw).toContain(`${HOST} does not resolve (ENOTFOUND)`);
    const started = Date.now();
    const [hung] = await resolveHosts([{ role: 'api', host: 'x.example' }], () => new Promise(() => {}), 50);
    expect(hung?.error).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('says "set AWS_REGION" when no region is configured, even when the guessed API host does not resolve', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const noRegion = { ...facts, registryHost: null, configuredRegion: null, regionSource: 'none' };
    const dns = await resolveHosts(
      [{ role: 'api', host: 'api.ecr.us-east-1.amazonaws.com' }],
      async () => {
        throw notFound;
      },
      100,
    );
    const check = regionCheck(noRegion, dns);
    expect(check.fix).toMatch(/^Set AWS_REGION/);
    expect(check.fix).not.toContain(RUNBOOKS.network.fix);
    expect(check.runbook).toBeNull();
    const resolved = regionCheck(noRegion, [
      {
        role: 'api',
        host: 'api.ecr.us-east-1.amazonaws.com',
        addresses: ['52.1.1.1'],
        kinds: ['public'],
        error: null,
      },
    ]);
    expect(resolved).toMatchObject({ status: 'warn', runbook: null });
    expect(resolved.fix).toMatch(/^Set AWS_REGION/);
    // A registry host that does not resolve is a network problem whatever the region: both fixes, region first.
    const registryDown = regionCheck(
      { ...noRegion, registryHost: HOST },
      await resolve({ 'api.ecr.eu-west-1.amazonaws.com': ['52.1.1.1'], [HOST]: notFound }),
    );
    expect(registryDown).toMatchObject({ status: 'fail', runbook: 'network' });
    expect(registryDown.fix).toMatch(/^Set AWS_REGION=eu-west-1.*Then: /);
  });

  it('classifies addresses and finds the API host the SDK would call', () => {
    expect(['10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', 'fd12::1'].map(addressKind)).toEqual(
      Array(5).fill('private'),
    );
    expect(['52.94.1.10', '172.32.0.1', '2600:1f18::1'].map(addressKind)).toEqual(Array(3).fill('public'));
    expect(ecrApiHost('cn-north-1', {})).toEqual({
      host: 'api.ecr.cn-north-1.amazonaws.com.cn',
      override: null,
    });
    expect(ecrApiHost('eu-west-1', { AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:4566' })).toEqual({
      host: '127.0.0.1',
      override: 'AWS_ENDPOINT_URL_ECR',
    });
  });
});

describe('the pull itself', () => {
  it("is the probe's verdict with its runbook, and a skip without an image", () => {
    expect(pullCheck(healthyResult()).status).toBe('pass');
    const failed = pullCheck(failedResult('permission'));
    expect(failed).toMatchObject({ status: 'fail', runbook: 'permission', fix: RUNBOOKS.permission.fix });
    expect(pullCheck(null).status).toBe('skip');
  });
});

describe('runDoctor', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function doctor(argv: string[], deps: Partial<DoctorDeps> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runDoctor(
      argv,
      {
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
        env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
      deps,
    );
    return { code, stdout, stderr };
  }

  it('prints its help with the exit statuses, warn-only exiting 0', async () => {
    const run = await doctor(['--help']);
    expect(run.code).toBe(DOCTOR_EXIT.ok);
    expect(run.stdout).toBe(`${DOCTOR_USAGE}\n`);
    expect(DOCTOR_USAGE).toContain(
      '0 no check failed (warnings alone exit 0), 1 a check failed, 2 usage error',
    );
  });

  it.each([
    [['--registry', 'docker.io'], '--registry "docker.io" is not allowed; allowed: an ECR registry host'],
    [['--registry', 'ghcr.io/org/app:1'], '--registry "ghcr.io/org/app:1" is not allowed'],
    [['--registry'], "Option '--registry <value>' argument missing"],
    [['--bogus'], 'unknown option --bogus'],
    [['extra'], 'unexpected argument "extra"'],
  ])('exits 2 for %j', async (argv, message) => {
    const run = await doctor(argv);
    expect(run.code).toBe(DOCTOR_EXIT.usage);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: ecr-pull-canary doctor [--registry HOST|IMAGE] [--json]');
    expect(run.stdout).toBe('');
  });
});
