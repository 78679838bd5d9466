import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: docker: the CLI, the daemon (moby) and the registry v2 error codes it prints. */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const DOCKER: readonly PhraseRow[] = [
  ['credentials/empty-login-password', /cannot perform an interactive login from a non[ -]TTY device/i, '/work/shared/seed/fixdevs-ecr-authentication-failed.txt (seed article, "The Error")'],
  ['auth/registry-token-expired', /authorization token has expired/i, 'https://github.com/aws/aws-cli/issues/6580'],
  ['auth/registry-token-expired', /token has expired\. reauthenticate/i, 'https://github.com/aws/aws-cli/issues/6580'],
  ['auth/registry-token-expired', /please run 'aws ecr get-login[^\n]{0,40}' to fetch a new one/i, 'https://github.com/buildkite/elastic-ci-stack-for-aws/issues/178'],
  ['auth/no-registry-credentials', /no basic auth credentials/i, '/work/shared/seed/fixdevs-ecr-authentication-failed.txt (seed article, "The Error")'],
  // A token service that answered 5xx or 429 is down or throttling, not refusing, and a 400 refuses the request's
  // form, not a credential: the status decides those.
  // The request URL printed, and the text cut off before the status: which refusal it was is not there.
  ['ambiguous/token-status-cut', /failed to fetch (?:anonymous|oauth) token: unexpected status from GET request to \S{1,600}$/, 'https://github.com/fluxcd/flux2/issues/4745'],
  ['auth/anonymous-token', /failed to fetch (?:anonymous|oauth) token(?!:? unexpected status(?: code)?(?: from [A-Z]{3,7} request to \S{1,600})?:? (?:5\d\d|429|400)\b)/i, '/work/shared/seed/fixdevs-ecr-authentication-failed.txt (seed article, "The Error")'],
  ['auth/ecr-public-forbidden', /https?:\/\/public\.ecr\.aws\/v2\/\S{0,300}?:?[ \t]{0,3}403\b/, 'https://github.com/aws-solutions-library-samples/guidance-for-game-server-hosting-using-agones-and-open-match-on-amazon-eks/issues/71'],
  ['permission/not-authorized', /is not authorized to perform/i, '/work/shared/seed/fixdevs-ecr-authentication-failed.txt (seed article, "The Error")'],
  ['permission/not-authorized', /not authorized to perform:/i, '/work/shared/seed/fixdevs-ecr-authentication-failed.txt (seed article, "The Error")'],
  ['permission/not-authorized', /because no (?:identity|resource)-based policy allows/i, 'aws/amazon-ecs-agent:ecs-agent/api/errors/error_messages_test.go'],
  ['ambiguous/access-denied-or-missing', /requested access to the resource is denied/im, 'aws/amazon-ecs-agent:ecs-agent/api/errors/error_messages_test.go'],
  ['ambiguous/access-denied-or-missing', /repository does not exist or may require/im, 'https://github.com/aws/aws-cli/issues/7977'],
  ['ambiguous/access-denied-or-missing', /": denied(?:: denied)?[ \t]*$/im, 'https://github.com/riverqueue/riverui/issues/182'],
  ['ambiguous/access-denied-or-missing', /\bdenied: denied\b/im, 'https://github.com/riverqueue/riverui/issues/182'],
  ['auth/registry-unauthorized', /unauthorized: (?:authentication required|incorrect username or password)/im, 'https://github.com/convox/rack/issues/1302'],
  ['auth/registry-unauthorized', /\bUNAUTHORIZED\b[^\n]{0,40}authentication required/im, 'https://github.com/convox/rack/issues/1302'],
  ['auth/registry-unauthorized', /login attempt to\s{1,5}\S{1,300}\s{1,5}failed with status:\s{0,5}400/im, 'https://github.com/aws/aws-cli/issues/4962'],
  // Case-sensitive, as above (aws.ts).
  ['permission/access-denied', /\bAccess Denied\b/, 'https://pastebin.com/Rv3qkWjD'],
  ['throttle/rate-exceeded', /toomanyrequests/i, 'https://github.com/awsdocs/amazon-ecr-user-guide/blob/master/doc_source/common-errors.md (Amazon ECR "Troubleshooting error messages")'],
  ['throttle/rate-exceeded', /rate exceeded/i, 'https://github.com/awsdocs/amazon-ecr-user-guide/blob/master/doc_source/common-errors.md (Amazon ECR "Troubleshooting error messages")'],
  ['throttle/rate-exceeded', /too many requests/i, 'https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/task_cannot_pull_image.md (Amazon ECS "CannotPullContainer task errors")'],
  ['throttle/rate-exceeded', /pull rate limit/i, 'https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/task_cannot_pull_image.md (Amazon ECS "CannotPullContainer task errors")'],
  ['platform/no-matching-manifest', /no matching manifest for [a-z0-9]{1,20}\/[a-z0-9]{1,20}/i, 'https://github.com/link-assistant/hive-mind/issues/962'],
  ['platform/no-matching-manifest', /no match for (?:current )?platform/i, 'https://github.com/link-assistant/hive-mind/issues/962'],
  ['platform/no-matching-manifest', /image's platform \([^)\n]{1,60}\) does not match the detected host platform/i, 'https://github.com/av/harbor/issues/14'],
  ['platform/exec-format', /exec format error/i, 'https://github.com/aws/amazon-ec2-metadata-mock/issues/155'],
  ['integrity/digest-mismatch', /digest mismatch/i, null],
  ['integrity/digest-mismatch', /digest did not match/i, null],
  ['integrity/digest-mismatch', /\bDIGEST_INVALID\b/i, null],
  ['integrity/manifest-invalid', /\bMANIFEST_INVALID\b/i, null],
  ['integrity/manifest-invalid', /invalid manifest/i, null],
  ['not-found/repository-or-tag', /manifest unknown/im, 'https://github.com/aws-ia/taskcat/issues/872'],
  ['not-found/repository-or-tag', /requested image not found/im, 'https://github.com/aws-ia/taskcat/issues/872'],
  ['not-found/repository-or-tag', /manifest for[ \t]{1,3}\S{1,300} not found/im, 'https://github.com/aws-ia/taskcat/issues/872'],
  // docker's words for a 404 on the image's config blob.
  ['not-found/repository-or-tag', /error pulling image configuration: [^\n]{0,80}\bunknown blob\b/i, 'https://github.com/kubernetes/registry.k8s.io/issues/258'],
  ['not-found/repository-or-tag', /: not found\s*$/im, 'https://github.com/link-assistant/hive-mind/issues/962'],
  // Issue 26: media types an old client cannot read, cut downloads, a Windows image on a Linux daemon.
  ['integrity/media-type', /mediaType in manifest should be '[^'\n]{1,100}' not '[^'\n]{1,100}'/i, 'https://github.com/docker-library/official-images/issues/14025'],
  ['integrity/media-type', /unsupported media type application\/\S{1,100}/i, 'https://github.com/moby/moby/pull/44367'],
  ['integrity/media-type', /OCI index found, but accept header does not support OCI indexes/i, 'https://github.com/NotGlop/docker-drag/issues/41'],
  ['integrity/media-type', /application\/vnd\.oci\.image\.(?:manifest|index)\.v1\+json is not support/i, 'https://github.com/excitedplus1s/docker-tar/issues/6'],
  ['network/truncated-transfer', /Download failed, retrying(?: \(\d{1,3}\/\d{1,3}\))?: unexpected EOF/i, 'https://github.com/rpardini/docker-registry-proxy/issues/90'],
  ['network/truncated-transfer', /Error pulling image \([^)\n]{1,100}\) from (?![^\n]{0,100}Untar)[^\n]{1,200}unexpected EOF/i, 'https://github.com/sequenceiq/docker-kylin/issues/2'],
  ['network/truncated-transfer', /Download complete[ \t]*\n[ \t]*unexpected EOF[ \t]*$/im, 'https://github.com/thedrhax-dockerfiles/android-avd/issues/9'],
  ['platform/no-matching-manifest', /no matching manifest for unknown in the manifest list entries/i, 'https://github.com/docker-archive-public/docker.kitematic/issues/4144'],
  // docker 1.13 falls back to the v1 protocol and says "not found" for what it cannot read (an OCI index, a v2-only registry).
  ['ambiguous/old-client', /Trying to pull repository [^\n]{1,300}\n[^\n]{0,300}\bnot found\b/i, 'https://github.com/docker-library/docker/issues/435'],
  ['ambiguous/local-store', /failed to get reader from content store/i, 'https://github.com/moby/moby/pull/44367'],
  ['ambiguous/docker-api', /Server Error for url: http\+docker:\/\//i, 'https://github.com/aws/aws-sam-cli/issues/3773'],
  ['network/tls-not-valid-now', /x509: certificate has expired or is not yet valid/i, 'https://github.com/moby/moby/issues/11534'],
  ['network/tls-not-valid-now', /certificate (?:has expired|is not yet valid)/i, 'https://github.com/moby/moby/issues/11534'],
  ['network/tls-untrusted', /x509: certificate signed by unknown authority/i, 'https://github.com/docker-archive-public/docker.kitematic/issues/2535'],
  ['network/no-answer', /Could not reach any registry endpoint/i, null],
  ['network/no-answer', /https?:\/\/[^\s"]{1,300}"?: EOF\b/i, 'https://github.com/docker/build-push-action/issues/599'],
  // A Go HTTP client's request cut off mid-answer, as a proxying registry logs it (the quotes escaped in its log).
  ['network/no-answer', /(?:Get|Head) \\?"https?:\/\/[^\s"]{1,600}\\?": unexpected EOF/i, 'https://github.com/distribution/distribution/issues/4252'],
  ['network/no-answer', /no such host/i, 'https://github.com/aws-actions/amazon-ecr-login/issues/475'],
  ['network/no-answer', /x509: /i, 'https://github.com/docker-archive-public/docker.kitematic/issues/2535'],
  ['network/no-answer', /certificate (?:signed by unknown authority|has expired|is not valid)/i, 'https://github.com/docker-archive-public/docker.kitematic/issues/2535'],
  ['service/server-error', /internal server error/i, 'https://github.com/docker/hub-feedback/issues/2440'],
  ['service/server-error', /service unavailable/i, 'https://github.com/docker/cli/issues/1143'],
  // Batch 4's tuning set (issue 26, session 2).

  ['ambiguous/daemon-authz-plugin', /authorization denied by plugin/i, 'https://github.com/docker-java/docker-java/issues/1467'],
  ['network/plain-http-registry', /server gave HTTP response to HTTPS client/i, 'https://github.com/canonical/microk8s/issues/382'],
  ['platform/no-matching-manifest', /no image found in (?:manifest list|image index) for architecture/i, 'https://github.com/openshift/microshift/issues/528'],
  ['integrity/media-type', /unsupported MediaType:? \\?"application\/vnd\./i, 'https://github.com/redhat-openshift-ecosystem/openshift-preflight/issues/213'],
  ['integrity/media-type', /OCI (?:index|artifact|manifest) found, but accept header does not support/i, 'https://github.com/google/go-containerregistry/issues/1697'],
  // Batch 4's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['ambiguous/check-fell-back', /unable to pin image \S{1,300} to digest/i, 'https://github.com/moby/moby/issues/31429'],
  ['integrity/media-type', /the manifest type \*?\S{1,100} is not supported/i, 'https://github.com/red-hat-storage/ocs-ci/pull/12786'],
  // Batch 5's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['platform/no-matching-manifest', /image operating system "\w{1,20}" cannot be used on this platform/i, 'https://github.com/moby/moby/issues/27668'],
  ['platform/no-matching-manifest', /container operating system does not match the host operating system/i, 'https://github.com/dr1rrb/docker-plex-win/issues/4'],
  ['platform/no-matching-manifest', /is a manifest list, but the list does not contain an image for architecture=/i, 'https://github.com/apache/camel-k/issues/5238'],
  ['network/no-answer', /Proxy Authentication Required/i, 'https://github.com/docker/for-win/issues/9143'],
  ['network/no-answer', /code = DeadlineExceeded/i, 'https://github.com/aws/containers-roadmap/issues/2304'],
  ['network/no-answer', /failed open: failed to do request: (?:Get|Head) "/i, 'https://github.com/skills/getting-started-with-github-copilot/issues/132'],
  ['network/token-unreachable', /failed to fetch (?:oauth|anonymous) token: (?:Post|Get) "[^"\n]{1,600}": (?:tls|dial tcp|x509|EOF|net\/http|proxyconnect)/i, 'https://github.com/orbstack/orbstack/issues/799'],
  ['ambiguous/check-fell-back', /falling back on a clean slate/i, 'https://github.com/google/kf/issues/44'],
  ['ambiguous/docker-api', /Status 500: unknown image in \/images\/create/i, 'https://github.com/docker-java/docker-java/issues/1990'],
  ['ambiguous/docker-api', /Docker API call to '[^'\n]{0,200}\/images\/create\?[^'\n]{0,400}' failed with status code 500/i, 'https://github.com/spring-projects/spring-boot/issues/21515'],
  ['integrity/media-type', /Unsupported image manifest/i, 'https://github.com/microsoft/PubSec-Info-Assistant/issues/900'],
  // Batch 6's tuning set (issue 26, session 2).

  ['integrity/media-type', /unsupported manifest media type and no default available/i, 'https://github.com/moby/buildkit/issues/3491'],
  // Batches 6 and 7's held-out groups, tuned on after their tuned records were written (issue 26, session 2).

  ['network/no-answer', /^(?:Error response from daemon: )?unexpected EOF[ \t]*$/im, 'https://github.com/docker/hub-feedback/issues/2004'],
  ['network/no-answer', /operation failed: unexpected EOF[ \t]*$/im, 'https://github.com/portainer/portainer/issues/13137'],
  // Session 2's reconciliation of labels across batches: docker's local image store, and old docker's v1 wording.

  ['ambiguous/local-image-missing', /No such image: \S{1,400}/i, 'https://github.com/testcontainers/testcontainers-go/issues/2898'],
  ['ambiguous/local-image-missing', /image was not found locally/i, 'https://github.com/snyk/cli/issues/595'],
  // The Docker Engine API's image inspect (GET /images/{name}/json) asks the local store, not a registry.
  ['ambiguous/local-image-missing', /Docker API call to '[^'\n]{0,200}\/images\/[^'\n]{1,400}\/json' failed with status code 404/i, 'https://github.com/spring-projects/spring-boot/issues/39798'],
  ['ambiguous/old-client', /\bError: image [^\s:\]]{1,300}(?::[\w.-]{1,128})? not found\b/i, 'https://github.com/remind101/empire/issues/674'],
  // Batch 8's tuning set (issue 26, session 2).

  ['auth/no-registry-credentials', /no auth config found for registry/i, 'https://github.com/terraform-aws-modules/terraform-aws-lambda/issues/579'],
  ['auth/no-registry-credentials', /missing X-Registry-Auth/i, 'https://github.com/terraform-aws-modules/terraform-aws-lambda/issues/319'],
  ['auth/no-registry-credentials', /Error response from daemon: Please run 'docker login'/i, 'https://github.com/testcontainers/testcontainers-go/issues/1306'],
  ['network/no-answer', /exited with error code \d{1,3}: EOF[ \t]*$/im, 'https://github.com/aws-samples/amazon-sagemaker-mlflow-fargate/issues/5'],
  // Batch 8's held-out groups, tuned on after its tuned record was written (issue 26, session 2).

  ['network/no-answer', /Retrying in \d{1,3} seconds?[ \t]*\n(?:\d{1,6} \| )?[ \t]*EOF[ \t]*$/im, 'https://github.com/aws/aws-cli/issues/7231'],
  ['network/no-answer', /Retrying in \d{1,3} seconds?[ \t]{1,3}EOF[ \t]*$/im, 'https://github.com/aws-samples/amazon-sagemaker-tensorflow-object-detection-api/issues/23'],
  ['network/no-answer', /\b\d{1,3}(?:\.\d{1,3}){3}:53 cannot resolve \S{1,300}/i, 'https://github.com/orbstack/orbstack/issues/1917'],
  // docker's layer unpacking could not read the tar stream (an engine too old for the layer, or a cut download).
  ['integrity/transfer', /failed to register layer: [^\n]{0,200}archive\/tar: invalid tar header/i, 'https://github.com/11notes/docker-kms/issues/22'],
  ['integrity/transfer', /\bBLOB_UPLOAD_INVALID\b/, 'https://github.com/GoogleContainerTools/kaniko/issues/607'],
  ['ambiguous/docker-api', /Internal Server Error \("invalid reference format"\)/i, 'https://github.com/aws/aws-sam-cli/issues/3793'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  // A token service's 403 (anonymous or with a credential) refuses a private repository and a missing one alike.
  ['ambiguous/token-forbidden', /failed to fetch (?:anonymous|oauth) token: unexpected status(?: code)?(?: from [A-Z]{3,7} request to \S{1,600})?:? 403\b/i, 'https://github.com/KubedAI/spark-history-server/issues/34'],
  // Old docker's form, with no quotes around the URL.
  ['auth/registry-unauthorized', /Get https?:\/\/\S{1,300}\/manifests\/\S{1,300}: unauthorized[ \t]*$/im, 'https://github.com/whiteducksoftware/az-dns-forwarder/issues/1'],
  // The daemon's own log line: a mirror (or endpoint) failed and it tries the next one.
  ['ambiguous/endpoint-fell-back', /Attempting next endpoint for pull after error/i, 'https://github.com/distribution/distribution/issues/3249'],
];
