import { closest } from './did-you-mean.ts';

/**
 * The AWS regions the canary knows: aws-cdk-lib's region facts (`RegionInfo.regions`) of the commercial, China
 * and GovCloud/ISO naming form (test/cdk/region-typos.test.ts keeps the two lists equal on every aws-cdk-lib update).
 * Written out rather than read from aws-cdk-lib so the probe, the CLI and the JSON Schema have it without CDK.
 * A region is checked against it wherever one is written: `regions`, a target's `region`, the region in an ECR
 * registry host, the CLI's `--region`; a well-formed name that is no region (`eu-wset-1`) would otherwise pass
 * and the construct would grant pulls on a region that does not exist.
 */
export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-isoe-west-1',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
];

export function isKnownRegion(value: unknown): value is string {
  return typeof value === 'string' && KNOWN_REGIONS.includes(value);
}

/**
 * What a region must be, after "allowed: ", with the known region `value` looks like a typo of: the one message
 * for a region wherever it is written.
 */
export function knownRegionAllowed(value: unknown): string {
  const guess = typeof value === 'string' ? closest(value, KNOWN_REGIONS) : null;
  return `a known AWS region${guess ? ` (did you mean "${guess}"?)` : ''}, e.g. us-east-1, eu-west-1, ap-southeast-2`;
}

/**
 * The partition of a known region, by the prefix of its name (the partitions' region patterns in the SDK's
 * partitions.json: `cn-` aws-cn, `us-gov-` aws-us-gov, `us-iso-` aws-iso, `us-isob-` aws-iso-b, `eu-isoe-`
 * aws-iso-e, `us-isof-` aws-iso-f, else aws). test/cdk/region-typos.test.ts keeps it equal to aws-cdk-lib's
 * region facts for every known region; here so that validation needs no aws-cdk-lib region table.
 */
export function regionPartition(region: string): string {
  const prefixes: ReadonlyArray<readonly [string, string]> = [
    ['cn-', 'aws-cn'],
    ['us-gov-', 'aws-us-gov'],
    ['us-isob-', 'aws-iso-b'],
    ['us-isof-', 'aws-iso-f'],
    ['us-iso-', 'aws-iso'],
    ['eu-isoe-', 'aws-iso-e'],
  ];
  return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}
