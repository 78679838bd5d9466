/**
 * Sorts the error text that pull and login paths produce (docker and its credential flow, containerd and
 * kubelet, the ECS agent and Fargate, the AWS CLI and SDKs, ECR's registry) into the probe's categories.
 *
 * Pure: no I/O, no SDK. The CLI's `explain` and the workload watcher call the same function, with free text
 * (an ECS `stoppedReason` or container `reason`, a kubelet event) or with a service's structured error
 * (CloudTrail `errorCode`, `errorMessage`, `eventName`). The text is cut into errors (output pasted together
 * holds several); in each, rules run most specific first and the first that matches decides, and the most
 * specific verdict of all decides the text (a line that is the consequence of another, docker's prompt after a
 * failed `get-login-password`, only when nothing else is there); the others are listed. AWS error names and
 * registry statuses are decided by the probe's own tables (`lambda/engine/probe/classify.ts`), so the text classifier
 * and the probe never disagree about a code. Text that no rule explains is `unknown`, kept as given: never a
 * guess. The title and fix fit what the text names (`fitAdvice`: the registry, the situation).
 */

import { parseImageReference } from '../model/image-ref.ts';
import { ADVICE, type Advice, type AdviceContext, type RegistryKind, RUNBOOKS } from '../model/runbooks.ts';
import type { Category } from '../model/types.ts';
import { ECR_API_EVENT } from '../model/watch-contract.ts';
import {
  AUTH_CODES,
  CREDENTIAL_CODES,
  categoryOfErrorCode,
  categoryOfRegistryStatus,
  NETWORK_CODES,
  NOT_FOUND_CODES,
  PERMISSION_CODES,
  PROBE_CODE_CATEGORIES,
  REGISTRY_ERROR_STATUS,
  SERVER_ERROR_CODE,
  SKEW_CODES,
  THROTTLING_CODES,
} from '../probe/classify.ts';
import { redactCredentials } from '../probe/redact.ts';

/** Text beyond this many characters is not searched (a stoppedReason is at most a few hundred). */
export const MAX_SCAN_CHARS = 1024 * 1024;
/** The input is kept in the result up to this many characters. */
export const MAX_KEPT_CHARS = 4000;
/** An AWS error's own message is read this far after its name (the probe's skew test looks at one message). */
const CODE_MESSAGE_CHARS = 300;
/** Evidence shows at most this much of the matched text. */
const MAX_MATCH_CHARS = 300;
/** Evidence context: this many characters of the line on each side of the match. */
const CONTEXT_CHARS = 100;

/** Structured context that came with the text, e.g. from a CloudTrail record or a probe result. */
export interface TextHints {
  /** An AWS error name (CloudTrail `errorCode`), a registry error code, or a probe result's `errorCode`. */
  errorCode?: string | null;
  /** The API operation (CloudTrail `eventName`, e.g. `GetAuthorizationToken`). */
  operation?: string | null;
  /** Secrets known to the caller, removed verbatim besides the shapes `redactCredentials` knows. */
  secrets?: Iterable<string>;
}

/** Which part of the input decided the category. */
export interface TextEvidence {
  /** Stable rule id, `<category>/<name>`; `ambiguous/<name>` for text that fits several categories. */
  rule: string;
  /** What the rule means, in the on-call engineer's words. */
  reason: string;
  /** The part of the (redacted) input that matched. */
  match: string;
  /** The match with the rest of its line around it (redacted, at most ~240 characters); absent for a code hint. */
  context?: string;
  /** Where it matched: the free text or the error code given with it. */
  source: 'text' | 'errorCode';
  /** For an ambiguous match, the categories the text fits; the result is then `unknown`. */
  candidates?: Category[];
}

/** What the text says about who failed where; each field only when the text names it. */
export interface ExtractedFields {
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  registry?: string;
  /** The registry's 12-digit account. */
  account?: string;
  region?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** The IAM or STS principal ARN the failure names (`User: arn:…`). */
  principal?: string;
  /** The IAM action that was refused or attempted, e.g. `ecr:BatchGetImage`. */
  action?: string;
  /** The HTTP status the registry or service answered. */
  httpStatus?: number;
  /** The AWS or registry error code. */
  errorCode?: string;
}

/** Another distinct error in the same text, with its own verdict, besides the one that decided. */
export interface OtherError {
  category: Category;
  evidence: TextEvidence;
  /** What this error's own text names. */
  fields: ExtractedFields;
  remediation: string;
  title: string;
}

export interface TextClassification {
  category: Category;
  /** Null only when nothing in the text matched any rule. */
  evidence: TextEvidence | null;
  /**
   * What the text names. When it holds several distinct errors, only what the deciding error's own text names
   * (the others carry their own).
   */
  fields: ExtractedFields;
  /**
   * The one-line fix: the category's runbook (`lambda/engine/model/runbooks.ts`), or, where the text says more (the
   * registry it names, an explicit deny, a secret store, the login line with its region and host), the
   * situation's own advice from the same file.
   */
  remediation: string;
  /** The runbook's title, or the situation's. */
  title: string;
  /**
   * Other distinct errors in the text (several pasted together), each with its own verdict; the deciding one is
   * the most specific (a cause before the lines that are its consequence).
   */
  others: OtherError[];
  /** The input, secrets redacted, cut at `MAX_KEPT_CHARS`. */
  text: string;
}

/** The ECS agent's words for a secret it could not read (Secrets Manager: `asm`; SSM Parameter Store: `ssm`). */
const SECRET_RETRIEVAL = /unable to (?:retrieve secrets? from|get registry auth from) (asm|ssm)\b/i;

interface TextRule {
  id: string;
  /** `unknown` for an ambiguous rule, which names its `candidates` instead. */
  category: Category;
  reason: string;
  pattern: RegExp;
  candidates?: Category[];
  /**
   * The line is the consequence of an error printed before it (docker's prompt after the AWS CLI printed no
   * password): it decides only when the text holds nothing else.
   */
  consequence?: true;
}

/**
 * The phrase rules, most specific first. Patterns are case-insensitive and linear: literal anchors, bounded
 * gaps (`[^\n]{0,N}`), no nested quantifiers, so a megabyte of text costs one pass per rule.
 */
const TEXT_RULES: readonly TextRule[] = [
  // Clock skew first: a skewed clock also breaks signatures, tokens and AssumeRole, and says so in these words.
  {
    id: 'clock-skew/signature-window',
    category: 'clock-skew',
    reason:
      'AWS rejected the request because its signing time was outside the allowed window: the host clock is off',
    pattern:
      /signature expired: \d{8}T\d{6}Z is now earlier than|signature not\s{1,3}yet current|signature expired/i,
  },
  {
    id: 'clock-skew/request-time',
    category: 'clock-skew',
    reason:
      'the request time differs too much from the server time (RequestTimeTooSkewed): the host clock is off',
    pattern:
      /\b(?:RequestTimeTooSkewed|RequestInTheFuture)\b|difference between the request time and the current time is too large|host clock is [^\n]{1,40} (?:ahead of|behind) AWS/i,
  },
  // Credentials: the credential chain produced nothing usable, or the role could not be assumed.
  {
    id: 'credentials/assume-role-refused',
    category: 'credentials',
    reason: 'STS refused to let this identity assume the role (trust policy or missing sts:AssumeRole)',
    pattern:
      /not authorized to perform:? sts:AssumeRole|\(AccessDenied\) when calling the AssumeRole\w{0,20} operation|AssumeRole \S{1,300} refused|WebIdentityErr/i,
  },
  {
    id: 'credentials/ecs-assume-role',
    category: 'credentials',
    reason:
      'ECS could not assume the task or task execution role (its trust policy, a missing role, or iam:PassRole)',
    pattern: /ECS was unable to assume the role/i,
  },
  {
    id: 'credentials/none-in-chain',
    category: 'credentials',
    reason:
      'the AWS credential chain found no credentials (no keys, no profile, no instance or task role reachable)',
    pattern:
      /unable to locate credentials|NoCredentialProviders|no valid providers in chain|could not load credentials|CredentialsProviderError|no EC2 (?:IMDS )?(?:instance )?role found|EC2RoleRequestError|CredentialsEndpointError|failed to refresh cached credentials|failed to retrieve credentials|loading credentials from the default provider chain|CredentialsError: Missing credentials/i,
  },
  {
    id: 'credentials/unexpected-identity',
    category: 'credentials',
    reason:
      'the credential chain resolved to an identity other than the intended one (a stray key, profile or session earlier in the chain)',
    pattern: /credential chain resolved to \S{1,300}, not the expected/i,
  },
  {
    id: 'credentials/sso-session-expired',
    category: 'credentials',
    reason: 'the SSO session behind the profile expired, so the chain has no valid credentials',
    pattern:
      /SSO session [^\n]{0,60}(?:has )?expired|error loading SSO token|retrieving token from sso|token has expired and refresh failed|token for [^\n]{0,80} does not exist/i,
  },
  {
    // docker prompts only when it was given no password; in `aws ecr get-login-password | docker login
    // --password-stdin` that means the AWS CLI printed no token, in CI almost always because it found no AWS
    // credentials (seed article: "AWS credentials not configured"). The AWS CLI's own error is printed above it.
    id: 'credentials/empty-login-password',
    category: 'credentials',
    reason:
      'docker login got no password, so `aws ecr get-login-password` printed none: it found no AWS credentials (see its own error above this line)',
    pattern: /cannot perform an interactive login from a non[ -]TTY device/i,
    consequence: true,
  },
  // Authentication: the credential itself was rejected (registry token, access key, session token).
  {
    id: 'auth/registry-token-expired',
    category: 'auth',
    reason:
      'the 12-hour ECR registry token has expired; the client needs a fresh docker login or credential helper call',
    pattern:
      /authorization token has expired|token has expired\. reauthenticate|please run 'aws ecr get-login[^\n]{0,40}' to fetch a new one/i,
  },
  {
    id: 'auth/no-registry-credentials',
    category: 'auth',
    reason:
      'docker has no registry credential for this host: never logged in, logged in to another registry URL (account or region), or the login expired',
    pattern: /no basic auth credentials|basic credential not found/i,
  },
  {
    id: 'auth/anonymous-token',
    category: 'auth',
    reason:
      'the registry’s token service refused the client: no accepted credential (an anonymous token was refused) or a stored one it no longer accepts',
    // A token service that answered 5xx or 429 is down or throttling, not refusing: the status decides those.
    pattern: /failed to fetch (?:anonymous|oauth) token(?!:? unexpected status(?: code)?:? (?:5\d\d|429)\b)/i,
  },
  {
    id: 'auth/unsigned-request',
    category: 'auth',
    reason: 'AWS received the request without a signature: the client sent no AWS credentials at all',
    pattern:
      /\bMissingAuthenticationToken(?:Exception)?\b|Missing Authentication Token|request must contain a signature/i,
  },
  {
    // ECR Public serves pulls without credentials: its 403 refuses a stored login (expired), not a policy.
    id: 'auth/ecr-public-forbidden',
    category: 'auth',
    reason:
      'ECR Public refused the stored login for public.ecr.aws (expired); pulls from ECR Public need no credentials',
    pattern: /https?:\/\/public\.ecr\.aws\/v2\/\S{0,300}?:?[ \t]{0,3}403\b/,
  },
  {
    id: 'auth/bad-aws-credentials',
    category: 'auth',
    reason:
      'AWS rejected the access key or session token (unknown, expired, or key, secret and session token from different sessions)',
    pattern:
      /security token included in the request is (?:invalid|expired)|request signature we calculated does not match|\b(?:UnrecognizedClientException|InvalidClientTokenId|ExpiredTokenException|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature)\b|the AWS access key id you provided does not exist/i,
  },
  // Permission: authenticated, but policy does not allow the action.
  {
    id: 'permission/explicit-deny',
    category: 'permission',
    reason:
      'a policy explicitly denies the action (identity policy, permissions boundary, SCP, VPC endpoint or repository policy); no Allow can override it',
    pattern: /with an explicit deny/i,
  },
  {
    id: 'permission/not-authorized',
    category: 'permission',
    reason:
      'the identity authenticated but no policy allows the action (identity, repository, SCP or VPC endpoint policy)',
    pattern:
      /is not authorized to perform|not authorized to perform:|because no (?:identity|resource)-based policy allows/i,
  },
  // Ambiguous: docker's and containerd's words for "denied" that fit a missing repository and a missing login
  // alike (the ECS agent reads them as "check if the image exists and the role may pull"). Everything more
  // specific (a principal that is not authorized, an expired token, no credentials) has matched above.
  {
    id: 'ambiguous/access-denied-or-missing',
    category: 'unknown',
    reason:
      'the registry refused without saying why: the repository or tag may not exist (wrong name, account or region) or the client may not be allowed or logged in; the text does not say which',
    pattern:
      /requested access to the resource is denied|repository does not exist or may require|insufficient_scope|does not exist or no pull access|access to the requested resource is not authorized|": denied(?:: denied)?[ \t]*$|\bdenied: denied\b/im,
    candidates: ['not-found', 'auth', 'permission'],
  },
  {
    id: 'auth/registry-unauthorized',
    category: 'auth',
    reason: 'the registry did not accept the credential it was given',
    pattern:
      /unauthorized: (?:authentication required|incorrect username or password)|incorrect username or password|\bUNAUTHORIZED\b[^\n]{0,40}authentication required|the authorization token is not base64|login attempt to\s{1,5}\S{1,300}\s{1,5}failed with status:\s{0,5}400|RegistryUnauthorizedException|\bUnauthorized for \S|": unauthorized[ \t]*$/im,
  },
  {
    id: 'ambiguous/status-not-given',
    category: 'unknown',
    reason:
      'the layer download failed with a status the message leaves out: no route to the registry or S3, or no permission to the image',
    // Only when no status follows, on this line or the next.
    pattern:
      /failed to copy: httpRead\w{0,10}Seeker: failed open: unexpected status code(?![ \t]{0,5}\n?[ \t]{0,5}[1-5]\d\d)[ \t]*$/im,
    candidates: ['network', 'permission'],
  },
  {
    id: 'permission/access-denied',
    category: 'permission',
    reason: 'the service answered access denied (for layers, often an S3 gateway endpoint policy)',
    // Case-sensitive: docker's lowercase "pull access denied" is the ambiguous message above.
    pattern: /\bAccessDenied(?:Exception)?\b|\bAccess Denied\b/,
  },
  // Throttling.
  {
    id: 'throttle/kubelet-qps',
    category: 'throttle',
    reason:
      'the kubelet’s own pull limit (registryPullQPS / registryBurst) refused the pull before any registry was asked',
    pattern: /pull QPS exceeded/i,
  },
  {
    id: 'throttle/rate-exceeded',
    category: 'throttle',
    reason: 'the registry or API throttled the caller (rate exceeded, 429)',
    pattern:
      /toomanyrequests|rate exceeded|too many requests|pull rate limit|\bThrottl(?:ingException|eException|ing)\b|request limit exceeded|\bSlowDown\b/i,
  },
  // Platform.
  {
    id: 'platform/no-matching-manifest',
    category: 'platform',
    reason: 'the image has no variant for this node’s platform (e.g. an amd64-only image on an arm64 node)',
    pattern:
      /no matching manifest for [a-z0-9]{1,20}\/[a-z0-9]{1,20}|no match for (?:current )?platform|does not contain descriptor matching platform|no manifest for [a-z0-9]{1,20}\/[a-z0-9]{1,20}[^\n]{0,40}the image offers|image's platform \([^)\n]{1,60}\) does not match the detected host platform/i,
  },
  {
    id: 'platform/exec-format',
    category: 'platform',
    reason: 'the container started a binary built for another CPU architecture',
    pattern: /exec format error/i,
  },
  // Integrity.
  {
    id: 'integrity/digest-mismatch',
    category: 'integrity',
    reason:
      'the content does not hash to the digest it should have (moved tag, pinned digest, or an altering proxy)',
    pattern:
      /verification failed for digest|digest mismatch|digest did not match|\bDIGEST_INVALID\b|ImageDigestDoesNotMatch|manifest bytes hash to sha256:|not the pinned sha256:/i,
  },
  {
    id: 'integrity/transfer',
    category: 'integrity',
    reason:
      'the bytes received are not the size or digest the manifest announces (a cut connection, an altering proxy, or a partial download)',
    pattern: /unexpected commit (?:size|digest)|failed size validation|size mismatch/i,
  },
  {
    id: 'integrity/manifest-invalid',
    category: 'integrity',
    reason: 'the registry refused the manifest as invalid (MANIFEST_INVALID, or not JSON it can parse)',
    pattern: /\bMANIFEST_INVALID\b|manifest invalid|invalid manifest|Invalid parameter at 'ImageManifest'/i,
  },
  // Not found.
  {
    id: 'not-found/repository-or-tag',
    category: 'not-found',
    reason: 'the repository or tag does not exist where the reference points (name, tag, account or region)',
    pattern:
      /\b(?:NAME_UNKNOWN|MANIFEST_UNKNOWN|BLOB_UNKNOWN)\b|manifest unknown|name unknown|RepositoryNotFoundException|ImageNotFoundException|LayersNotFoundException|layer with digest \S{1,300}\s{1,3}does not exist|\bImageNotFound\b|repository with name '[^'\n]{1,256}' does not exist|requested image not found|repository \S{1,300} not found|manifest for \S{1,300} not found|code = NotFound|: not found\s*$/im,
  },
  // Network.
  {
    id: 'network/tls-not-valid-now',
    category: 'network',
    reason:
      'TLS refused a certificate as expired or not yet valid: a host clock far off, an intercepting proxy or an outdated CA bundle',
    pattern:
      /x509: certificate has expired or is not yet valid|certificate (?:has expired|is not yet valid)|\bCERT_HAS_EXPIRED\b/i,
  },
  {
    id: 'network/tls-untrusted',
    category: 'network',
    reason:
      'TLS refused the certificate as signed by an authority this host does not trust (usually a proxy intercepting TLS)',
    pattern:
      /x509: certificate signed by unknown authority|unable to get local issuer certificate|self[- ]signed certificate|unable to verify the first certificate|\bSELF_SIGNED_CERT_IN_CHAIN\b/i,
  },
  {
    id: 'network/no-answer',
    category: 'network',
    reason:
      'the request never got an answer: no route, DNS failure, refused or reset connection, TLS failure or timeout (check NAT, VPC endpoints incl. the S3 gateway, security groups, DNS)',
    pattern:
      /i\/o timeout|dial tcp|Could not connect to the endpoint URL|(?:Connect|Read) timeout on endpoint URL|Connection was closed before we received a valid response|SSL validation failed for|Could not reach any registry endpoint|https?:\/\/[^\s"]{1,300}"?: EOF\b|no such host|connection refused|connection reset|TLS handshake timeout|context deadline exceeded|context canceled|request canceled|Client\.Timeout exceeded|network is unreachable|no route to host|temporary failure in name resolution|server misbehaving|x509: |certificate (?:signed by unknown authority|has expired|is not valid)|socket hang up|getaddrinfo|RequestError: send request failed|did not finish within \d{1,9} ms|no complete answer from \S{1,300} within \d{1,9} ms|unable to verify the first certificate|self[- ]signed certificate|unable to get local issuer certificate|wrong version number/i,
  },
  // Service.
  {
    id: 'service/server-error',
    category: 'service',
    reason: 'the service answered with a server error (5xx, ServerException)',
    pattern:
      /\bServerException\b|internal server error|service unavailable|bad gateway|gateway timeout|\bInternalFailure\b|\bServiceUnavailable(?:Exception)?\b/i,
  },
  // ECS could not read a secret and its cause is cut off (the causes above decide when the text keeps them).
  {
    id: 'ambiguous/ecs-secret',
    category: 'unknown',
    reason:
      'ECS could not read a secret from Secrets Manager or SSM Parameter Store (not an image pull); the cause is cut off',
    pattern: SECRET_RETRIEVAL,
    candidates: ['network', 'permission', 'not-found'],
  },
];

/** Every AWS error name and probe code the probe's tables know, to find one in free text. */
const KNOWN_CODES: readonly string[] = [
  ...CREDENTIAL_CODES,
  ...SKEW_CODES,
  ...AUTH_CODES,
  ...PERMISSION_CODES,
  ...THROTTLING_CODES,
  ...NOT_FOUND_CODES,
  ...NETWORK_CODES,
  SERVER_ERROR_CODE,
  ...Object.keys(PROBE_CODE_CATEGORIES),
  ...Object.keys(REGISTRY_ERROR_STATUS),
];
// Longest first, so `AccessDeniedException` is found before `AccessDenied`.
const KNOWN_CODE_PATTERN = new RegExp(
  `\\b(${[...new Set(KNOWN_CODES)].sort((a, b) => b.length - a.length).join('|')})\\b`,
);

/** The AWS CLI's error line: `An error occurred (Code) when calling the Operation operation`. */
const AWS_CLI_ERROR = /An error occurred \((\w{1,100})\)(?: when calling the (\w{1,100}) operation)?/;
/** A registry or service HTTP status in the words the clients use; never docker's own `API error (500)`. */
const HTTP_STATUS =
  /(?:registry answered|status(?: code)?:?|unexpected status(?: code)?(?: \[[^\]\n]{0,100}\])?:?|failed with status(?: code)?(?: \[[^\]\n]{0,100}\])?:?|HTTP\/\d(?:\.\d)?|HTTP_|HTTP )[ \t]*([1-5]\d\d)\b|\b([1-5]\d\d) (?:Unauthorized|Forbidden|Not Found|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|Bad Request)\b/i;

const ECR_IMAGE =
  /\b\d{12}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?(?:\/[A-Za-z0-9._/:@-]{1,500})?/;
const REGISTRY_URL_PATH =
  /https?:\/\/([A-Za-z0-9.-]{1,253}(?::\d{1,5})?)\/v2\/([a-z0-9][a-z0-9._/-]{0,255}?)\/(?:manifests|blobs)\/([A-Za-z0-9_.:-]{1,128})/;
const PUBLIC_ECR = /\bpublic\.ecr\.aws\b/;
/** The region of any regional ARN (a secret, a parameter, a repository). */
const ARN_REGION = /\barn:aws[a-z-]{0,20}:[a-z0-9-]{2,30}:([a-z]{2}(?:-[a-z]+)+-\d):/;
/**
 * An image named without a registry host in docker's words (`manifest for NAME not found`, `pull access denied
 * for NAME`, `repository NAME not found`): docker resolves such a name on Docker Hub.
 */
const SHORT_NAME =
  /(?:manifest for|pull access denied for|repository) ([a-z0-9][a-z0-9_-]*(?:\/[a-z0-9._-]+)*)(?::[\w.-]+)?(?:,| not found)/;
/** The region of an ECR registry host, also when its account is redacted (`xxxx.dkr.ecr.us-east-1…`). */
const ECR_HOST_REGION = /\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/;
/**
 * An image reference or registry URL on any registry host (docker's rule: the first component is a host when it
 * has a dot or a port), after a space, a quote, a bracket, `=` or `://`. The path is read as far as it goes.
 */
const REGISTRY_REFERENCE =
  /(?:^|[\s"'([=]|:\/\/)((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?|localhost:\d{1,5})\/([A-Za-z0-9._/:@-]{0,500})/gm;
/** An image on an ECR host whose account was redacted (`xxxx.dkr.ecr.us-east-1…/repo:tag`): repository and tag. */
const REDACTED_ECR_IMAGE =
  /[^\s/"'@[\]]{1,60}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?\/(?!v2\/)([a-z0-9][a-z0-9._/-]{0,255})(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?/;
/** podman's and skopeo's words for the registry of a request: `… to /v2/<repo>/blobs/uploads/ in <host>`. */
const PODMAN_REGISTRY =
  /\/v2\/\S{0,300} in ((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?)\b/;
/** Hosts that appear in pull errors without being the registry: code hosts, docs, CDNs, AWS API and storage. */
const NOT_A_REGISTRY =
  /(?:^|\.)(?:github\.com|githubusercontent\.com|docker\.com|stackoverflow\.com|cloudfront\.net|cloudflarestorage\.com|amazon\.com|amazonaws\.com|amazonaws\.com\.cn|on\.aws|kubernetes\.io|k8s\.io|golang\.org|googleapis\.com)$/;
/** Docker Hub by the words of its own messages, when no host is named. */
const DOCKER_HUB_WORDS = /docker\.com\/increase-rate-limit|\bhub\.docker\.com\b|\bdocker\.io\b/;
const DOCKER_HUB_HOST = /^(?:(?:registry-1|index)\.)?docker\.io$/;
const ECR_HOST = /\.dkr[.-]ecr(?:-fips)?\./;
/** A tag: what the grammar allows (no colon), so punctuation after it in the text is not kept. */
const TAG_SHAPE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY_ARN =
  /\barn:aws[a-z-]{0,20}:ecr:([a-z]{2}(?:-[a-z]+)+-\d):([^\s:/]{1,40}):repository\/([a-z0-9][a-z0-9._/-]{0,255})/;
const REPOSITORY_NAME =
  /repository with name '([a-z0-9][a-z0-9._/-]{0,255})'(?: does not exist in the registry with id '(\d{12})')?/;
const PRINCIPAL_ARN = /\barn:aws[a-z-]{0,20}:(?:iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/-]{1,512}/;
const DENIED_PRINCIPAL = /\bUser: (arn:aws[a-z-]{0,20}:(?:iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/-]{1,512})/;
const IAM_ACTION = /(?:perform:?|allows the) ([a-z0-9-]{2,40}:[A-Za-z]{2,80})/;
const ECR_ACTION = /\becr:([A-Z][A-Za-z]{2,60})\b/;
/** The operation an SDK error names: the AWS CLI and boto (`when calling the X operation`), the Go SDK v2. */
const OPERATION = /when calling the (\w{1,100}) operation|operation error ECR: (\w{1,100})/;
const API_REGION = /\bapi\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/;
const LAYER_BUCKET_REGION = /\bprod-([a-z]{2}(?:-[a-z]+)+-\d)-starport-layer-bucket/;
const DIGEST = /\bsha256:[a-f0-9]{64}\b/;

/** Operations of the ECR API that a pull or push path calls; their IAM action is `ecr:<operation>`. */
const ECR_OPERATIONS = new Set<string>([
  // The pull, login and push calls the watcher's CloudTrail rule selects, and the other calls these paths make.
  ...ECR_API_EVENT.eventNames,
  'DescribeImages',
  'DescribeRepositories',
  'BatchImportUpstreamImage',
  'CreateRepository',
]);

/**
 * Classifies one error text. `hints.errorCode` and `hints.operation` are the structured parts of a service
 * error (CloudTrail `errorCode` and `eventName`; a probe result's `errorCode`); the text is its message or any
 * log excerpt. Secrets are redacted before anything is matched, so evidence and fields never carry them.
 */
export function classifyText(input: string, hints: TextHints = {}): TextClassification {
  const redacted = redactCredentials(String(input ?? ''), hints.secrets ?? []);
  const scanned = redacted.length > MAX_SCAN_CHARS ? redacted.slice(0, MAX_SCAN_CHARS) : redacted;
  const errorCode = hints.errorCode ? redactCredentials(String(hints.errorCode)).trim() : '';
  const operation = hints.operation ? String(hints.operation).trim() : '';

  // A structured error code that names a category decides before the codes and statuses found in the text.
  const codeCategory = errorCode ? categoryOfCode(errorCode, scanned.slice(0, CODE_MESSAGE_CHARS)) : null;
  const codeDecides = codeCategory !== null && codeCategory !== 'unknown';
  const segments = errorSegments(scanned);
  const found = segments.map((segment) => ({
    segment,
    decision: decideSegment(segment.text, codeDecides),
  }));
  const primary = pickPrimary(found, codeCategory, errorCode, operation);
  const category = primary?.decision.category ?? 'unknown';

  // Other distinct errors: a segment whose own verdict differs from the deciding one. A consequence line
  // (docker's prompt after a failed login) is not an error of its own.
  const others: OtherError[] = [];
  const listed = new Set<string>([`${category}|${primary?.decision.evidence.rule ?? ''}`]);
  for (const { segment, decision } of found) {
    if (!decision || decision.consequence || decision.category === category) continue;
    // Ambiguous wording next to one of the answers it could be (podman lists both) is one error.
    if (primary?.decision.evidence.candidates?.includes(decision.category)) continue;
    const key = `${decision.category}|${decision.evidence.rule}`;
    if (listed.has(key) || others.length >= MAX_OTHER_ERRORS) continue;
    listed.add(key);
    const fields = extractFields(segment.text, '', '');
    others.push({
      category: decision.category,
      evidence: decision.evidence,
      fields,
      ...fitAdvice(decision.category, decision.evidence, fields, segment.text),
    });
  }
  // One error: its fields may be spread over the lines it wraps onto. Several: only the deciding error's own.
  const scope = others.length > 0 && primary?.segment ? primary.segment.text : scanned;
  const fields = extractFields(scope, errorCode, operation);
  const evidence = primary?.decision.evidence ?? null;
  return {
    category,
    evidence,
    fields,
    ...fitAdvice(category, evidence, fields, scope),
    others,
    text:
      redacted.length > MAX_KEPT_CHARS
        ? `${redacted.slice(0, MAX_KEPT_CHARS)}… (${redacted.length - MAX_KEPT_CHARS} more characters)`
        : redacted,
  };
}

/** At most this many other errors are listed besides the deciding one. */
const MAX_OTHER_ERRORS = 5;
/** Text is cut into at most this many errors; the rest of it stays in the last one (bounded work on huge input). */
const MAX_SEGMENTS = 200;

/**
 * Where one error's text begins: a line that starts the way the tools start an error or a log record. Any other
 * line continues the error above it (wrapped messages, `caused by:` chains, a status on the next line).
 */
const ERROR_START =
  /^[ \t]*(?:\S{1,40}[ \t]+\|[ \t]+)?(?:Error\b|error[:=\s]|ERROR\b|ERRO\[|FATA\[|An error occurred|A client error|[EWIF]\d{4} \d\d:\d\d|time="|level=|\d{4}-\d\d-\d\d[T ]\d\d:|\d{4}\/\d\d\/\d\d |Warning\b|WARNING\b|denied:|unauthorized:|CannotPull|CannotStart|ResourceInitializationError|TaskFailedToStart|Failed to pull|Status reason:|Container message:|docker: |panic:|Caused by:|botocore\.|com\.|\[ERROR\]|\[Container\]|Step \d|The push refers|Pulling |Trying to pull|Login Succeeded|##\[error\])/;

interface Segment {
  /** Where the segment starts in the scanned text. */
  start: number;
  text: string;
}

/** The text cut into errors: each starts on a line that starts an error (`ERROR_START`); blank text is dropped. */
function errorSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  let position = 0;
  const close = (end: number) => {
    const piece = text.slice(start, end);
    if (piece.trim()) segments.push({ start, text: piece });
  };
  while (position < text.length && segments.length < MAX_SEGMENTS - 1) {
    const newline = text.indexOf('\n', position);
    if (newline === -1) break;
    const next = newline + 1;
    const lineEnd = text.indexOf('\n', next);
    const line = text.slice(next, lineEnd === -1 ? text.length : lineEnd);
    // A line ending in a colon announces what follows (podman's `errors:`, a status on the next line).
    const announces = /:[ \t]*$/.test(text.slice(Math.max(start, newline - 2), newline));
    if (!announces && ERROR_START.test(line.slice(0, 200))) {
      close(newline);
      start = next;
    }
    position = next;
  }
  close(text.length);
  return segments;
}

interface Decision {
  category: Category;
  evidence: TextEvidence;
  /** Lower decides first: a text rule's place in TEXT_RULES, then error codes, then HTTP statuses. */
  rank: number;
  consequence?: true;
}

const RANK_CODE_HINT = TEXT_RULES.length;
const RANK_NAMED_CODE = TEXT_RULES.length + 1;
const RANK_STATUS = TEXT_RULES.length + 2;

/** The deciding error: the most specific verdict of any segment; a consequence only when nothing else is there. */
function pickPrimary(
  found: Array<{ segment: Segment; decision: Decision | null }>,
  codeCategory: Category | null,
  errorCode: string,
  operation: string,
): { segment: Segment | null; decision: Decision } | null {
  // As in the probe: AssumeRole refused for auth or policy reasons means the intended role is out of reach.
  if (
    errorCode &&
    /^AssumeRole/.test(operation) &&
    (codeCategory === null || ['auth', 'permission', 'unknown'].includes(codeCategory))
  ) {
    return {
      segment: null,
      decision: {
        category: 'credentials',
        rank: -1,
        evidence: {
          rule: 'credentials/assume-role-refused',
          reason: `${operation} failed with ${errorCode}: the role could not be assumed`,
          match: errorCode,
          source: 'errorCode',
        },
      },
    };
  }
  let best: { segment: Segment; decision: Decision } | null = null;
  let consequence: { segment: Segment; decision: Decision } | null = null;
  for (const { segment, decision } of found) {
    if (!decision) continue;
    if (decision.consequence) consequence ??= { segment, decision };
    else if (!best || decision.rank < best.decision.rank) best = { segment, decision };
  }
  // A structured error code (CloudTrail, a probe result) outranks what the text says only by its code or status.
  if (codeCategory && codeCategory !== 'unknown' && (!best || best.decision.rank > RANK_CODE_HINT)) {
    return {
      segment: null,
      decision: {
        category: codeCategory,
        rank: RANK_CODE_HINT,
        evidence: {
          rule: `${codeCategory}/error-code`,
          reason: `the error code ${errorCode} means: ${RUNBOOKS[codeCategory].title.toLowerCase()}`,
          match: errorCode,
          source: 'errorCode',
        },
      },
    };
  }
  if (best) return best;
  if (!consequence) return null;
  // The consequence alone says what happened; with other text beside it, the cause is in that text.
  if (found.filter(({ decision }) => !decision?.consequence).length === 0) return consequence;
  return {
    segment: consequence.segment,
    decision: {
      category: 'unknown',
      rank: consequence.decision.rank,
      evidence: {
        ...consequence.decision.evidence,
        rule: 'ambiguous/consequence-only',
        reason: `${consequence.decision.evidence.reason}; the error above it is one no rule recognises`,
      },
    },
  };
}

/** The verdict of one error's text: the first text rule that matches, else an error code, else an HTTP status. */
function decideSegment(text: string, codeDecides: boolean): Decision | null {
  let consequence: Decision | null = null;
  for (const [rank, rule] of TEXT_RULES.entries()) {
    const match = rule.pattern.exec(text);
    if (!match) continue;
    const decision: Decision = {
      category: rule.category,
      rank,
      ...(rule.consequence ? { consequence: true as const } : {}),
      evidence: {
        rule: rule.id,
        reason: rule.reason,
        match: clip(match[0].trim()),
        context: contextOf(text, match.index, match[0].length),
        source: 'text',
        ...(rule.candidates ? { candidates: rule.candidates } : {}),
      },
    };
    // A consequence on the same line as its cause (the AWS CLI and docker print on one line) yields to it.
    if (!rule.consequence) return decision;
    consequence ??= decision;
  }
  if (consequence) return consequence;
  // The code given with the text decides before codes and statuses found in it (see pickPrimary).
  if (codeDecides) return null;
  const cliError = AWS_CLI_ERROR.exec(text);
  const named = cliError?.[1] ? cliError : KNOWN_CODE_PATTERN.exec(text);
  if (named?.[1]) {
    const after = text.slice(
      named.index + named[0].length,
      named.index + named[0].length + CODE_MESSAGE_CHARS,
    );
    const category = categoryOfCode(named[1], after);
    if (category && category !== 'unknown') {
      return {
        category,
        rank: RANK_NAMED_CODE,
        evidence: {
          rule: `${category}/error-code`,
          reason: `the error code ${named[1]} means: ${RUNBOOKS[category].title.toLowerCase()}`,
          match: clip(named[0]),
          context: contextOf(text, named.index, named[0].length),
          source: 'text',
        },
      };
    }
  }
  const status = HTTP_STATUS.exec(text);
  if (status) {
    const value = Number(status[1] ?? status[2]);
    const category = categoryOfRegistryStatus(
      value,
      null,
      text.slice(status.index, status.index + CODE_MESSAGE_CHARS),
    );
    if (category !== 'unknown') {
      return {
        category,
        rank: RANK_STATUS,
        evidence: {
          rule: `${category}/http-status`,
          reason: `the registry or service answered HTTP ${value}: ${RUNBOOKS[category].title.toLowerCase()}`,
          match: clip(status[0].trim()),
          context: contextOf(text, status.index, status[0].length),
          source: 'text',
        },
      };
    }
  }
  return null;
}

/** The category of an error code: an AWS error name, a probe code, a registry code or `HTTP_<status>`. */
function categoryOfCode(code: string, message: string): Category | null {
  const byName = categoryOfErrorCode(code, message);
  if (byName) return byName;
  const probe = PROBE_CODE_CATEGORIES[code];
  if (probe) return probe;
  const status =
    REGISTRY_ERROR_STATUS[code] ?? (/^HTTP_[1-5]\d\d$/.test(code) ? Number(code.slice(5)) : null);
  return status === null ? null : categoryOfRegistryStatus(status, code, message);
}

/** The line around a match, cut to `CONTEXT_CHARS` on each side. */
function contextOf(text: string, index: number, length: number): string {
  const lineStart = text.lastIndexOf('\n', index) + 1;
  const lineEnd = text.indexOf('\n', index + length);
  const start = Math.max(lineStart, index - CONTEXT_CHARS);
  const end = Math.min(lineEnd === -1 ? text.length : lineEnd, index + length + CONTEXT_CHARS);
  return `${start > lineStart ? '…' : ''}${text.slice(start, end).trim()}${end < (lineEnd === -1 ? text.length : lineEnd) ? '…' : ''}`;
}

function clip(text: string): string {
  return text.length > MAX_MATCH_CHARS ? `${text.slice(0, MAX_MATCH_CHARS)}…` : text;
}

function extractFields(text: string, errorCode: string, operation: string): ExtractedFields {
  const fields: ExtractedFields = {};

  const image = findEcrImage(text);
  if (image) Object.assign(fields, image);
  const url = REGISTRY_URL_PATH.exec(text);
  if (url?.[1] && url[2] && url[3]) {
    fields.registry ??= url[1];
    fields.repository ??= trimName(url[2]);
    if (url[3].startsWith('sha256:')) fields.digest ??= url[3].replace(/[.:]+$/, '');
    else {
      const tag = tagOf(url[3]);
      if (tag) fields.tag ??= tag;
    }
  }
  if (!fields.repository) {
    const redactedHost = REDACTED_ECR_IMAGE.exec(text);
    if (redactedHost?.[1]) {
      fields.repository = trimName(redactedHost[1]);
      const tag = redactedHost[2] ? tagOf(redactedHost[2]) : null;
      if (tag) fields.tag ??= tag;
    }
  }
  if (!fields.registry) {
    const podman = PODMAN_REGISTRY.exec(text)?.[1];
    if (podman && !NOT_A_REGISTRY.test(podman.replace(/:\d+$/, ''))) fields.registry = podman;
  }
  if (!fields.registry) {
    const other = findRegistryReference(text);
    if (other) {
      fields.registry = other.registry;
      if (other.repository) fields.repository ??= other.repository;
      if (other.tag) fields.tag ??= other.tag;
      if (other.digest) fields.digest ??= other.digest;
    }
  }
  if (!fields.registry && PUBLIC_ECR.test(text)) fields.registry = 'public.ecr.aws';
  const repositoryArn = REPOSITORY_ARN.exec(text);
  if (repositoryArn?.[1] && repositoryArn[2] && repositoryArn[3]) {
    fields.region ??= repositoryArn[1];
    // The account as written, unless it was redacted (`########`, `<account>`).
    if (/^\d{12}$/.test(repositoryArn[2])) fields.account ??= repositoryArn[2];
    fields.repository ??= trimName(repositoryArn[3]);
  }
  const named = REPOSITORY_NAME.exec(text);
  if (named?.[1]) {
    fields.repository ??= trimName(named[1]);
    if (named[2]) fields.account ??= named[2];
  }
  fields.region ??=
    API_REGION.exec(text)?.[1] ??
    ECR_HOST_REGION.exec(text)?.[1] ??
    LAYER_BUCKET_REGION.exec(text)?.[1] ??
    ARN_REGION.exec(text)?.[1];
  fields.digest ??= DIGEST.exec(text)?.[0];

  const principal = DENIED_PRINCIPAL.exec(text)?.[1] ?? PRINCIPAL_ARN.exec(text)?.[0];
  if (principal) fields.principal = principal.replace(/[.,]+$/, '');

  const action = IAM_ACTION.exec(text)?.[1] ?? ECR_ACTION.exec(text)?.[0];
  const said = OPERATION.exec(text);
  const calledOperation = operation || said?.[1] || said?.[2] || '';
  if (action) fields.action = action;
  else if (ECR_OPERATIONS.has(calledOperation)) fields.action = `ecr:${calledOperation}`;

  const status = HTTP_STATUS.exec(text);
  if (status) fields.httpStatus = Number(status[1] ?? status[2]);
  else if (/^HTTP_[1-5]\d\d$/.test(errorCode)) fields.httpStatus = Number(errorCode.slice(5));

  const code = errorCode || AWS_CLI_ERROR.exec(text)?.[1] || KNOWN_CODE_PATTERN.exec(text)?.[1];
  if (code) fields.errorCode = code;

  // The same order everywhere (JSON output, notifications), and only what the text named.
  const ordered: ExtractedFields = {};
  for (const key of FIELD_ORDER) {
    if (fields[key] !== undefined) Object.assign(ordered, { [key]: fields[key] });
  }
  return ordered;
}

/** The order fields are reported in. */
export const FIELD_ORDER: ReadonlyArray<keyof ExtractedFields> = [
  'registry',
  'account',
  'region',
  'repository',
  'tag',
  'digest',
  'principal',
  'action',
  'httpStatus',
  'errorCode',
];

/** The first ECR image reference (or bare ECR registry host) in the text, parsed by the probe's own parser. */
function findEcrImage(text: string): ExtractedFields | null {
  const found = ECR_IMAGE.exec(text);
  if (!found) return null;
  const candidate = found[0].replace(/[.,:;/@-]+$/, '');
  const host = candidate.split('/')[0] as string;
  // Any valid repository name: only the host's account and region are read here.
  const hostOnly = parseImageReference(`${host}/xx`);
  const fields: ExtractedFields = {
    registry: host,
    ...(hostOnly.registryId ? { account: hostOnly.registryId } : {}),
    ...(hostOnly.region ? { region: hostOnly.region } : {}),
  };
  if (candidate.includes('/') && !candidate.includes('/v2/')) {
    try {
      const ref = parseImageReference(candidate);
      fields.repository = ref.repository;
      // The parser defaults a missing tag to `latest`; report a tag only when the text names one.
      if (ref.tag && candidate.slice(candidate.lastIndexOf('/')).includes(':')) fields.tag = ref.tag;
      if (ref.digest) fields.digest = ref.digest;
    } catch {
      // Not a well-formed reference (a URL path, a truncated name): keep the host and its account and region.
    }
  }
  return fields;
}

/** A tag as the text gives it, without what follows it (`v1.3.2:` before `: no basic auth`); null if not a tag. */
function tagOf(raw: string): string | null {
  const tag = raw.split(':')[0]?.replace(/[.-]+$/, '') ?? '';
  return TAG_SHAPE.test(tag) ? tag : null;
}

/** The first reference to a registry other than ECR's private hosts: a URL (`/v2/…`) or an image reference. */
function findRegistryReference(
  text: string,
): { registry: string; repository?: string; tag?: string; digest?: string } | null {
  REGISTRY_REFERENCE.lastIndex = 0;
  for (let match = REGISTRY_REFERENCE.exec(text); match; match = REGISTRY_REFERENCE.exec(text)) {
    const host = match[1] as string;
    if (NOT_A_REGISTRY.test(host.replace(/:\d+$/, ''))) continue;
    const path = (match[2] ?? '').replace(/[.,;:/@-]+$/, '');
    if (path.startsWith('v2/') || path === 'v2') {
      const api = /^v2\/([a-z0-9][a-z0-9._/-]{0,255}?)\/(?:manifests|blobs)\/([A-Za-z0-9_.:-]{1,128})/.exec(
        path,
      );
      if (!api?.[1] || !api[2]) return { registry: host };
      const digest = api[2].startsWith('sha256:') ? api[2] : undefined;
      const tag = digest ? null : tagOf(api[2]);
      return {
        registry: host,
        repository: trimName(api[1]),
        ...(tag ? { tag } : {}),
        ...(digest ? { digest } : {}),
      };
    }
    const reference =
      /^([a-z0-9][a-z0-9._/-]{0,255}?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(
        path,
      );
    if (!reference?.[1]) return { registry: host };
    const tag = reference[2] ? tagOf(reference[2]) : null;
    return {
      registry: host,
      repository: trimName(reference[1]),
      ...(tag ? { tag } : {}),
      ...(reference[3] ? { digest: reference[3] } : {}),
    };
  }
  return null;
}

/** Who runs the registry the text names: by the host found, else by words only one registry uses. */
function registryKindOf(fields: ExtractedFields, text: string): RegistryKind | undefined {
  const host = fields.registry;
  if (host) {
    if (ECR_HOST.test(host)) return 'ecr';
    if (host === 'public.ecr.aws') return 'ecr-public';
    if (DOCKER_HUB_HOST.test(host)) return 'docker-hub';
    if (host === 'ghcr.io') return 'ghcr';
    return 'other';
  }
  if (ECR_HOST_REGION.test(text) || API_REGION.test(text)) return 'ecr';
  if (DOCKER_HUB_WORDS.test(text) || SHORT_NAME.test(text)) return 'docker-hub';
  return undefined;
}

/** The title and fix that fit what the text says: a situation's own advice, else the category's runbook. */
function fitAdvice(
  category: Category,
  evidence: TextEvidence | null,
  fields: ExtractedFields,
  text: string,
): { title: string; remediation: string } {
  const advice = adviceFor(category, evidence, fields, text);
  return { title: advice.title, remediation: advice.fix };
}

function adviceFor(
  category: Category,
  evidence: TextEvidence | null,
  fields: ExtractedFields,
  text: string,
): Advice {
  const registryKind = registryKindOf(fields, text);
  const context: AdviceContext = {
    ...(fields.registry ? { registry: fields.registry } : {}),
    ...(registryKind ? { registryKind } : {}),
    ...(fields.region ? { region: fields.region } : {}),
  };
  // An ECS secret the agent could not read is not an image pull, whatever the cause.
  const secret = SECRET_RETRIEVAL.exec(text);
  if (secret) {
    return ADVICE.ecsSecret(category, {
      ...context,
      secretStore: secret[1]?.toLowerCase() === 'asm' ? 'Secrets Manager' : 'SSM Parameter Store',
    });
  }
  const rule = evidence?.rule ?? '';
  switch (rule) {
    case 'permission/explicit-deny':
      return ADVICE.explicitDeny();
    case 'auth/unsigned-request':
      return ADVICE.unsignedRequest();
    case 'auth/ecr-public-forbidden':
      return ADVICE.ecrPublicStaleLogin();
    case 'network/tls-not-valid-now':
      return ADVICE.tlsNotValidNow(context);
    case 'network/tls-untrusted':
      return ADVICE.tlsUntrusted(context);
    case 'throttle/kubelet-qps':
      return ADVICE.kubeletPullQps();
    case 'credentials/ecs-assume-role':
      return ADVICE.ecsAssumeRole();
    case 'integrity/transfer':
      return ADVICE.integrityTransfer();
    case 'ambiguous/access-denied-or-missing':
      return ADVICE.deniedChecks(context);
    case 'ambiguous/consequence-only':
      return ADVICE.consequenceOnly();
  }
  if (evidence?.source === 'errorCode' && /^MissingAuthenticationToken/.test(evidence.match)) {
    return ADVICE.unsignedRequest();
  }
  if (registryKind === 'ecr-public') {
    if (category === 'auth' || category === 'permission') return ADVICE.ecrPublicStaleLogin();
    if (category === 'throttle') return ADVICE.ecrPublicRateLimit();
  }
  if (registryKind === 'docker-hub' || registryKind === 'ghcr' || registryKind === 'other') {
    const advice = ADVICE.otherRegistry(category, context);
    if (advice) return advice;
  }
  if (rule === 'auth/no-registry-credentials' || rule === 'auth/registry-token-expired') {
    return ADVICE.ecrLogin(context);
  }
  // A server error from a registry the text does not name: not necessarily ECR's.
  if (category === 'service' && !registryKind) return ADVICE.unnamedRegistryServerError();
  return { title: RUNBOOKS[category].title, fix: RUNBOOKS[category].fix };
}

/** Repository names end in a letter or digit; text around them may add a full stop or a slash. */
function trimName(name: string): string {
  return name.replace(/[._/-]+$/, '');
}
