import { describe, expect, it } from 'vitest';
import { classifyText } from '../lambda/engine/explain/classify-text.ts';
import { v2Path } from '../lambda/engine/explain/facts.ts';

/**
 * Issue 26: every shape of registry API URL a client prints gives the repository it names, and none a
 * repository called `v2` (the version check `https://HOST/v2/` that logins and pings make names none).
 */
describe('registry API URLs, as the clients print them', () => {
  it.each([
    // The version check, quoted or not, on ECR, GHCR, Docker Hub, a private host with a port, plain HTTP.
    [
      'Error response from daemon: Get "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/": EOF',
      {
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        account: '123456789012',
        region: 'us-east-1',
      },
    ],
    [
      'Error response from daemon: Get https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/: net/http: request canceled',
      {
        registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        account: '123456789012',
        region: 'eu-west-1',
      },
    ],
    ['Error response from daemon: Get "https://ghcr.io/v2/": denied: denied', { registry: 'ghcr.io' }],
    [
      'Get https://registry-1.docker.io/v2/: net/http: request canceled while waiting for connection',
      { registry: 'registry-1.docker.io' },
    ],
    [
      'Error response from daemon: login attempt to https://registry.domain.tld/v2/ failed with status: 401 Unauthorized',
      { registry: 'registry.domain.tld', httpStatus: 401 },
    ],
    [
      'error pinging docker registry harbor.example.com: Get http://harbor.example.com/v2/: EOF',
      { registry: 'harbor.example.com' },
    ],
    [
      'Get "https://registry.example.com:5000/v2/": dial tcp 10.0.0.1:5000: connect: connection refused',
      { registry: 'registry.example.com:5000' },
    ],
    // A manifest, by tag and by digest; a nested repository.
    [
      'Head "https://ghcr.io/v2/org/team/img/manifests/v1.2.3": denied: denied',
      { registry: 'ghcr.io', repository: 'org/team/img', tag: 'v1.2.3' },
    ],
    [
      `Get https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/sha256:${'a'.repeat(64)}: no basic auth credentials`,
      {
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        repository: 'app',
        digest: `sha256:${'a'.repeat(64)}`,
      },
    ],
    // A blob by digest; a push's upload (no reference); the tag list; the catalog.
    [
      `GET https://quay.io/v2/org/img/blobs/sha256:${'b'.repeat(64)}: unexpected EOF`,
      { registry: 'quay.io', repository: 'org/img', digest: `sha256:${'b'.repeat(64)}` },
    ],
    [
      'POST https://ghcr.io/v2/username/hello-world/blobs/uploads/: DENIED: unauthenticated',
      { registry: 'ghcr.io', repository: 'username/hello-world' },
    ],
    [
      'GET https://ghcr.io/v2/user/repo/tags/list: unauthorized',
      { registry: 'ghcr.io', repository: 'user/repo' },
    ],
    ['Get https://registry.example.com/v2/_catalog: unauthorized', { registry: 'registry.example.com' }],
    // The token endpoint: the repository is in the scope, encoded or not.
    [
      'GET https://us-central1-docker.pkg.dev/v2/token?scope=repository%3Aproj%2Frepo%2Fimg%3Apull&service=us-central1-docker.pkg.dev: DENIED: x',
      { registry: 'us-central1-docker.pkg.dev', repository: 'proj/repo/img' },
    ],
    [
      'GET https://ghcr.io/token?scope=repository:org/img:pull&service=ghcr.io: 403',
      { registry: 'ghcr.io', repository: 'org/img' },
    ],
  ])('%s', (text, expected) => {
    const { fields } = classifyText(text);
    for (const [key, value] of Object.entries(expected))
      expect(fields[key as keyof typeof fields], key).toEqual(value);
    expect(fields.repository).not.toBe('v2');
  });

  it('reads each path shape alone', () => {
    expect(v2Path('v2')).toEqual({});
    expect(v2Path('v2/')).toEqual({});
    expect(v2Path('v2/_catalog')).toEqual({});
    expect(v2Path('v2/a/b/manifests/latest')).toEqual({ repository: 'a/b', tag: 'latest' });
    expect(v2Path('v2/a/blobs/uploads/1234')).toEqual({ repository: 'a' });
    expect(v2Path('v2/a/tags/list')).toEqual({ repository: 'a' });
  });
});
