import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: podman, skopeo and buildah (containers/image). */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const PODMAN: readonly PhraseRow[] = [
  ['ambiguous/access-denied-or-missing', /access to the requested resource is not authorized/im, 'https://github.com/podman-container-tools/skopeo/issues/1416'],
];
