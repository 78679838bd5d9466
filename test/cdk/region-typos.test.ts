import { App, Stack } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../lambda/commands/probe/cli.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { HandlerConfigError, readHandlerConfig } from '../../lambda/engine/handler-config.ts';
import { KNOWN_REGIONS, regionPartition } from '../../lambda/engine/model/regions.ts';
import { EcrPullCanary, type EcrPullCanaryProps } from '../../lib/ecr-pull-canary.ts';

// Issue 17, finding 10: a region that is well formed but no region passed every check, and the construct granted
// pulls on it. Each place a region is written now refuses it with the "did you mean" of `regions`.
const HOST_TYPO = '123456789012.dkr.ecr.eu-wset-1.amazonaws.com/team/api:1';
const SUGGESTION =
  'a known AWS region (did you mean "eu-west-1"?), e.g. us-east-1, eu-west-1, ap-southeast-2';

function fileProblems(target: Record<string, unknown>): string[] {
  return validateConfig({ regions: ['eu-west-1'], targets: [target] }).problems;
}

function propsProblems(props: EcrPullCanaryProps): string[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Regions', { env: { account: '111122223333', region: 'eu-west-1' } });
  try {
    new EcrPullCanary(stack, 'Canary', { canaryName: 'regions', ...props });
    return [];
  } catch (error) {
    return (error as Error).message.split('\n  ').slice(1);
  }
}

function cliError(argv: string[]): string {
  try {
    parseCliArgs(argv, { AWS_REGION: 'eu-west-1' });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} parsed without an error`);
}

describe('a misspelled region is refused wherever it is written, with the suggestion of `regions`', () => {
  it('in the configuration file: a target region and an image host', () => {
    expect(fileProblems({ image: 'team/api:1', region: 'eu-wset-1' })).toEqual([
      `targets[0].region: got "eu-wset-1"; allowed: ${SUGGESTION}`,
    ]);
    expect(fileProblems({ image: HOST_TYPO })).toEqual([
      `targets[0].image: got "${HOST_TYPO}"; allowed: an ECR registry host in ${SUGGESTION}`,
    ]);
    // The same words as for the top-level list.
    expect(validateConfig({ regions: ['eu-wset-1'] }).problems).toEqual([
      `regions[0]: got "eu-wset-1"; allowed: ${SUGGESTION}`,
    ]);
  });

  it('in the construct props', () => {
    expect(propsProblems({ targets: [{ image: 'team/api:1', region: 'eu-wset-1' }] })).toEqual([
      `targets[0].region: got "eu-wset-1"; allowed: ${SUGGESTION}`,
    ]);
    expect(propsProblems({ targets: [{ image: HOST_TYPO }] })).toEqual([
      `targets[0].image: got "${HOST_TYPO}"; allowed: an ECR registry host in ${SUGGESTION}`,
    ]);
  });

  it('in the CLI: --region and the IMAGE host', () => {
    expect(cliError(['team/api:1', '--region', 'eu-wset-1'])).toBe(
      `--region "eu-wset-1" is not allowed; allowed: ${SUGGESTION}`,
    );
    expect(cliError([HOST_TYPO])).toBe(
      `target "${HOST_TYPO}": region in the registry host "eu-wset-1" is not allowed; allowed: ${SUGGESTION}`,
    );
  });

  it('in the function’s targets, for targets written by hand', () => {
    const env = { AWS_REGION: 'eu-west-1' };
    const data = { targets: [{ name: 'api', image: HOST_TYPO }] };
    expect(() => readHandlerConfig(env, data)).toThrow(HandlerConfigError);
    expect(() => readHandlerConfig(env, data)).toThrow(`allowed: ${SUGGESTION}`);
  });

  it('still takes every real region, in a target and in a host', () => {
    for (const region of ['eu-west-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-7']) {
      expect(fileProblems({ image: 'team/api:1', region })).toEqual([]);
    }
    expect(fileProblems({ image: '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/team/api:1' })).toEqual(
      [],
    );
  });
});

describe('KNOWN_REGIONS', () => {
  it('is exactly the regions of aws-cdk-lib’s region facts in the standard naming form', () => {
    // The list is written out so the probe and the CLI need no CDK; this keeps it current on an aws-cdk-lib update.
    const cdk = RegionInfo.regions
      .map((region) => region.name)
      .filter((name) => /^[a-z]{2}(?:-[a-z]+)+-\d$/.test(name))
      .sort();
    expect([...KNOWN_REGIONS].sort()).toEqual(cdk);
  });

  it('names each known region’s partition as aws-cdk-lib’s region facts do', () => {
    const differ = KNOWN_REGIONS.filter(
      (region) => regionPartition(region) !== RegionInfo.get(region).partition,
    );
    expect(differ).toEqual([]);
    expect(regionPartition('cn-north-1')).toBe('aws-cn');
  });
});
