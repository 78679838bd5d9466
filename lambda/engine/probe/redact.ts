/** What a secret is replaced with, wherever it is removed. */
export const REDACTED = '[REDACTED]';

/**
 * Last line of defence for secrets: every text that leaves the probe passes through here with the run's
 * registry password and token, whatever produced it (an SDK message, a registry body, our own words).
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    // Short strings would blank out ordinary words; real passwords and tokens are hundreds of characters.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Credential shapes that can turn up in error text pasted by a user or logged by a tool, each kept up to the
 * part that says what it was. Every pattern is linear: no nested quantifiers, no unbounded gap between two parts.
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // An Authorization header value: `Basic base64(user:password)`, `Bearer <token>`.
  [/\b(Basic|Bearer)[ \t]+[A-Za-z0-9+/=._~-]{8,}/g, `$1 ${REDACTED}`],
  // Presigned URL query values and the same values as headers.
  [/\b(X-Amz-Security-Token|X-Amz-Signature)([=:][ \t]*)[^&\s"'<>]+/gi, `$1$2${REDACTED}`],
  // base64("AWS:<password>"), the form GetAuthorizationToken returns and docker keeps in config.json.
  [/\bQVdTO[A-Za-z0-9+/=]{16,}/g, REDACTED],
  // The ECR password itself is base64 of a JSON object (`{"payload":…`); so are JWTs (web identity tokens).
  [/\beyJ[A-Za-z0-9+/=_-]{16,}/g, REDACTED],
  // `AWS:<password>` decoded.
  [/\bAWS:[A-Za-z0-9+/=_-]{20,}/g, `AWS:${REDACTED}`],
  // Keys and tokens as settings, environment variables or JSON fields (`aws_secret_access_key = …`,
  // `AWS_SESSION_TOKEN=…`, `"SecretAccessKey": "…"`, `"authorizationToken": "…"`, `password: …`).
  [
    /\b((?:aws_)?secret_?access_?key|(?:aws_)?session_?token|aws_security_token|authorization_?token|password|passwd)(["']?[ \t]*[:=][ \t]*["']?)[^\s"',;&]+/gi,
    `$1$2${REDACTED}`,
  ],
  // A bare AWS secret access key: exactly 40 characters of its alphabet (base64 without `=`), not part of a longer
  // run, mixing upper case, lower case and digits as random keys do (so a 40-hex git SHA or a word is not one).
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (secret keys are 40 characters).
  [
    /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    REDACTED,
  ],
  // `docker login --password …` and `--password=…` (the value can be anything but an option).
  [/(--password(?:=|[ \t]+))(?!-)[^\s"']+/g, `$1${REDACTED}`],
  // `docker login -u AWS -p …`: only on a docker login line, where -p is the password.
  [/(\bdocker login\b[^\n]{0,500}?[ \t]-p[ \t]+)[^\s"']+/g, `$1${REDACTED}`],
];

/**
 * Removes credentials from free text by their shape (header values, presigned URL signatures, ECR tokens and
 * passwords, access-key secrets, command-line passwords), plus any known `secrets` verbatim.
 */
export function redactCredentials(text: string, secrets: Iterable<string> = []): string {
  let out = redact(text, secrets);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
