import { createHash } from 'node:crypto';

/** An image platform, as OCI indexes and image configs name it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `os/arch[/variant]`, each part lower-case letters, digits and `._-`. */
export const PLATFORM_PATTERN = /^[a-z0-9._-]+\/[a-z0-9._-]+(?:\/[a-z0-9._-]+)?$/;

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform | null {
  if (!PLATFORM_PATTERN.test(text)) return null;
  const parts = text.split('/');
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
