import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: podman, skopeo and buildah (containers/image). */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const PODMAN: readonly PhraseRow[] = [
  ['not-found/short-name', /short-name resolution enforced but cannot prompt without a TTY/i, 'https://github.com/gaul/s3proxy/issues/637'],
  ['not-found/short-name', /short-name [^\n]{0,80}did not resolve to an alias and no unqualified-search registries/i, null],
  ['network/truncated-transfer', /Error writing blob: unexpected EOF/i, 'https://github.com/podman-container-tools/skopeo/issues/1056'],
  // podman's remote client to its machine (Windows, macOS): the local API, not a registry.
  ['ambiguous/engine-unreachable', /^Error: failed to connect: dial tcp 127\.0\.0\.1:\d{1,5}: connectex:/im, 'https://github.com/podman-container-tools/podman/issues/18718'],
  // containers/image's signature policy (policy.json).
  ['integrity/signature-rejected', /Source image rejected: (?:Invalid GPG signature|A signature was required, but no signature exists)/i, 'https://github.com/podman-container-tools/podman/issues/20727'],
  // containers/image cannot read an index nested in an index.
  ['integrity/media-type', /Unexpectedly received a manifest list instead of a manifest for a single image/i, 'https://github.com/podman-container-tools/podman/issues/25045'],
  ['network/truncated-transfer', /happened during read: [^\n]{0,200}unexpected EOF/i, 'https://github.com/podman-container-tools/skopeo/pull/1901'],
  ['network/truncated-transfer', /\(heuristic tuning data: [^\n]{0,200}\): unexpected EOF/i, 'https://github.com/podman-container-tools/podman/issues/18168'],
  ['ambiguous/access-denied-or-missing', /access to the requested resource is not authorized/im, 'https://github.com/podman-container-tools/skopeo/issues/1416'],
  // Batches 6 and 7's held-out groups, tuned on after their tuned records were written (issue 26, session 2).

  ['not-found/short-name', /short name mode is enforcing, but image name \S{1,300} returns ambiguous list/i, 'https://github.com/SynologyOpenSource/synology-csi/issues/128'],
  // Batch 8's held-out groups, tuned on after its tuned record was written (issue 26, session 2).

  ['auth/registry-unauthorized', /error logging into "[^"\n]{1,300}": invalid username\/password/i, 'https://github.com/goharbor/harbor/issues/15570'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  // containers/image's debug line for each mirror or search registry it tried before the next one.
  ['ambiguous/endpoint-fell-back', /DEBU(?:\[\d{1,6}\])? Accessing "[^"\n]{1,300}" failed:/, 'https://github.com/podman-container-tools/podman/issues/9336'],
];
