/**
 * The classifier's rules as data: a rule (rules.ts) says what an error means and what fixes it; a phrasing
 * (phrases/<tool>.ts) is one tool's words for it, one row each. How to add one: docs/development.md.
 */

import type { Advice, AdviceContext } from '../model/runbooks.ts';
import type { Category } from '../model/types.ts';

/** One meaning of an error text. Its place in `TEXT_RULES` is its precedence: most specific first. */
export interface TextRule {
  /** Stable id, `<category>/<name>`, `ambiguous/<name>` for text that fits several categories; in the evidence. */
  id: string;
  /** `unknown` for an ambiguous rule, which names its `candidates` instead. */
  category: Category;
  /** What the rule means, in the on-call engineer's words. */
  reason: string;
  candidates?: Category[];
  /**
   * The line is the consequence of an error printed before it (docker's prompt after the AWS CLI printed no
   * password): it decides only when the text holds nothing else.
   */
  consequence?: true;
  /**
   * A consequence's own fix for when the error before it is one no rule recognises (docker's prompt: the command
   * before the pipe printed no password); without one, the fix names the consequence and asks for that error.
   */
  causeAboveFix?: () => Advice;
  /**
   * The line is a warning the tool went on from (it fell back to a pull, another registry or no credentials): it
   * decides its own error before any other rule, and the whole text only when no other error in it has a verdict.
   */
  warning?: true;
  /** The situation's own title and fix, before anything the registry's kind would give (runbooks.ts ADVICE). */
  fix?: (context: AdviceContext) => Advice;
  /** The fix for an ECR registry, when the registry's kind gives none (another registry has its own). */
  ecrFix?: (context: AdviceContext) => Advice;
}

/**
 * One phrasing: `[rule id, pattern, source]`. The pattern is case-insensitive unless the wording's case matters,
 * linear (literal anchors, bounded gaps `[^\n]{0,N}`, no nested quantifiers, never the `g` or `y` flag, no
 * backreference or named group: a rule's phrasings are joined into one alternation), so a megabyte of text costs
 * one pass per rule. The source is the public thread or page the wording was copied from, or the module of this
 * repository that prints it; null where no stored thread has it (the tool's own source or documentation). A
 * tool's file holds the phrasings first seen in that tool's output; a wording several tools share sits with one.
 */
export type PhraseRow = readonly [rule: string, pattern: RegExp, source: string | null];

/** A phrasing with the tool (the file) it belongs to. */
export interface Phrase {
  rule: string;
  pattern: RegExp;
  source: string | null;
  tool: string;
}
