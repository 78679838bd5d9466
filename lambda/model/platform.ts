import { createHash } from 'node:crypto';

/** An image platform, as OCI indexes and image configs name it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform | null {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[a-z0-9._-]+$/.test(part))) return null;
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
