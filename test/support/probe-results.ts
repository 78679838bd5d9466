// Probe results as the probe returns them, for in-process tests of what the outputs make of them.

import { remediationFor } from '../../lambda/engine/model/runbooks.ts';
import type { Category, Phase, ProbeResult } from '../../lambda/engine/model/types.ts';

export const STARTED_AT = '2026-11-27T10:00:00.000Z';
export const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** A healthy pull of `target`, with every field set the way a real healthy probe sets it. */
export function healthyResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    target: 'known-good',
    image: 'canary/known-good:v1',
    region: 'eu-west-1',
    ok: true,
    category: null,
    phase: null,
    errorCode: null,
    message: null,
    remediation: null,
    digest: DIGEST,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    platforms: ['linux/amd64', 'linux/arm64'],
    identity: 'arn:aws:iam::111122223333:user/canary',
    registryUrl: 'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com',
    startedAt: STARTED_AT,
    latencyMs: 48.9,
    timings: {
      credentialsMs: 4.3,
      tokenMs: 27.8,
      manifestMs: 17.4,
      dnsMs: null,
      connectMs: 4.8,
      tlsMs: 2.6,
      firstByteMs: 9.2,
      platformMs: null,
      layerMs: 21.5,
      layerRedirectMs: 6.1,
      layerDnsMs: 1.2,
      layerConnectMs: 3.4,
      layerTlsMs: 4.5,
      layerFirstByteMs: 5.6,
    },
    layer: {
      digest: `sha256:${'cd'.repeat(32)}`,
      size: 58,
      storageHost: 'prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com',
      redirects: 1,
      status: 206,
    },
    clockSkew: { seconds: 0.1, uncertaintySeconds: 0.5, source: 'date-header', sdkCorrected: false },
    tokenAttempts: 1,
    throttledResponses: 0,
    tokenExpiresAt: '2026-11-27T22:00:00.000Z',
    ...overrides,
  };
}

const PHASE: Record<Category, Phase> = {
  credentials: 'credentials',
  auth: 'manifest',
  permission: 'token',
  throttle: 'token',
  'clock-skew': 'clock',
  'not-found': 'manifest',
  platform: 'platform',
  integrity: 'manifest',
  network: 'manifest',
  service: 'manifest',
  unknown: 'manifest',
};

/** A failed pull in `category`, with the phase, code, message and remediation a real one would carry. */
export function failedResult(category: Category, overrides: Partial<ProbeResult> = {}): ProbeResult {
  return healthyResult({
    ok: false,
    category,
    phase: PHASE[category],
    errorCode: `Code-${category}`,
    message: `what the probe saw for ${category}`,
    remediation: remediationFor(category),
    digest: category === 'clock-skew' ? DIGEST : null,
    // Only a pull that got past the manifest (clock skew is judged after it) has a layer phase to report.
    ...(category === 'clock-skew' ? {} : { layer: null }),
    ...overrides,
  });
}
