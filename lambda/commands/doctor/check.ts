import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from '../../engine/model/did-you-mean.ts';
import type { Category } from '../../engine/model/types.ts';
import { redactCredentials } from '../../engine/probe/redact.ts';
import { runbookLink } from '../package-info.ts';

/**
 * One check's verdict (doctor's and preflight's). `pass` and `warn` leave the exit status 0 (a warning is
 * something to know, not a broken path); any `fail` makes it 1; `skip` is a check that had nothing to look at or
 * was not asked (no image to pull, no docker config, the metadata service disabled or not on EC2, no VPC to look
 * into): never `pass`, which would claim that something was checked.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** The checks, in the order they are printed: the pull path from the host's credentials to the manifest. */
export const CHECK_IDS = ['credentials', 'imds', 'clock', 'docker', 'region', 'pull'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckResult<Id extends string = CheckId> {
  id: Id;
  /** Where the check looked, when a command checks more than one place (preflight: account and region). */
  where?: string;
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

/** The environment variables that hold a secret of the host's credentials, never to be printed. */
const SECRET_VARIABLES = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;

/** The secrets in the environment, for the last-line redaction of a command's output. */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  return SECRET_VARIABLES.flatMap((name) => (env[name] ? [env[name] as string] : []));
}

/** Exit status of a command that reports checks: 0 no check failed (warnings alone exit 0), 1 one did, 2 usage. */
export const CHECKS_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The `--json` document of a command that reports checks. */
export interface ChecksReport<Id extends string = CheckId> {
  ok: boolean;
  summary: Record<CheckStatus, number>;
  checks: CheckResult<Id>[];
}

export function checksReport<Id extends string>(checks: CheckResult<Id>[]): ChecksReport<Id> {
  const summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) summary[check.status] += 1;
  // The same key order for every check, so the JSON reads alike whichever check built it.
  const ordered = checks.map(({ id, where, status, saw, fix, runbook, details }) => ({
    id,
    ...(where === undefined ? {} : { where }),
    status,
    saw,
    fix,
    runbook,
    details,
  }));
  return { ok: summary.fail === 0, summary, checks: ordered };
}

/** Human output: the verdict line, then one block per check, failures first. */
export function formatChecks<Id extends string>(
  report: ChecksReport<Id>,
  command: string,
  titles: Readonly<Record<Id, string>>,
): string {
  const counts = STATUS_ORDER.filter((s) => report.summary[s] > 0)
    .map((s) => `${report.summary[s]} ${s}`)
    .join(', ');
  const lines = [`${report.ok ? 'OK  ' : 'FAIL'}  ecr-pull-canary ${command}: ${counts}`];
  const ordered = [...report.checks].sort(
    (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
  );
  const title = (check: CheckResult<Id>) =>
    check.where === undefined ? titles[check.id] : `${titles[check.id]} ${check.where}`;
  // One column for every title, at least as wide as doctor's (its titles are single words and short phrases).
  const width = Math.max(20, ...ordered.map((check) => title(check).length));
  for (const check of ordered) {
    lines.push(`${check.status.toUpperCase().padEnd(4)}  ${title(check).padEnd(width)} ${check.saw}`);
    if (check.fix) lines.push(`      ${'fix:'.padEnd(width)} ${check.fix}`);
    if (check.runbook) lines.push(`      ${'runbook:'.padEnd(width)} ${runbookLink(check.runbook)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Prints a checks report: `--json`'s document (with `extra` keys), or the human lines and a closing sentence. The
 * last line of defence runs on either: no credential of the environment, and no credential shape, leaves in it.
 */
export function printChecks<Id extends string>(
  out: { stdout: (text: string) => void; env: NodeJS.ProcessEnv },
  report: ChecksReport<Id>,
  how: {
    json: boolean;
    command: string;
    titles: Readonly<Record<Id, string>>;
    closing?: string;
    extra?: Record<string, unknown>;
  },
): void {
  const text = how.json
    ? `${JSON.stringify({ ...report, ...how.extra })}\n`
    : `${formatChecks(report, how.command, how.titles)}${how.closing === undefined ? '' : `${how.closing}\n`}`;
  out.stdout(redactCredentials(text, environmentSecrets(out.env)));
}

/** How long ago or ahead a time is, in words: "1 h 2 min ago", "in 11 h 58 min". */
export function relativeTime(atMs: number, nowMs: number): string {
  const deltaMin = Math.round((atMs - nowMs) / 60_000);
  const abs = Math.abs(deltaMin);
  const text = abs >= 60 ? `${Math.floor(abs / 60)} h${abs % 60 ? ` ${abs % 60} min` : ''}` : `${abs} min`;
  return deltaMin < 0 ? `${text} ago` : `in ${text}`;
}

/** A command-line mistake: the command prints it with its synopsis and exits 2. */
export class UsageError extends Error {}

type OptionsConfig = NonNullable<ParseArgsConfig['options']> & { help: { type: 'boolean'; short: 'h' } };

/**
 * A checks command's options, parsed strictly (no positional arguments): their values, or 'help' for -h/--help;
 * anything else wrong is a {@link UsageError} naming the first problem.
 */
export function parseCommandOptions<const O extends OptionsConfig>(
  argv: string[],
  options: O,
): OptionValues<O> | 'help' {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    // Node's own words for an unknown option advise `--` for positionals, which these commands take none of.
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec((error as Error).message)?.[1];
    if (unknown) {
      const guess = unknown.startsWith('--') ? closest(unknown.slice(2), Object.keys(options)) : null;
      throw new UsageError(`unknown option ${unknown}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return values as OptionValues<O>;
}

/** What node:util's parser gives for each option: a string or a boolean, a list of them when repeatable. */
type OptionValues<O> = {
  [K in keyof O]?: O[K] extends { type: 'string'; multiple: true }
    ? string[]
    : O[K] extends { type: 'string' }
      ? string
      : boolean;
};
