/**
 * The classifier's rules, most specific first: the first rule with a phrasing that matches an error decides it.
 * The words each tool uses are in phrases/<tool>.ts; the format is in rule.ts; docs/development.md says how to add one.
 */

import { ADVICE } from '../model/runbooks.ts';
import { AWS } from './phrases/aws.ts';
import { CONTAINERD } from './phrases/containerd.ts';
import { CREDENTIAL_HELPERS } from './phrases/credential-helpers.ts';
import { DOCKER } from './phrases/docker.ts';
import { ECR_PULL_CANARY } from './phrases/ecr-pull-canary.ts';
import { ECS } from './phrases/ecs.ts';
import { NETWORK } from './phrases/network.ts';
import { OTHER_TOOLS } from './phrases/other-tools.ts';
import { PODMAN } from './phrases/podman.ts';
import { REGISTRIES } from './phrases/registries.ts';
import type { Phrase, PhraseRow, TextRule } from './rule.ts';

export const TEXT_RULES: readonly TextRule[] = [
  // Warnings the tool went on from: they decide their own line before what it quotes, and the text only when no
  // other error in it has a verdict (classify-text.ts).
  {
    // Batch 3 (issue 26): watchtower's update check fell back to a pull; the pull's own result is the verdict.
    // Session 3: skaffold's build cache check, which a build goes on from, is the same kind of line.
    id: 'ambiguous/check-fell-back',
    category: 'unknown',
    reason:
      'a check before the pull or build (an update check’s HEAD request for the digest, a build cache check) failed and the tool went on without it: a warning, not the pull’s failure',
    candidates: ['not-found', 'auth', 'credentials'],
    warning: true,
    fix: ADVICE.checkFellBack,
  },
  {
    // Batch 6 (issue 26, session 3): docker and containers/image log each mirror or search registry that failed
    // before they try the next one; the pull's own result comes after.
    id: 'ambiguous/endpoint-fell-back',
    category: 'unknown',
    reason:
      'the client logged that one endpoint it tries in turn (a registry mirror, a registry of the short-name search list) failed, and went on to the next: a step, not the pull’s failure',
    candidates: ['network', 'auth', 'not-found'],
    warning: true,
    fix: ADVICE.endpointFellBack,
  },
  {
    // Batch 8 (issue 26, session 3): the kubelet goes on without credentials when its provider fails, and ECR Public
    // serves anonymous pulls (at a lower rate), so the provider's failure for public.ecr.aws is not a failed pull.
    id: 'ambiguous/public-pull-without-credentials',
    category: 'unknown',
    reason:
      'the kubelet’s credential provider could not get a token for public.ecr.aws, and the kubelet then pulls without credentials, which ECR Public serves: a warning, not the pull’s failure (the node role may lack ecr-public:GetAuthorizationToken)',
    candidates: ['permission', 'credentials'],
    warning: true,
    fix: ADVICE.ecrPublicProviderWarning,
  },
  // Clock skew first: a skewed clock also breaks signatures, tokens and AssumeRole, and says so in these words.
  {
    id: 'clock-skew/signature-window',
    category: 'clock-skew',
    reason:
      'AWS rejected the request because its signing time was outside the allowed window: the host clock is off',
  },
  {
    id: 'clock-skew/request-time',
    category: 'clock-skew',
    reason:
      'the request time differs too much from the server time (RequestTimeTooSkewed): the host clock is off',
  },
  {
    // Batch 8 (issue 26, session 3): Go prints the certificate's start beside the host's time; a start after "now"
    // means the host clock is behind (a certificate in use is not issued for the future).
    id: 'clock-skew/certificate-not-yet-valid',
    category: 'clock-skew',
    reason:
      'TLS refused a certificate whose validity starts after the host’s current time: the host clock is behind',
    fix: ADVICE.certificateNotYetValid,
  },
  // Credentials: the credential chain produced nothing usable, or the role could not be assumed.
  {
    id: 'credentials/assume-role-refused',
    category: 'credentials',
    reason: 'STS refused to let this identity assume the role (trust policy or missing sts:AssumeRole)',
  },
  {
    id: 'credentials/ecs-assume-role',
    category: 'credentials',
    reason:
      'ECS could not assume the task or task execution role (its trust policy, a missing role, or iam:PassRole)',
    fix: ADVICE.ecsAssumeRole,
  },
  {
    // Batch 4 (issue 26): CloudFormation and ECS refuse a Fargate task definition that pulls from ECR without one.
    id: 'credentials/ecs-no-execution-role',
    category: 'credentials',
    reason:
      'the task definition has no task execution role, which ECS needs to get an ECR token and pull (and to read secrets and write logs)',
    fix: ADVICE.ecsNoExecutionRole,
  },
  {
    id: 'credentials/none-in-chain',
    category: 'credentials',
    reason:
      'the AWS credential chain found no credentials (no keys, no profile, no instance or task role reachable)',
  },
  {
    id: 'credentials/unexpected-identity',
    category: 'credentials',
    reason:
      'the credential chain resolved to an identity other than the intended one (a stray key, profile or session earlier in the chain)',
  },
  {
    id: 'credentials/sso-session-expired',
    category: 'credentials',
    reason: 'the SSO session behind the profile expired, so the chain has no valid credentials',
  },
  // Issue 26: a docker credential helper the configuration names is missing or fails; the kubelet's plugin fails.
  {
    id: 'credentials/credential-helper-missing',
    category: 'credentials',
    reason:
      'the docker configuration names a credential helper (credsStore or credHelpers) that is not installed or not on the PATH of the program that pulls',
    fix: ADVICE.credentialHelperMissing,
  },
  {
    id: 'credentials/kubelet-credential-provider',
    category: 'credentials',
    reason:
      'the kubelet could not get credentials from its image credential provider plugin (ecr-credential-provider on EKS)',
    fix: ADVICE.kubeletCredentialProvider,
  },
  {
    // Batch 4 (issue 26): a controller could not read the imagePullSecrets it was told to use (Kubernetes RBAC).
    id: 'credentials/pull-secret-unreadable',
    category: 'credentials',
    reason:
      'the program that pulls may not read the Kubernetes secret that holds the registry credential (its service account’s RBAC), so it pulled with none',
    fix: ADVICE.pullSecretUnreadable,
  },
  {
    // The ECR helper refuses any other host; docker asks it for every registry when it is the credsStore
    // (`doctor` warns of that configuration).
    id: 'credentials/ecr-helper-elsewhere',
    category: 'credentials',
    reason: 'the ECR credential helper was asked for a registry that is not ECR, which it refuses',
    fix: ADVICE.ecrHelperElsewhere,
  },
  {
    id: 'credentials/azure-credential-chain',
    category: 'credentials',
    reason:
      'Azure’s DefaultAzureCredential tried every source and got no token (no workload identity, several managed identities, no CLI login)',
    fix: ADVICE.azureCredentialChain,
  },
  {
    id: 'credentials/credential-helper-failed',
    category: 'credentials',
    reason:
      'the docker credential helper the configuration names ran and failed (or refused to store a login)',
    fix: ADVICE.credentialHelperFailed,
  },
  {
    // docker prompts only when it was given no password; in `aws ecr get-login-password | docker login
    // --password-stdin` that means the AWS CLI printed no token, in CI almost always because it found no AWS
    // credentials (seed article: "AWS credentials not configured"). The AWS CLI's own error is printed above it.
    id: 'credentials/empty-login-password',
    category: 'credentials',
    reason:
      'docker login got no password, so `aws ecr get-login-password` printed none: it found no AWS credentials (see its own error above this line)',
    consequence: true,
    causeAboveFix: ADVICE.consequenceOnly,
  },
  // Authentication: the credential itself was rejected (registry token, access key, session token).
  {
    id: 'auth/registry-token-expired',
    category: 'auth',
    reason:
      'the 12-hour ECR registry token has expired; the client needs a fresh docker login or credential helper call',
    ecrFix: ADVICE.ecrLogin,
  },
  {
    // Batch 5 (issue 26): the token request itself never got an answer (TLS, DNS, proxy): not a refusal.
    id: 'network/token-unreachable',
    category: 'network',
    reason:
      'the request for a registry token never got an answer (TLS, DNS, connection or proxy failure on the way to the token service)',
  },
  {
    // Batch 5 (issue 26): an ECR pull-through cache rule could not log in to its upstream registry.
    id: 'auth/pull-through-upstream',
    category: 'auth',
    reason:
      'ECR’s pull-through cache could not authenticate to the upstream registry with the credential of its rule (the Secrets Manager secret), or the upstream refused the path it asked for',
    fix: ADVICE.pullThroughUpstream,
  },
  {
    id: 'auth/no-registry-credentials',
    category: 'auth',
    reason:
      'docker has no registry credential for this host: never logged in, logged in to another registry URL (account or region), or the login expired',
    ecrFix: ADVICE.ecrLogin,
  },
  {
    // A registry redirects blob downloads to its storage (S3, a CDN) with a signed URL; the storage's own XML
    // refusal is not the caller's AWS keys (auth/bad-aws-credentials below), which never signed that URL.
    id: 'ambiguous/storage-refused',
    category: 'unknown',
    reason:
      'the registry’s blob storage refused the signed download URL it redirected to: a proxy that altered it, a URL that expired, or a storage fault',
    candidates: ['network', 'service', 'clock-skew'],
    fix: ADVICE.storageRefused,
  },
  {
    // Batch 4 (issue 26): Artifact Registry's token service answers 403 for a repository the identity may not read
    // and for one that does not exist alike (its own words elsewhere: "or it may not exist"); session 3: so do
    // GHCR's, Container Registry's and a self-hosted one's, to an anonymous request and to a credential.
    id: 'ambiguous/token-forbidden',
    category: 'unknown',
    reason:
      'the registry’s token service answered 403 (to a credential or to an anonymous request): no read access to the repository, a private one, or one that does not exist',
    candidates: ['permission', 'not-found', 'auth'],
    fix: ADVICE.deniedChecks,
  },
  {
    // Batch 3 (issue 26): the token request's URL is printed and the text is cut before its status.
    id: 'ambiguous/token-status-cut',
    category: 'unknown',
    reason:
      'the registry’s token service refused the client, and the text is cut off before the status that says why (no login, no permission, or a repository that does not exist)',
    candidates: ['auth', 'permission', 'not-found'],
    fix: ADVICE.deniedChecks,
  },
  {
    id: 'auth/anonymous-token',
    category: 'auth',
    reason:
      'the registry’s token service refused the client: no accepted credential (an anonymous token was refused) or a stored one it no longer accepts',
  },
  {
    // GHCR refuses a login at the version check (`GET /v2/`) with `denied: denied`; Tekton's kaniko says it in words.
    id: 'auth/login-refused',
    category: 'auth',
    reason:
      'the registry refused the login itself (the token or password was not accepted at its version check)',
  },
  {
    id: 'auth/unsigned-request',
    category: 'auth',
    reason: 'AWS received the request without a signature: the client sent no AWS credentials at all',
    fix: ADVICE.unsignedRequest,
  },
  {
    // ECR Public serves pulls without credentials: its 403 refuses a stored login (expired), not a policy.
    id: 'auth/ecr-public-forbidden',
    category: 'auth',
    reason:
      'ECR Public refused the stored login for public.ecr.aws (expired); pulls from ECR Public need no credentials',
    fix: ADVICE.ecrPublicStaleLogin,
  },
  {
    id: 'auth/bad-aws-credentials',
    category: 'auth',
    reason:
      'AWS rejected the access key or session token (unknown, expired, or key, secret and session token from different sessions)',
  },
  // Permission: authenticated, but policy does not allow the action.
  {
    id: 'permission/explicit-deny',
    category: 'permission',
    reason:
      'a policy explicitly denies the action (identity policy, permissions boundary, SCP, VPC endpoint or repository policy); no Allow can override it',
    fix: ADVICE.explicitDeny,
  },
  {
    id: 'permission/not-authorized',
    category: 'permission',
    reason:
      'the identity authenticated but no policy allows the action (identity, repository, SCP or VPC endpoint policy)',
  },
  {
    id: 'permission/registry-iam',
    category: 'permission',
    reason:
      'the registry’s own access control refused the identity (Artifact Registry or Container Registry IAM, a GitHub package permission)',
  },
  {
    id: 'permission/registry-quota',
    category: 'permission',
    reason:
      'the registry refused the push: the account’s plan or project has reached a quota (repositories, storage)',
    fix: ADVICE.registryQuota,
  },
  {
    id: 'permission/lambda-image',
    category: 'permission',
    reason:
      'Lambda itself may not read the function’s image: the repository policy does not let lambda.amazonaws.com pull it',
    fix: ADVICE.lambdaImageAccess,
  },
  // Ambiguous: docker's and containerd's words for "denied" that fit a missing repository and a missing login
  // alike (the ECS agent reads them as "check if the image exists and the role may pull"). Everything more
  // specific (a principal that is not authorized, an expired token, no credentials) has matched above.
  {
    id: 'ambiguous/access-denied-or-missing',
    category: 'unknown',
    reason:
      'the registry refused without saying why: the repository or tag may not exist (wrong name, account or region) or the client may not be allowed or logged in; the text does not say which',
    candidates: ['not-found', 'auth', 'permission'],
    fix: ADVICE.deniedChecks,
  },
  {
    // Issue 26: GHCR's 403, Container Registry's "may have invalid credentials", Harbor's "unauthorized to access
    // repository", Docker Hub's 401 with its scope map: each registry says these for a missing image too.
    id: 'ambiguous/registry-denied',
    category: 'unknown',
    reason:
      'the registry refused in words it uses for a missing repository, a missing or stale login and a missing permission alike',
    candidates: ['not-found', 'auth', 'permission'],
    fix: ADVICE.deniedChecks,
  },
  {
    id: 'ambiguous/old-client',
    category: 'unknown',
    reason:
      'an old client (docker 1.13 and older) fell back to the v1 protocol and says not found for what it cannot read',
    candidates: ['integrity', 'not-found', 'auth'],
    fix: ADVICE.oldClient,
  },
  {
    // Session 2: docker's own image store lacks the image; the registry was not asked, or its answer is elsewhere.
    id: 'ambiguous/local-image-missing',
    category: 'unknown',
    reason:
      'the image is not in the local image store (docker create or run without a pull, or a pull that failed before): not a registry’s answer',
    candidates: ['not-found', 'auth', 'network'],
    // The consequence of a pull that failed above it (no matching manifest, then "No such image"): that decides.
    consequence: true,
    fix: ADVICE.localImageMissing,
  },
  {
    id: 'ambiguous/local-store',
    category: 'unknown',
    reason: 'the client could not read content from its own local store: not the registry’s answer',
    candidates: ['integrity', 'not-found'],
    fix: ADVICE.localStore,
  },
  {
    id: 'ambiguous/docker-api',
    category: 'unknown',
    reason:
      'the docker daemon’s API answered 500 for the pull and the registry’s own answer is not in the text',
    candidates: ['service', 'network', 'auth', 'not-found'],
    fix: ADVICE.dockerApi,
  },
  {
    id: 'ambiguous/tool-own-failure',
    category: 'unknown',
    reason:
      'the tool failed on its own, not at a registry: its own service refused its token, or a program on the host is built for another architecture',
    candidates: ['auth', 'platform'],
    fix: ADVICE.toolOwnFailure,
  },
  {
    id: 'ambiguous/engine-unreachable',
    category: 'unknown',
    reason:
      'the client could not reach its own container engine (the podman machine or the docker daemon): no registry was asked',
    // The engine is down (a service of the host's) or the way to it is wrong (a socket, a forwarded port).
    candidates: ['service', 'network'],
    fix: ADVICE.engineUnreachable,
  },
  {
    // Batch 3 (issue 26): an nginx or proxy page (`<title>403 Forbidden</title>`) is not the registry's answer.
    id: 'ambiguous/front-page',
    category: 'unknown',
    reason:
      'a web server or proxy in front of the registry answered with its own HTML error page, not the registry’s API: the registry’s own verdict is not in the text',
    candidates: ['permission', 'network', 'not-found'],
    fix: ADVICE.frontPage,
  },
  {
    // Batch 3 (issue 26): Artifactory remote, Nexus proxy and pull-through repositories say not found when their
    // own fetch from the upstream registry failed (a login the upstream refused, no route to it).
    id: 'ambiguous/proxy-not-found',
    category: 'unknown',
    reason:
      'a remote (proxy) repository says not found when the image is missing upstream and when its own fetch from the upstream registry failed alike',
    candidates: ['not-found', 'auth', 'network'],
    fix: ADVICE.proxyNotFound,
  },
  {
    // Batch 5 (issue 26): ECR answers 403 to a manifest push for a missing ecr:PutImage and for a full repository.
    id: 'ambiguous/ecr-push-refused',
    category: 'unknown',
    reason:
      'ECR refused the manifest of a push with a bare 403: the identity may not push, or the repository is full (its images-per-repository quota); the text does not say which',
    candidates: ['permission', 'not-found'],
    fix: ADVICE.ecrPushRefused,
  },
  {
    // Batch 4 (issue 26): the kubelet or containerd stopped the pull itself (the pod went away, a deadline passed).
    id: 'ambiguous/pull-cancelled',
    category: 'unknown',
    reason:
      'the pull was cancelled before it finished (code = Canceled): the pod was deleted or rescheduled, the runtime restarted, or a pull deadline passed; the registry’s answer, if any, is not in the text',
    candidates: ['network', 'throttle'],
    fix: ADVICE.pullCancelled,
  },
  {
    // Batch 4 (issue 26): a registry that does not take an image index answers 404 when the client commits one.
    id: 'ambiguous/index-push-refused',
    category: 'unknown',
    reason:
      'the registry answered 404 when the client pushed an image index: it may not support indexes (attestations, multi-platform), or the repository path is wrong',
    candidates: ['integrity', 'not-found'],
    fix: ADVICE.indexPushRefused,
  },
  {
    // Batch 4 (issue 26): the docker daemon's authorization plugin refused the API call; no registry was asked.
    id: 'ambiguous/daemon-authz-plugin',
    category: 'unknown',
    reason:
      'an authorization plugin of the docker daemon refused the API call: the daemon’s own policy, not the registry, answered',
    candidates: ['permission', 'service'],
    fix: ADVICE.daemonAuthzPlugin,
  },
  {
    id: 'auth/registry-unauthorized',
    category: 'auth',
    reason: 'the registry did not accept the credential it was given',
  },
  {
    id: 'ambiguous/status-not-given',
    category: 'unknown',
    reason:
      'the layer download failed with a status the message leaves out: no route to the registry or S3, or no permission to the image',
    candidates: ['network', 'permission'],
  },
  {
    id: 'permission/access-denied',
    category: 'permission',
    reason: 'the service answered access denied (for layers, often an S3 gateway endpoint policy)',
  },
  // Throttling.
  {
    id: 'throttle/kubelet-qps',
    category: 'throttle',
    reason:
      'the kubelet’s own pull limit (registryPullQPS / registryBurst) refused the pull before any registry was asked',
    fix: ADVICE.kubeletPullQps,
  },
  {
    id: 'throttle/rate-exceeded',
    category: 'throttle',
    reason: 'the registry or API throttled the caller (rate exceeded, 429)',
  },
  // Issue 26: a download cut short decides before the verification failure it causes.
  {
    id: 'network/truncated-transfer',
    category: 'network',
    reason: 'the connection closed before the layer or blob was complete (unexpected EOF)',
    fix: ADVICE.truncatedTransfer,
  },
  // Platform.
  {
    id: 'platform/ecs-no-descriptor',
    category: 'platform',
    reason: 'no manifest in the image index matches the task’s platform (ECS and Fargate)',
    fix: ADVICE.ecsPlatform,
  },
  {
    id: 'platform/no-matching-manifest',
    category: 'platform',
    reason: 'the image has no variant for this node’s platform (e.g. an amd64-only image on an arm64 node)',
  },
  {
    id: 'platform/exec-format',
    category: 'platform',
    reason: 'the container started a binary built for another CPU architecture',
  },
  // Integrity.
  {
    id: 'integrity/lambda-media-type',
    category: 'integrity',
    reason:
      'Lambda does not accept the image’s manifest, config or layer media type (usually an OCI index with provenance attestations)',
    fix: ADVICE.lambdaMediaType,
  },
  {
    id: 'integrity/media-type',
    category: 'integrity',
    reason: 'the client cannot read the manifest’s media type (an OCI manifest or index, for an old client)',
    fix: ADVICE.mediaTypeUnsupported,
  },
  {
    id: 'integrity/digest-mismatch',
    category: 'integrity',
    reason:
      'the content does not hash to the digest it should have (moved tag, pinned digest, or an altering proxy)',
  },
  {
    id: 'integrity/transfer',
    category: 'integrity',
    reason:
      'the bytes received are not the size or digest the manifest announces (a cut connection, an altering proxy, or a partial download)',
    fix: ADVICE.integrityTransfer,
  },
  {
    id: 'integrity/signature-rejected',
    category: 'integrity',
    reason:
      'the host’s signature policy rejected the image: unsigned, or signed with a key the policy does not trust',
    fix: ADVICE.signatureRejected,
  },
  {
    id: 'integrity/response-unreadable',
    category: 'integrity',
    reason: 'the registry’s answer lacks what the client requires to use it (a Docker-Content-Digest header)',
    fix: ADVICE.responseUnreadable,
  },
  {
    id: 'integrity/manifest-invalid',
    category: 'integrity',
    reason: 'the registry refused the manifest as invalid (MANIFEST_INVALID, or not JSON it can parse)',
  },
  // Not found.
  {
    id: 'not-found/short-name',
    category: 'not-found',
    reason:
      'a short image name did not resolve to a registry (registries.conf: no alias, no unqualified-search registries, or no terminal to choose)',
    fix: ADVICE.shortNameUnresolved,
  },
  {
    id: 'not-found/repository-or-tag',
    category: 'not-found',
    reason: 'the repository or tag does not exist where the reference points (name, tag, account or region)',
  },
  // Network.
  {
    // Batch 4 (issue 26): the registry speaks plain HTTP and the client insists on HTTPS.
    id: 'network/plain-http-registry',
    category: 'network',
    reason: 'the registry answered in plain HTTP to an HTTPS request: it serves no TLS on that port',
    fix: ADVICE.plainHttpRegistry,
  },
  {
    // Batch 6 (issue 26): a registry's own network rules refused the client's address (ACR's firewall).
    id: 'network/registry-firewall',
    category: 'network',
    reason:
      'the registry’s network rules refused the client’s IP address (a registry firewall or private-endpoint-only access), before any login was looked at',
    fix: ADVICE.registryFirewall,
  },
  {
    id: 'network/tls-not-valid-now',
    category: 'network',
    reason:
      'TLS refused a certificate as expired or not yet valid: a host clock far off, an intercepting proxy or an outdated CA bundle',
    fix: ADVICE.tlsNotValidNow,
  },
  {
    id: 'network/tls-untrusted',
    category: 'network',
    reason:
      'TLS refused the certificate as signed by an authority this host does not trust (usually a proxy intercepting TLS)',
    fix: ADVICE.tlsUntrusted,
  },
  {
    id: 'network/no-answer',
    category: 'network',
    reason:
      'the request never got an answer: no route, DNS failure, refused or reset connection, TLS failure or timeout (check NAT, VPC endpoints incl. the S3 gateway, security groups, DNS)',
  },
  // Service.
  {
    id: 'service/server-error',
    category: 'service',
    reason: 'the service answered with a server error (5xx, ServerException)',
  },
  // ECS could not read a secret and its cause is cut off (the causes above decide when the text keeps them).
  {
    id: 'ambiguous/ecs-secret',
    category: 'unknown',
    reason:
      'ECS could not read a secret from Secrets Manager or SSM Parameter Store (not an image pull); the cause is cut off',
    candidates: ['network', 'permission', 'not-found'],
  },
];

/** Every tool's phrasings, by the file they are in. A new tool's file is one more entry here. */
const PHRASE_FILES: Readonly<Record<string, readonly PhraseRow[]>> = {
  aws: AWS,
  containerd: CONTAINERD,
  docker: DOCKER,
  'ecr-pull-canary': ECR_PULL_CANARY,
  ecs: ECS,
  network: NETWORK,
  'other-tools': OTHER_TOOLS,
  podman: PODMAN,
  'credential-helpers': CREDENTIAL_HELPERS,
  registries: REGISTRIES,
};

export const PHRASES: readonly Phrase[] = Object.entries(PHRASE_FILES).flatMap(([tool, rows]) =>
  rows.map(([rule, pattern, source]) => ({ rule, pattern, source, tool })),
);
