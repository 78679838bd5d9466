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
];
