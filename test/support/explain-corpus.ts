import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { classifyText, type ExtractedFields } from '../../lambda/engine/explain/classify-text.ts';
import type { Category } from '../../lambda/engine/model/types.ts';

/**
 * The corpus `explain` is measured on (issue 18): test/fixtures/explain-corpus.json (messages gathered from public
 * issue threads, each with its source, its thread, the verdict, the facts the verdict must name and its split) and
 * test/fixtures/pull-error-corpus.json (the corpus the rules were first written on, all `tune`). One reader for the
 * accuracy test and for the report script (bench/explain-accuracy.ts), so both count the same way.
 */

/** The tool that printed a message. */
export type MessageSource =
  | 'docker'
  | 'containerd'
  | 'kubelet'
  | 'ecs'
  | 'aws-cli'
  | 'sdk'
  | 'credential-helper'
  | 'podman'
  | 'other';

export type Split = 'tune' | 'heldout';

/** What the verdict must name besides its category: extracted fields, and words its title or fix must contain. */
export interface ExpectedFacts extends Partial<ExtractedFields> {
  /** Each must appear in the verdict's title or remediation (case-insensitive), e.g. the registry it names. */
  advice?: string[];
}

export interface CorpusMessage {
  message: string;
  category: Category;
  source: MessageSource;
  /** The public thread (or file) the message was copied from. */
  found: string;
  split: Split;
  facts?: ExpectedFacts;
  hints?: { errorCode?: string; operation?: string };
  note?: string;
  /** Why an entry the hash put in `heldout` was moved to `tune` (its failure was looked at). */
  movedToTune?: string;
  /** 2: gathered after the rules were tuned, all held out (a second held-out set). */
  batch?: 2;
}

interface ExplainCorpusFile {
  heldoutRule: string;
  pullErrorCorpus: MessageSource[];
  entries: CorpusMessage[];
}

interface PullErrorCorpusFile {
  entries: Array<{
    message: string;
    category: Category;
    source: string;
    hints?: { errorCode?: string; operation?: string };
  }>;
}

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The held-out rule, fixed before any rule was tuned: the first byte of sha256(message) below 102 (~40%). */
export function hashSplit(message: string): Split {
  return (createHash('sha256').update(message).digest()[0] as number) < 102 ? 'heldout' : 'tune';
}

/** Every message of both corpora, the newer ones first. */
export function loadExplainCorpus(): CorpusMessage[] {
  const explain = readJson<ExplainCorpusFile>('explain-corpus.json');
  const earlier = readJson<PullErrorCorpusFile>('pull-error-corpus.json').entries;
  if (explain.pullErrorCorpus.length !== earlier.length)
    throw new Error(
      `explain-corpus.json names the source of ${explain.pullErrorCorpus.length} entries of pull-error-corpus.json, which has ${earlier.length}`,
    );
  return [
    ...explain.entries,
    ...earlier.map(
      (entry, index): CorpusMessage => ({
        message: entry.message,
        category: entry.category,
        source: explain.pullErrorCorpus[index] as MessageSource,
        found: entry.source,
        split: 'tune',
        ...(entry.hints ? { hints: entry.hints } : {}),
      }),
    ),
  ];
}

export interface Verdict {
  entry: CorpusMessage;
  /** The category is the expected one. */
  categoryRight: boolean;
  /** The category is right, every expected fact is extracted and every expected word is in the advice. */
  right: boolean;
  /** What was wrong, for a failure message. */
  problems: string[];
}

/** Classifies one corpus message and compares the verdict with what the corpus expects. */
export function judge(entry: CorpusMessage): Verdict {
  const result = classifyText(entry.message, entry.hints);
  const problems: string[] = [];
  if (result.category !== entry.category)
    problems.push(
      `category ${result.category} (rule ${result.evidence?.rule ?? 'none'}), expected ${entry.category}`,
    );
  const { advice = [], ...fields } = entry.facts ?? {};
  for (const [key, expected] of Object.entries(fields)) {
    const actual = result.fields[key as keyof ExtractedFields];
    if (actual !== expected)
      problems.push(`${key} ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
  const said = `${result.title}\n${result.remediation}`.toLowerCase();
  for (const words of advice) {
    if (!said.includes(words.toLowerCase())) problems.push(`the advice does not name "${words}"`);
  }
  return { entry, categoryRight: result.category === entry.category, right: problems.length === 0, problems };
}

interface Tally {
  total: number;
  categoryRight: number;
  right: number;
}

function tally(verdicts: Verdict[]): Tally {
  return {
    total: verdicts.length,
    categoryRight: verdicts.filter((verdict) => verdict.categoryRight).length,
    right: verdicts.filter((verdict) => verdict.right).length,
  };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

function row(label: string, counts: Tally): string {
  return `| ${label} | ${counts.total} | ${counts.categoryRight} (${percent(counts.categoryRight, counts.total)}) | ${counts.right} (${percent(counts.right, counts.total)}) |`;
}

/** Accuracy per split and per source, as a Markdown table. */
export function accuracyTable(verdicts: Verdict[]): string {
  const header = [
    '| messages | n | category right | verdict right (category, facts, advice) |',
    '|---|---:|---:|---:|',
  ];
  const splits = [
    row('split tune', tally(verdicts.filter((verdict) => verdict.entry.split === 'tune'))),
    row('split heldout', tally(verdicts.filter((verdict) => verdict.entry.split === 'heldout'))),
    row(
      '… of which by hash',
      tally(verdicts.filter((verdict) => verdict.entry.split === 'heldout' && !verdict.entry.batch)),
    ),
    row(
      '… of which batch 2 (after tuning)',
      tally(verdicts.filter((verdict) => verdict.entry.split === 'heldout' && verdict.entry.batch === 2)),
    ),
  ];
  const sources = [...new Set(verdicts.map((verdict) => verdict.entry.source))].sort();
  const bySource = sources.map((source) =>
    row(`source ${source}`, tally(verdicts.filter((verdict) => verdict.entry.source === source))),
  );
  const registries = [...new Set(verdicts.map((verdict) => registryNamed(verdict.entry.message)))].sort();
  const byRegistry = registries.map((registry) =>
    row(
      `registry ${registry}`,
      tally(verdicts.filter((verdict) => registryNamed(verdict.entry.message) === registry)),
    ),
  );
  return [...header, ...splits, ...bySource, ...byRegistry, row('**all**', tally(verdicts))].join('\n');
}

/**
 * The registry a message names, for the table only (read by plain words, not by the classifier it measures):
 * ECR, ECR Public, Docker Hub, GHCR, another registry, or none named.
 */
function registryNamed(message: string): string {
  if (/public\.ecr\.aws/.test(message)) return 'ECR Public';
  if (/\.dkr\.ecr\.|api\.ecr\.|\becr:|GetAuthorizationToken|arn:aws:ecr:/.test(message)) return 'ECR';
  if (/\bdocker\.io\b|docker\.com/.test(message)) return 'Docker Hub';
  if (/\bghcr\.io\b/.test(message)) return 'GHCR';
  if (
    /\b(?:quay\.io|gcr\.io|mcr\.microsoft\.com|registry\.gitlab\.com|aliyuncs\.com)\b|[a-z0-9-]+\.[a-z.]{2,}(?::\d+)?\/v2\//.test(
      message,
    )
  )
    return 'other';
  return 'none named';
}

/** The split's share of verdicts that are right. */
export function accuracy(verdicts: Verdict[], split: Split): number {
  const counts = tally(verdicts.filter((verdict) => verdict.entry.split === split));
  return counts.total === 0 ? 0 : counts.right / counts.total;
}
