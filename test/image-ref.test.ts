import { describe, expect, it } from 'vitest';
import {
  defaultTargetName,
  ECR_REGISTRY_HOST_FORMS,
  isRegistryUrlAllowed,
  manifestReference,
  needsExplicitRegistry,
  parseImageReference,
  tokenHostProblem,
} from '../lambda/engine/model/image-ref.ts';

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

describe('where the ECR token may go', () => {
  // Host forms from https://docs.aws.amazon.com/general/latest/gr/ecr.html (IPv4, FIPS, dual-stack, dual-stack
  // FIPS) and https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html (dual-stack registry).
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', 'eu-west-1'],
    ['123456789012.dkr.ecr-fips.us-east-2.amazonaws.com/app:1', 'us-east-2'],
    ['123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/app:1', 'cn-northwest-1'],
    ['123456789012.dkr-ecr.us-east-2.on.aws/app:1', 'us-east-2'],
    ['123456789012.dkr-ecr-fips.us-east-2.on.aws/app:1', 'us-east-2'],
    ['123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn/app:1', 'cn-north-1'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27', 'eu-west-1'],
  ])('sends it to the ECR registry host of %s', (raw, region) => {
    const ref = parseImageReference(raw);
    expect(ref).toMatchObject({ registryId: '123456789012', region });
    expect(needsExplicitRegistry(ref, undefined)).toBe(false);
  });

  it.each(ECR_REGISTRY_HOST_FORMS)('reads account and region from every host form: %s', (form) => {
    const host = form.replace('ACCOUNT', '210987654321').replace('REGION', 'ap-southeast-2');
    expect(parseImageReference(`${host}/team/app:1`)).toMatchObject({
      host,
      registryId: '210987654321',
      region: 'ap-southeast-2',
    });
  });

  it('sends it to the token proxy endpoint for a short reference', () => {
    expect(needsExplicitRegistry(parseImageReference('team/app:1'), undefined)).toBe(false);
  });

  it.each([
    'docker.io/library/nginx:latest',
    'ghcr.io/org/app:1',
    'localhost:5000/canary/multi:v1',
    'localhost/canary/multi',
    '127.0.0.1:5000/canary/multi',
    'registry.example.com/team/app:1',
    // Look-alikes: an ECR host as a subdomain of another domain, a port, a public ECR host.
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com.example.com/app:1',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com:8443/app:1',
    'public.ecr.aws/nginx/nginx:latest',
  ])('withholds it from %s unless a registry URL is named', (raw) => {
    const ref = parseImageReference(raw);
    expect(needsExplicitRegistry(ref, undefined)).toBe(true);
    const problem = tokenHostProblem(ref, undefined, 'set registryUrl');
    expect(problem).toContain(`registry host "${ref.host}" is not an ECR registry host`);
    expect(problem).toContain('ACCOUNT.dkr.ecr.REGION.amazonaws.com');
    expect(problem).toContain('to probe it, set registryUrl;');
    expect(needsExplicitRegistry(ref, 'https://127.0.0.1:5000')).toBe(false);
    expect(tokenHostProblem(ref, 'https://127.0.0.1:5000', 'set registryUrl')).toBeNull();
  });

  it.each([
    ['https://registry.example.com', true, true],
    ['https://127.0.0.1:5000/', true, true],
    ['https://[::1]:5000', true, true],
    ['http://127.0.0.1:5000', false, true],
    ['http://127.1.2.3:5000', false, true],
    ['http://localhost:5000', false, true],
    ['http://[::1]:5000', false, true],
    ['http://registry.example.com', false, false],
    ['http://127.0.0.1.example.com', false, false],
    ['https://registry.example.com/v2', false, false],
    ['https://registry.example.com?x=1', false, false],
    ['https://AWS:secret@registry.example.com', false, false],
    ['https://registry.example.com:99999', false, false],
    ['registry.example.com', false, false],
    ['ftp://registry.example.com', false, false],
    ['', false, false],
  ])('registry URL %j: deployed %s, local %s', (url, deployed, local) => {
    expect(isRegistryUrlAllowed(url, 'deployed')).toBe(deployed);
    expect(isRegistryUrlAllowed(url, 'local')).toBe(local);
  });
});
