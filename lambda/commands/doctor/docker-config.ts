import { join } from 'node:path';
import { ecrRegistryHost } from '../../engine/model/image-ref.ts';
import { ecrLoginCommand, RUNBOOKS } from '../../engine/model/runbooks.ts';
import { type CheckResult, type CheckStatus, relativeTime } from './check.ts';
import { findOnPath, type HostFiles } from './host.ts';

/** A login this close to its 12-hour end is worth a warning: a long job started now outlives it. */
export const LOGIN_EXPIRY_WARNING_MS = 60 * 60 * 1000;

/** Where docker reads its client configuration: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker', 'config.json');
}

export type DockerConfigRead =
  | { path: string; state: 'missing' }
  | { path: string; state: 'malformed'; problem: string }
  | { path: string; state: 'ok'; config: DockerConfig };

export interface DockerConfig {
  auths: Record<string, { auth?: unknown }>;
  credHelpers: Record<string, unknown>;
  credsStore: string | null;
}

export function readDockerConfig(path: string, files: HostFiles): DockerConfigRead {
  const text = files.read(path);
  if (text === null) return { path, state: 'missing' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text near the error, which could be part of a token: only its position is kept.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    return { path, state: 'malformed', problem: `not valid JSON${at ? ` (at character ${at})` : ''}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { path, state: 'malformed', problem: 'not a JSON object' };
  const record = parsed as Record<string, unknown>;
  const objectOf = (key: string) => {
    const value = record[key];
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, never>)
      : {};
  };
  return {
    path,
    state: 'ok',
    config: {
      auths: objectOf('auths'),
      credHelpers: objectOf('credHelpers'),
      credsStore: typeof record.credsStore === 'string' && record.credsStore ? record.credsStore : null,
    },
  };
}

/** docker keys `auths` by `host`, `https://host` or `https://host/v1/`; the host is what matters. */
function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}

/**
 * The expiry an ECR login carries in itself: `auth` is base64("AWS:" + password), and the password is base64 of
 * a JSON object with `payload`, `datakey`, `version`, `type` and `expiration` (Unix seconds): the token that
 * GetAuthorizationToken returns, valid for 12 hours (ECR API reference, GetAuthorizationToken).
 * Only `expiration` is read; nothing of the token leaves this function, not even in a reason.
 */
export function ecrLoginExpiry(auth: unknown): { expiresAtMs: number } | { problem: string } {
  if (typeof auth !== 'string' || auth === '') return { problem: 'the entry has no "auth" value' };
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { problem: '"auth" is not base64 of user:password' };
  if (decoded.slice(0, colon) !== 'AWS')
    return { problem: 'the user is not AWS, so this is not an ECR token' };
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(decoded.slice(colon + 1), 'base64').toString('utf8'));
  } catch {
    return { problem: 'the password is not an ECR token (base64 of a JSON object)' };
  }
  const expiration = (token as { expiration?: unknown } | null)?.expiration;
  if (typeof expiration !== 'number' || !Number.isFinite(expiration))
    return { problem: 'the ECR token carries no numeric "expiration"' };
  return { expiresAtMs: expiration * 1000 };
}

/** What docker will do for one ECR registry host. */
export interface EcrLogin {
  host: string;
  /** Where docker takes the credential from for this host: a helper wins over a stored login. */
  via: 'credHelpers' | 'credsStore' | 'auths' | 'none';
  helper: string | null;
  helperPath: string | null;
  expiresAt: string | null;
  status: CheckStatus;
  note: string;
}

export interface DockerCheckOptions {
  /** The registry asked about (--registry); other hosts' problems are warnings only. */
  registryHost: string | null;
  now: number;
  env: NodeJS.ProcessEnv;
  files: HostFiles;
}

export function dockerCheck(read: DockerConfigRead, options: DockerCheckOptions): CheckResult {
  const base = { id: 'docker' as const };
  if (read.state === 'missing') {
    // No config file: docker is not set up on this host (kubelet and containerd hosts have none), so there is
    // no docker view to check, whether or not --registry named a host: the same status either way.
    const named = options.registryHost
      ? ` If this host pulls ${options.registryHost} with docker, configure the ECR credential helper or log in first.`
      : '';
    return {
      ...base,
      status: 'skip',
      saw: `no docker config at ${read.path}: docker has no login and no credential helper for any registry, so there is nothing of docker's to check.${named}`,
      fix: null,
      runbook: null,
      details: { path: read.path, logins: [] },
    };
  }
  if (read.state === 'malformed') {
    return {
      ...base,
      status: 'warn',
      saw: `docker's config ${read.path} cannot be used: ${read.problem}`,
      fix: `Repair or remove ${read.path} (docker then asks for a new login), and log in again.`,
      runbook: null,
      details: { path: read.path, problem: read.problem },
    };
  }
  const logins = ecrLogins(read.config, options);
  const details = { path: read.path, credsStore: read.config.credsStore, logins };
  if (logins.length === 0) {
    // Nothing for ECR in it and no registry named: nothing was checked, so nothing passed.
    return {
      ...base,
      status: 'skip',
      saw: `${read.path} has no login or helper for an ECR registry: nothing to check (give --registry HOST to check one)`,
      fix: null,
      runbook: null,
      details,
    };
  }
  const worst = logins.reduce<CheckStatus>(
    (status, login) => (rank(login.status) < rank(status) ? login.status : status),
    'pass',
  );
  const problem = logins.find((login) => login.status === worst);
  const saw = logins.map((login) => `${login.host}: ${login.note}`).join('; ');
  // The ECR helper as credsStore serves ECR pulls, but docker sends every registry's login to it, and it refuses
  // to store one ("not implemented"): `docker login` to Docker Hub or GHCR fails on this host (issue 26's corpus:
  // Copilot, the AWS CLI pipe, CI login actions).
  if (read.config.credsStore === ECR_HELPER && worst === 'pass') {
    return {
      ...base,
      status: 'warn',
      saw: `${saw}; but "credsStore": "${ECR_HELPER}" applies to every registry: docker login to any registry fails ("not implemented"), and other registries' logins cannot be stored`,
      fix: `Name the ECR helper per ECR host instead: "credHelpers": {${logins.map((login) => `"${login.host}": "${ECR_HELPER}"`).join(', ')}}, and remove "credsStore" (or set it to the OS keychain helper).`,
      runbook: 'credentials',
      details,
    };
  }
  return {
    ...base,
    status: worst,
    saw,
    fix: worst === 'pass' || !problem ? null : fixFor(problem),
    runbook: worst === 'pass' ? null : 'auth',
    details,
  };
}

/** The ECR credential helper's name in docker's config (`docker-credential-ecr-login`). */
const ECR_HELPER = 'ecr-login';

const rank = (status: CheckStatus) => ['fail', 'warn', 'pass', 'skip'].indexOf(status);

function ecrLogins(config: DockerConfig, options: DockerCheckOptions): EcrLogin[] {
  const hosts = new Set<string>();
  for (const key of [...Object.keys(config.auths), ...Object.keys(config.credHelpers)]) {
    const host = hostOfKey(key);
    if (ecrRegistryHost(host)) hosts.add(host);
  }
  if (options.registryHost) hosts.add(options.registryHost);
  return [...hosts].sort().map((host) => {
    const login = ecrLogin(host, config, options);
    // A problem with a registry nobody asked about is worth knowing, not a failed check.
    if (options.registryHost && host !== options.registryHost && login.status === 'fail')
      return { ...login, status: 'warn' };
    return login;
  });
}

function ecrLogin(host: string, config: DockerConfig, options: DockerCheckOptions): EcrLogin {
  const helperKey = Object.keys(config.credHelpers).find((key) => hostOfKey(key) === host);
  const helper = helperKey ? String(config.credHelpers[helperKey]) : config.credsStore;
  const entryKey = Object.keys(config.auths).find((key) => hostOfKey(key) === host);
  const entry = entryKey ? config.auths[entryKey] : undefined;
  const common = { host, expiresAt: null, helper: helper ?? null, helperPath: null };
  if (helper) {
    const binary = `docker-credential-${helper}`;
    const path = findOnPath(binary, options.env, options.files);
    const via = helperKey ? 'credHelpers' : 'credsStore';
    if (!path) {
      return {
        ...common,
        via,
        status: 'fail',
        note: `docker asks the ${via} helper "${helper}", but ${binary} is not on PATH, so every pull fails ("executable file not found in $PATH")`,
      };
    }
    if (helper === ECR_HELPER) {
      return {
        ...common,
        via,
        helperPath: path,
        status: 'pass',
        note: `docker asks ${binary} (${path}), which fetches a fresh token for each pull`,
      };
    }
    return {
      ...common,
      via,
      helperPath: path,
      status: 'warn',
      note: `the login is kept by the "${helper}" helper (${path}); its 12-hour expiry cannot be read without running the helper`,
    };
  }
  if (!entry) {
    return {
      ...common,
      via: 'none',
      status: host === options.registryHost ? 'warn' : 'pass',
      note: 'no login and no helper: docker pull fails with "no basic auth credentials"',
    };
  }
  const expiry = ecrLoginExpiry(entry.auth);
  if ('problem' in expiry) {
    return {
      ...common,
      via: 'auths',
      status: 'warn',
      note: `a stored login whose expiry cannot be read: ${expiry.problem}`,
    };
  }
  const expiresAt = new Date(expiry.expiresAtMs).toISOString();
  const when = relativeTime(expiry.expiresAtMs, options.now);
  if (expiry.expiresAtMs <= options.now) {
    return {
      ...common,
      via: 'auths',
      expiresAt,
      status: 'fail',
      note: `the stored docker login expired at ${expiresAt} (${when}): pulls fail with 403 "Your authorization token has expired"`,
    };
  }
  return {
    ...common,
    via: 'auths',
    expiresAt,
    status: expiry.expiresAtMs - options.now <= LOGIN_EXPIRY_WARNING_MS ? 'warn' : 'pass',
    note: `the stored docker login expires at ${expiresAt} (${when}); nothing renews it`,
  };
}

function loginFix(host: string): string {
  const region = ecrRegistryHost(host)?.region ?? undefined;
  return `Use the ECR credential helper ("credHelpers": {"${host}": "ecr-login"} with docker-credential-ecr-login on PATH), or log in again: ${ecrLoginCommand(region, host)}`;
}

function fixFor(login: EcrLogin): string {
  if (login.via === 'credHelpers' || login.via === 'credsStore') {
    if (!login.helperPath)
      return `Install docker-credential-${login.helper} on PATH, or remove it from ${login.via}. ${loginFix(login.host)}`;
    return loginFix(login.host);
  }
  return `${loginFix(login.host)}. ${RUNBOOKS.auth.fix}`;
}

/**
 * Every form of every stored login in docker's config (the `auth` value, the decoded password, an ECR token's
 * `payload` and `datakey`), so the doctor's output can be scrubbed of them as a last line of defence.
 */
export function ecrLoginSecrets(env: NodeJS.ProcessEnv, home: string, files: HostFiles): string[] {
  const read = readDockerConfig(dockerConfigPath(env, home), files);
  if (read.state !== 'ok') return [];
  const secrets: string[] = [];
  for (const entry of Object.values(read.config.auths)) {
    const record = entry as Record<string, unknown>;
    for (const key of ['auth', 'identitytoken', 'registrytoken', 'password']) {
      if (typeof record[key] === 'string') secrets.push(record[key] as string);
    }
    if (typeof record.auth !== 'string') continue;
    const decoded = Buffer.from(record.auth, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    secrets.push(password);
    try {
      const token = JSON.parse(Buffer.from(password, 'base64').toString('utf8')) as Record<string, unknown>;
      for (const key of ['payload', 'datakey'])
        if (typeof token[key] === 'string') secrets.push(token[key] as string);
    } catch {
      // Not an ECR token: the password itself is already in the list.
    }
  }
  return secrets;
}
