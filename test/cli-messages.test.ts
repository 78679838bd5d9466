import { describe, expect, it } from 'vitest';
import { parseDoctorArgs } from '../lambda/commands/doctor/cli.ts';
import { parsePreflightArgs } from '../lambda/commands/preflight/cli.ts';
import { parseCliArgs } from '../lambda/commands/probe/cli.ts';

/**
 * Issue 27, item 9: what the command says about a mistyped option, a short IMAGE without a region and an image on
 * a registry that is not ECR, in the words a user acts on: the option to use, not the probe's internals.
 */
function usage(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect((error as Error).constructor.name).toBe('UsageError');
    return (error as Error).message;
  }
  throw new Error('parsed without a usage error');
}

describe('a mistyped option', () => {
  it('gets the closest option of the command, as a mistyped configuration key does', () => {
    const env = { AWS_REGION: 'eu-west-1' };
    expect(usage(() => parseCliArgs(['team/api:1', '--regoin', 'eu-west-1'], env))).toBe(
      'unknown option --regoin (did you mean --region?)',
    );
    expect(usage(() => parseCliArgs(['team/api:1', '--jsn'], env))).toBe(
      'unknown option --jsn (did you mean --json?)',
    );
    expect(usage(() => parseDoctorArgs(['--regsitry', 'x'], env))).toBe(
      'unknown option --regsitry (did you mean --registry?)',
    );
    expect(usage(() => parsePreflightArgs(['--timout', '5'], '/'))).toBe(
      'unknown option --timout (did you mean --timeout?)',
    );
    // Nothing close: no guess, and no advice about `--` and positionals.
    expect(usage(() => parseDoctorArgs(['--colour'], env))).toBe('unknown option --colour');
    expect(usage(() => parseCliArgs(['team/api:1', '--colour'], env))).toBe('unknown option --colour');
  });
});

describe('a short IMAGE with no region from anywhere', () => {
  it('names --region', () => {
    expect(usage(() => parseCliArgs(['team/api:1'], {}))).toBe(
      'target "team/api:1": no region; use a full ECR URI, add --region REGION, or set AWS_REGION',
    );
  });
});

describe('an image on a registry that is not ECR', () => {
  it('says the token goes only to ECR and how to probe it anyway, without the probe internals', () => {
    const message = usage(() =>
      parseCliArgs(['docker.io/library/nginx:latest'], { AWS_REGION: 'eu-west-1' }),
    );
    expect(message).toMatch(
      /^IMAGE "docker\.io\/library\/nginx:latest": registry host "docker\.io" is not an ECR registry host, and the ECR token is sent only to ECR or to a registry named explicitly: to probe it, name the registry with --registry-url URL; on ECR, use a short repo\[:tag\] \(in the ECR registry of the credentials' account\)/,
    );
    expect(message).not.toContain('proxy endpoint');
  });
});
