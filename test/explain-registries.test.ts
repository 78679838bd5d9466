import { describe, expect, it } from 'vitest';
import { formatExplanation, reportLine, toExplainDocument } from '../lambda/commands/explain/cli.ts';
import { issuesUrl } from '../lambda/commands/package-info.ts';
import { classifyText } from '../lambda/engine/explain/classify-text.ts';
import { recognize } from '../lambda/engine/explain/recognize.ts';

/**
 * Issue 26: registry-aware and platform-aware verdicts. Each message is verbatim from the thread it names
 * (test/fixtures/explain-corpus-batch3.json holds it with the thread's cause).
 */
const ECR_ADVICE = /AWS Health|12-hour|GetAuthorizationToken|get-login-password|ecr:/;

describe('registries other than ECR get their own fix, never ECR’s', () => {
  it.each([
    // kaniko-in-Tekton to GHCR (tektoncd/catalog#931): the token was not accepted.
    [
      'error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again: checking push permission for "[ghcr.io/username/hello-world](http://ghcr.io/wlun001/hello-world)": POST https://ghcr.io/v2/username/hello-world/blobs/uploads/: DENIED: unauthenticated: User cannot be authenticated with the token provided.',
      'auth',
      /read:packages/,
    ],
    // docker on a GKE node (terraform-google-modules/terraform-google-kubernetes-engine#1779).
    [
      'Error response from daemon: Head "https://europe-west2-docker.pkg.dev/v2/<PROJECT_ID>/ml/app/manifests/4.19.5": denied: Permission "artifactregistry.repositories.downloadArtifacts" denied on resource "projects/<PROJECT_ID>/locations/europe-west2/repositories/ml" (or it may not exist)',
      'permission',
      /roles\/artifactregistry\.reader/,
    ],
    // Container Registry's token exchange (spinnaker/spinnaker#3840).
    [
      "denied: Token exchange failed for project 'devopsdemo'. Caller does not have permission 'storage.buckets.get'. To configure permissions, follow instructions at: https://cloud.google.com/container-registry/docs/access-control",
      'permission',
      /Container Registry/,
    ],
    // Harbor's denial (goharbor/harbor#18895): not a category, Harbor's checks.
    [
      'ERRO[2023-07-05T11:23:44.212764900+02:00] Handler for POST /v1.41/images/create returned error: unauthorized: unauthorized to access repository: myrepo/myimage, action: pull',
      'unknown',
      /Harbor[\s\S]*member/,
    ],
    // GHCR's 403 on a manifest (kgateway-dev/kgateway#10605): a private package, a stale login or a missing one.
    [
      'Error: INSTALLATION FAILED: unexpected status from HEAD request to https://ghcr.io/v2/kgateway-dev/charts/kgateway/manifests/v2.0.0-main: 403 Forbidden',
      'unknown',
      /GitHub Container Registry[\s\S]*read:packages/,
    ],
    // Quay (vouch/vouch-proxy#505): a wrong organization name.
    [
      'Error: initializing source docker://quay.io/voucher/vouch-proxy:latest: reading manifest latest in quay.io/voucher/vouch-proxy: unauthorized: access to the requested resource is not authorized',
      'unknown',
      /Quay[\s\S]*does not exist/,
    ],
  ])('%s', (text, category, fix) => {
    const result = classifyText(text);
    expect(result.category).toBe(category);
    expect(`${result.title}\n${result.remediation}`).toMatch(fix);
    expect(result.title).not.toMatch(/\bECR\b/);
    expect(result.remediation).not.toMatch(ECR_ADVICE);
  });
});

describe('platform-aware fixes', () => {
  it('tells a kubelet pulling from ECR about the node role and the credential provider, not docker login', () => {
    // kubernetes-sigs/aws-load-balancer-controller#1736
    const result = classifyText(
      'Failed to pull image "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller:v2.1.0": rpc error: code = Unknown desc= Error reading manifest v2.1.0 in 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller: unauthorized: authentication required',
    );
    expect(result.category).toBe('auth');
    expect(result.remediation).toMatch(/node IAM role/);
    expect(result.remediation).toMatch(/AmazonEC2ContainerRegistryPullOnly/);
    expect(result.remediation).toMatch(/kubelet image credential provider/);
  });

  it('keeps the docker login line for docker itself', () => {
    const result = classifyText(
      'Error response from daemon: Get https://602401143452.dkr.ecr.us-west-2.amazonaws.com/v2/amazon-k8s-cni/manifests/v1.6.3: no basic auth credentials',
    );
    expect(result.remediation).toMatch(/docker login --username AWS/);
    expect(result.remediation).not.toMatch(/node IAM role/);
  });

  it('names the task’s platform for ECS’s "no descriptor matching platform"', () => {
    // aviswerdlow/relay#71
    const result = classifyText(
      "(service relay-temporal-worker) was unable to place a task. Reason: CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'.",
    );
    expect(result.category).toBe('platform');
    expect(result.remediation).toMatch(/runtimePlatform/);
  });
});

describe('client-side failures', () => {
  it.each([
    // lux4rd0/grafana-loki-syslog-aio#16
    [
      'error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ',
      'credentials',
      /docker-credential-desktop[\s\S]*credsStore/,
    ],
    // awslabs/amazon-ecr-credential-helper#574
    [
      'Error saving credentials: error storing credentials - err: exit status 1, out: `not implemented`',
      'credentials',
      /AWS_ECR_IGNORE_CREDS_STORAGE/,
    ],
    // docker-library/official-images#14025
    [
      "mediaType in manifest should be 'application/vnd.docker.distribution.manifest.v2+json' not 'application/vnd.oci.image.manifest.v1+json'",
      'integrity',
      /media type/,
    ],
    // aws-samples/bedrock-access-gateway#206
    [
      'Resource handler returned message: "The image manifest, config or layer media type for the source image 1.dkr.ecr.us-east-1.amazonaws.com/bedrock-proxy-api:latest is not supported. (Service: Lambda, Status Code: 400)"',
      'integrity',
      /--provenance=false/,
    ],
    // gaul/s3proxy#637
    ['short-name resolution enforced but cannot prompt without a TTY', 'not-found', /registries\.conf/],
    // rpardini/docker-registry-proxy#90
    [
      'level=info msg="Download failed, retrying (3/5): unexpected EOF"',
      'network',
      /cut short|unexpected EOF/,
    ],
  ])('%s', (text, category, fix) => {
    const result = classifyText(text);
    expect(result.category).toBe(category);
    expect(`${result.title}\n${result.remediation}`).toMatch(fix);
  });

  it('keeps a layer that fails to unpack (a full disk) unknown, not a cut download', () => {
    // sickcodes/Docker-OSX#314
    expect(
      classifyText('failed to register layer: Error processing tar file(exit status 1): unexpected EOF')
        .category,
    ).toBe('unknown');
  });
});

describe('an unknown verdict still says what it recognized', () => {
  const text =
    'sudo docker pull docker.20250219.catscarlet.com/python-3.10-slim:latest\nError response from daemon: error from something: teapot';

  it('names the tool, the registry, the operation and the next step for that registry', () => {
    const result = classifyText(text);
    expect(result.category).toBe('unknown');
    expect(result.remediation).toMatch(
      /^No rule recognizes this failure\. Recognized: tool docker, registry docker\.20250219\.catscarlet\.com, operation pull\./,
    );
    expect(result.remediation).toMatch(/docker logout docker\.20250219\.catscarlet\.com/);
    expect(recognize('Failed to pull image "x": rpc error: code = Unknown')).toEqual({
      tool: 'kubelet',
      operation: 'pull',
    });
  });

  it('prints tool, operation and where to report, in words and in JSON', () => {
    const result = classifyText(text);
    const input = { text, hints: {}, format: 'text' as const, messages: 1 };
    const human = formatExplanation(result, input);
    expect(human).toMatch(/^ {2}tool: {8}docker$/m);
    expect(human).toMatch(/^ {2}operation: {3}pull$/m);
    expect(human).toMatch(/^ {2}report: {6}keep this text/m);
    expect(toExplainDocument(result, input)).toMatchObject({
      recognized: { tool: 'docker', operation: 'pull' },
      report: expect.stringMatching(/^keep this text/),
    });
  });

  it('names the issue tracker once package.json has one', () => {
    expect(issuesUrl({})).toBeNull();
    expect(issuesUrl({ bugs: { url: 'https://example.org/issues' } })).toBe('https://example.org/issues');
    expect(issuesUrl({ repository: { type: 'git', url: 'git+https://github.com/o/r.git' } })).toBe(
      'https://github.com/o/r/issues',
    );
    expect(reportLine('https://example.org/issues')).toMatch(
      /^open an issue at https:\/\/example\.org\/issues/,
    );
  });
});
