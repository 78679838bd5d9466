import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: other clients of a registry: jib, dockerfile-maven, sinker, the amazon-ecr-login action. */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const OTHER_TOOLS: readonly PhraseRow[] = [
  ['auth/registry-unauthorized', /RegistryUnauthorizedException/im, 'https://github.com/GoogleContainerTools/jib/issues/744'],
  ['auth/registry-unauthorized', /\bUnauthorized for \S/im, 'https://github.com/GoogleContainerTools/jib/issues/744'],
  ['integrity/manifest-invalid', /manifest invalid/i, 'https://github.com/spotify/dockerfile-maven/issues/184'],
  ['not-found/repository-or-tag', /\b(?:NAME_UNKNOWN|MANIFEST_UNKNOWN|BLOB_UNKNOWN)\b/im, 'https://github.com/plexsystems/sinker/issues/55'],
  ['not-found/repository-or-tag', /name unknown/im, 'https://github.com/aws-actions/amazon-ecr-login/issues/166'],
  ['not-found/repository-or-tag', /repository with name '[^'\n]{1,256}' does not exist/im, 'https://github.com/aws-actions/amazon-ecr-login/issues/166'],
  // Nomad's docker driver (batch 3's held-out tool, tuned on after its first look was recorded).
  ['credentials/credential-helper-failed', /Failed to find docker auth for\s{1,5}repo\b/i, 'https://github.com/hashicorp/nomad/issues/10480'],
  ['auth/registry-unauthorized', /Failed to pull `[^`\n]{1,300}`: unauthorized[ \t]*$/im, 'https://github.com/hashicorp/nomad/issues/4766'],
  // watchtower's HEAD check fell back to a pull: the pull's own result, not this line, says whether it failed.
  ['ambiguous/check-fell-back', /Could not do a head request for "[^"\n]{1,300}", falling back to regular pull/i, 'https://github.com/containrrr/watchtower/issues/1514'],
  // The OCI distribution spec's message for its NAME_UNKNOWN code, which clients print without the code.
  ['not-found/repository-or-tag', /repository name not known to registry/i, 'https://github.com/argoproj-labs/argocd-image-updater/issues/614'],
  ['auth/registry-unauthorized', /Couldn't set registry: failed to authenticate with ECR/i, 'https://github.com/argoproj-labs/argocd-image-updater/issues/1367'],
  // helm 3.18+ refuses an OCI artifact whose config or layer media type is not a chart's.
  ['integrity/media-type', /media type "[^"\n]{1,100}" is not allowed, found in descriptor/i, 'https://github.com/helm/helm/issues/31775'],
  // pack looks for a buildpack image in the daemon's local store before the registry.
  ['ambiguous/local-store', /image \S{1,300} does not exist on the daemon/i, 'https://github.com/buildpacks/docs/issues/648'],
  // Apple's container CLI (Swift): its keychain store, its HTTP/2 client, and a registry answer it cannot use.
  ['credentials/credential-helper-failed', /error querying keychain for \S{1,300}/i, 'https://github.com/apple/container/issues/1733'],
  ['network/no-answer', /StreamClosed\(streamID: HTTP2StreamID\(\d{1,9}\), errorCode: HTTP2ErrorCode<0x[0-9a-f]{1,4} ProtocolError>/i, 'https://github.com/apple/container/issues/443'],
  ['integrity/response-unreadable', /missing required header Docker-Content-Digest/i, 'https://github.com/apple/container/issues/1453'],
  // flyctl when Fly's API refuses the user's token.
  ['auth/registry-unauthorized', /failed building options: You must be authenticated to view this/i, 'https://github.com/fly-apps/hello-fly/issues/4'],
  // dependabot's updater when a private registry refused the credentials it was given (or it was given none).
  ['auth/registry-unauthorized', /\bprivate_source_authentication_failure\b/i, 'https://github.com/elastic/apm-agent-nodejs/issues/4537'],
  // Renovate could not get an ECR token (its AWS credentials or permission): then it pulls with no docker auth.
  ['credentials/none-in-chain', /ECR getAuthorizationToken error/i, 'https://github.com/mend/renovate-ce-ee/issues/304'],
  // The tool failed on its own, not at a registry: a scanner's API token, a program built for another architecture.
  ['ambiguous/tool-own-failure', /Authentication error \(SNYK-\d{4}\)/i, 'https://github.com/cloudnative-pg/postgres-containers/issues/327'],
  ['ambiguous/tool-own-failure', /: cannot execute binary file: Exec format error/i, 'https://github.com/imjasonh/setup-crane/issues/5'],
  // singularity's layer cache holding a cut-off download.
  ['integrity/transfer', /gzip: \S{1,400}\.tar\.gz: unexpected end of file/i, 'https://github.com/maxfieldk/TE-Seq/issues/8'],
  ['integrity/transfer', /gzip: \S{1,400}\.tar\.gz: not in gzip format/i, 'https://github.com/BioContainers/multi-package-containers/issues/2442'],
  ['ambiguous/tool-own-failure', /scan job: submit scan request/i, 'https://github.com/goharbor/harbor/issues/21766'],
  // Kubewarden's and Renovate's words when the registry refused them.
  ['auth/registry-unauthorized', /Cannot fetch manifest of \S{1,300}: Not authorized/i, 'https://github.com/kubewarden/verify-image-signatures/issues/97'],
  ['auth/registry-unauthorized', /DEBUG: Datasource unauthorized/i, 'https://github.com/renovatebot/renovate/issues/11446'],
  // fabric8's docker build wants the registry's CA file where docker keeps per-registry certificates.
  ['network/tls-untrusted', /open \/etc\/docker\/certs\.d\/[^\s:]{1,300}: no such file or directory/i, 'https://github.com/openshift-labs/learn-katacoda/issues/1064'],
  // Batch 5's tuning set (issue 26, session 2).

  ['auth/registry-unauthorized', /most likely due to incorrect or mismatched registry credentials/i, 'https://github.com/klothoplatform/klotho/issues/467'],
  ['network/no-answer', /Retrying in \d{1,3} seconds?[ \t]*\n[ \t]*EOF[ \t]*$/im, 'https://github.com/aws/aws-dotnet-deploy/issues/474'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  ['ambiguous/check-fell-back', /error checking cache, caching may not work as expected/i, 'https://github.com/jenkins-x/jx/issues/4501'],
  // go-containerregistry's verify package (crane, syft's stereoscope, ko): the bytes read are not the size or digest announced.
  ['integrity/transfer', /error verifying (?:size; got \d{1,20}, want \d{1,20}|sha256 checksum after reading)/i, 'https://github.com/anchore/syft/issues/790'],
];
