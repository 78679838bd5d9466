/**
 * What an error text shows besides its verdict (issue 26): the client tool that printed it and the operation that
 * failed. A verdict of `unknown` still says what was recognized (tool, registry, HTTP status, error code,
 * operation), so the reader knows where to look next and what to report. Read from the tools' own words: the
 * first tool whose words appear wins, the most specific first (kubelet prints containerd's and docker's words
 * inside its own).
 */

/** The tool that printed an error, by the words only it prints. */
const TOOLS: ReadonlyArray<readonly [tool: string, words: RegExp]> = [
  ['ECS', /\b(?:CannotPullContainerError|CannotPullECRContainerError|ResourceInitializationError)\b/],
  ['Lambda', /\(Service: Lambda\b|AWS::Lambda::Function|\bImageLayerFailure\b/],
  ['kubelet', /\bkubelet\b|Failed to pull image "|\bErrImagePull\b|\bImagePullBackOff\b/],
  ['containerd', /failed to pull and unpack image|failed to resolve reference "|\bctr: /],
  ['AWS CLI', /An error occurred \([A-Za-z]+\) when calling the [A-Za-z]+ operation/],
  ['Helm', /\bINSTALLATION FAILED\b|\bhelm (?:install|pull|upgrade|registry)\b/i],
  ['kaniko', /\berror building image\b|error checking push permissions/],
  ['BuildKit', /\bfailed to solve\b/],
  ['singularity/apptainer', /While making image from oci registry/],
  [
    'podman/skopeo/buildah',
    /Error initializing source docker:\/\/|initializing source docker:\/\/|Trying to pull [a-z0-9]/i,
  ],
  ['docker compose', /^ERROR: for \S|^Pulling \S+ \([^)\n]+\)\.\.\./m],
  ['credential helper', /\bdocker-credential-[a-z0-9-]+/],
  ['docker', /Error response from daemon|\bdocker (?:pull|push|login|run|build)\b/],
];

/** The operation that failed, by its words; the first that appears wins. */
const OPERATIONS: ReadonlyArray<readonly [operation: string, words: RegExp]> = [
  ['token', /GetAuthorizationToken|\/token\?|\bfetch (?:anonymous|oauth) token\b/i],
  [
    'login',
    /\bdocker login\b|\blogin attempt to\b|\bLogging into\b|Error saving credentials|registry login/i,
  ],
  ['push', /\bpush(?:ing)?\b|\/blobs\/uploads\b|InitiateLayerUpload|PutImage/i],
  [
    'pull',
    /\bpull(?:ing)?\b|\/manifests\/|\bFROM\b|BatchGetImage|GetDownloadUrlForLayer|\bfetch(?:ing)? image\b/i,
  ],
];

/** What the text shows of who failed doing what. */
export interface Recognized {
  /** The client tool whose words the text carries. */
  tool?: string;
  /** token, login, push or pull. */
  operation?: string;
}

/** The tool and operation an error text shows; `operation` from the caller (an API operation name) wins. */
export function recognize(text: string, operation?: string | null): Recognized {
  const tool = TOOLS.find(([, words]) => words.test(text))?.[0];
  const op = operation || OPERATIONS.find(([, words]) => words.test(text))?.[0];
  return { ...(tool ? { tool } : {}), ...(op ? { operation: op } : {}) };
}
