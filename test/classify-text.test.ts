import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyText, MAX_SCAN_CHARS } from '../lambda/engine/explain/classify-text.ts';
import { CATEGORIES, type Category } from '../lambda/engine/model/types.ts';
import {
  classifyAwsError,
  classifyRegistryResponse,
  PROBE_CODE_CATEGORIES,
  type ProbeFailure,
} from '../lambda/engine/probe/classify.ts';
import { parseManifest, platformFromConfig, verifyDigest } from '../lambda/engine/probe/manifest.ts';
import { decodeAuthorizationData } from '../lambda/engine/probe/token.ts';

interface CorpusEntry {
  category: Category;
  message: string;
  source: string;
  note?: string;
  hints?: { errorCode?: string; operation?: string };
}

const corpus = (
  JSON.parse(readFileSync(new URL('./fixtures/pull-error-corpus.json', import.meta.url), 'utf8')) as {
    entries: CorpusEntry[];
  }
).entries;

describe('the corpus of real pull errors', () => {
  it('has 60+ distinct messages from cited sources, every category, and several that must stay unknown', () => {
    expect(new Set(corpus.map((entry) => entry.message)).size).toBe(corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    for (const entry of corpus) {
      expect(CATEGORIES, entry.message).toContain(entry.category);
      expect(entry.source, entry.message).toMatch(/^(https:\/\/|\/work\/shared\/seed\/|[\w.-]+\/[\w.-]+:)/);
    }
    expect(new Set(corpus.map((entry) => entry.category))).toEqual(new Set(CATEGORIES));
    expect(corpus.filter((entry) => entry.category === 'unknown').length).toBeGreaterThanOrEqual(5);
  });

  it.each(corpus.map((entry) => [entry.category, entry.message, entry] as const))(
    '%s: %s',
    (category, message, entry) => {
      const result = classifyText(message, entry.hints);
      expect(result.category, JSON.stringify(result.evidence)).toBe(category);
      // The category's runbook, or a fix that fits what the text names (issue 18: test/explain-corpus.test.ts).
      expect(result.remediation.length).toBeGreaterThan(40);
      if (category !== 'unknown') {
        // The evidence is a part of the input (or the code given with it), not a paraphrase.
        expect(result.evidence).not.toBeNull();
        const haystack = `${message}\n${entry.hints?.errorCode ?? ''}`.toLowerCase().replace(/\s+/g, ' ');
        expect(haystack).toContain((result.evidence?.match ?? '').toLowerCase().replace(/\s+/g, ' '));
      }
    },
  );
});

describe('the seed article', () => {
  it.each([
    ['Error response from daemon: no basic auth credentials', 'auth', 'auth/no-registry-credentials'],
    [
      'Error response from daemon: failed to authorize: failed to fetch anonymous token: unexpected status code 401 Unauthorized',
      'auth',
      'auth/anonymous-token',
    ],
    [
      'denied: User: arn:aws:iam::123456789012:user/deploy is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository/my-app',
      'permission',
      'permission/not-authorized',
    ],
    [
      'Error: Cannot perform an interactive login from a non TTY device',
      'credentials',
      'credentials/empty-login-password',
    ],
  ])('%s is %s (%s)', (message, category, rule) => {
    const result = classifyText(message);
    expect(result.category).toBe(category);
    expect(result.evidence?.rule).toBe(rule);
  });
});

describe('specificity', () => {
  it.each([
    // An expired 12-hour token comes as a 403 DENIED, yet it is auth, not permission.
    [
      'DENIED: registry answered 403: Your authorization token has expired. Reauthenticate and try again.',
      'auth',
    ],
    // Expired signature wording beats the auth error name it comes with.
    [
      'InvalidSignatureException: Signature expired: 20261126T230000Z is now earlier than 20261126T231500Z',
      'clock-skew',
    ],
    ['InvalidSignatureException: The request signature we calculated does not match the signature', 'auth'],
    // A timeout on the S3 layer bucket is the network path, whatever it says about the registry.
    [
      'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/abc": dial tcp 52.218.1.1:443: i/o timeout',
      'network',
    ],
    // docker's engine API status (500) says nothing about the registry.
    [
      'CannotPullContainerError: API error (500): Get https://x/v2/: net/http: TLS handshake timeout',
      'network',
    ],
    // Credential-chain failures are credentials even when they were network errors underneath.
    [
      'NoCredentialProviders: no valid providers in chain caused by: EC2RoleRequestError: no EC2 instance role found caused by: RequestError: send request failed caused by: Get "http://169.254.169.254/latest/meta-data/iam/security-credentials/": dial tcp 169.254.169.254:80: i/o timeout',
      'credentials',
    ],
    [
      'pull access denied for x, repository does not exist or may require docker login: denied: User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ecr:BatchGetImage',
      'permission',
    ],
    [
      'Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries: no match for platform in manifest: not found',
      'platform',
    ],
    // The probe's own words, without its error code.
    ['no complete answer from 127.0.0.1:39521 within 1000 ms', 'network'],
    ['unable to verify the first certificate', 'network'],
    [
      'the credential chain resolved to arn:aws:iam::111122223333:user/canary, not the expected arn:aws:iam::111122223333:role/eks-node-role',
      'credentials',
    ],
  ])('%s → %s', (message, category) => {
    expect(classifyText(message).category).toBe(category);
  });
});

describe('structured hints (CloudTrail errorCode, errorMessage, eventName)', () => {
  it.each([
    [{ errorCode: 'ThrottlingException', operation: 'GetAuthorizationToken' }, 'Rate exceeded', 'throttle'],
    [
      { errorCode: 'AccessDenied', operation: 'BatchGetImage' },
      'User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/1a2b is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:111122223333:repository/payments/api because no identity-based policy allows the ecr:BatchGetImage action',
      'permission',
    ],
    [
      { errorCode: 'RepositoryNotFoundException', operation: 'DescribeImages' },
      "The repository with name 'payments/api' does not exist in the registry with id '111122223333'",
      'not-found',
    ],
    [{ errorCode: 'ExpiredTokenException', operation: 'GetAuthorizationToken' }, '', 'auth'],
    [{ errorCode: 'ServerException', operation: 'InitiateLayerUpload' }, '', 'service'],
    [{ errorCode: 'AccessDenied', operation: 'AssumeRole' }, '', 'credentials'],
    [{ errorCode: 'ThrottlingException', operation: 'AssumeRole' }, 'Rate exceeded', 'throttle'],
    [
      { errorCode: 'InvalidParameterException', operation: 'PutImage' },
      'Invalid parameter at imageTag',
      'unknown',
    ],
    // A code that names no category leaves the decision to what the text says, its status included.
    [
      { errorCode: 'InvalidParameterException', operation: 'BatchGetImage' },
      'registry answered 404',
      'not-found',
    ],
  ] as const)('%o %s → %s', (hints, message, category) => {
    const result = classifyText(message, hints);
    expect(result.category).toBe(category);
    expect(result.fields.errorCode).toBe(hints.errorCode);
  });

  it('names the ECR action from the operation when the message does not', () => {
    expect(
      classifyText('', { errorCode: 'ThrottlingException', operation: 'GetAuthorizationToken' }).fields,
    ).toEqual({ action: 'ecr:GetAuthorizationToken', errorCode: 'ThrottlingException' });
  });
});

describe('extracted fields', () => {
  it('reads registry, account, region, repository, tag and HTTP status from an ECS stopped reason', () => {
    const result = classifyText(
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api:v42": failed to do request: Head "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/team/api/manifests/v42": dial tcp 10.0.3.17:443: i/o timeout',
    );
    expect(result.category).toBe('network');
    expect(result.fields).toEqual({
      registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      account: '123456789012',
      region: 'us-east-1',
      repository: 'team/api',
      tag: 'v42',
    });
  });

  it('reads the principal, the action, the repository ARN and the status code from a denied pull', () => {
    const result = classifyText(
      "CannotPullContainerError: Error response from daemon: pull access denied for 111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/8f2e is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:111122223333:repository/payments/api because no identity-based policy allows the ecr:BatchGetImage action",
    );
    expect(result.category).toBe('permission');
    expect(result.fields).toEqual({
      registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
      account: '111122223333',
      region: 'eu-west-1',
      repository: 'payments/api',
      principal: 'arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/8f2e',
      action: 'ecr:BatchGetImage',
    });
  });

  it('reads a digest reference, the HTTP status and the error code', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const result = classifyText(
      `failed to resolve reference "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/base/node@${digest}": unexpected status from HEAD request to https://210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/v2/base/node/manifests/${digest}: 403 Forbidden`,
    );
    // A HEAD response has no body, so its 403 says no more than "refused": ECR answers it for a tag that does not
    // exist (aws/aws-cdk-cli#1505), Artifactory and others too (google/go-containerregistry#1691, containerd#6684).
    expect(result.category).toBe('unknown');
    expect(result.evidence?.rule).toBe('ambiguous/registry-denied');
    expect(result.remediation).toContain('aws ecr describe-images');
    expect(result.fields).toMatchObject({
      registry: '210987654321.dkr.ecr.ap-northeast-1.amazonaws.com',
      account: '210987654321',
      region: 'ap-northeast-1',
      repository: 'base/node',
      digest,
      httpStatus: 403,
    });
  });

  it('reads the error code and operation of an AWS CLI error', () => {
    const result = classifyText(
      'An error occurred (ThrottlingException) when calling the GetAuthorizationToken operation (reached max retries: 4): Rate exceeded',
    );
    expect(result.fields).toEqual({ errorCode: 'ThrottlingException', action: 'ecr:GetAuthorizationToken' });
  });

  it('reads the region of the S3 layer bucket', () => {
    const result = classifyText(
      'Get https://prod-eu-central-1-starport-layer-bucket.s3.eu-central-1.amazonaws.com/x: dial tcp: i/o timeout',
    );
    expect(result.fields.region).toBe('eu-central-1');
  });

  it('leaves out what the text does not name', () => {
    expect(classifyText('Error response from daemon: no basic auth credentials').fields).toEqual({});
  });
});

describe('text no rule explains', () => {
  it.each([
    'hello world',
    'Essential container in task exited',
    'Error: ErrImagePull',
    '',
    'x'.repeat(10_000),
  ])('%j is unknown, with no evidence and the text kept', (text) => {
    const result = classifyText(text);
    expect(result.category).toBe('unknown');
    expect(result.evidence).toBeNull();
    // Issue 26: what was recognized and the next step, not the runbook's one line alone.
    expect(result.remediation).toMatch(
      /^No rule recognizes this failure\. .*Keep this text: it is what a report needs\.$/,
    );
    expect(result.text).toBe(text.length > 4000 ? `${text.slice(0, 4000)}… (6000 more characters)` : text);
  });

  it('says which categories an ambiguous denial fits instead of picking one', () => {
    const result = classifyText(
      "Error response from daemon: pull access denied for some/nonsense, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    );
    expect(result.category).toBe('unknown');
    expect(result.evidence).toMatchObject({
      rule: 'ambiguous/access-denied-or-missing',
      candidates: ['not-found', 'auth', 'permission'],
    });
  });
});

describe('secrets in the input', () => {
  const password = `eyJwYXlsb2FkIjoiU0VDUkVUUEFZTE9BRCIsImRhdGFrZXkiOiJTRUNSRVRLRVkiLCJ2ZXJzaW9uIjoiMiJ9${'Q'.repeat(40)}`;
  const token = Buffer.from(`AWS:${password}`).toString('base64');
  const basicOther = Buffer.from('deploy:hunter2-but-longer').toString('base64');
  const cases: Array<[string, string, string[]]> = [
    ['an Authorization header', `GET /v2/ failed: Authorization: Basic ${token} → 401 Unauthorized`, [token]],
    [
      'a Basic value of another registry',
      `Authorization: Basic ${basicOther} got 401 Unauthorized`,
      [basicOther],
    ],
    [
      'presigned URL signatures',
      'Get "https://prod-us-east-1-starport-layer-bucket.s3.amazonaws.com/x?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLESESSION%2F%2Btoken&X-Amz-Signature=7a1f0c3e5b9d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a&X-Amz-Expires=600": dial tcp: i/o timeout',
      ['IQoJb3JpZ2luX2VjEXAMPLESESSION', '7a1f0c3e5b9d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a'],
    ],
    ['the decoded AWS: password', `docker login failed for AWS:${password}: 400 Bad Request`, [password]],
    ['the bare ECR password', `echo ${password} | docker login: no basic auth credentials`, [password]],
    [
      'the docker config auth value',
      `{"auths":{"1.dkr.ecr.x":{"auth":"${token}"}}} no basic auth credentials`,
      [token],
    ],
    [
      'an access-key secret and session token',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nAWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLETOKENVALUE Unable to locate credentials',
      ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'FwoGZXIvYXdzEXAMPLETOKENVALUE'],
    ],
    [
      'docker login passwords on the command line',
      'docker login --password s3cr3t-Passw0rd-value 1.dkr.ecr.x && docker login -u AWS -p an0ther-s3cret-value 1.dkr.ecr.x: no basic auth credentials',
      ['s3cr3t-Passw0rd-value', 'an0ther-s3cret-value'],
    ],
  ];

  it.each(cases)('%s never reaches the result, its evidence or its fields', (_, text, secrets) => {
    const result = classifyText(text);
    const everything = JSON.stringify(result);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).toContain('[REDACTED]');
  });

  it('removes secrets the caller knows verbatim too', () => {
    const result = classifyText('registry said no to sesame-open-sesame-42', {
      secrets: ['sesame-open-sesame-42'],
    });
    expect(JSON.stringify(result)).not.toContain('sesame-open-sesame-42');
  });

  it('still classifies what the redaction leaves', () => {
    expect(classifyText(`Authorization: Basic ${token} → 401 Unauthorized`).category).toBe('auth');
  });
});

describe('bounded cost', () => {
  // Only that these complete matters here (a catastrophic regex would hang the test); speed targets live in bench/.
  const megabyte = 1024 * 1024;

  it('classifies a 1 MB input whose cause is at the end', () => {
    const filler = 'level=info msg="pulling layer" status=waiting progress=42/100\n';
    const text = `${filler.repeat(Math.ceil((megabyte - 200) / filler.length)).slice(0, megabyte - 200)}denied: Your authorization token has expired. Reauthenticate and try again.`;
    expect(text.length).toBeLessThanOrEqual(megabyte);
    const result = classifyText(text);
    expect(result.category).toBe('auth');
    expect(result.text.length).toBeLessThan(4100);
  });

  it.each([
    [
      'near misses of every rule',
      'signature request time dial tcp repository not authorized to perform manifest for ',
    ],
    ['an endless base64-looking token', 'A'.repeat(megabyte)],
    [
      'an endless repository path',
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/${'a/'.repeat(megabyte / 2)}`,
    ],
    ['one enormous line of ARN fragments', 'arn:aws:iam::123456789012:'.repeat(megabyte / 26)],
    ['endless status words', 'status code: status code: '.repeat(megabyte / 26)],
    // Registry host candidates (issue 18): one endless dotted name, and podman's `/v2/… in HOST` without a host.
    ['one endless dotted host name', 'ab.'],
    ['endless podman request words', '/v2/x in '],
    ['an error line after another', 'Error: x\n'],
  ])('finishes on %s (1 MB)', (_, seed) => {
    const text =
      seed.length >= megabyte ? seed.slice(0, megabyte) : seed.repeat(Math.ceil(megabyte / seed.length));
    const result = classifyText(text.slice(0, megabyte));
    expect(CATEGORIES).toContain(result.category);
  });

  it('does not search past the scan limit', () => {
    const text = `${' '.repeat(MAX_SCAN_CHARS)}no basic auth credentials`;
    expect(classifyText(text).category).toBe('unknown');
  });
});

describe('agreement with the probe’s own failures (pure paths)', () => {
  const failures: ProbeFailure[] = [];
  const capture = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      failures.push(error as ProbeFailure);
      return;
    }
    throw new Error('expected a ProbeFailure');
  };
  capture(() => verifyDigest(Buffer.from('{}'), `sha256:${'0'.repeat(64)}`, null));
  capture(() => verifyDigest(Buffer.from('{}'), undefined, `sha256:${'0'.repeat(64)}`));
  capture(() => parseManifest(Buffer.from('not json'), undefined));
  capture(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined));
  capture(() => platformFromConfig(Buffer.from('{}')));
  capture(() => decodeAuthorizationData(undefined, undefined, undefined));
  capture(() => decodeAuthorizationData(Buffer.from('nope').toString('base64'), undefined, undefined));
  for (const [status, body] of [
    [401, 'Not Authorized'],
    [
      403,
      '{"errors":[{"code":"DENIED","message":"Your authorization token has expired. Reauthenticate and try again."}]}',
    ],
    [
      403,
      '{"errors":[{"code":"DENIED","message":"User: arn:aws:iam::1:user/x is not authorized to perform: ecr:BatchGetImage"}]}',
    ],
    [404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}'],
    [404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"Requested image not found"}]}'],
    [429, '{"errors":[{"code":"TOOMANYREQUESTS","message":"Rate exceeded"}]}'],
    [500, ''],
    [502, 'Bad Gateway'],
    [503, 'Service Unavailable'],
  ] as const) {
    failures.push(classifyRegistryResponse(status, body, 'manifest'));
  }
  for (const [name, message, status] of [
    ['CredentialsProviderError', 'Could not load credentials from any providers', 400],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.', 400],
    ['ExpiredTokenException', 'The security token included in the request is expired', 400],
    [
      'InvalidSignatureException',
      'Signature expired: 20261126T230000Z is now earlier than 20261126T231500Z',
      400,
    ],
    [
      'AccessDeniedException',
      'User: arn:aws:iam::1:user/x is not authorized to perform: ecr:GetAuthorizationToken',
      400,
    ],
    ['ThrottlingException', 'Rate exceeded', 400],
    ['RepositoryNotFoundException', "The repository with name 'x' does not exist", 400],
    ['ServerException', 'Internal error', 500],
  ] as const) {
    failures.push(
      classifyAwsError(
        Object.assign(new Error(message), {
          name,
          $fault: status >= 500 ? 'server' : 'client',
          $metadata: { httpStatusCode: status },
        }),
        'token',
      ),
    );
  }

  it.each(failures.map((failure) => [failure.code, failure.message, failure] as const))(
    '%s (%s)',
    (code, message, failure) => {
      expect(classifyText(message, { errorCode: code }).category).toBe(failure.category);
    },
  );

  it('knows every code the probe coins, with the category the probe gives it', () => {
    for (const failure of failures) {
      const coined = PROBE_CODE_CATEGORIES[failure.code];
      if (coined) expect(coined, failure.code).toBe(failure.category);
    }
    const coinedSeen = new Set(
      failures.map((failure) => failure.code).filter((code) => PROBE_CODE_CATEGORIES[code]),
    );
    expect([...coinedSeen].sort()).toEqual(
      [
        'DigestMismatch',
        'MalformedToken',
        'PinnedDigestMismatch',
        'UnparseableConfig',
        'UnparseableManifest',
      ].sort(),
    );
  });
});
