import { randomBytes } from 'node:crypto';
import type { HostFiles } from '../../lambda/commands/doctor/host.ts';

/** A host's files for the doctor, as a map: path → text; `executables` are the files that may be run. */
export function hostFiles(texts: Record<string, string>, executables: string[] = []): HostFiles {
  return {
    read: (path) => texts[path] ?? null,
    isExecutable: (path) => executables.includes(path),
  };
}

export interface EcrLogin {
  /** docker's `auths.<host>.auth`: base64("AWS:" + password). */
  auth: string;
  /** The ECR token: base64 of the JSON object below. */
  password: string;
  payload: string;
  datakey: string;
}

/**
 * An ECR login as `aws ecr get-login-password | docker login` stores it: the password is base64 of
 * {payload, datakey, version, type, expiration} (the token GetAuthorizationToken returns), the payload and data
 * key random and long.
 */
export function ecrLogin(expirationMs: number): EcrLogin {
  const payload = randomBytes(900).toString('base64');
  const datakey = randomBytes(180).toString('base64');
  const password = Buffer.from(
    JSON.stringify({
      payload,
      datakey,
      version: '2',
      type: 'DATA_KEY',
      expiration: Math.floor(expirationMs / 1000),
    }),
  ).toString('base64');
  return { auth: Buffer.from(`AWS:${password}`).toString('base64'), password, payload, datakey };
}

/** Every substring of at least `min` characters of each secret that appears in `text`. */
export function leakedSubstrings(text: string, secrets: string[], min = 8): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (let start = 0; start + min <= secret.length; start += 1) {
      const piece = secret.slice(start, start + min);
      if (text.includes(piece)) leaks.push(piece);
    }
  }
  return leaks;
}
