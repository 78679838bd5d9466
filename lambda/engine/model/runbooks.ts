import type { Category } from './types.ts';

/**
 * One runbook per failure category. This is the single source for the remediation line in probe results,
 * the alarm descriptions and the notification bodies, so the three never disagree.
 */
export interface Runbook {
  /** A few words for subjects and dashboards. */
  title: string;
  /** What the canary observed, in the on-call engineer's terms. */
  saw: string;
  /** Likely causes, most likely first. */
  causes: string[];
  /** Commands to confirm the cause, run from the same network and identity as the failing workload. */
  checks: string[];
  /** What to do about it: one line, shown wherever space is short. */
  fix: string;
}

export const RUNBOOKS: Record<Category, Runbook> = {
  credentials: {
    title: 'No usable AWS credentials',
    saw: 'The probe could not obtain the credentials it expected: none were found, loading them timed out, AssumeRole was refused, or the chain resolved to an identity other than the expected one.',
    causes: [
      'Credentials are not configured for this host, task or function; on a laptop or build agent: no aws configure, an expired aws sso login session, or AWS_PROFILE not naming the profile that can pull.',
      'An earlier link of the credential chain (a leftover AWS_ACCESS_KEY_ID, a profile, an expired SSO session) returned valid but wrong credentials, so the intended role was never used.',
      'On EC2, IMDSv2 with a hop limit of 1 keeps containers from reaching instance metadata.',
      'The role trust policy does not let this identity assume the workload role.',
    ],
    checks: [
      'aws sts get-caller-identity',
      'aws configure list',
      'env | grep ^AWS_',
      'aws ec2 describe-instances --instance-ids <id> --query "Reservations[].Instances[].MetadataOptions"',
      'aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument',
    ],
    fix: 'On a laptop or build agent, run aws configure, or aws sso login --profile <name> with AWS_PROFILE=<name>; on AWS compute, make the chain resolve to the intended role: remove stray AWS_* variables and profiles, attach the instance/task/IRSA role, raise the IMDS hop limit to 2 for containers, or fix the role trust policy.',
  },
  auth: {
    title: 'Authentication rejected',
    saw: 'AWS or the registry rejected the credential itself: unknown or expired keys, a signature that does not match, an expired or malformed 12-hour registry token, or a registry 401.',
    causes: [
      'The 12-hour ECR authorization token expired and nothing fetched a new one (docker login done once, a cached credential helper).',
      'STS session credentials expired, or the access key, secret and session token come from different sessions.',
      'The access key was deactivated or deleted.',
    ],
    checks: [
      'aws sts get-caller-identity',
      'aws ecr get-login-password --region <region> | docker login --username AWS --password-stdin <account>.dkr.ecr.<region>.amazonaws.com',
      'aws iam list-access-keys --user-name <user>',
    ],
    fix: 'Fetch a fresh token with GetAuthorizationToken before each pull (use the ECR credential helper), and take the access key, secret and session token from one assume-role response; rotate revoked keys.',
  },
  permission: {
    title: 'Access denied',
    saw: 'The identity authenticated but is not allowed to get a token or read the image (AccessDenied or registry 403 DENIED), or the layer storage (S3) answered 403 to a layer download (phase layer).',
    causes: [
      'The identity policy lacks ecr:GetAuthorizationToken on "*" or ecr:BatchGetImage / ecr:GetDownloadUrlForLayer on the repository.',
      'A cross-account repository has no repository policy for this principal.',
      'A VPC endpoint policy, SCP or permissions boundary denies the action.',
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html ("Minimum Amazon S3 bucket
      // permissions for Amazon ECR"): the S3 gateway endpoint policy must allow the layer bucket.
      'Layer download 403 (phase layer): the S3 gateway endpoint policy (or a bucket-restricting VPC endpoint policy) does not allow s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*, the minimum the ECR VPC endpoint guide documents.',
    ],
    checks: [
      'aws sts get-caller-identity',
      'aws iam simulate-principal-policy --policy-source-arn <role-arn> --action-names ecr:GetAuthorizationToken ecr:BatchGetImage --resource-arns <repository-arn>',
      'aws ecr get-repository-policy --repository-name <repo> --region <region>',
      'aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.<region>.ecr.dkr --query "VpcEndpoints[].PolicyDocument"',
      'aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.<region>.s3 --query "VpcEndpoints[].[VpcEndpointId,PolicyDocument]"',
    ],
    fix: 'Grant ecr:GetAuthorizationToken on "*" and ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository to this identity; for another account add a repository policy; check VPC endpoint policies and SCPs; a layer 403 from S3: allow prod-<region>-starport-layer-bucket in the S3 endpoint policy.',
  },
  throttle: {
    title: 'ECR throttling',
    saw: 'ECR answered with throttling (ThrottlingException or registry 429) and the request still failed after the SDK retries.',
    causes: [
      'A scale-out makes many nodes or tasks call GetAuthorizationToken and BatchGetImage at once.',
      'A tool fetches a new token for every pull instead of reusing it for up to 12 hours.',
      'The account is near the regional request quota.',
    ],
    checks: [
      'aws service-quotas list-service-quotas --service-code ecr --region <region>',
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=GetAuthorizationToken --max-results 50 --region <region>',
    ],
    fix: 'Reuse tokens for their 12-hour life, stagger scale-outs, put hot images behind a pull-through cache, and request a quota increase if the load is legitimate.',
  },
  'clock-skew': {
    title: 'Host clock skew',
    saw: 'The host clock differs from AWS time by more than the threshold; signed requests fail once it passes the signing window.',
    causes: [
      'The host or container has no working time source (NTP / chrony stopped or blocked).',
      'A VM resumed from suspend or a long-running host drifted.',
    ],
    checks: [
      'date -u',
      'curl -sI https://api.ecr.<region>.amazonaws.com | grep -i ^date',
      'chronyc tracking',
    ],
    fix: 'Restore time sync on the host (chrony or systemd-timesyncd against the Amazon Time Sync Service, 169.254.169.123) and restart clients that cached a bad offset.',
  },
  'not-found': {
    title: 'Repository or image not found',
    saw: 'The repository or the tag/digest does not exist where the reference points.',
    causes: [
      'The repository name or tag is wrong, or the tag was deleted or expired by a lifecycle rule.',
      'The registry URL names the wrong region or account.',
      'A pull-through cache rule does not match the path.',
    ],
    checks: [
      'aws ecr describe-repositories --repository-names <repo> --region <region>',
      'aws ecr describe-images --repository-name <repo> --image-ids imageTag=<tag> --region <region>',
      'aws ecr describe-pull-through-cache-rules --region <region>',
    ],
    fix: 'Point the reference at an existing repository and tag in the right account and region, or push the image; exclude the tag from lifecycle expiry.',
  },
  platform: {
    title: 'Platform missing from image',
    saw: 'The image exists but does not offer a required platform (for example linux/arm64).',
    causes: [
      'The image was built for one architecture only.',
      'The multi-arch build or its push of the index failed.',
    ],
    checks: ['docker manifest inspect <image>', 'docker buildx imagetools inspect <image>'],
    fix: 'Build and push a multi-arch image (docker buildx build --platform linux/amd64,linux/arm64 --push) or schedule the workload on nodes of an available architecture.',
  },
  integrity: {
    title: 'Manifest integrity',
    saw: 'The manifest bytes do not match the digest ECR announced or the pinned digest, or cannot be parsed.',
    causes: [
      'The tag was moved to another image while the pinned digest was not updated.',
      'A proxy or cache between the host and ECR altered the response.',
    ],
    checks: [
      'aws ecr batch-get-image --repository-name <repo> --image-ids imageTag=<tag> --region <region> --query "images[].imageId"',
      'aws ecr describe-images --repository-name <repo> --region <region>',
    ],
    fix: 'Update the pinned digest if the tag moved on purpose (use immutable tags); otherwise remove the intercepting proxy from the path.',
  },
  network: {
    title: 'Network path to ECR',
    saw: 'The request never got an answer: DNS failure, connection refused or reset, TLS failure, or the deadline passed (phase layer: S3 layer storage).',
    causes: [
      'A security group, NACL or missing NAT route blocks HTTPS to ECR.',
      'The ecr.api / ecr.dkr interface endpoint has private DNS off, or (layers) no S3 gateway endpoint or HTTPS rule reaches prod-<region>-starport-layer-bucket on S3.',
      'A DNS resolver or outbound proxy is failing.',
    ],
    checks: [
      'nc -zv <account>.dkr.ecr.<region>.amazonaws.com 443',
      'dig +short api.ecr.<region>.amazonaws.com <account>.dkr.ecr.<region>.amazonaws.com',
      'aws ec2 describe-vpc-endpoints --region <region> --query "VpcEndpoints[].[ServiceName,State,PrivateDnsEnabled]"',
      'dig +short prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com; nc -zv prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com 443',
      'aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query "RouteTables[].Routes[].[DestinationPrefixListId,GatewayId,NatGatewayId]"',
    ],
    fix: 'Open HTTPS from the workload subnets to the ECR endpoints (interface endpoints with private DNS, or a NAT route), add the S3 gateway endpoint for the layer bucket, and fix DNS resolution.',
  },
  service: {
    title: 'ECR service error',
    saw: 'ECR answered with a server error (5xx or ServerException).',
    causes: ['Regional ECR trouble.', 'A transient server-side fault.'],
    checks: [
      'Check the AWS Health Dashboard for ECR in the region',
      'aws health describe-events --filter services=ECR',
    ],
    fix: 'Check AWS Health for ECR in the region; if it persists, open a support case and pull from a replica region or a pull-through cache meanwhile.',
  },
  unknown: {
    title: 'Unclassified failure',
    saw: 'The pull failed in a way the canary does not recognise; the raw error code is kept.',
    causes: ['A new or rare error from ECR, the registry or the SDK.'],
    checks: ['Re-run the probe CLI with --json from the same host and read errorCode and message'],
    fix: 'Read the error code and message, then open an issue with them so the canary learns this failure.',
  },
};

/** The one-line remediation for a category. */
export function remediationFor(category: Category): string {
  return RUNBOOKS[category].fix;
}

/**
 * Who runs the registry an error names: the fix depends on it (issue 18). Issue 26 adds Google's two registries
 * (Artifact Registry on `*-docker.pkg.dev`, Container Registry on `gcr.io`, now served by Artifact Registry), Quay
 * and Harbor, each with its own words and fixes; any other registry is `other`.
 */
export type RegistryKind =
  | 'ecr'
  | 'ecr-public'
  | 'docker-hub'
  | 'ghcr'
  | 'gar'
  | 'gcr'
  | 'quay'
  | 'harbor'
  | 'acr'
  | 'gitlab'
  | 'artifactory'
  | 'nexus'
  | 'other';

/** What an error text names that a fix can be written around; each only when the text names it. */
export interface AdviceContext {
  /** The registry host the text names. */
  registry?: string;
  registryKind?: RegistryKind;
  region?: string;
  /** For an ECS secret failure: the secret store the agent read from. */
  secretStore?: 'Secrets Manager' | 'SSM Parameter Store';
  /** The docker credential helper the text names (`docker-credential-<name>`), without the prefix. */
  helper?: string;
  /** The text is the kubelet's (an EKS or Kubernetes node pulling), not a docker client's. */
  kubelet?: boolean;
  /** What else the text shows, for a verdict of unknown: the tool, the operation, the status and code. */
  tool?: string;
  operation?: string;
  httpStatus?: number;
  errorCode?: string;
}

/** A title and a one-line fix that fit one situation better than the category's runbook. */
export interface Advice {
  title: string;
  fix: string;
}

/** The name of a registry in a sentence. */
function registryName(kind: RegistryKind, host: string | undefined): string {
  switch (kind) {
    case 'ecr':
      return host ?? 'ECR';
    case 'ecr-public':
      return 'ECR Public (public.ecr.aws)';
    case 'docker-hub':
      return 'Docker Hub';
    case 'ghcr':
      return 'GitHub Container Registry (ghcr.io)';
    case 'gar':
      return `Artifact Registry (${host ?? '<location>-docker.pkg.dev'})`;
    case 'gcr':
      return `Container Registry (${host ?? 'gcr.io'}, served by Artifact Registry)`;
    case 'quay':
      return 'Quay (quay.io)';
    case 'harbor':
      return host ? `Harbor (${host})` : 'Harbor';
    case 'acr':
      return `Azure Container Registry (${host ?? '<registry>.azurecr.io'})`;
    case 'gitlab':
      return `the GitLab container registry (${host ?? 'registry.gitlab.com'})`;
    case 'artifactory':
      return host ? `Artifactory (${host})` : 'Artifactory';
    case 'nexus':
      return host ? `Nexus Repository (${host})` : 'Nexus Repository';
    default:
      return host ?? 'the registry';
  }
}

/** The host a registry's commands name when the text gives none. */
function registryHost(kind: RegistryKind, host: string | undefined): string {
  if (host) return host;
  switch (kind) {
    case 'ghcr':
      return 'ghcr.io';
    case 'docker-hub':
      return 'docker.io';
    case 'gar':
      return '<location>-docker.pkg.dev';
    case 'gcr':
      return 'gcr.io';
    case 'quay':
      return 'quay.io';
    case 'acr':
      return '<registry>.azurecr.io';
    case 'gitlab':
      return 'registry.gitlab.com';
    default:
      return '<host>';
  }
}

/**
 * Each registry's own checks, for its words that fit a missing image, a missing login and a missing permission
 * alike, and its login and read-access fixes: the sentences otherRegistry and deniedChecks are made of.
 */
function registryChecks(kind: RegistryKind, host: string): { login: string; read: string; exists: string } {
  switch (kind) {
    case 'ghcr':
      return {
        login: `docker logout ${host}, then docker login ${host} with a personal access token (classic) that has read:packages (write:packages to push); in GitHub Actions, GITHUB_TOKEN with permissions: packages: read (write to push)`,
        read: 'a private package is readable only by accounts and repositories it is shared with: in the package settings, make it public or grant the account or the workflow repository access (Manage Actions access)',
        exists: `the package path exists under the owner that publishes it today (a renamed owner or repository moves it): docker manifest inspect ${host}/<owner>/<image>:<tag>`,
      };
    case 'gar':
      return {
        login: `gcloud auth configure-docker ${host} (docker-credential-gcloud on PATH), or docker login -u oauth2accesstoken with gcloud auth print-access-token; on GKE the node's service account is the identity`,
        read: `grant roles/artifactregistry.reader (roles/artifactregistry.writer to push) on the repository to the identity docker uses (gcloud auth list; gcloud artifacts repositories get-iam-policy <repository> --location <location>)`,
        exists:
          'the project, location and repository in the path exist: Artifact Registry says "or it may not exist" for a missing repository too (gcloud artifacts docker images list <location>-docker.pkg.dev/<project>/<repository>)',
      };
    case 'gcr':
      return {
        login: `gcloud auth configure-docker ${host} (docker-credential-gcloud on PATH); a service account key, or the VM's service account, is the identity`,
        read: 'gcr.io is served by Artifact Registry: grant roles/artifactregistry.reader on the gcr.io repository of the project (on legacy Container Registry, storage.objectViewer on its bucket) to that identity',
        exists:
          'the image still exists in that project: images of gcr.io repositories that moved or were deleted answer the same (gcloud container images list-tags gcr.io/<project>/<image>)',
      };
    case 'quay':
      return {
        login: `docker logout ${host}, then docker login ${host} with a robot account or an encrypted password`,
        read: 'a private repository needs a robot account or user with read permission on it; a public one needs no login',
        exists: `the organization and repository names on quay.io are right: Quay answers "not authorized" for a repository that does not exist (docker manifest inspect ${host}/<org>/<image>:<tag>)`,
      };
    case 'harbor':
      return {
        login: `docker login ${host} with a user or robot account, to exactly the host the image reference names: a login to the host without the port (or with :443) is not sent for the other form`,
        read: 'a private Harbor project lets only its members pull: add the user or robot account to the project (Guest is enough to pull; robot accounts need the pull permission)',
        exists:
          'the project and repository exist in Harbor (Harbor answers "unauthorized to access repository" for a missing project too)',
      };
    case 'acr':
      return {
        login: `az acr login --name ${host.replace(/\.azurecr\.io$/, '')} (or docker login ${host} with a service principal or a repository-scoped token); on AKS the kubelet identity pulls (az aks update --attach-acr), elsewhere an imagePullSecret holds the credential`,
        read: 'grant the AcrPull role on the registry to the identity that pulls (the AKS kubelet identity, the service principal or the managed identity), or a token whose scope map allows content/read on the repository',
        exists: `the repository and tag exist in this registry (az acr repository show-tags --name ${host.replace(/\.azurecr\.io$/, '')} --repository <repository>)`,
      };
    case 'gitlab':
      return {
        login: `docker login ${host} with a personal, project or group access token that has read_registry (write_registry to push), or in CI with $CI_REGISTRY_USER and $CI_REGISTRY_PASSWORD; a password is refused when the account has two-factor authentication`,
        read: 'the user or token must be a member of the project with at least Reporter (Developer to push), and the token must carry read_registry; a CI job token reaches other projects only when their job token allowlist names this one',
        exists: `the project path and image name are right (GitLab image paths are <group>/<project>[/<image>]) and the tag exists in the project's Container Registry page`,
      };
    case 'artifactory':
      return {
        login: `docker login ${host} with a user and an identity or access token (an API key or password may be refused); the host must name the Docker repository the way Artifactory's reverse proxy or repository path method expects`,
        read: 'grant the user or group Read (Deploy to push) on the Docker repository in a permission target; for a virtual repository, on the repositories it aggregates',
        exists:
          'the image exists in the local repository, or the remote repository can fetch it from its upstream (a remote repository says not found when its own upstream login or reach fails)',
      };
    case 'nexus':
      return {
        login: `docker login ${host} with a Nexus user that has the nx-repository-view-docker-<repository>-read privilege; enable the Docker Bearer Token Realm for anonymous pulls`,
        read: 'give the user a role with nx-repository-view-docker-<repository>-read (-add and -edit to push) on the hosted, proxy or group repository',
        exists:
          'the image exists in the hosted repository, or the proxy repository can fetch it from its upstream (a proxy repository says not found when its upstream login or reach fails)',
      };
    case 'docker-hub':
      return {
        login:
          'docker logout, then docker login with a Docker ID and an access token (a stored login that expired is sent even for public images)',
        read: 'a private repository is readable only by its owner and the members of its organization team',
        exists:
          'the repository exists on Docker Hub: Docker Hub answers "pull access denied … may require docker login" and "authentication required" for a repository that does not exist (a misspelt name, a local-only image, a stage name read as an image)',
      };
    default:
      return {
        login: `docker logout ${host}, then docker login ${host} with a current credential`,
        read: 'the account may read the repository',
        exists: `the repository and tag exist (docker manifest inspect ${host}/<image>:<tag>)`,
      };
  }
}

/** The public status page of a hosted registry, in parentheses; empty for one a team runs itself. */
function statusPageOf(kind: RegistryKind, host: string | undefined): string {
  const pages: Partial<Record<RegistryKind, string>> = {
    'docker-hub': 'dockerstatus.com',
    ghcr: 'githubstatus.com',
    gar: 'status.cloud.google.com',
    gcr: 'status.cloud.google.com',
    quay: 'status.redhat.com',
    acr: 'azure.status.microsoft',
  };
  if (kind === 'gitlab' && (!host || host === 'registry.gitlab.com')) return ' (status.gitlab.com)';
  const page = pages[kind];
  return page ? ` (${page})` : '';
}

/** How a fix for a text that names no registry begins: ECR's step and any other registry's follow. */
export const UNNAMED_REGISTRY_LEAD = 'The text does not name the registry.';

/** The login line for an ECR registry, with the region and host the text names (placeholders otherwise). */
export function ecrLoginCommand(region: string | undefined, host: string | undefined): string {
  const r = region ?? '<region>';
  return `aws ecr get-login-password --region ${r} | docker login --username AWS --password-stdin ${host ?? `<account>.dkr.ecr.${r}.amazonaws.com`}`;
}

const ECR_PUBLIC_LOGIN =
  'aws ecr-public get-login-password --region us-east-1 | docker login --username AWS --password-stdin public.ecr.aws';

/**
 * Situations whose fix differs from the category's runbook: one place for every such title and fix, so `explain`
 * and anything else that names them agree. Each takes what the error text names.
 */
export const ADVICE = {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: an explicit Deny in
  // any policy (identity, permissions boundary, SCP, resource, VPC endpoint) overrides every Allow.
  explicitDeny: (): Advice => ({
    title: 'Access denied by an explicit Deny',
    fix: 'An explicit Deny overrides every Allow, so granting more does not help: find the Deny statement (the identity policies and permissions boundary: aws iam simulate-principal-policy names the matching statement; the organization SCPs; the VPC endpoint policy; the repository policy) and narrow it or its condition.',
  }),
  ecrLogin: (context: AdviceContext): Advice => ({
    title: 'No current docker login for this ECR registry',
    fix: `Log docker in to exactly this registry (account and region): ${ecrLoginCommand(context.region, context.registry)}; the login lasts 12 hours, so on hosts that pull later use the ECR credential helper (docker-credential-ecr-login) instead.`,
  }),
  // ECR Public serves pulls without credentials; a stored login for public.ecr.aws is still sent, and refused once
  // it has expired (aws/containers-roadmap#1296).
  ecrPublicStaleLogin: (): Advice => ({
    title: 'Stale ECR Public login',
    fix: `ECR Public needs no IAM permission to pull: a stored login for public.ecr.aws that expired is sent anyway and refused. Run docker logout public.ecr.aws to pull anonymously, or log in again (${ECR_PUBLIC_LOGIN}); anonymous pulls have a lower rate limit than authenticated ones.`,
  }),
  ecrPublicRateLimit: (): Advice => ({
    title: 'ECR Public rate limit',
    fix: `ECR Public limits anonymous pulls more than authenticated ones: log in (${ECR_PUBLIC_LOGIN}) to raise the limit, or copy the image into a private ECR repository (or an ECR pull-through cache rule for ECR Public).`,
  }),
  unsignedRequest: (): Advice => ({
    title: 'Request not signed',
    fix: 'AWS received the request without any signature (MissingAuthenticationToken): the tool sent no AWS credentials at all, or called a URL that is not an AWS API endpoint. Give the tool credentials (aws configure, a role, or its own AWS credential setting) and check its endpoint URL and region.',
  }),
  tlsNotValidNow: (context: AdviceContext): Advice => ({
    title: `Certificate ${context.registryKind ? `of ${registryName(context.registryKind, context.registry)} ` : ''}expired or not yet valid`,
    fix: 'Check the host clock first (date -u; chronyc tracking): a clock far off makes every certificate look expired or not yet valid. If the clock is right, a proxy intercepting TLS or an outdated CA bundle presents the certificate: update the CA certificates, or trust the proxy’s CA on the host.',
  }),
  tlsUntrusted: (context: AdviceContext): Advice => ({
    title: 'Certificate not trusted',
    fix: `The certificate ${context.registry ? `of ${context.registry} ` : ''}is signed by an authority this host does not trust: usually a proxy intercepting TLS. Add that proxy’s CA to the host’s trust store (and docker’s certs.d for the registry), or exempt the registry from the proxy; do not turn off verification.`,
  }),
  // https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/ (registryPullQPS default 5,
  // registryBurst default 10).
  kubeletPullQps: (): Advice => ({
    title: 'kubelet pull rate limit (registryPullQPS)',
    fix: 'The kubelet refused the pull itself, before asking any registry: this node started more pulls per second than registryPullQPS (default 5, burst registryBurst 10). Raise registryPullQPS and registryBurst in the kubelet configuration, or use imagePullPolicy: IfNotPresent so restarts do not pull again.',
  }),
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html (trust policy for
  // ecs-tasks.amazonaws.com) and iam:PassRole for the identity that registers or runs the task.
  ecsAssumeRole: (): Advice => ({
    title: 'ECS could not assume the task role',
    fix: 'Make the role assumable by ECS: it must exist (not "null"), its trust policy must allow ecs-tasks.amazonaws.com to sts:AssumeRole (check any aws:SourceAccount / aws:SourceArn condition), and the identity that creates or updates the service needs iam:PassRole on it.',
  }),
  ecsSecret: (category: Category, context: AdviceContext): Advice => {
    const store = context.secretStore ?? 'Secrets Manager';
    const endpoint = store === 'Secrets Manager' ? 'secretsmanager' : 'ssm';
    const action = store === 'Secrets Manager' ? 'secretsmanager:GetSecretValue' : 'ssm:GetParameters';
    const region = context.region ?? '<region>';
    const fixes: Partial<Record<Category, string>> = {
      network: `The task cannot reach ${store}: give its subnets a route to ${endpoint}.${region}.amazonaws.com (a NAT gateway, or an interface endpoint com.amazonaws.${region}.${endpoint} with private DNS) and allow HTTPS out in its security group.`,
      permission: `Let the task execution role read the secret: allow ${action} on its ARN (and kms:Decrypt for a customer managed key).`,
      'not-found': `The secret or parameter the task definition names does not exist in this account and region: fix its ARN or name.`,
    };
    return {
      title: `ECS could not read a secret from ${store} (not an image pull)`,
      fix:
        fixes[category] ??
        `Read the cut-off cause in the task's stoppedReason, then check in turn: the ARN exists in the task's region, the task execution role may call ${action} (and kms:Decrypt), and the task's subnets reach ${endpoint}.${region}.amazonaws.com.`,
    };
  },
  deniedChecks: (context: AdviceContext): Advice => {
    const kind = context.registryKind;
    if (kind && kind !== 'ecr') {
      const name = registryName(kind, context.registry);
      const checks = registryChecks(kind, registryHost(kind, context.registry));
      return {
        title: `Denied by ${name}: not found, not logged in, or not allowed`,
        fix: `${name} answers the same for a missing image, a missing or stale login and a missing permission. Check in turn: ${checks.exists}; the login: ${checks.login}; the access: ${checks.read}.`,
      };
    }
    const region = context.region ?? '<region>';
    const ecrChecks = `the repository and tag exist in this account and region (aws ecr describe-images --repository-name <repo> --image-ids imageTag=<tag> --region ${region}); docker is logged in to this exact host (${ecrLoginCommand(context.region, context.registry)}); the identity may pull (aws sts get-caller-identity, then aws iam simulate-principal-policy --action-names ecr:BatchGetImage)`;
    if (!kind) {
      const checks = registryChecks('other', '<host>');
      return {
        title: 'Denied: not found, not logged in, or not allowed',
        fix: `${UNNAMED_REGISTRY_LEAD} Registries answer the same for a missing repository, a missing login and a missing permission. If it is ECR, check in turn: ${ecrChecks}. Another registry: ${checks.exists}; the login: ${checks.login}; that the account may read the repository.`,
      };
    }
    return {
      title: 'Denied: not found, not logged in, or not allowed',
      fix: `The registry answers the same for a missing repository, a missing login and a missing permission. Check in turn: ${ecrChecks}.`,
    };
  },
  unnamedRegistryServerError: (): Advice => ({
    title: 'Registry server error',
    fix: `${UNNAMED_REGISTRY_LEAD} It answered with a server error (5xx): if it is ECR, check AWS Health for ECR in the region; another registry, its status page. Retry later, and pull from a mirror meanwhile.`,
  }),
  consequenceOnly: (): Advice => ({
    title: 'The cause is the error above docker’s prompt',
    fix: 'docker asked for a password because the command before the pipe (aws ecr get-login-password) printed none: the error that command printed above this line is the cause; explain that line.',
  }),
  causeAbove: (reason: string): Advice => ({
    title: 'The cause is an error printed before this line',
    fix: `This line follows from an earlier error (${reason}), and that error is one no rule recognises: explain the first error the tool printed, or the whole output from there.`,
  }),
  integrityTransfer: (): Advice => ({
    title: 'Download does not match its size or digest',
    fix: 'The bytes received are not the size or digest the manifest announces: a connection cut short, a proxy that alters or truncates responses, or a partial download left in the local content store. Pull again; if it repeats, pull without the proxy and remove the partial content (restart containerd or docker after ctr content prune / docker builder prune).',
  }),
  // https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html: nodes pull with the node IAM role
  // (AmazonEC2ContainerRegistryPullOnly, or the older ReadOnly) through the kubelet image credential provider
  // (ecr-credential-provider, https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/).
  eksNodePull: (category: Category, context: AdviceContext): Advice => ({
    title:
      category === 'permission'
        ? 'The node role may not pull from this ECR repository'
        : 'The node got no ECR credentials',
    fix: `On EKS the kubelet pulls ECR images with the node IAM role through the kubelet image credential provider (ecr-credential-provider), not a docker login: attach AmazonEC2ContainerRegistryPullOnly (or AmazonEC2ContainerRegistryReadOnly) to the node role; for a repository in another account (the EKS add-on registries included) add a repository policy for that role; check that the provider's config matches the host (matchImages, /etc/eks/image-credential-provider/config.json) and that the node reaches instance metadata and ECR${context.region ? ` in ${context.region}` : ''}. Off EKS, give the kubelet the same provider or an imagePullSecret (${ecrLoginCommand(context.region, context.registry)} refreshes it every 12 hours).`,
  }),
  kubeletCredentialProvider: (): Advice => ({
    title: 'The kubelet image credential provider failed',
    fix: 'The kubelet could not run its image credential provider plugin (ecr-credential-provider on EKS): check that the binary is in --image-credential-provider-bin-dir and runs on this node (built for its OS and libc), that the --image-credential-provider-config names it with the right apiVersion and matchImages, and that the node role it uses may call ecr:GetAuthorizationToken (AmazonEC2ContainerRegistryPullOnly).',
  }),
  credentialHelperMissing: (context: AdviceContext): Advice => {
    const helper = context.helper ? `docker-credential-${context.helper}` : 'the credential helper';
    return {
      title: `Credential helper ${helper} not found`,
      fix: `~/.docker/config.json (or $DOCKER_CONFIG/config.json) names a credential helper in credsStore or credHelpers, and ${helper} is not on the PATH of the program that pulls: install it (or put it on that PATH), or remove the entry (after uninstalling Docker Desktop, delete "credsStore": "desktop"). Every pull and login asks that helper first, for public images too.`,
    };
  },
  credentialHelperFailed: (context: AdviceContext): Advice => {
    const helper = context.helper ? `docker-credential-${context.helper}` : 'the credential helper';
    return {
      title: `Credential helper ${helper} failed`,
      fix: `${helper}, named in credsStore or credHelpers of ~/.docker/config.json, ran and failed; run it by hand to see why (echo <host> | ${helper} get). docker-credential-ecr-login needs no docker login and refuses to store one ("not implemented"): drop the docker login step, or set AWS_ECR_IGNORE_CREDS_STORAGE=true; docker-credential-gcr refuses logins the same way (use gcloud auth configure-docker); an OS keychain helper that holds a stale entry needs docker logout <host> first.`,
    };
  },
  // https://docs.docker.com/build/metadata/attestations/: buildx adds provenance attestations, so the tag points
  // at an OCI image index; clients older than docker 20.10 (and some tools) read only Docker media types.
  mediaTypeUnsupported: (): Advice => ({
    title: 'Manifest format this client cannot read',
    fix: 'The manifest or index media type of the image (an OCI manifest, or an OCI index with attestations) is not one this client reads: upgrade the client (docker 20.10 or later reads OCI images; old tools ask only for Docker media types), or push the image with Docker media types and no attestations (docker buildx build --provenance=false --sbom=false, --output type=image,oci-mediatypes=false).',
  }),
  toolOwnFailure: (): Advice => ({
    title: 'The tool failed, not the pull',
    fix: 'This is the tool’s own failure, not a registry’s answer or an image’s: fix the tool (its API token, its login, or the build of the program for this host’s architecture) and run it again; a pull error, if any, comes after it.',
  }),
  engineUnreachable: (): Advice => ({
    title: 'The container engine did not answer',
    fix: 'The command could not reach its own engine, so no registry was asked: start it (podman machine start, Docker Desktop, systemctl start docker), check which one the client talks to (podman system connection list, docker context ls, DOCKER_HOST), then pull again.',
  }),
  // containers-policy.json(5): the policy per registry or repository, signedBy / sigstoreSigned requirements.
  signatureRejected: (): Advice => ({
    title: 'The signature policy rejected the image',
    fix: 'The host’s containers policy (/etc/containers/policy.json, and registries.d for where signatures are looked up) requires a signature this image does not have, or one made with a key it does not trust: check the policy entry for this registry or repository, that its key file is current, and that the signature store is reachable; pull a signed image, or change the policy on purpose, never by accepting anything.',
  }),
  storageRefused: (): Advice => ({
    title: 'The registry’s storage refused the download',
    fix: 'The registry sent the download to its blob storage (S3 or a CDN) with a signed URL, and the storage refused it: retry first, since a storage fault is often brief (check the registry’s status page); if it repeats, look for a proxy that rewrites URLs or query strings or changes the request, a client so slow the URL expired, and the host’s clock.',
  }),
  // https://learn.microsoft.com/en-us/azure/aks/workload-identity-overview: the pod's service account names the
  // identity's client ID; with several managed identities on a node, AZURE_CLIENT_ID picks one.
  azureCredentialChain: (): Advice => ({
    title: 'No Azure credential for the registry',
    fix: 'Azure’s DefaultAzureCredential found no identity to get an ACR token with: on AKS, set up workload identity (the service account’s azure.workload.identity/client-id annotation and the pod’s azure.workload.identity/use label) or, when the node has several managed identities, set AZURE_CLIENT_ID to the one with AcrPull on the registry; elsewhere, az login or the AZURE_* environment variables.',
  }),
  responseUnreadable: (): Advice => ({
    title: 'The registry’s answer is missing what the client needs',
    fix: 'The registry answered without something this client requires, such as the Docker-Content-Digest header, which some clients insist on: check for a proxy in front of the registry that drops response headers, update the client, or use a registry (or a setting of it) that sends the header.',
  }),
  registryQuota: (): Advice => ({
    title: 'The registry’s quota is full',
    fix: 'The registry refused the push because the plan, project or namespace has reached its quota of repositories or storage, not because of the credentials: delete repositories or images it no longer needs (a retention or lifecycle rule keeps it so), or raise the limit in the registry’s plan or project settings, then push again.',
  }),
  ecrHelperElsewhere: (): Advice => ({
    title: 'docker-credential-ecr-login was asked for another registry',
    fix: 'The docker configuration sends this registry\'s login to the ECR credential helper, which serves only ECR hosts: in ~/.docker/config.json name it per ECR host in "credHelpers" (e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"), remove "credsStore": "ecr-login" or set it to the OS keychain helper, and log in to this registry with its own credentials (ecr-pull-canary doctor checks the file).',
  }),
  // https://docs.aws.amazon.com/lambda/latest/dg/images-create.html: Lambda needs a single-platform image manifest.
  // https://docs.aws.amazon.com/lambda/latest/dg/images-create.html: Lambda pulls with its service principal, which
  // the repository policy must allow (Lambda adds the statement itself when the caller may set the policy).
  lambdaImageAccess: (context: AdviceContext): Advice => ({
    title: 'Lambda may not read the image',
    fix: `Lambda pulls a function's image with its own service principal, not the function's role: the repository's policy must allow lambda.amazonaws.com ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (aws ecr get-repository-policy --repository-name <repo> --region ${context.region ?? '<region>'}; ecr-pull-canary inventory judges it for each function). Lambda adds that statement itself when whoever creates or updates the function may set the repository policy. For a repository in another account, that account's policy must allow both the function's account and lambda.amazonaws.com, with aws:SourceArn naming that account's functions.`,
  }),
  lambdaMediaType: (): Advice => ({
    title: 'Lambda cannot use this image format',
    fix: 'Lambda takes a single-platform Docker or OCI image manifest, not an index with provenance or SBOM attestations: build with docker buildx build --platform linux/amd64 (or arm64) --provenance=false --sbom=false and push again (CDK, SAM and Serverless pass these to docker buildx), then update the function to the new digest.',
  }),
  shortNameUnresolved: (): Advice => ({
    title: 'Short image name not resolved (registries.conf)',
    fix: 'podman, buildah and CRI-O do not assume docker.io for a short name: use the fully qualified reference (docker.io/library/<name>:<tag>, or the registry the image is on), or add an alias or unqualified-search-registries in /etc/containers/registries.conf (or registries.conf.d); without a terminal, short-name-mode enforcing cannot ask which registry to use.',
  }),
  truncatedTransfer: (): Advice => ({
    title: 'Download cut short',
    fix: 'The connection closed before the blob was complete (unexpected EOF): pull again; if it repeats, look between the host and the registry: a caching proxy or mirror (its disk, its timeouts), a corporate proxy, a load balancer idle timeout, an MTU mismatch; large layers need the whole download to survive.',
  }),
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform
  ecsPlatform: (): Advice => ({
    title: 'No image in the index matches the task’s platform',
    fix: 'The image index has no manifest for the task’s platform (runtimePlatform in the task definition: linux/amd64 unless set, on Fargate and EC2 alike): build and push that platform (docker buildx build --platform linux/amd64,linux/arm64 --push), or set runtimePlatform.cpuArchitecture to an architecture the image has (docker buildx imagetools inspect <image>).',
  }),
  /**
   * No rule recognizes the text (issue 26): say what was recognized and the next step for the registry it names,
   * and to keep the text for the report (the command says where to report it).
   */
  unrecognized: (context: AdviceContext): Advice => {
    const kind = context.registryKind;
    const name = kind ? registryName(kind, context.registry) : undefined;
    const seen = [
      context.tool ? `tool ${context.tool}` : '',
      name ? `registry ${name}` : '',
      context.httpStatus ? `HTTP ${context.httpStatus}` : '',
      context.errorCode ? `error code ${context.errorCode}` : '',
      context.operation ? `operation ${context.operation}` : '',
    ].filter(Boolean);
    let next: string;
    if (!kind) {
      next =
        'run the same command with its debug output (docker --debug, --log-level debug, -v) to see the registry’s own answer, and explain that';
    } else if (kind === 'ecr') {
      next = `check that the image exists (aws ecr describe-images --repository-name <repo> --region ${context.region ?? '<region>'}), that docker is logged in to this host (${ecrLoginCommand(context.region, context.registry)}) and that the identity may pull (aws sts get-caller-identity)`;
    } else if (kind === 'ecr-public') {
      next =
        'pull anonymously (docker logout public.ecr.aws) and check the repository in the ECR Public Gallery';
    } else {
      const checks = registryChecks(kind, registryHost(kind, context.registry));
      next = `check ${checks.exists}; the login: ${checks.login}`;
    }
    return {
      title: `Unclassified failure${name ? ` (${name})` : ''}`,
      fix: `No rule recognizes this failure. ${seen.length > 0 ? `Recognized: ${seen.join(', ')}. ` : ''}Next: ${next}. Keep this text: it is what a report needs.`,
    };
  },
  /**
   * The text names no registry (no host, no registry's own words): ECR's fix and the same step for any other
   * registry, so a Docker Hub or GitLab error pasted without its host gets no ECR-only advice.
   */
  unnamedRegistry: (category: Category, ecr: Advice): Advice => {
    const other: Partial<Record<Category, { title: string; fix: string }>> = {
      auth: {
        title: 'Authentication rejected',
        fix: 'log in again with a current credential (docker logout <host>; docker login <host>); a stored login that expired is sent even for public images',
      },
      permission: {
        title: 'Access denied',
        fix: 'the credential the registry accepted may not read this repository: get read access for it, or use one that has it',
      },
      throttle: {
        title: 'Rate limited',
        fix: 'authenticate the pulls, pull less often (imagePullPolicy: IfNotPresent), or mirror the image (an ECR pull-through cache rule)',
      },
      network: {
        title: 'Network path to the registry',
        fix: 'check that the host name resolves (dig +short <host>) and that the firewall, proxy or NAT lets HTTPS through to it',
      },
      'not-found': {
        title: 'Repository or image not found',
        fix: 'check the repository and tag on that registry (docker manifest inspect <image>): a misspelt name or a tag that does not exist (yet)',
      },
    };
    const generic = other[category];
    if (!generic) return ecr;
    return {
      title: generic.title,
      fix: `${UNNAMED_REGISTRY_LEAD} If it is ECR: ${ecr.fix} Another registry: ${generic.fix}.`,
    };
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
  ecsNoExecutionRole: (): Advice => ({
    title: 'The task definition has no task execution role',
    fix: 'Fargate tasks (and EC2 tasks that pull from private ECR, read secrets or send logs to CloudWatch) need a task execution role: set executionRoleArn in the task definition to a role ECS may assume (ecs-tasks.amazonaws.com in its trust policy) with the AmazonECSTaskExecutionRolePolicy managed policy.',
  }),
  daemonAuthzPlugin: (): Advice => ({
    title: 'The docker daemon’s authorization plugin refused the call',
    fix: 'An authorization plugin configured in the docker daemon (--authorization-plugin, "authorization-plugins" in daemon.json; CI platforms install their own) refused this API call before any registry was asked: read the plugin’s message and its policy, or run the same call where no such plugin is configured.',
  }),
  plainHttpRegistry: (context: AdviceContext): Advice => ({
    title: 'The registry speaks plain HTTP',
    fix: `${context.registry ?? 'The registry'} answered an HTTPS request in plain HTTP: give it a TLS certificate (the right fix beyond a lab), or tell the client it is an insecure registry: docker's "insecure-registries" in daemon.json, containerd's hosts.toml with server = "http://…" (ctr --plain-http, nerdctl --insecure-registry), [[registry]] insecure = true in registries.conf for podman and CRI-O.`,
  }),
  pullSecretUnreadable: (): Advice => ({
    title: 'The pull secret could not be read',
    fix: 'The service account of the program that pulls may not get the secret named in imagePullSecrets (RBAC): grant it get on that secret in its namespace (a Role and RoleBinding), or give the pod a service account that may; then pull again. kubectl auth can-i get secret/<name> --as system:serviceaccount:<namespace>:<account> -n <namespace> shows the answer.',
  }),
  pullCancelled: (): Advice => ({
    title: 'The pull was cancelled before it finished',
    fix: 'The kubelet or the runtime stopped the pull (code = Canceled): look at what happened to the pod at that moment (deleted, evicted, rescheduled), at the runtime (restarted), and at a pull that outlived a deadline (a very large image on a slow link: kubelet --image-pull-progress-deadline on dockershim, runtime-request-timeout). If the next pull of the same image fails, explain that error.',
  }),
  indexPushRefused: (): Advice => ({
    title: 'The registry refused an image index',
    fix: 'The registry answered 404 when the client committed an image index (multi-platform, or the provenance and SBOM attestations buildx adds): check that the registry version supports OCI image indexes, or push a single-platform image without attestations (docker buildx build --provenance=false --sbom=false, or the classic image store); check the repository path as well.',
  }),
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html: an upstream that needs a login
  // takes a Secrets Manager secret whose name starts with ecr-pullthroughcache/.
  pullThroughUpstream: (context: AdviceContext): Advice => ({
    title: 'The pull-through cache could not log in upstream',
    fix: `ECR's pull-through cache rule for this prefix could not authenticate to its upstream registry: check the rule's credential (aws ecr describe-pull-through-cache-rules --region ${context.region ?? '<region>'}; the Secrets Manager secret named ecr-pullthroughcache/… holds a current username and access token for the upstream), run aws ecr validate-pull-through-cache-rule, and check that the upstream path exists (Docker Hub official images need library/ in the path).`,
  }),
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html: images per repository.
  ecrPushRefused: (context: AdviceContext): Advice => ({
    title: 'ECR refused the pushed manifest',
    fix: `ECR answered 403 to the manifest of a push. Check in turn: the identity may push to this repository (ecr:PutImage, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:BatchCheckLayerAvailability; aws sts get-caller-identity, then the repository policy); the repository is not full (Images per repository in Service Quotas: aws ecr describe-images --repository-name <repo> --region ${context.region ?? '<region>'} --query 'length(imageDetails)'; a lifecycle policy keeps it below); and docker is logged in to this exact host (${ecrLoginCommand(context.region, context.registry)}).`,
  }),
  registryFirewall: (context: AdviceContext): Advice => ({
    title: 'The registry’s firewall refused this address',
    fix: `${context.registryKind ? registryName(context.registryKind, context.registry) : 'The registry'} accepts only some networks and this client's IP address is not one: add the address (for a CI runner, its outbound range) to the registry's network rules (ACR: az acr network-rule add, or "Selected networks" in the portal; see https://aka.ms/acr/firewall), or pull over the private endpoint from inside the allowed network; for ECR, the equivalent is a repository or VPC endpoint policy with aws:SourceIp or aws:SourceVpce conditions.`,
  }),
  localImageMissing: (): Advice => ({
    title: 'The image is not in the local image store',
    fix: 'docker (or the tool through its API) looked for the image locally and did not find it: pull it first (docker pull <image>, or the tool’s pull or pull-policy option), and explain that pull’s error if it fails; a pull that reported success but left no image points at another daemon or context (DOCKER_HOST, docker context ls) or a full disk.',
  }),
  frontPage: (context: AdviceContext): Advice => ({
    title: 'A proxy or web server answered, not the registry',
    fix: `The answer is an HTML error page from a web server or proxy in front of ${context.registryKind ? registryName(context.registryKind, context.registry) : 'the registry'}, not the registry’s API: check what answers on that host (curl -sv https://${context.registry ?? '<host>'}/v2/), the proxy settings of the client (HTTPS_PROXY, NO_PROXY, the daemon's proxy) and whether the repository or server moved or was taken down.`,
  }),
  proxyNotFound: (context: AdviceContext): Advice => ({
    title: 'Not found through a remote (proxy) repository',
    fix: `A remote or proxy repository${context.registry ? ` on ${context.registry}` : ''} says not found when its own fetch from the upstream registry fails, too: check that the image and tag exist upstream, then the repository's upstream URL and credentials and that the proxy reaches the upstream (its logs or its test-connection button); clear its cached negative answer (Artifactory's missed retrieval cache, Nexus's negative cache) after fixing.`,
  }),
  checkFellBack: (): Advice => ({
    title: 'A check failed and the tool went on (a warning)',
    fix: 'A check the tool makes first (an update check’s HEAD request for the image’s digest, a build cache check) failed and it went on without it (a regular pull, a build without the cache): this line is a warning. Look at the lines after it: if the pull or build succeeded, nothing is wrong (a registry that refuses HEAD, a local image with no registry); if it failed, explain that error.',
  }),
  endpointFellBack: (context: AdviceContext): Advice => ({
    title: 'One endpoint failed and the client tried the next (a step)',
    fix: `The client tries its endpoints in turn (the registry mirrors of daemon.json or registries.conf, then the registry itself; podman's unqualified-search registries for a short name), and this line says ${context.registry ? `${context.registry}` : 'one of them'} failed before it moved on. If the pull succeeded, only that endpoint needs fixing (or removing, to save the wait); if it failed, explain the last error the client printed, which is the pull's own.`,
  }),
  // https://docs.aws.amazon.com/AmazonECR/latest/public/public-registry-auth.html: a token for ECR Public needs
  // ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken; pulls without one are anonymous and served.
  ecrPublicProviderWarning: (): Advice => ({
    title: 'The credential provider failed for ECR Public (a warning)',
    fix: 'The kubelet’s image credential provider (ecr-credential-provider) could not get a token for public.ecr.aws, so the kubelet pulls without credentials, which ECR Public serves at its lower anonymous rate limit: this line alone is not a failed pull. To pull authenticated, give the node role ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken; to stop the attempt, leave public.ecr.aws out of the provider configuration’s matchImages. If the pull failed, explain that pull’s own error.',
  }),
  certificateNotYetValid: (context: AdviceContext): Advice => ({
    title: 'Host clock behind: a certificate is not valid yet',
    fix: `The host’s clock reads a time before the certificate ${context.registryKind ? `of ${registryName(context.registryKind, context.registry)} ` : ''}became valid, so the clock is behind. Compare date -u with the real time, turn on time sync (timedatectl set-ntp true; chronyc makestep) and make sure the time source is reachable (on a VM, check the hypervisor's clock too), then pull again.`,
  }),
  oldClient: (context: AdviceContext): Advice => ({
    title: 'An old client that cannot read this image',
    fix: `This client (docker 1.13 and older fall back to the v1 protocol and say "not found") reports not found for what it cannot read: an OCI image index, a registry that speaks only v2. Pull the same reference from ${context.registryKind ? registryName(context.registryKind, context.registry) : 'the registry'} with a current client (docker 20.10 or later) to see the registry’s real answer; upgrade the client if that pull works.`,
  }),
  localStore: (): Advice => ({
    title: 'Local content store problem, not the registry',
    fix: 'The client could not read content it already downloaded from its own store (containerd image store or snapshotter): remove the image and its partial content (docker image rm, docker builder prune, or ctr content prune) and pull again; if it repeats, pull with the default snapshotter or the classic image store to tell a client bug from the image.',
  }),
  dockerApi: (): Advice => ({
    title: 'The docker daemon failed the pull (its answer is not in this text)',
    fix: 'The tool talks to the docker daemon’s API, which answered 500 and kept the registry’s answer to itself: run docker pull <image> on the same host, or read the daemon log (journalctl -u docker), and explain that message; a retry often works when the registry had a passing fault.',
  }),
  /** A registry other than ECR, named by the text: the category's fix in that registry's terms. */
  otherRegistry: (category: Category, context: AdviceContext): Advice | null => {
    const kind = context.registryKind ?? 'other';
    const name = registryName(kind, context.registry);
    const host = registryHost(kind, context.registry);
    switch (category) {
      case 'auth':
        return {
          title: `Authentication rejected by ${name}`,
          fix:
            kind === 'other'
              ? `Log in to ${host} again with a current credential (docker logout ${host}; docker login ${host}); a stored login that expired is sent even for public images, so for a public image docker logout alone is enough.`
              : `Log in again with a current credential: ${registryChecks(kind, host).login}. A stored login that expired is sent even for public images, so for a public image logging out alone is enough.`,
        };
      case 'permission':
        return {
          title: `Access denied by ${name}`,
          fix:
            kind === 'other'
              ? `The credential ${name} accepted may not read this repository: get read access to it, or use a credential that has it.`
              : `The identity ${name} sees may not do this: ${registryChecks(kind, host).read}.`,
        };
      case 'throttle':
        return {
          title: `${name} rate limit`,
          fix:
            kind === 'docker-hub'
              ? 'Docker Hub limits pulls per IP address for anonymous clients and per account: authenticate the pulls (docker login, imagePullSecrets), pull less often (imagePullPolicy: IfNotPresent), or mirror the image into ECR (a pull-through cache rule for Docker Hub).'
              : `${name} throttled the pulls: authenticate them, pull less often, or mirror the image into ECR (a pull-through cache rule).`,
        };
      case 'service':
        return {
          title: `${name} server error`,
          fix: `${name} answered with a server error: check its status page${statusPageOf(kind, context.registry)} and retry later; meanwhile pull from a mirror or a copy in ECR.`,
        };
      case 'network':
        return {
          title: `Network path to ${name}`,
          fix: `The request to ${host} never got an answer: check that the host name is right and resolves (dig +short ${host}), and that the firewall, proxy or NAT lets HTTPS through to it.`,
        };
      case 'not-found':
        return {
          title: `Image not found on ${name}`,
          fix: `Check the repository and tag on ${name} (docker manifest inspect <image>): the name may be misspelled or the tag may not exist (yet).`,
        };
      default:
        return null;
    }
  },
} as const;
