/**
 * Last line of defence for secrets: every text that leaves the probe passes through here with the run's
 * registry password and token, whatever produced it (an SDK message, a registry body, our own words).
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    // Short strings would blank out ordinary words; real passwords and tokens are hundreds of characters.
    if (secret.length >= 8) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
