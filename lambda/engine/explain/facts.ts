/**
 * What an error text names (registry, account, region, repository, tag, digest, principal, action, status, code):
 * the patterns that find each fact, and the extraction the classifier runs on the error that decided.
 */

import { parseImageReference } from '../model/image-ref.ts';
import type { RegistryKind } from '../model/runbooks.ts';
import { ECR_API_EVENT } from '../model/watch-contract.ts';
import {
  AUTH_CODES,
  CREDENTIAL_CODES,
  NETWORK_CODES,
  NOT_FOUND_CODES,
  PERMISSION_CODES,
  PROBE_CODE_CATEGORIES,
  REGISTRY_ERROR_STATUS,
  SERVER_ERROR_CODE,
  SKEW_CODES,
  THROTTLING_CODES,
} from '../probe/classify.ts';
import type { ExtractedFields } from './types.ts';

/** The ECS agent's words for a secret it could not read (Secrets Manager: `asm`; SSM Parameter Store: `ssm`). */
export const SECRET_RETRIEVAL = /unable to (?:retrieve secrets? from|get registry auth from) (asm|ssm)\b/i;

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
export const KNOWN_CODE_PATTERN = new RegExp(
  `\\b(${[...new Set(KNOWN_CODES)].sort((a, b) => b.length - a.length).join('|')})\\b`,
);

/** The AWS CLI's error line: `An error occurred (Code) when calling the Operation operation`. */
export const AWS_CLI_ERROR = /An error occurred \((\w{1,100})\)(?: when calling the (\w{1,100}) operation)?/;
/** A registry or service HTTP status in the words the clients use; never docker's own `API error (500)`. */
export const HTTP_STATUS =
  /(?:registry answered|StatusCode:|returned error:|but got|\breturned|failed with code|status=|statusCode=|unexpected status from [A-Z]{3,7} request to \S{1,800}:|status(?: code)?:?|unexpected status(?: code)?(?: \[[^\]\n]{0,100}\])?:?|failed with status(?: code)?(?: \[[^\]\n]{0,100}\])?:?|HTTP\/\d(?:\.\d)?|HTTP_|HTTP )[ \t]*([1-5]\d\d)\b|\b([1-5]\d\d) (?:Unauthorized|Forbidden|Not Found|Too Many Requests|Internal Server Error|Server Error|Client Error|Bad Gateway|Service Unavailable|Gateway Timeout|Bad Request)\b|: ([45]\d\d) \{"errors":|\[([45]\d\d)\]\[\{"errors":/i;

/** The status an HTTP_STATUS match names, whichever of its shapes matched. */
export function statusOf(match: RegExpExecArray): number {
  return Number(match.slice(1).find((group) => group !== undefined));
}

const ECR_IMAGE =
  /\b\d{12}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?(?:\/[A-Za-z0-9._/:@-]{1,500})?/;
const REGISTRY_URL_PATH =
  /https?:\/\/([A-Za-z0-9.-]{1,253}(?::\d{1,5})?)\/v2\/([a-z0-9][a-z0-9._/-]{0,255}?)\/(?:manifests|blobs)\/(?!uploads\b)([A-Za-z0-9_.:-]{1,128})/;
const PUBLIC_ECR = /\bpublic\.ecr\.aws\b/;
/** The repository a token request's scope names, `repository:<name>:<actions>`, URL-encoded or not. */
const TOKEN_SCOPE =
  /[?&]scope=repository(?::|%3A)([a-z0-9][a-z0-9._/-]{0,255}?|[a-z0-9][a-z0-9._%-]{0,300}?)(?::|%3A)(?:pull|push|\*)/i;
/** The region of any regional ARN (a secret, a parameter, a repository). */
const ARN_REGION = /\barn:aws[a-z-]{0,20}:[a-z0-9-]{2,30}:([a-z]{2}(?:-[a-z]+)+-\d):/;
/**
 * An image named without a registry host in docker's words (`manifest for NAME not found`, `pull access denied
 * for NAME`, `repository NAME not found`): docker resolves such a name on Docker Hub.
 */
const SHORT_NAME =
  /(?:manifest for|pull access denied for|repository) ([a-z0-9][a-z0-9_-]*(?:\/[a-z0-9._-]+)*)(?::[\w.-]+)?(?:,| not found)/;
/** The region of an ECR registry host, also when its account is redacted (`xxxx.dkr.ecr.us-east-1…`). */
export const ECR_HOST_REGION = /\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/;
/**
 * An image reference or registry URL on any registry host (docker's rule: the first component is a host when it
 * has a dot or a port), after a space, a quote, a bracket, `=` or `://`. The path is read as far as it goes.
 */
const REGISTRY_REFERENCE =
  /(?:^|[\s"'([=]|:\/\/)((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?|localhost:\d{1,5}|(?:\d{1,3}\.){3}\d{1,3}:\d{1,5})\/([A-Za-z0-9._/:@-]{0,500})/gm;
/** An image on an ECR host whose account was redacted (`xxxx.dkr.ecr.us-east-1…/repo:tag`): repository and tag. */
const REDACTED_ECR_IMAGE =
  /[^\s/"'@[\]]{1,60}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?\/(?!v2\/)([a-z0-9][a-z0-9._/-]{0,255})(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?/;
/** A registry API path on an ECR host whose account was redacted: the path from `v2/` on. */
const REDACTED_ECR_API =
  /[^\s/"'@[\]]{1,60}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?\/(v2\/[A-Za-z0-9._/:%?=&-]{0,600})/;
/** podman's and skopeo's words for the registry of a request: `… to /v2/<repo>/blobs/uploads/ in <host>`. */
const PODMAN_REGISTRY =
  /\/v2\/\S{0,300} in ((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?)\b/;
/** Hosts that appear in pull errors without being the registry: code hosts, docs, CDNs, AWS API and storage. */
const NOT_A_REGISTRY =
  /(?:^|\.)(?:github\.com|githubusercontent\.com|docker\.com|stackoverflow\.com|cloudfront\.net|cloudflarestorage\.com|amazon\.com|amazonaws\.com|amazonaws\.com\.cn|on\.aws|kubernetes\.io|k8s\.io|golang\.org|googleapis\.com)$/;
/** Docker Hub by the words of its own messages, when no host is named. */
const DOCKER_HUB_WORDS = /docker\.com\/increase-rate-limit|\bhub\.docker\.com\b|\bdocker\.io\b/;
const DOCKER_HUB_HOST = /^(?:(?:registry-1|index|auth)\.)?docker\.io$/;
/** Artifact Registry's hosts (`<location>-docker.pkg.dev`) and Container Registry's (`gcr.io` and its regions). */
const GAR_HOST = /-docker\.pkg\.dev$/;
const GCR_HOST = /^(?:(?:us|eu|asia)\.)?gcr\.io$/;
/** Azure Container Registry, GitLab's registry, JFrog's cloud and any host that says it runs Artifactory or Nexus. */
const ACR_HOST = /\.azurecr\.(?:io|cn|us)$/;
const GITLAB_HOST = /^registry\.gitlab\.com$|^gitlab-registry\.|^registry\.gitlab\./;
const ARTIFACTORY_HOST = /\.jfrog\.io$|(?:^|[.-])artifactory(?:[.-]|$)/;
const NEXUS_HOST = /(?:^|[.-])nexus(?:[.-]|$)/;
/**
 * Registries named by words only they print, when no host is named or the host is a private one (issue 26):
 * Artifact Registry's IAM permission, Container Registry's access-control page, GitHub's package words, Harbor's
 * `unauthorized to access repository: <project>/<name>, action: pull`.
 */
const REGISTRY_WORDS: ReadonlyArray<readonly [RegistryKind, RegExp]> = [
  ['gar', /\bartifactregistry\.repositories\.|\bpkg\.dev\b/],
  ['gcr', /cloud\.google\.com\/container-registry\b|Token exchange failed for project '/],
  [
    'ghcr',
    /\bwrite_package\b|\bWrite organization package\b|permission_denied: The requested installation|\bghcr\.io\b/,
  ],
  ['quay', /\bquay\.io\b/],
  ['gcr', /\b(?:(?:us|eu|asia)\.)?gcr\.io\b/],
  ['harbor', /unauthorized to access repository: [^\n]{0,300}?, action: (?:pull|push)\b/],
  ['gitlab', /HTTP Basic: Access denied|\bregistry\.gitlab\.com\b/],
  [
    'artifactory',
    /\bBAD_CREDENTIAL\b|\/artifactory\/api\/docker\/|does not have permission for manifest|\bArtifactory\b/,
  ],
  ['acr', /\baka\.ms\/acr\/|\.azurecr\.io\b/],
];
const ECR_HOST = /\.dkr[.-]ecr(?:-fips)?\./;
/** ECR by the words of its API, its CLI and its credential helper, when no host is named. */
const ECR_WORDS =
  /\b(?:GetAuthorizationToken|BatchGetImage|GetDownloadUrlForLayer|BatchCheckLayerAvailability|InitiateLayerUpload)\b|\becr:[A-Z]|\bget-login(?:-password)?\b|\baws ecr\b|\bdocker-credential-ecr-login\b|\bECR\b/;
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

export function extractFields(text: string, errorCode: string, operation: string): ExtractedFields {
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
    // A registry API URL on an ECR host whose account was redacted (`https://<digits>.dkr.ecr…/v2/…`).
    const redactedApi = REDACTED_ECR_API.exec(text)?.[1];
    if (redactedApi) Object.assign(fields, { ...v2Path(redactedApi), ...fields });
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
  // A token request names its repository in its scope (`/v2/token?scope=repository:<name>:pull`).
  if (!fields.repository) {
    const scope = TOKEN_SCOPE.exec(text)?.[1];
    if (scope) fields.repository = trimName(decodeURIComponent(scope).toLowerCase());
  }
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
  if (status) fields.httpStatus = statusOf(status);
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
  // A registry API URL (`https://HOST/v2/…`): what its path names, never a repository called `v2`.
  const apiPath = /\/(v2(?:\/.*)?)$/.exec(candidate);
  if (apiPath?.[1]) {
    Object.assign(fields, v2Path(apiPath[1]));
  } else if (candidate.includes('/')) {
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
    if (path.startsWith('v2/') || path === 'v2') return { registry: host, ...v2Path(path) };
    // A token service URL (`https://ghcr.io/token?scope=…`): its repository is in the scope, read below.
    if (/^token\b/.test(path)) return { registry: host };
    const reference =
      /^([a-z0-9][a-z0-9._/-]{0,255}?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(
        path,
      );
    if (!reference?.[1]) return { registry: host };
    const repository = trimName(reference[1]);
    const tag = reference[2] ? tagOf(reference[2]) : laterTag(text, host, repository);
    return {
      registry: host,
      repository,
      ...(tag ? { tag } : {}),
      ...(reference[3] ? { digest: reference[3] } : {}),
    };
  }
  return null;
}

/**
 * The tag a later mention of the same image gives, when the first names none: `docker pull HOST/NAME` echoes the
 * command, then `manifest for HOST/NAME:latest not found` says which tag it tried.
 */
function laterTag(text: string, host: string, repository: string): string | null {
  const at = text.indexOf(`${host}/${repository}:`);
  if (at === -1) return null;
  const raw = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}/.exec(text.slice(at + host.length + repository.length + 2));
  return raw ? tagOf(raw[0]) : null;
}

/**
 * What a registry API path (`v2/…`, without the host) names, in every shape a client prints (issue 26): the
 * base (`v2/`: the version check a login or ping makes, no repository), `_catalog`, the token endpoint's
 * `scope=repository:<name>:<actions>`, `<name>/manifests/<tag or digest>`, `<name>/blobs/<digest>`,
 * `<name>/blobs/uploads/…` (a push, no reference) and `<name>/tags/list`.
 */
export function v2Path(path: string): { repository?: string; tag?: string; digest?: string } {
  if (/^v2\/?$|^v2\/_catalog\b/.test(path)) return {};
  const scope =
    /^v2\/token\?\S{0,300}?scope=repository(?::|%3A)([a-z0-9][a-z0-9._/-]{0,255}?|[a-z0-9][a-z0-9._%-]{0,300}?)(?::|%3A)/i.exec(
      path,
    );
  if (scope?.[1]) return { repository: trimName(decodeURIComponent(scope[1]).toLowerCase()) };
  if (/^v2\/token\b/.test(path)) return {};
  const named = /^v2\/([a-z0-9][a-z0-9._/-]{0,255}?)\/(?:blobs\/uploads\b|tags\/list\b)/.exec(path);
  if (named?.[1]) return { repository: trimName(named[1]) };
  const api = /^v2\/([a-z0-9][a-z0-9._/-]{0,255}?)\/(?:manifests|blobs)\/([A-Za-z0-9_.:-]{1,128})/.exec(path);
  if (!api?.[1] || !api[2]) return {};
  const digest = api[2].startsWith('sha256:') ? api[2] : undefined;
  const tag = digest ? null : tagOf(api[2]);
  return { repository: trimName(api[1]), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Who runs the registry the text names: by the host found, else by words only one registry uses. */
export function registryKindOf(fields: ExtractedFields, text: string): RegistryKind | undefined {
  const host = fields.registry;
  const byWords = REGISTRY_WORDS.find(([, words]) => words.test(text))?.[0];
  if (host) {
    if (ECR_HOST.test(host)) return 'ecr';
    if (host === 'public.ecr.aws') return 'ecr-public';
    if (DOCKER_HUB_HOST.test(host)) return 'docker-hub';
    if (host === 'ghcr.io') return 'ghcr';
    if (GAR_HOST.test(host)) return 'gar';
    if (GCR_HOST.test(host)) return 'gcr';
    if (host === 'quay.io') return 'quay';
    const name = host.replace(/:\d+$/, '');
    if (ACR_HOST.test(name)) return 'acr';
    if (GITLAB_HOST.test(name)) return 'gitlab';
    if (ARTIFACTORY_HOST.test(name)) return 'artifactory';
    if (NEXUS_HOST.test(name)) return 'nexus';
    return byWords ?? 'other';
  }
  if (ECR_HOST_REGION.test(text) || API_REGION.test(text) || ECR_WORDS.test(text)) return 'ecr';
  if (byWords) return byWords;
  if (DOCKER_HUB_WORDS.test(text) || SHORT_NAME.test(text)) return 'docker-hub';
  return undefined;
}

/** The docker credential helper an error names (`docker-credential-<name>`), without the prefix. */
export function credentialHelperOf(text: string): string | undefined {
  return /\bdocker-credential-([a-z0-9]{1,40}(?:-[a-z0-9]{1,40}){0,4})(?:\.exe)?\b/.exec(text)?.[1];
}

/** The kubelet (or containerd's CRI under it) printed the text: a node pulling, not a docker client. */
export function kubeletText(text: string): boolean {
  return /\bkubelet\b|Failed to pull image "|\bErrImagePull\b|\bImagePullBackOff\b|\bexternal registry credential provider\b|\bUnknown desc ?= /.test(
    text,
  );
}

/** Repository names end in a letter or digit; text around them may add a full stop or a slash. */
function trimName(name: string): string {
  return name.replace(/[._/-]+$/, '');
}
