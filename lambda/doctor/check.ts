import type { Category } from '../model/types.ts';

/**
 * One doctor check's verdict. `pass` and `warn` leave the exit status 0 (a warning is something to know, not a
 * broken pull path); any `fail` makes it 1; `skip` is a check that had nothing to look at or was not asked (no
 * image to pull, no docker config, the metadata service disabled or not on EC2): never `pass`, which would claim
 * that something was checked.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** The checks, in the order they are printed: the pull path from the host's credentials to the manifest. */
export const CHECK_IDS = ['credentials', 'imds', 'clock', 'docker', 'region', 'pull'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** What the check saw, in one or a few sentences. Never a secret. */
  saw: string;
  /** What to do about it; null when nothing needs doing. */
  fix: string | null;
  /** The runbook (docs/runbooks.md#<category>) the fix comes from, when one applies. */
  runbook: Category | null;
  /** The observations behind `saw`, for --json. */
  details: Record<string, unknown>;
}

export const STATUS_ORDER: readonly CheckStatus[] = ['fail', 'warn', 'pass', 'skip'];

/** How long ago or ahead a time is, in words: "1 h 2 min ago", "in 11 h 58 min". */
export function relativeTime(atMs: number, nowMs: number): string {
  const deltaMin = Math.round((atMs - nowMs) / 60_000);
  const abs = Math.abs(deltaMin);
  const text = abs >= 60 ? `${Math.floor(abs / 60)} h${abs % 60 ? ` ${abs % 60} min` : ''}` : `${abs} min`;
  return deltaMin < 0 ? `${text} ago` : `in ${text}`;
}
