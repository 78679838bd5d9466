import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ecrRegistryHost } from '../../engine/model/image-ref.ts';
import { RUNBOOKS } from '../../engine/model/runbooks.ts';
import { errorCodeOf } from '../../engine/probe/classify.ts';
import { withDeadline } from '../../engine/probe/deadline.ts';
import type { CheckResult } from './check.ts';

/** Addresses of a host name; injected so tests resolve nothing for real. */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export type AddressKind = 'private' | 'public' | 'loopback';

/**
 * A VPC interface endpoint with private DNS answers with addresses from the VPC's CIDR: RFC 1918, or 100.64.0.0/10
 * and IPv6 unique-local when the VPC uses them. Anything else routes over a NAT or internet gateway.
 */
export function addressKind(address: string): AddressKind {
  if (isIP(address) === 6) {
    const lower = address.toLowerCase();
    if (lower === '::1') return 'loopback';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped?.[1]) return addressKind(mapped[1]);
    return /^f[cd][0-9a-f]{2}:/.test(lower) ? 'private' : 'public';
  }
  const [a = 0, b = 0] = address.split('.').map(Number);
  if (a === 127) return 'loopback';
  if (
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  )
    return 'private';
  return 'public';
}

/** The ECR API host the SDK calls for a region, or the host of the endpoint override it would use instead. */
export function ecrApiHost(
  region: string,
  env: NodeJS.ProcessEnv,
): { host: string; override: string | null } {
  for (const name of ['AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL']) {
    const value = env[name];
    if (!value) continue;
    try {
      return { host: new URL(value).hostname.replace(/^\[|\]$/g, ''), override: name };
    } catch {
      // The SDK refuses it too; fall through to the standard host.
    }
  }
  return { host: `api.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`, override: null };
}

export interface HostResolution {
  role: 'registry' | 'api';
  host: string;
  addresses: string[];
  kinds: AddressKind[];
  error: string | null;
}

export async function resolveHosts(
  hosts: Array<{ role: HostResolution['role']; host: string }>,
  resolver: Resolver,
  timeoutMs: number,
): Promise<HostResolution[]> {
  return Promise.all(
    hosts.map(async ({ role, host }) => {
      if (isIP(host)) return { role, host, addresses: [host], kinds: [addressKind(host)], error: null };
      try {
        const addresses = await withDeadline(() => resolver(host), timeoutMs, `resolving ${host}`);
        return { role, host, addresses, kinds: [...new Set(addresses.map(addressKind))], error: null };
      } catch (error) {
        return { role, host, addresses: [], kinds: [], error: errorCodeOf(error) };
      }
    }),
  );
}

export interface RegionFacts {
  registryHost: string | null;
  configuredRegion: string | null;
  /** Where the configured region came from, in words. */
  regionSource: string;
  apiOverride: string | null;
}

export function regionCheck(facts: RegionFacts, resolutions: HostResolution[]): CheckResult {
  const registryRegion = facts.registryHost ? (ecrRegistryHost(facts.registryHost)?.region ?? null) : null;
  const details = { ...facts, registryRegion, dns: resolutions };
  const base = { id: 'region' as const, details };
  const failed = resolutions.filter((r) => r.error);
  const dnsText = resolutions
    .map((r) =>
      r.error
        ? `${r.host} does not resolve (${r.error})`
        : `${r.host} → ${r.addresses.join(', ')} (${r.kinds.join('/')})`,
    )
    .join('; ');
  const problems: string[] = [];
  let fix: string | null = null;
  if (!facts.configuredRegion) {
    problems.push(
      `no region is configured (AWS_REGION, AWS_DEFAULT_REGION or the profile's region)${registryRegion ? '' : ", so the ECR API host checked is us-east-1's"}`,
    );
    fix = `Set AWS_REGION${registryRegion ? `=${registryRegion}` : ''}, or pass --region to aws ecr get-login-password.`;
  } else if (registryRegion && registryRegion !== facts.configuredRegion) {
    problems.push(
      `the registry is in ${registryRegion} but the configured region is ${facts.configuredRegion} (${facts.regionSource}): a token fetched without --region is for ${facts.configuredRegion}'s registry, which ${registryRegion}'s rejects`,
    );
    fix = `Fetch the token in the registry's region: aws ecr get-login-password --region ${registryRegion}, or set AWS_REGION=${registryRegion} for this workload.`;
  }
  if (failed.length > 0) {
    // With no region configured the API host checked is a guess (us-east-1's unless the registry names one): its
    // failing to resolve says nothing about VPC endpoints, and the fix is the region. A registry host that does
    // not resolve is a network problem whatever the region.
    const guessedApi = !facts.configuredRegion && !registryRegion && !facts.apiOverride;
    const networkFailed = failed.some((r) => r.role === 'registry' || !guessedApi);
    return {
      ...base,
      status: 'fail',
      saw: [dnsText, ...problems].join('; '),
      fix: networkFailed ? [fix, RUNBOOKS.network.fix].filter(Boolean).join(' Then: ') : fix,
      runbook: networkFailed ? 'network' : null,
    };
  }
  const api = resolutions.find((r) => r.role === 'api');
  const registry = resolutions.find((r) => r.role === 'registry');
  const isPrivate = (r: HostResolution | undefined) =>
    Boolean(r?.kinds.length) && r?.kinds.every((k) => k !== 'public');
  if (api && registry && !facts.apiOverride && isPrivate(api) !== isPrivate(registry)) {
    const [privateOne, publicOne] = isPrivate(api) ? [api, registry] : [registry, api];
    problems.push(
      `${privateOne.host} resolves to private addresses but ${publicOne.host} to public ones: the ${publicOne.role === 'api' ? 'ecr.api' : 'ecr.dkr'} interface endpoint is missing or has private DNS off, so that half of the pull leaves the VPC`,
    );
    fix ??= RUNBOOKS.network.fix;
  }
  const where = `${facts.configuredRegion ? `configured region ${facts.configuredRegion} (${facts.regionSource})` : 'no configured region'}${registryRegion ? `, registry region ${registryRegion}` : ''}`;
  const overrideText = facts.apiOverride
    ? `; the ECR API endpoint is overridden by ${facts.apiOverride}`
    : '';
  if (problems.length > 0) {
    return {
      ...base,
      status: 'warn',
      saw: `${problems.join('; ')}. DNS: ${dnsText}${overrideText}`,
      fix,
      runbook: !facts.configuredRegion
        ? null
        : registryRegion && registryRegion !== facts.configuredRegion
          ? 'not-found'
          : 'network',
    };
  }
  return {
    ...base,
    status: 'pass',
    saw: `${where}; DNS: ${dnsText}${overrideText}`,
    fix: null,
    runbook: null,
  };
}
