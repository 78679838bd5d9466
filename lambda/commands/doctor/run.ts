import { homedir } from 'node:os';
import { STSClient } from '@aws-sdk/client-sts';
import { ecrRegistryHost } from '../../engine/model/image-ref.ts';
import { PROBE_DEFAULTS } from '../../engine/model/limits.ts';
import type { ResolvedTarget } from '../../engine/model/target.ts';
import type { ProbeResult } from '../../engine/model/types.ts';
import { createAwsClientFactory } from '../../engine/probe/aws-clients.ts';
import { probeTargets } from '../../engine/probe/probe.ts';
import type { CheckResult } from './check.ts';
import { clockCheck, credentialsCheck, observeCredentials } from './credentials.ts';
import { dockerCheck, dockerConfigPath, readDockerConfig } from './docker-config.ts';
import { ecrApiHost, type Resolver, regionCheck, resolveHosts, systemResolver } from './endpoints.ts';
import { type HostFiles, hostFacts, realHostFiles } from './host.ts';
import { imdsCheck, imdsSettings, observeImds } from './imds.ts';
import { pullCheck } from './pull.ts';

/** What to check: the host alone, or its path to one registry (and one image on it). */
export interface DoctorRequest {
  registryHost: string | null;
  /** The image to pull, when --registry named one. */
  image: ResolvedTarget | null;
}

/** Deadlines of the doctor's network checks: short, so an absent service costs little. */
export interface DoctorTimeouts {
  /** Each request to the instance metadata service (the SDK's own default is 1 s). */
  imdsMs: number;
  /** Resolving the credential chain, and then STS GetCallerIdentity. */
  credentialsMs: number;
  dnsMs: number;
}

export const DOCTOR_TIMEOUTS: DoctorTimeouts = {
  imdsMs: 1000,
  credentialsMs: PROBE_DEFAULTS.credentialsTimeoutMs,
  dnsMs: 2000,
};

/** Everything the doctor reads from the host, injected so each check can be tested in process. */
export interface DoctorDeps {
  /** The environment the SDK also sees (process.env when run as a command). */
  env: NodeJS.ProcessEnv;
  now: () => number;
  home: string;
  files: HostFiles;
  resolver: Resolver;
  /** The region the SDK would use from the shared config files when no variable sets one. */
  profileRegion: () => Promise<string | null>;
  pull: (target: ResolvedTarget) => Promise<ProbeResult>;
  timeouts: DoctorTimeouts;
}

export function defaultDoctorDeps(env: NodeJS.ProcessEnv): DoctorDeps {
  return {
    env,
    now: Date.now,
    home: homedir(),
    files: realHostFiles,
    resolver: systemResolver,
    profileRegion: sdkProfileRegion,
    pull: async (target) => {
      const [result] = await probeTargets(
        [target],
        { defaultRegion: target.region },
        {
          clients: createAwsClientFactory(),
          now: Date.now,
        },
      );
      if (!result) throw new Error('the probe returned no result');
      return result;
    },
    timeouts: DOCTOR_TIMEOUTS,
  };
}

/** The SDK's own region resolution (variables, then the profile in the shared config file). */
async function sdkProfileRegion(): Promise<string | null> {
  const client = new STSClient({});
  try {
    return (await client.config.region()) || null;
  } catch {
    return null;
  } finally {
    client.destroy();
  }
}

/** Runs every check concurrently; each has its own deadline, and none throws for a failing endpoint. */
export async function runChecks(request: DoctorRequest, deps: DoctorDeps): Promise<CheckResult[]> {
  const { env, timeouts } = deps;
  const variableRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || null;
  const configuredRegion = variableRegion ?? (await deps.profileRegion());
  const regionSource = env.AWS_REGION
    ? 'AWS_REGION'
    : env.AWS_DEFAULT_REGION
      ? 'AWS_DEFAULT_REGION'
      : configuredRegion
        ? `the profile ${env.AWS_PROFILE ?? 'default'}`
        : 'none';
  const registryRegion = request.image?.region ?? registryRegionOf(request.registryHost);
  const stsRegion = configuredRegion ?? registryRegion ?? 'us-east-1';
  const api = ecrApiHost(registryRegion ?? configuredRegion ?? 'us-east-1', env);

  const imdsPromise = observeImds(imdsSettings(env), timeouts.imdsMs);
  const [imds, credentials, dns, pulled] = await Promise.all([
    imdsPromise,
    // The shadowing warning needs to know whether IMDS offers a role; the chain itself runs at the same time.
    imdsPromise.then((observation) =>
      observeCredentials(
        { region: stsRegion, timeoutMs: timeouts.credentialsMs, now: deps.now },
        env,
        observation,
      ),
    ),
    resolveHosts(
      [
        { role: 'api' as const, host: api.host },
        ...(request.registryHost ? [{ role: 'registry' as const, host: request.registryHost }] : []),
      ],
      deps.resolver,
      timeouts.dnsMs,
    ),
    request.image ? deps.pull(request.image) : Promise.resolve(null),
  ]);
  const docker = dockerCheck(readDockerConfig(dockerConfigPath(env, deps.home), deps.files), {
    registryHost: request.registryHost,
    now: deps.now(),
    env,
    files: deps.files,
  });
  return [
    credentialsCheck(credentials),
    imdsCheck(imds, hostFacts(env, deps.files)),
    clockCheck(credentials, PROBE_DEFAULTS.clockSkewThresholdSeconds),
    docker,
    regionCheck(
      {
        registryHost: request.registryHost,
        configuredRegion,
        regionSource,
        apiOverride: api.override,
      },
      dns,
    ),
    pullCheck(pulled),
  ];
}

function registryRegionOf(host: string | null): string | null {
  return host ? (ecrRegistryHost(host)?.region ?? null) : null;
}
