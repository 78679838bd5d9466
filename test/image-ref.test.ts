import { describe, expect, it } from 'vitest';
import { defaultTargetName, manifestReference, parseImageReference } from '../lambda/probe/image-ref.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseImageReference', () => {
  it('reads a short repo:tag as this account and region', () => {
    const ref = parseImageReference('team/app:1.2.3');
    expect(ref).toMatchObject({
      host: null,
      registryId: null,
      region: null,
      repository: 'team/app',
      tag: '1.2.3',
    });
  });

  it('defaults the tag to latest, as docker does', () => {
    expect(parseImageReference('app').tag).toBe('latest');
  });

  it('reads account and region from a full ECR URI', () => {
    const ref = parseImageReference('123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/team/app:v1');
    expect(ref).toMatchObject({
      host: '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com',
      registryId: '123456789012',
      region: 'ap-southeast-2',
      repository: 'team/app',
      tag: 'v1',
    });
  });

  it('accepts FIPS, China and pull-through-cache paths', () => {
    expect(parseImageReference('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1').region).toBe(
      'us-gov-west-1',
    );
    expect(parseImageReference('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1').region).toBe(
      'cn-north-1',
    );
    const ptc = parseImageReference(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27',
    );
    expect(ptc.repository).toBe('docker-hub/library/nginx');
  });

  it('requests a pinned digest rather than the tag, since ECR never converts by digest', () => {
    const ref = parseImageReference(`app:1@${DIGEST}`);
    expect(ref.tag).toBe('1');
    expect(manifestReference(ref)).toBe(DIGEST);
    expect(parseImageReference(`app@${DIGEST}`).tag).toBeNull();
  });

  it('keeps a registry port out of the tag', () => {
    const ref = parseImageReference('127.0.0.1:5000/canary/multi');
    expect(ref).toMatchObject({
      host: '127.0.0.1:5000',
      repository: 'canary/multi',
      tag: 'latest',
      region: null,
    });
  });

  it.each([
    ['', 'empty'],
    ['App:1', 'repository "App"'],
    ['app:-bad', 'tag "-bad"'],
    ['app@sha256:1234', 'digest'],
    ['https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/app', 'without a scheme'],
    ['ecr.eu-west-1.amazonaws.com/app:1', 'not an ECR registry host'],
    ['app//x:1', 'repository'],
  ])('rejects %j naming the problem', (raw, why) => {
    expect(() => parseImageReference(raw)).toThrow(why);
  });

  it('names targets stably and briefly', () => {
    expect(defaultTargetName(parseImageReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1'))).toBe(
      'app:1',
    );
    expect(defaultTargetName(parseImageReference(`app@${DIGEST}`))).toBe(`app@sha256:${'ab'.repeat(6)}`);
  });
});
