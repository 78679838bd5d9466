import type { ProbeResult } from '../engine/model/types.ts';

/** The `--json` document: the fields scripts rely on first, then the full result. */
export function toJsonDocument(result: ProbeResult): Record<string, unknown> {
  const { ok, category, phase, digest, latencyMs, ...rest } = result;
  return {
    ok,
    category,
    phase,
    digest,
    latencyMs,
    clockSkewSeconds: result.clockSkew?.seconds ?? null,
    ...rest,
  };
}

const ms = (value: number | null) => (value === null ? '-' : `${value} ms`);

/** Human output: the verdict first, then what an on-call engineer needs to act on it. */
export function formatHuman(result: ProbeResult): string {
  const lines: string[] = [];
  if (result.ok) {
    lines.push(
      `OK    ${result.image} (${result.region}) resolved to ${result.digest} in ${result.latencyMs} ms`,
    );
  } else {
    lines.push(`FAIL  ${result.image} (${result.region}): ${result.category} in phase ${result.phase}`);
    lines.push(`  error:       ${result.errorCode}: ${result.message}`);
    lines.push(`  fix:         ${result.remediation}`);
  }
  lines.push(`  identity:    ${result.identity ?? 'unknown'}`);
  if (result.registryUrl) lines.push(`  registry:    ${result.registryUrl}`);
  if (result.mediaType) lines.push(`  manifest:    ${result.mediaType}`);
  if (result.platforms.length > 0) lines.push(`  platforms:   ${result.platforms.join(', ')}`);
  const t = result.timings;
  lines.push(
    `  timings:     credentials ${ms(t.credentialsMs)}, token ${ms(t.tokenMs)}, manifest ${ms(t.manifestMs)}` +
      (t.platformMs === null ? '' : `, config ${ms(t.platformMs)}`),
  );
  lines.push(
    `  connection:  dns ${ms(t.dnsMs)}, connect ${ms(t.connectMs)}, tls ${ms(t.tlsMs)}, first byte ${ms(t.firstByteMs)}`,
  );
  const layer = result.layer;
  if (layer) {
    const what = layer.digest ? `${layer.digest.slice(0, 19)}… (${layer.size} B)` : 'no layer chosen';
    lines.push(
      `  layer:       ${what} from ${layer.storageHost ?? '-'}, ${layer.redirects} redirect(s), status ${layer.status ?? '-'}`,
    );
    lines.push(
      `  layer times: ${ms(t.layerMs)} in all; redirect ${ms(t.layerRedirectMs)}, dns ${ms(t.layerDnsMs)}, connect ${ms(t.layerConnectMs)}, tls ${ms(t.layerTlsMs)}, first byte ${ms(t.layerFirstByteMs)}`,
    );
  }
  const skew = result.clockSkew;
  lines.push(
    skew
      ? `  clock skew:  ${skew.seconds > 0 ? '+' : ''}${skew.seconds} s ±${skew.uncertaintySeconds} s (host minus AWS, from ${skew.source})${skew.sdkCorrected ? ', corrected by the SDK' : ''}`
      : '  clock skew:  unknown (no Date header seen)',
  );
  lines.push(
    `  token:       ${result.tokenAttempts} attempt(s), ${result.throttledResponses} throttled` +
      (result.tokenExpiresAt ? `, expires ${result.tokenExpiresAt}` : ''),
  );
  return `${lines.join('\n')}\n`;
}
