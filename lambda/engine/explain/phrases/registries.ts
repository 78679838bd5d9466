import type { PhraseRow } from '../rule.ts';

/**
 * Phrasings of registry services other than ECR, whichever client prints them (issue 26): GitHub Container
 * Registry, Artifact Registry, Container Registry, Harbor, Docker Hub; GitLab, Artifactory, Nexus, DigitalOcean.
 */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const REGISTRIES: readonly PhraseRow[] = [
  // GHCR refuses the login itself at the version check (`GET /v2/`) with its bare `denied: denied`: the token or password was not accepted.
  ['auth/login-refused', /\/v2\/"?: denied: denied/i, 'https://github.com/dataforgoodfr/12_bloom/issues/109'],
  ['auth/login-refused', /DENIED: unauthenticated: User cannot be authenticated with the token provided/i, 'https://github.com/tektoncd/catalog/issues/931'],
  ['permission/registry-iam', /Permission \\{0,2}"artifactregistry\.repositories\.\w{1,60}\\{0,2}" denied/i, 'https://github.com/iterative/cml/issues/1136'],
  ['auth/registry-unauthorized', /Unauthenticated requests do not have permission "artifactregistry\./i, 'https://github.com/google/fuzzbench/issues/1981'],
  ['permission/registry-iam', /Token exchange failed for project '[^'\n]{1,100}'\. (?:Caller does not have permission|Access denied)/i, 'https://github.com/spinnaker/spinnaker/issues/3840'],
  ['permission/registry-iam', /installation not allowed to Write organization package/i, 'https://github.com/enketo/enketo-express/issues/312'],
  ['permission/registry-iam', /permission_denied: (?:write_package|The requested installation does not exist)/i, 'https://github.com/mcuadros/ofelia/pull/202'],
  // GHCR answers 403 for a private package, a stale login and a missing one alike; Container Registry says so itself.
  ['ambiguous/registry-denied', /https?:\/\/ghcr\.io\/v2\/\S{1,300}?:?[ \t]{0,3}403 Forbidden/i, 'https://github.com/kgateway-dev/kgateway/issues/10605'],
  ['ambiguous/registry-denied', /you may have invalid credentials\. To authenticate your request/i, 'https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/5324'],
  ['ambiguous/registry-denied', /Caller does not have permission or the resource may not exist/i, 'https://github.com/superfly/flyctl-actions/issues/106'],
  ['ambiguous/registry-denied', /unauthorized to access repository: [^\n]{0,300}?, action: (?:pull|push)\b/i, 'https://github.com/goharbor/harbor/issues/17713'],
  // Docker Hub's 401 with its scope map is what it answers for a repository that does not exist, too.
  ['ambiguous/registry-denied', /https?:\/\/(?:index|registry-1)\.docker\.io\/v2\/\S{1,300}\/manifests\/\S{1,300}: UNAUTHORIZED: authentication required; \[map\[/i, 'https://github.com/GoogleContainerTools/kaniko/issues/2486'],
  ['ambiguous/registry-denied', /index\.docker\.io\/v2\/\S{1,300}\/manifests\/[\s\S]{0,100}?UNAUTHORIZED: authentication required; \[map\[Action:pull/i, 'https://github.com/nf-core/tfactivity/issues/15'],
  // oras's form of the same answer: the status before it and a colon before the scope map.
  ['ambiguous/registry-denied', /(?:index|registry-1)\.docker\.io\/v2\/\S{1,300}\/manifests\/\S{1,300}"?: response status code 401: unauthorized: authentication required: \[map\[/i, 'https://github.com/oras-project/oras/issues/1321'],
  // GitLab, Artifactory, Nexus and DigitalOcean: batch 3's held-out registries, tuned on after their first look was recorded.
  ['auth/login-refused', /HTTP Basic: Access denied/i, 'https://github.com/basecamp/kamal/issues/1498'],
  ['permission/registry-iam', /does not have permission for (?:manifest|blob|repository|image)\b/i, 'https://github.com/jfrog/jenkins-artifactory-plugin/issues/326'],
  ['permission/registry-iam', /you do not have access for the attempted action/i, 'https://github.com/digitalocean/action-doctl/issues/83'],
  ['auth/registry-unauthorized', /\bunauthorized: BAD_CREDENTIAL\b/i, 'https://github.com/hashicorp/terraform-provider-docker/issues/131'],
  ['auth/registry-unauthorized', /\bAuthentication is required\b/i, 'https://github.com/controlplaneio-fluxcd/flux-operator/issues/704'],
  ['auth/registry-unauthorized', /credential required for basic auth/i, 'https://github.com/fluxcd/pkg/issues/429'],
  ['auth/registry-unauthorized', /unable to retrieve auth token: invalid username\/password/i, 'https://github.com/apptainer/singularity/issues/4224'],
  // A web server or proxy in front of the registry answered with its own HTML page: not the registry's verdict.
  ['ambiguous/front-page', /error parsing HTTP 403 response body: invalid character '<' looking for beginning of value: "<html>/i, 'https://github.com/jfrog/nexus2artifactory/issues/72'],
  ['ambiguous/front-page', /<title>(?:403 Forbidden|50[234] [A-Za-z ]{1,30})<\/title>/i, 'https://github.com/jfrog/nexus2artifactory/issues/72'],
  // A remote (proxy) repository says not found when its own fetch from the upstream registry failed.
  ['ambiguous/proxy-not-found', /manifest for \S{1,300}-(?:remote|proxy|cache|mirror)\/\S{1,300} not found/i, 'https://github.com/mariadb-operator/mariadb-operator/issues/1293'],
  // GitLab answers access forbidden for a project that does not exist, a private one and through a proxy alike.
  ['ambiguous/registry-denied', /: denied: access forbidden\b/i, 'https://github.com/youtous/docker-mailserver-traefik/issues/5'],
  // Docker Hub answers 401 with its scope detail for a repository that does not exist, too (JSON form).
  ['ambiguous/registry-denied', /registry-1\.docker\.io\/v2\/\S{1,300}\/manifests\/[^\n]{0,100}status=401 body="\{\\"errors\\":\[\{\\"code\\":\\"UNAUTHORIZED\\"/i, 'https://github.com/aquasecurity/trivy/issues/155'],
  // Batch 4's tuning set (issue 26, session 2): Red Hat's, Yandex's and Huawei SWR's refused logins; Chainguard's bare
  // FORBIDDEN and Artifact Registry's token 403 say no more than a 403 (a private image, a missing one, no reader role).

  ['auth/registry-unauthorized', /unauthorized: Please login to the Red Hat Registry/i, 'https://github.com/kubernetes-sigs/kind/issues/1873'],
  ['auth/registry-unauthorized', /unauthorized: Password is invalid/i, 'https://github.com/yandex-cloud/docs/pull/838'],
  ['ambiguous/registry-denied', /\{"code":"FORBIDDEN","message":"Forbidden"\}/i, 'https://github.com/spiffe/helm-charts-hardened/issues/567'],
  ['ambiguous/token-forbidden', /failed to fetch oauth token: unexpected status from GET request to https:\/\/[a-z0-9-]{1,60}-docker\.pkg\.dev\/v2\/token\S{0,600}: 403\b/i, 'https://github.com/harness/developer-hub/pull/9973'],
  // A HEAD request carries no body, so a 403 says nothing more: ECR answers it for a tag that does not exist, too.
  ['ambiguous/registry-denied', /unexpected status from HEAD request (?:to|at)\s{1,3}\S{1,600}\/manifests\/\S{1,300}:\s{1,3}403 Forbidden/i, 'https://github.com/aws/aws-cdk-cli/pull/1505'],
  ['auth/registry-unauthorized', /denied: You may not login yet/i, 'https://github.com/jumpserver/jumpserver/issues/11038'],
  // Quay's answer for a tag that was deleted or expired (its time machine keeps it for a while).
  ['not-found/repository-or-tag', /Tag \S{1,128} was deleted or has expired/i, null],
  // Batch 4's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['auth/login-refused', /unauthenticated: User cannot be authenticated with the token provided/i, 'https://github.com/EnricoMi/publish-unit-test-result-action/issues/308'],
  ['auth/registry-unauthorized', /"code":"DENIED","message":"invalid token"/i, 'https://github.com/OctopusDeploy/Issues/issues/7552'],
  ['auth/registry-unauthorized', /denied: Anonymous users are only allowed read access on public repos/i, 'https://github.com/oracle/docker-images/issues/2551'],
  ['auth/ecr-public-forbidden', /pulling from host public\.ecr\.aws failed with status code \[[^\]\n]{0,100}\]: 403\b/i, 'https://github.com/eksctl-io/eksctl/issues/6229'],
  ['ambiguous/registry-denied', /pulling from host (?:[a-z]{2,4}\.)?gcr\.io failed with status code \[[^\]\n]{0,100}\]: 403\b/i, 'https://github.com/garden-io/garden/issues/5189'],
  ['ambiguous/index-push-refused', /failed commit on ref "index-sha256:[^"\n]{0,100}": unexpected status(?: code)?:? 404\b/i, 'https://github.com/go-gitea/gitea/issues/26839'],
  ['not-found/repository-or-tag', /(?:manifest blob unknown|MANIFEST_BLOB_UNKNOWN): blob unknown to registry/i, 'https://github.com/oras-project/oras/issues/601'],
  // Batch 5's tuning set (issue 26, session 2).

  ['not-found/repository-or-tag', /\(404: \{"error": "Tag not found"\}\)/i, 'https://github.com/deis/deis/issues/4378'],
  ['auth/ecr-public-forbidden', /https?:\/\/public\.ecr\.aws\/v2\/"?: denied: Not Authorized/i, 'https://github.com/docker/login-action/issues/38'],
  ['ambiguous/registry-denied', /error parsing HTTP 403 response body: unexpected end of JSON input/i, 'https://github.com/aws/aws-dotnet-deploy/issues/474'],
  // Batch 5's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['ambiguous/registry-denied', /\bdenied: access forbidden\b/i, 'https://github.com/skevetter/devpod/issues/477'],
  ['ambiguous/registry-denied', /Could not fetch bearer token for 'ghcr\.io': Error: HTTP 403/i, 'https://github.com/microsoft/vscode-remote-release/issues/8506'],
  ['ambiguous/registry-denied', /HEAD https:\/\/(?:[a-z]{2,4}\.)?gcr\.io\/v2\/\S{1,300}\/manifests\/\S{1,300}:?\s{0,12}unsupported status code 403/i, 'https://github.com/google/go-containerregistry/issues/825'],
  ['permission/registry-iam', /Permission 'artifactregistry\.repositories\.\w{1,60}' denied/i, 'https://github.com/google-github-actions/deploy-cloudrun/issues/370'],
  ['not-found/repository-or-tag', /NOT_FOUND: artifact \S{1,300} not found/i, 'https://github.com/skevetter/devpod/issues/346'],
  ['not-found/repository-or-tag', /\bImage '[^'\n]{1,400}' not found/i, 'https://github.com/google-github-actions/deploy-cloudrun/issues/465'],
  ['auth/registry-unauthorized', /unauthorized: not allowed/i, 'https://github.com/superfly/flyctl-actions/issues/36'],
  ['auth/registry-unauthorized', /Authentication required to access image/i, 'https://github.com/superfly/flyctl/issues/1100'],
  ['not-found/repository-or-tag', /Could not find image "[^"\n]{1,400}"/i, 'https://github.com/superfly/flyctl-actions/issues/35'],
  // Batch 6's tuning set (issue 26, session 2).

  ['network/registry-firewall', /client with IP \S{1,80} is not allowed access/i, 'https://github.com/Azure/acr/issues/633'],
  ['auth/ecr-public-forbidden', /unexpected status from HEAD request to https:\/\/public\.ecr\.aws\/v2\/\S{1,300}: 403\b/i, 'https://github.com/kubernetes-sigs/kro/issues/153'],
  ['auth/ecr-public-forbidden', /login attempt to https?:\/\/public\.ecr\.aws\/v2\/ failed with status: 403\b/i, 'https://github.com/terraform-aws-modules/terraform-aws-eks/issues/3511'],
  ['auth/ecr-public-forbidden', /public\.ecr\.aws[^\n]{0,400}"DENIED\\?",\\?"message\\?":\\?"Not Authorized/i, 'https://github.com/jetstack/version-checker/issues/122'],
  ['auth/registry-unauthorized', /authentication required, visit https:\/\/aka\.ms\/acr\/authorization/i, 'https://github.com/Azure/acr/issues/893'],
  ['auth/registry-unauthorized', /unauthorized: reqPackageAccess/i, 'https://github.com/go-gitea/gitea/issues/31531'],
  // The words that make a DENIED code a permission refusal (a bare DENIED or 403 is ambiguous: classify-text.ts).

  ['permission/registry-iam', /"code":"DENIED","message":"you do not have the permission"/i, 'https://github.com/kweaver-ai/kweaver-core/issues/55'],
  // Batch 7's tuning set (issue 26, session 2).

  ['not-found/repository-or-tag', /No manifest found for \S{1,400}/i, 'https://github.com/microsoft/generative-ai-for-beginners/issues/187'],
  ['auth/registry-unauthorized', /unauthorized: failed authentication/i, 'https://github.com/GoogleCloudPlatform/cloud-sdk-docker/issues/328'],
  // Batches 6 and 7's held-out groups, tuned on after their tuned records were written (issue 26, session 2).

  ['permission/registry-iam', /installation not allowed to Create organization package/i, 'https://github.com/pinchbench/skill/pull/17'],
  ['auth/registry-unauthorized', /unauthorized: personal access token is expired/i, 'https://github.com/sailor-sh/CK-X/issues/60'],
  // Batch 8's tuning set (issue 26, session 2).

  ['ambiguous/token-forbidden', /-docker\.pkg\.dev\/[^\n]{0,400}failed to fetch anonymous token: unexpected status: 403\b/i, 'https://github.com/docker/login-action/issues/606'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  // The OCI distribution spec's message for BLOB_UNKNOWN, which clients print without the code.
  ['not-found/repository-or-tag', /\bblob unknown to registry\b/i, 'https://github.com/docker/build-push-action/pull/1593'],
  // The OCI distribution spec's message for MANIFEST_UNKNOWN, printed without the code.
  ['not-found/repository-or-tag', /\bThe named manifest is not known to the registry\b/i, 'https://github.com/goharbor/harbor-helm/issues/1895'],
  ['not-found/repository-or-tag', /Project '[^'\n]{1,100}' not found or deleted/i, 'https://github.com/apache/airflow-on-k8s-operator/issues/31'],
  // Quay's and others' storage answering a redirected blob download with S3's XML.
  ['ambiguous/storage-refused', /(?:response body|download failed)[^\n]{0,400}<Code>SignatureDoesNotMatch<\/Code>/i, 'https://github.com/argoproj/argo-cd/issues/16336'],
  ['credentials/azure-credential-chain', /DefaultAzureCredential: failed to acquire a token/i, 'https://github.com/fluxcd/source-controller/issues/1071'],
  // DigitalOcean's plan limit on repositories.
  ['permission/registry-quota', /registry contains \d{1,6} repositories, limit is \d{1,6}/i, 'https://github.com/docker/build-push-action/issues/586'],
  // Harbor's project quota.
  ['permission/registry-quota', /storage resource, which when updated to current usage of [^\n]{1,40} will exceed the configured upper limit/i, 'https://github.com/goharbor/harbor/issues/17390'],
  // Harbor's proxy cache logging Docker Hub's answer to its login.
  ['throttle/rate-exceeded', /"detail": "Rate limit exceeded"/i, 'https://github.com/goharbor/harbor/issues/23750'],
  // Container Registry's answer when the project that hosts the images is suspended.
  ['permission/registry-iam', /Consumer '[^'\n]{1,100}' has been suspended/i, 'https://github.com/kubeflow/pipelines/issues/7904'],
  ['not-found/repository-or-tag', /\bunknown: artifact \S{1,300} not found/i, 'https://github.com/containers/image/issues/2203'],
  // ACR's 401 words for a service principal it does not accept, which IoT Edge wraps in a StatusCode:500.
  ['auth/registry-unauthorized', /unauthorized: (?:Invalid clientid or client secret|Application not registered with AAD)/i, 'https://github.com/Azure/iotedge/issues/7466'],
  // Singularity Hub (shub://).
  ['not-found/repository-or-tag', /the requested manifest was not found in singularity hub/i, 'https://github.com/IARCbioinfo/IARC-nf/issues/1'],
  ['network/no-answer', /No response received from singularity hub/i, 'https://github.com/bhattlab/lathe/issues/27'],
  // Quay's answer (docker's v1 wording) to an identity it knows that may not pull.
  ['permission/registry-iam', /Status 403 trying to pull repository \S{1,300}: "\{\\?"error\\?": \\?"Permission Denied\\?"\}"/i, 'https://github.com/rancher/rancher/issues/11642'],
  ['auth/registry-unauthorized', /\/manifests\/[^\s"]{1,200}: unauthorized"\}/i, 'https://github.com/microsoft/azure-api-management-monetization/issues/19'],
  // Harbor's read-only mode (an administrator's setting, or a plan whose storage is full): writes are refused.
  ['service/server-error', /The system is in read only mode\. Any modification is prohibited/i, 'https://github.com/ovh/public-cloud-roadmap/issues/242'],
  ['not-found/repository-or-tag', /This repo requires terms acceptance and is only available on registry\.redhat\.io/i, 'https://github.com/redhat-developer/rhdh-local/pull/20'],
  // Harbor answers a push or pull to a project that does not exist so (401 with the project's name).
  ['not-found/repository-or-tag', /unauthorized: project \S{1,100} not found/i, 'https://github.com/dagger/dagger/issues/9870'],
  // docker's words for a registry's UNAUTHORIZED (its 401); Harbor's "unauthorized to access repository" is the ambiguous one.
  ['auth/registry-unauthorized', /error from registry: unauthorized(?! to access)/i, 'https://github.com/portainer/portainer/issues/13165'],
];
