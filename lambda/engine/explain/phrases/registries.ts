import type { PhraseRow } from '../rule.ts';

/**
 * Phrasings of registry services other than ECR, whichever client prints them (issue 26): GitHub Container
 * Registry, Artifact Registry, Container Registry, Harbor, Docker Hub.
 */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const REGISTRIES: readonly PhraseRow[] = [
  // GHCR refuses the login itself at the version check (`GET /v2/`) with its bare `denied: denied`: the token or password was not accepted.
  ['auth/login-refused', /\/v2\/"?: denied: denied/i, 'https://github.com/dataforgoodfr/12_bloom/issues/109'],
  ['auth/login-refused', /DENIED: unauthenticated: User cannot be authenticated with the token provided/i, 'https://github.com/tektoncd/catalog/issues/931'],
  ['permission/registry-iam', /Permission "artifactregistry\.repositories\.\w{1,60}" denied/i, 'https://github.com/iterative/cml/issues/1136'],
  ['permission/registry-iam', /Unauthenticated requests do not have permission "artifactregistry\./i, 'https://github.com/google/fuzzbench/issues/1981'],
  ['permission/registry-iam', /Token exchange failed for project '[^'\n]{1,100}'\. (?:Caller does not have permission|Access denied)/i, 'https://github.com/spinnaker/spinnaker/issues/3840'],
  ['permission/registry-iam', /installation not allowed to Write organization package/i, 'https://github.com/enketo/enketo-express/issues/312'],
  ['permission/registry-iam', /permission_denied: (?:write_package|The requested installation does not exist)/i, 'https://github.com/mcuadros/ofelia/pull/202'],
  // GHCR answers 403 for a private package, a stale login and a missing one alike; Container Registry says so itself.
  ['ambiguous/registry-denied', /https?:\/\/ghcr\.io\/v2\/\S{1,300}?:?[ \t]{0,3}403 Forbidden/i, 'https://github.com/kgateway-dev/kgateway/issues/10605'],
  ['ambiguous/registry-denied', /you may have invalid credentials\. To authenticate your request/i, 'https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/5324'],
  ['ambiguous/registry-denied', /Caller does not have permission or the resource may not exist/i, 'https://github.com/superfly/flyctl-actions/issues/106'],
  ['ambiguous/registry-denied', /unauthorized to access repository: [^\n]{0,300}?, action: (?:pull|push)\b/i, 'https://github.com/goharbor/harbor/issues/17713'],
  ['ambiguous/registry-denied', /error from registry: unauthorized/i, 'https://github.com/ogham-mcp/ogham-mcp/issues/5'],
  // Docker Hub's 401 with its scope map is what it answers for a repository that does not exist, too.
  ['ambiguous/registry-denied', /https?:\/\/(?:index|registry-1)\.docker\.io\/v2\/\S{1,300}\/manifests\/\S{1,300}: UNAUTHORIZED: authentication required; \[map\[/i, 'https://github.com/GoogleContainerTools/kaniko/issues/2486'],
  ['ambiguous/registry-denied', /index\.docker\.io\/v2\/\S{1,300}\/manifests\/[\s\S]{0,100}?UNAUTHORIZED: authentication required; \[map\[Action:pull/i, 'https://github.com/nf-core/tfactivity/issues/15'],
];
