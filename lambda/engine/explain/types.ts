/** What the text classifier takes and gives (classify-text.ts); its callers import these from there. */

import type { Category } from '../model/types.ts';

/** Structured context that came with the text, e.g. from a CloudTrail record or a probe result. */
export interface TextHints {
  /** An AWS error name (CloudTrail `errorCode`), a registry error code, or a probe result's `errorCode`. */
  errorCode?: string | null;
  /** The API operation (CloudTrail `eventName`, e.g. `GetAuthorizationToken`). */
  operation?: string | null;
  /** Secrets known to the caller, removed verbatim besides the shapes `redactCredentials` knows. */
  secrets?: Iterable<string>;
}

/** Which part of the input decided the category. */
export interface TextEvidence {
  /** Stable rule id, `<category>/<name>`; `ambiguous/<name>` for text that fits several categories. */
  rule: string;
  /** What the rule means, in the on-call engineer's words. */
  reason: string;
  /** The part of the (redacted) input that matched. */
  match: string;
  /** The match with the rest of its line around it (redacted, at most ~240 characters); absent for a code hint. */
  context?: string;
  /** Where it matched: the free text or the error code given with it. */
  source: 'text' | 'errorCode';
  /** For an ambiguous match, the categories the text fits; the result is then `unknown`. */
  candidates?: Category[];
  /** For `ambiguous/consequence-only`: the rule of the line that follows from an error no rule recognises. */
  follows?: string;
}

/** What the text says about who failed where; each field only when the text names it. */
export interface ExtractedFields {
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  registry?: string;
  /** The registry's 12-digit account. */
  account?: string;
  region?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** The IAM or STS principal ARN the failure names (`User: arn:…`). */
  principal?: string;
  /** The IAM action that was refused or attempted, e.g. `ecr:BatchGetImage`. */
  action?: string;
  /** The HTTP status the registry or service answered. */
  httpStatus?: number;
  /** The AWS or registry error code. */
  errorCode?: string;
}

/** Another distinct error in the same text, with its own verdict, besides the one that decided. */
export interface OtherError {
  category: Category;
  evidence: TextEvidence;
  /** What this error's own text names. */
  fields: ExtractedFields;
  remediation: string;
  title: string;
}

export interface TextClassification {
  category: Category;
  /** Null only when nothing in the text matched any rule. */
  evidence: TextEvidence | null;
  /**
   * What the text names. When it holds several distinct errors, only what the deciding error's own text names
   * (the others carry their own).
   */
  fields: ExtractedFields;
  /**
   * The one-line fix: the category's runbook (`lambda/engine/model/runbooks.ts`), or, where the text says more (the
   * registry it names, an explicit deny, a secret store, the login line with its region and host), the
   * situation's own advice from the same file.
   */
  remediation: string;
  /** The runbook's title, or the situation's. */
  title: string;
  /**
   * Other distinct errors in the text (several pasted together), each with its own verdict; the deciding one is
   * the most specific (a cause before the lines that are its consequence).
   */
  others: OtherError[];
  /** The input, secrets redacted, cut at `MAX_KEPT_CHARS`. */
  text: string;
}
