/**
 * Sorts the error text that pull and login paths produce (docker and its credential flow, containerd and
 * kubelet, the ECS agent and Fargate, the AWS CLI and SDKs, ECR's registry) into the probe's categories.
 *
 * Pure: no I/O, no SDK. The CLI's `explain` and the workload watcher call the same function, with free text
 * (an ECS `stoppedReason` or container `reason`, a kubelet event) or with a service's structured error
 * (CloudTrail `errorCode`, `errorMessage`, `eventName`). The text is cut into errors (output pasted together
 * holds several); in each, rules run most specific first and the first that matches decides, and the most
 * specific verdict of all decides the text (a line that is the consequence of another, docker's prompt after a
 * failed `get-login-password`, and a warning the tool went on from, only when nothing else is there); the others
 * are listed. AWS error names and
 * registry statuses are decided by the probe's own tables (`lambda/engine/probe/classify.ts`), so the text classifier
 * and the probe never disagree about a code. Text that no rule explains is `unknown`, kept as given: never a
 * guess. The title and fix fit what the text names (`fitAdvice`: the registry, the situation).
 *
 * This file is the engine; the rules are data: rules.ts (what each error means, in precedence order, and its
 * fix), phrases/<tool>.ts (each tool's words for it, one row each, with the thread they came from), facts.ts
 * (what the text names) and advice.ts (which fix fits). The format is in rule.ts.
 */

import { RUNBOOKS } from '../model/runbooks.ts';
import type { Category } from '../model/types.ts';
import {
  categoryOfErrorCode,
  categoryOfRegistryStatus,
  PROBE_CODE_CATEGORIES,
  REGISTRY_ERROR_STATUS,
} from '../probe/classify.ts';
import { redactCredentials } from '../probe/redact.ts';
import { fitAdvice } from './advice.ts';
import {
  AWS_CLI_ERROR,
  ECR_HOST_REGION,
  extractFields,
  HTTP_STATUS,
  KNOWN_CODE_PATTERN,
  statusOf,
} from './facts.ts';
import { PHRASES, TEXT_RULES } from './rules.ts';
import type { OtherError, TextClassification, TextEvidence, TextHints } from './types.ts';

export { FIELD_ORDER } from './facts.ts';
export type { ExtractedFields, OtherError, TextClassification, TextEvidence, TextHints } from './types.ts';

/** Text beyond this many characters is not searched (a stoppedReason is at most a few hundred). */
export const MAX_SCAN_CHARS = 1024 * 1024;
/** The input is kept in the result up to this many characters. */
export const MAX_KEPT_CHARS = 4000;
/** An AWS error's own message is read this far after its name (the probe's skew test looks at one message). */
const CODE_MESSAGE_CHARS = 300;
/** Evidence shows at most this much of the matched text. */
const MAX_MATCH_CHARS = 300;
/** Evidence context: this many characters of the line on each side of the match. */
const CONTEXT_CHARS = 100;

/**
 * Classifies one error text. `hints.errorCode` and `hints.operation` are the structured parts of a service
 * error (CloudTrail `errorCode` and `eventName`; a probe result's `errorCode`); the text is its message or any
 * log excerpt. Secrets are redacted before anything is matched, so evidence and fields never carry them.
 */
export function classifyText(input: string, hints: TextHints = {}): TextClassification {
  const redacted = redactCredentials(String(input ?? ''), hints.secrets ?? []);
  const scanned = redacted.length > MAX_SCAN_CHARS ? redacted.slice(0, MAX_SCAN_CHARS) : redacted;
  const errorCode = hints.errorCode ? redactCredentials(String(hints.errorCode)).trim() : '';
  const operation = hints.operation ? String(hints.operation).trim() : '';

  // A structured error code that names a category decides before the codes and statuses found in the text.
  const codeCategory = errorCode ? categoryOfCode(errorCode, scanned.slice(0, CODE_MESSAGE_CHARS)) : null;
  const codeDecides = codeCategory !== null && codeCategory !== 'unknown';
  const segments = errorSegments(scanned);
  const found = segments.map((segment) => ({
    segment,
    decision: decideSegment(segment.text, codeDecides),
  }));
  const primary = pickPrimary(found, codeCategory, errorCode, operation);
  const category = primary?.decision.category ?? 'unknown';

  // Other distinct errors: a segment whose own verdict differs from the deciding one. A consequence line
  // (docker's prompt after a failed login) is not an error of its own.
  const others: OtherError[] = [];
  const listed = new Set<string>([`${category}|${primary?.decision.evidence.rule ?? ''}`]);
  for (const { segment, decision } of found) {
    if (!decision || decision.consequence || decision.warning || decision.category === category) continue;
    // Ambiguous wording next to one of the answers it could be (podman lists both) is one error.
    if (primary?.decision.evidence.candidates?.includes(decision.category)) continue;
    const key = `${decision.category}|${decision.evidence.rule}`;
    if (listed.has(key) || others.length >= MAX_OTHER_ERRORS) continue;
    listed.add(key);
    const fields = extractFields(segment.text, '', '');
    others.push({
      category: decision.category,
      evidence: decision.evidence,
      fields,
      ...fitAdvice(decision.category, decision.evidence, fields, segment.text),
    });
  }
  // One error: its fields may be spread over the lines it wraps onto. Several: only the deciding error's own.
  const scope = others.length > 0 && primary?.segment ? primary.segment.text : scanned;
  const fields = extractFields(scope, errorCode, operation);
  const evidence = primary?.decision.evidence ?? null;
  return {
    category,
    evidence,
    fields,
    ...fitAdvice(category, evidence, fields, scope),
    others,
    text:
      redacted.length > MAX_KEPT_CHARS
        ? `${redacted.slice(0, MAX_KEPT_CHARS)}… (${redacted.length - MAX_KEPT_CHARS} more characters)`
        : redacted,
  };
}

/** At most this many other errors are listed besides the deciding one. */
const MAX_OTHER_ERRORS = 5;
/** Text is cut into at most this many errors; the rest of it stays in the last one (bounded work on huge input). */
const MAX_SEGMENTS = 200;

/**
 * Where one error's text begins: a line that starts the way the tools start an error or a log record. Any other
 * line continues the error above it (wrapped messages, `caused by:` chains, a status on the next line).
 */
const ERROR_START =
  /^[ \t]*(?:\S{1,40}[ \t]+\|[ \t]+)?(?:Error\b|error[:=\s]|ERROR\b|ERRO\[|FATA\[|An error occurred|A client error|[EWIF]\d{4} \d\d:\d\d|time="|level=|\d{4}-\d\d-\d\d[T ]\d\d:|\d{4}\/\d\d\/\d\d |Warning\b|WARNING\b|denied:|unauthorized:|CannotPull|CannotStart|ResourceInitializationError|TaskFailedToStart|Failed to pull|Status reason:|Container message:|docker: |panic:|Caused by:|botocore\.|com\.|\[ERROR\]|\[Container\]|Step \d|The push refers|Pulling |Trying to pull|Login Succeeded|##\[error\])/;

/** One entry of a registry's list of errors: its code in lower case, then its message. */
const ERROR_LIST_ITEM = /^[ \t]*[a-z_]{3,40}: \S/;

interface Segment {
  /** Where the segment starts in the scanned text. */
  start: number;
  text: string;
}

/** The text cut into errors: each starts on a line that starts an error (`ERROR_START`); blank text is dropped. */
function errorSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  let position = 0;
  // Inside a registry's list of errors (podman's and docker's `errors:`, then one `code: message` a line).
  let listing = false;
  const close = (end: number) => {
    const piece = text.slice(start, end);
    if (piece.trim()) segments.push({ start, text: piece });
  };
  while (position < text.length && segments.length < MAX_SEGMENTS - 1) {
    const newline = text.indexOf('\n', position);
    if (newline === -1) break;
    const next = newline + 1;
    const lineEnd = text.indexOf('\n', next);
    const line = text.slice(next, lineEnd === -1 ? text.length : lineEnd);
    // A line ending in a colon announces what follows (podman's `errors:`, a status on the next line).
    const announces = /:[ \t]*$/.test(text.slice(Math.max(start, newline - 2), newline));
    listing =
      (announces && /errors:[ \t]*$/.test(text.slice(Math.max(start, newline - 10), newline))) ||
      (listing && ERROR_LIST_ITEM.test(line));
    if (!announces && !listing && ERROR_START.test(line.slice(0, 200))) {
      close(newline);
      start = next;
    }
    position = next;
  }
  close(text.length);
  return segments;
}

interface Decision {
  category: Category;
  evidence: TextEvidence;
  /** Lower decides first: a text rule's place in TEXT_RULES, then error codes, then HTTP statuses. */
  rank: number;
  consequence?: true;
  warning?: true;
}

/** A refusal that says nothing more than 403 or DENIED: its own verdict, with the registry's checks (advice.ts). */
export const BARE_REFUSAL_RULE = 'ambiguous/bare-refusal';
const BARE_REFUSAL_REASON =
  'the registry refused with a bare 403 or DENIED and no words that say why: a missing repository or tag, a private one, a missing login, a firewall or a missing permission';
const BARE_REFUSAL_CANDIDATES: Category[] = ['permission', 'not-found', 'auth'];

const RANK_CODE_HINT = TEXT_RULES.length;
const RANK_NAMED_CODE = TEXT_RULES.length + 1;
const RANK_STATUS = TEXT_RULES.length + 2;

/** The deciding error: the most specific verdict of any segment; a consequence only when nothing else is there. */
function pickPrimary(
  found: Array<{ segment: Segment; decision: Decision | null }>,
  codeCategory: Category | null,
  errorCode: string,
  operation: string,
): { segment: Segment | null; decision: Decision } | null {
  // As in the probe: AssumeRole refused for auth or policy reasons means the intended role is out of reach.
  if (
    errorCode &&
    /^AssumeRole/.test(operation) &&
    (codeCategory === null || ['auth', 'permission', 'unknown'].includes(codeCategory))
  ) {
    return {
      segment: null,
      decision: {
        category: 'credentials',
        rank: -1,
        evidence: {
          rule: 'credentials/assume-role-refused',
          reason: `${operation} failed with ${errorCode}: the role could not be assumed`,
          match: errorCode,
          source: 'errorCode',
        },
      },
    };
  }
  let best: { segment: Segment; decision: Decision } | null = null;
  let consequence: { segment: Segment; decision: Decision } | null = null;
  let warning: { segment: Segment; decision: Decision } | null = null;
  for (const { segment, decision } of found) {
    if (!decision) continue;
    if (decision.consequence) consequence ??= { segment, decision };
    else if (decision.warning) warning ??= { segment, decision };
    else if (!best || decision.rank < best.decision.rank) best = { segment, decision };
  }
  // A structured error code (CloudTrail, a probe result) outranks what the text says only by its code or status.
  if (codeCategory && codeCategory !== 'unknown' && (!best || best.decision.rank > RANK_CODE_HINT)) {
    return {
      segment: null,
      decision: {
        category: codeCategory,
        rank: RANK_CODE_HINT,
        evidence: {
          rule: `${codeCategory}/error-code`,
          reason: `the error code ${errorCode} means: ${RUNBOOKS[codeCategory].title.toLowerCase()}`,
          match: errorCode,
          source: 'errorCode',
        },
      },
    };
  }
  if (best) return best;
  // A warning the tool went on from decides only when no other error has a verdict.
  if (warning) return warning;
  if (!consequence) return null;
  // The consequence alone says what happened; with other text beside it, the cause is in that text.
  if (found.filter(({ decision }) => !decision?.consequence).length === 0) return consequence;
  return {
    segment: consequence.segment,
    decision: {
      category: 'unknown',
      rank: consequence.decision.rank,
      evidence: {
        ...consequence.decision.evidence,
        rule: 'ambiguous/consequence-only',
        reason: `${consequence.decision.evidence.reason}; the error above it is one no rule recognises`,
        follows: consequence.decision.evidence.rule,
      },
    },
  };
}

/** The verdict of one error's text: the first text rule that matches, else an error code, else an HTTP status. */
function decideSegment(text: string, codeDecides: boolean): Decision | null {
  let consequence: Decision | null = null;
  for (const [rank, rule] of TEXT_RULES.entries()) {
    const match = firstMatch(text, PHRASES_BY_RULE.get(rule.id) as RulePhrases);
    if (!match) continue;
    const decision: Decision = {
      category: rule.category,
      rank,
      ...(rule.consequence ? { consequence: true as const } : {}),
      ...(rule.warning ? { warning: true as const } : {}),
      evidence: {
        rule: rule.id,
        reason: rule.reason,
        match: clip(match[0].trim()),
        context: contextOf(text, match.index, match[0].length),
        source: 'text',
        ...(rule.candidates ? { candidates: rule.candidates } : {}),
      },
    };
    // A consequence on the same line as its cause (the AWS CLI and docker print on one line) yields to it.
    if (!rule.consequence) return decision;
    consequence ??= decision;
  }
  if (consequence) return consequence;
  // The code given with the text decides before codes and statuses found in it (see pickPrimary).
  if (codeDecides) return null;
  const cliError = AWS_CLI_ERROR.exec(text);
  const named = cliError?.[1] ? cliError : KNOWN_CODE_PATTERN.exec(text);
  if (named?.[1]) {
    const after = text.slice(
      named.index + named[0].length,
      named.index + named[0].length + CODE_MESSAGE_CHARS,
    );
    const category = categoryOfCode(named[1], after);
    // A 401 is the protocol's own word for an authentication failure: a DENIED code in its body does not make it
    // a permission one (Harbor relays `[401][{"code":"DENIED","message":"Authenticate Error"}]`).
    const statusSaid = HTTP_STATUS.exec(text);
    const unauthenticated = statusSaid !== null && statusOf(statusSaid) === 401;
    // The registry's DENIED code by itself is what registries answer for a missing repository and a missing login
    // as much as for a missing permission (batches 4 to 6): the words around it decide, and here none did.
    if (
      category === 'permission' &&
      named[1] === 'DENIED' &&
      !unauthenticated &&
      !ECR_HOST_REGION.test(text)
    ) {
      return {
        category: 'unknown',
        rank: RANK_NAMED_CODE,
        evidence: {
          rule: BARE_REFUSAL_RULE,
          reason: BARE_REFUSAL_REASON,
          match: clip(named[0]),
          context: contextOf(text, named.index, named[0].length),
          source: 'text',
          candidates: BARE_REFUSAL_CANDIDATES,
        },
      };
    }
    if (category && category !== 'unknown' && !(category === 'permission' && unauthenticated)) {
      return {
        category,
        rank: RANK_NAMED_CODE,
        evidence: {
          rule: `${category}/error-code`,
          reason: `the error code ${named[1]} means: ${RUNBOOKS[category].title.toLowerCase()}`,
          match: clip(named[0]),
          context: contextOf(text, named.index, named[0].length),
          source: 'text',
        },
      };
    }
  }
  const status = HTTP_STATUS.exec(text);
  if (status) {
    const value = statusOf(status);
    const category = categoryOfRegistryStatus(
      value,
      null,
      text.slice(status.index, status.index + CODE_MESSAGE_CHARS),
    );
    // A bare 403, with no words that say why: registries answer it for a private or missing repository, a firewall
    // and a missing permission alike (issue 26: the largest source of wrong categories on sources no rule was
    // written for). From an ECR host it stays permission, as the ECS and EKS troubleshooting guides read it and the
    // watchers' advice (the task execution or pod execution role) needs; ECR's own ambiguous 403s (a HEAD for a
    // missing tag, a full repository) have their phrasings.
    if (category === 'permission' && value === 403 && !ECR_HOST_REGION.test(text)) {
      return {
        category: 'unknown',
        rank: RANK_STATUS,
        evidence: {
          rule: BARE_REFUSAL_RULE,
          reason: BARE_REFUSAL_REASON,
          match: clip(status[0].trim()),
          context: contextOf(text, status.index, status[0].length),
          source: 'text',
          candidates: BARE_REFUSAL_CANDIDATES,
        },
      };
    }
    if (category !== 'unknown') {
      return {
        category,
        rank: RANK_STATUS,
        evidence: {
          rule: `${category}/http-status`,
          reason: `the registry or service answered HTTP ${value}: ${RUNBOOKS[category].title.toLowerCase()}`,
          match: clip(status[0].trim()),
          context: contextOf(text, status.index, status[0].length),
          source: 'text',
        },
      };
    }
  }
  return null;
}

/**
 * Each rule's phrasings (rules.ts PHRASES), checked once: a phrasing names a rule, a rule has a phrasing. `screens`
 * joins them into one alternation per set of flags: one pass tells whether any matches, as cheap as one pattern.
 */
interface RulePhrases {
  patterns: RegExp[];
  screens: RegExp[];
}
const PHRASES_BY_RULE = new Map<string, RulePhrases>(
  TEXT_RULES.map((rule) => [rule.id, { patterns: [], screens: [] }]),
);
for (const phrase of PHRASES) {
  const phrases = PHRASES_BY_RULE.get(phrase.rule);
  if (!phrases) throw new Error(`explain: a phrasing of ${phrase.tool} names no rule: ${phrase.rule}`);
  if (phrase.pattern.global || phrase.pattern.sticky) {
    throw new Error(`explain: the phrasing ${phrase.pattern} of ${phrase.rule} has the g or y flag`);
  }
  phrases.patterns.push(phrase.pattern);
}
for (const [rule, phrases] of PHRASES_BY_RULE) {
  if (phrases.patterns.length === 0) throw new Error(`explain: the rule ${rule} has no phrasing`);
  for (const flags of new Set(phrases.patterns.map((pattern) => pattern.flags))) {
    const sources = phrases.patterns
      .filter((pattern) => pattern.flags === flags)
      .map((p) => `(?:${p.source})`);
    phrases.screens.push(new RegExp(sources.join('|'), flags));
  }
}

/**
 * Where the first of a rule's phrasings matches: the leftmost match, the longest of those that start there, the
 * first listed of those as long. Order-free, so a phrasing can be added to any tool's file.
 */
function firstMatch(text: string, { patterns, screens }: RulePhrases): RegExpExecArray | null {
  if (!screens.some((screen) => screen.test(text))) return null;
  let best: RegExpExecArray | null = null;
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (
      match &&
      (!best || match.index < best.index || (match.index === best.index && match[0].length > best[0].length))
    ) {
      best = match;
    }
  }
  return best;
}

/** The category of an error code: an AWS error name, a probe code, a registry code or `HTTP_<status>`. */
function categoryOfCode(code: string, message: string): Category | null {
  const byName = categoryOfErrorCode(code, message);
  if (byName) return byName;
  const probe = PROBE_CODE_CATEGORIES[code];
  if (probe) return probe;
  const status =
    REGISTRY_ERROR_STATUS[code] ?? (/^HTTP_[1-5]\d\d$/.test(code) ? Number(code.slice(5)) : null);
  return status === null ? null : categoryOfRegistryStatus(status, code, message);
}

/** The line around a match, cut to `CONTEXT_CHARS` on each side. */
function contextOf(text: string, index: number, length: number): string {
  const lineStart = text.lastIndexOf('\n', index) + 1;
  const lineEnd = text.indexOf('\n', index + length);
  const start = Math.max(lineStart, index - CONTEXT_CHARS);
  const end = Math.min(lineEnd === -1 ? text.length : lineEnd, index + length + CONTEXT_CHARS);
  return `${start > lineStart ? '…' : ''}${text.slice(start, end).trim()}${end < (lineEnd === -1 ? text.length : lineEnd) ? '…' : ''}`;
}

function clip(text: string): string {
  return text.length > MAX_MATCH_CHARS ? `${text.slice(0, MAX_MATCH_CHARS)}…` : text;
}
