import { parseArgs } from 'node:util';
import {
  classifyText,
  type ExtractedFields,
  FIELD_ORDER,
  type TextClassification,
} from '../../engine/explain/classify-text.ts';
import { recognize } from '../../engine/explain/recognize.ts';
import { closest } from '../../engine/model/did-you-mean.ts';
import { redactCredentials } from '../../engine/probe/redact.ts';
import { ISSUES_URL, runbookLink } from '../package-info.ts';
import { type ErrorInput, extractErrorInput } from './input.ts';

export const EXIT_EXPLAINED = 0;
export const EXIT_UNKNOWN = 1;
export const EXIT_USAGE = 2;

/** Standard input is read up to this many bytes; the rest is not read. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export const EXPLAIN_USAGE = `Usage: ecr-pull-canary explain [--json] [TEXT]

Says which of the canary's failure categories an image pull or registry login error belongs to, which part of
the text shows it, what the text names (registry, account, region, repository, tag or digest, principal,
action, HTTP status, error code) and the fix. When the text holds several distinct errors (output pasted
together), the deciding one is the cause (a line such as docker's "Cannot perform an interactive login" is the
consequence of the error above it) and the others are listed after it, each with its own verdict.

TEXT is the error message. Without TEXT, the message is read from standard input, so these work:
  kubectl describe pod POD | ecr-pull-canary explain
  aws ecs describe-tasks --cluster C --tasks T | ecr-pull-canary explain
From JSON (describe-tasks, an EventBridge or CloudTrail event, the probe's --json) the stopped reasons,
container reasons, error messages and error code are read; from kubectl describe, the pull-failure events.

Options:
  --json      print one JSON object: category, evidence, fields, remediation, title, others, text, input
  -h, --help  show this help

Exit status: 0 a category was found, 1 unknown (no rule explains the text), 2 usage error.
Secrets in the input (Authorization values, presigned URL signatures, ECR tokens and passwords, secret keys)
are redacted in every output.`;

export interface ExplainIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input, or null when it is a terminal (nothing was piped). */
  stdin: AsyncIterable<Buffer | string> | null;
}

class UsageError extends Error {}

interface ExplainRequest {
  json: boolean;
  text: string | null;
}

function parseExplainArgs(argv: string[]): ExplainRequest | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(unknownOptionHint(error as Error & { code?: string }));
  }
  if (parsed.values.help) return 'help';
  const text = parsed.positionals.join(' ');
  return { json: Boolean(parsed.values.json), text: parsed.positionals.length > 0 ? text : null };
}

/** The options `explain` takes. */
const OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

/**
 * Node's message for an unknown option, with the option it is likely a typo of (`--jsn`: did you mean --json?);
 * every other parse error as Node words it.
 */
function unknownOptionHint(error: Error & { code?: string }): string {
  const name =
    error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'--?([^'=]+)/.exec(error.message)?.[1] : undefined;
  const guess = name ? closest(name, Object.keys(OPTIONS)) : null;
  return guess ? `${error.message} (did you mean --${guess}?)` : error.message;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: OPTIONS,
  });
}

/** Reads a stream up to `maxBytes`; what comes after is left unread. */
export async function readBounded(stream: AsyncIterable<Buffer | string>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes.subarray(0, maxBytes - size));
    size += Math.min(bytes.length, maxBytes - size);
    if (size >= maxBytes) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs `explain` and returns its exit status. Never prints the input except through the classifier's redaction. */
export async function runExplain(argv: string[], io: ExplainIo): Promise<number> {
  let request: ExplainRequest | 'help';
  let raw: string;
  try {
    request = parseExplainArgs(argv);
    if (request === 'help') {
      io.stdout(`${EXPLAIN_USAGE}\n`);
      return EXIT_EXPLAINED;
    }
    if (request.text !== null) raw = request.text;
    else if (io.stdin) raw = await readBounded(io.stdin, MAX_INPUT_BYTES);
    else throw new UsageError('no TEXT given and nothing piped on standard input');
    if (raw.trim() === '')
      throw new UsageError('the error text is empty: give TEXT or pipe it on standard input');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`explain: ${redactCredentials(error.message)}\nRun with --help for usage.\n`);
    return EXIT_USAGE;
  }
  const input = extractErrorInput(raw);
  const result = classifyText(input.text, input.hints);
  io.stdout(
    request.json ? `${JSON.stringify(toExplainDocument(result, input))}\n` : formatExplanation(result, input),
  );
  return result.category === 'unknown' ? EXIT_UNKNOWN : EXIT_EXPLAINED;
}

/** The `--json` document. */
export function toExplainDocument(result: TextClassification, input: ErrorInput): Record<string, unknown> {
  return {
    category: result.category,
    evidence: result.evidence,
    fields: result.fields,
    remediation: result.remediation,
    title: result.title,
    others: result.others,
    text: result.text,
    input: { format: input.format, messages: input.messages },
    recognized: recognize(result.text, input.hints.operation),
    ...(result.category === 'unknown' ? { report: reportLine() } : {}),
  };
}

/**
 * Where an unrecognized failure is reported (issue 26): package.json's `bugs` or `repository` when it names one;
 * until then, to keep the text, which is the evidence.
 */
export function reportLine(issues: string | null = ISSUES_URL): string {
  return issues
    ? `open an issue at ${issues} with the text above (secrets are already redacted)`
    : 'keep this text (secrets are already redacted): it is the evidence; this package names no issue tracker yet';
}

/** Labels of the fields in human output (the order is the classifier's). */
const FIELD_LABELS: Record<keyof ExtractedFields, string> = {
  registry: 'registry',
  account: 'account',
  region: 'region',
  repository: 'repository',
  tag: 'tag',
  digest: 'digest',
  principal: 'principal',
  action: 'action',
  httpStatus: 'http status',
  errorCode: 'error code',
};

const INPUT_NAMES: Record<ErrorInput['format'], string> = {
  text: 'text',
  json: 'JSON',
  'kubectl-describe': 'kubectl describe events',
};

/** Human output: the category, what decided it, what the text names, the fix. */
export function formatExplanation(result: TextClassification, input: ErrorInput): string {
  const line = (label: string, value: string) => `  ${`${label}:`.padEnd(13)}${value}`;
  const lines = [`${result.category}: ${result.title}`];
  if (input.format !== 'text')
    lines.push(line('input', `${INPUT_NAMES[input.format]}, ${input.messages} message(s)`));
  const evidence = result.evidence;
  if (evidence) {
    lines.push(
      line('evidence', `"${evidence.match}"${evidence.source === 'errorCode' ? ' (error code)' : ''}`),
    );
    if (evidence.context && evidence.context !== evidence.match) lines.push(line('in', evidence.context));
    lines.push(line('why', evidence.reason));
    lines.push(line('rule', evidence.rule));
    if (evidence.candidates) lines.push(line('could be', evidence.candidates.join(', ')));
  } else {
    lines.push(line('evidence', 'no rule matched; the text is kept as given'));
  }
  for (const key of FIELD_ORDER) {
    const value = result.fields[key];
    if (value !== undefined) lines.push(line(FIELD_LABELS[key], String(value)));
  }
  // What the text shows of who failed doing what (issue 26), for every verdict.
  const seen = recognize(result.text, input.hints.operation);
  if (seen.tool) lines.push(line('tool', seen.tool));
  if (seen.operation) lines.push(line('operation', seen.operation));
  if (result.category === 'unknown') lines.push(line('text', oneLine(result.text)));
  lines.push(line('fix', result.remediation));
  if (result.category === 'unknown') lines.push(line('report', reportLine()));
  lines.push(line('runbook', runbookLink(result.category)));
  // Each other distinct error of the text, with its own verdict, below the deciding one.
  for (const [index, other] of result.others.entries()) {
    lines.push('', `also ${index + 1}: ${other.category}: ${other.title}`);
    lines.push(line('evidence', `"${other.evidence.match}"`));
    if (other.evidence.context && other.evidence.context !== other.evidence.match)
      lines.push(line('in', other.evidence.context));
    lines.push(line('rule', other.evidence.rule));
    for (const key of FIELD_ORDER) {
      const value = other.fields[key];
      if (value !== undefined) lines.push(line(FIELD_LABELS[key], String(value)));
    }
    lines.push(line('fix', other.remediation));
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 500)}…` : flat;
}
