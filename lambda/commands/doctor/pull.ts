import type { ProbeResult } from '../../engine/model/types.ts';
import type { CheckResult } from './check.ts';

/** The `pull` check: the probe's own verdict on the image, with the probe's runbook fix. */
export function pullCheck(result: ProbeResult | null): CheckResult {
  if (!result) {
    return {
      id: 'pull',
      status: 'skip',
      saw: 'no image to pull: give --registry IMAGE (a full ECR image reference) to run the same probe as `probe`',
      fix: null,
      runbook: null,
      details: {},
    };
  }
  const details = {
    image: result.image,
    region: result.region,
    ok: result.ok,
    category: result.category,
    phase: result.phase,
    errorCode: result.errorCode,
    digest: result.digest,
    latencyMs: result.latencyMs,
    identity: result.identity,
    registryUrl: result.registryUrl,
    tokenExpiresAt: result.tokenExpiresAt,
  };
  if (result.ok) {
    return {
      id: 'pull',
      status: 'pass',
      saw: `${result.image} resolved to ${result.digest} in ${result.latencyMs} ms as ${result.identity ?? 'an unknown identity'}`,
      fix: null,
      runbook: null,
      details,
    };
  }
  return {
    id: 'pull',
    status: 'fail',
    saw: `${result.image}: ${result.category} in phase ${result.phase}: ${result.errorCode}: ${result.message}`,
    fix: result.remediation,
    runbook: result.category,
    details,
  };
}
