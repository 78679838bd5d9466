/**
 * The largest valid configurations (issue 22): every list at its limit, every string at its longest, every
 * option on. test/cdk/limits.test.ts synthesizes them and checks every SERVICE_LIMITS entry; the target
 * benchmark (bench/targets.ts) probes a region of this size.
 */

import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { LIMITS } from '../../lambda/engine/model/limits.ts';

export const LARGEST_ACCOUNT = '123456789012';

/** 32 characters, the longest canary name. */
export const LONGEST_NAME = `c${'x'.repeat(LIMITS.nameMaxLength - 2)}z`;

const pad = (i: number) => String(i).padStart(3, '0');

/** A 256-character repository name (ECR's longest), unique per target. */
function repository(i: number): string {
  const head = `team-${pad(i)}/`;
  return `${head}${'r'.repeat(256 - head.length)}`;
}

/** A target with every field at its longest: a distinct repository, role and principal per target. */
export function longestTarget(i: number, region: string, own: boolean): Record<string, unknown> {
  const name = `target-${pad(i)}-`;
  return {
    image: `${LARGEST_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository(i)}:v${'1'.repeat(127)}`,
    name: `${name}${'n'.repeat(255 - name.length)}`,
    platforms: [
      'linux/amd64',
      'linux/arm64/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/386',
      'linux/ppc64le',
      'linux/s390x',
      'linux/riscv64',
      'windows/amd64',
    ],
    ...(own
      ? { pullThroughCache: true }
      : {
          assumeRoleArn: `arn:aws:iam::${LARGEST_ACCOUNT}:role/path-${pad(i)}/${'p'.repeat(512 - 10 - 64)}/${'n'.repeat(64)}`,
        }),
    expectedPrincipal: `arn:aws:sts::${LARGEST_ACCOUNT}:assumed-role/${'p'.repeat(1900)}/canary-${pad(i)}`,
    registryUrl: `https://${'m'.repeat(63)}.${'n'.repeat(63)}.example.com:65535`,
    expectedDigest: `sha256:${'f'.repeat(64)}`,
    layerCheck: true,
  };
}

export function longestTargets(region: string, count: number = LIMITS.targetsPerRegion) {
  return Array.from({ length: count }, (_, i) => longestTarget(i, region, i % 2 === 0));
}

/** One region with everything on: the largest single canary stack. */
export function largestRegion(region: string): CanaryConfigFile {
  return {
    name: LONGEST_NAME,
    account: LARGEST_ACCOUNT,
    regions: [region],
    namespace: `N${'s'.repeat(254)}`,
    targets: longestTargets(region) as CanaryConfigFile['targets'],
    knownGoodImage: true,
    dashboard: true,
    vpc: {
      subnetIds: Array.from(
        { length: LIMITS.subnetsPerFunction },
        (_, i) => `subnet-${String(i).padStart(17, '0')}`,
      ),
      securityGroupIds: Array.from(
        { length: LIMITS.securityGroupsPerFunction },
        (_, i) => `sg-${String(i).padStart(17, '0')}`,
      ),
    },
    notifications: {
      emails: Array.from(
        { length: LIMITS.subscriptionsPerProtocol },
        (_, i) => `oncall-${i}-${'e'.repeat(40)}@example.com`,
      ),
      httpsEndpoints: Array.from(
        { length: LIMITS.subscriptionsPerProtocol },
        (_, i) => `https://events.pagerduty.com/integration/${'k'.repeat(200)}${i}/enqueue`,
      ),
      encryption: true,
    },
    workloadWatch: { ecsTasks: true, ecrApiCalls: true, eks: largestEks() },
  } as CanaryConfigFile;
}

/** An EKS cluster name at EKS's longest (100 characters), unique per prefix and index. */
export function longestClusterName(prefix: string, i: number): string {
  const head = `${prefix}-${pad(i)}-`;
  return `${head}${'k'.repeat(100 - head.length)}`;
}

/**
 * `workloadWatch.eks` at its largest: every named and every private cluster the validator allows, each name at
 * its longest, each private cluster in as many subnets and security groups as Lambda takes.
 */
export function largestEks(
  clusters: number = LIMITS.eksClusters,
  privateClusters: number = LIMITS.eksPrivateClusters,
) {
  return {
    clusters: Array.from({ length: clusters }, (_, i) => longestClusterName('public', i)),
    privateClusters: Array.from({ length: privateClusters }, (_, i) => ({
      name: longestClusterName('private', i),
      subnetIds: Array.from(
        { length: LIMITS.subnetsPerFunction },
        (_, j) => `subnet-${String(i * 100 + j).padStart(17, '0')}`,
      ),
      securityGroupIds: Array.from(
        { length: LIMITS.securityGroupsPerFunction },
        (_, j) => `sg-${String(i * 100 + j).padStart(17, '0')}`,
      ),
    })),
  };
}
