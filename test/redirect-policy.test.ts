import { describe, expect, it } from 'vitest';
import { mayCarryRegistryCredential, resolveRedirect } from '../lambda/engine/model/redirect-policy.ts';

const ECR = new URL('https://111122223333.dkr.ecr.eu-west-1.amazonaws.com');
const BLOB = new URL(`${ECR.origin}/v2/team/api/blobs/sha256:${'a'.repeat(64)}`);
const S3 = 'https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/abc?X-Amz-Signature=1';

describe('the registry credential', () => {
  it('goes to the registry origin only: not to storage, nor another port or scheme of the same host', () => {
    expect(mayCarryRegistryCredential(BLOB, ECR)).toBe(true);
    expect(mayCarryRegistryCredential(new URL(S3), ECR)).toBe(false);
    expect(mayCarryRegistryCredential(new URL(`https://${ECR.hostname}:8443/v2/`), ECR)).toBe(false);
    expect(mayCarryRegistryCredential(new URL(`http://${ECR.hostname}/v2/`), ECR)).toBe(false);
  });
});

describe('resolveRedirect', () => {
  it("follows ECR's redirect to S3 over https", () => {
    const next = resolveRedirect(S3, BLOB, ECR);
    expect(next.problem).toBeNull();
    expect(next.url?.host).toBe('prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com');
  });

  it('resolves a relative Location against the URL that answered', () => {
    expect(resolveRedirect('/v2/team/api/blobs/other', BLOB, ECR).url?.href).toBe(
      `${ECR.origin}/v2/team/api/blobs/other`,
    );
  });

  it('refuses plain HTTP from an https registry, naming both hosts', () => {
    const next = resolveRedirect('http://storage.example.com/layer', BLOB, ECR);
    expect(next.url).toBeNull();
    expect(next.problem).toContain('plain-HTTP storage.example.com');
    expect(next.problem).toContain(ECR.host);
  });

  it('allows plain HTTP when the registry itself was reached over http://', () => {
    const local = new URL('http://127.0.0.1:5000');
    expect(
      resolveRedirect('http://127.0.0.1:9000/layer', new URL(`${local.origin}/v2/x/blobs/y`), local).problem,
    ).toBeNull();
  });

  it.each([
    ['file:///etc/passwd', 'file:'],
    ['ftp://storage.example.com/layer', 'ftp:'],
    ['https://user:pass@storage.example.com/layer', 'user info'],
    ['http://[bad', 'not a URL'],
  ])('refuses %s', (location, why) => {
    const next = resolveRedirect(location, BLOB, ECR);
    expect(next.url).toBeNull();
    expect(next.problem).toContain(why);
  });
});
