import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { classifyText, type ExtractedFields } from '../../lambda/engine/explain/classify-text.ts';
import { UNNAMED_REGISTRY_LEAD } from '../../lambda/engine/model/runbooks.ts';
import type { Category } from '../../lambda/engine/model/types.ts';

/**
 * The corpus `explain` is measured on (issue 18): test/fixtures/explain-corpus.json (messages gathered from public
 * issue threads, each with its source, its thread, the verdict, the facts the verdict must name and its split),
 * test/fixtures/pull-error-corpus.json (the corpus the rules were first written on, all `tune`) and (issue 26)
 * test/fixtures/explain-corpus-batch3.json (other client tools and registries, split by whole tools and registries).
 * One reader for the accuracy test and for the report script (bench/explain-accuracy.ts), so both count the same way.
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
  /** Why the label changed after the batch's first look, and by whom (batches 3 and 4). */
  relabelled?: string;
  /** Batch 4: the collector's label, where the blind audit changed it. */
  labelledByCollector?: Category;
  /**
   * Batches 4 to 6: the label the first look was counted with, where it changed after it (the reason is in
   * relabelled); for batches 4 and 5 the change came after the tuned record too, for batch 6 before it.
   */
  labelAtRecords?: Category;
  /** Batches 3 and 5 to 7: the label the tuned record counted, where it changed after that record too. */
  labelAtTuned?: Category;
  /**
   * 2: gathered after the rules were tuned, all held out (a second held-out set). 3: other tools and registries
   * (issue 26), held out by whole tool and whole registry.
   */
  batch?: 2 | 3 | 4 | 5 | 6 | 7 | 8;
  /** The program that printed the message (batch 3 names it; earlier batches derive it from source and thread). */
  tool?: string;
  /** The registry the client talked to: ecr, ecr-public, docker-hub, ghcr, gar, gcr, quay, …; `none` if none. */
  registry?: string;
  /** The thread's established cause, in a few words (batch 3). */
  cause?: string;
  /** The category of that cause; differs from `category` where the words alone cannot tell it (batch 3). */
  causeCategory?: Category;
  /** No earlier entry cites the thread (batch 3). */
  newSource?: boolean;
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
    tool: string;
    registry: string;
    source: string;
    hints?: { errorCode?: string; operation?: string };
    relabelled?: string;
  }>;
}

/**
 * The batches gathered by tool and registry (issue 26): 3, then 4 and 5 from sources none of the earlier ones cite,
 * 6 from the mainstream tools and registries in new threads, 7 a fresh mix, 8 the state at the end of session 2, 9 the same rules on a fresh mix in session 3, 10 the rules after tuning on all of those, 11 once more, and 12 a last time in session 3.
 */
export type GroupedBatch = 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;
export const GROUPED_BATCHES: readonly GroupedBatch[] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** A batch held out by whole tools and registries, fixed before any rule was tuned on it. */
export interface BatchFile {
  heldoutTools: string[];
  heldoutRegistries: string[];
  entries: CorpusMessage[];
}

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The held-out rule, fixed before any rule was tuned: the first byte of sha256(message) below 102 (~40%). */
export function hashSplit(message: string): Split {
  return (createHash('sha256').update(message).digest()[0] as number) < 102 ? 'heldout' : 'tune';
}

/** A batch as its file holds it: the held-out groups and the entries. */
export function loadBatch(batch: GroupedBatch): BatchFile {
  return readJson<BatchFile>(`explain-corpus-batch${batch}.json`);
}

/** Every message of the corpora, the newer ones first. */
export function loadExplainCorpus(): CorpusMessage[] {
  const explain = readJson<ExplainCorpusFile>('explain-corpus.json');
  const grouped = [...GROUPED_BATCHES].reverse().flatMap((batch) => loadBatch(batch).entries);
  const earlier = readJson<PullErrorCorpusFile>('pull-error-corpus.json').entries;
  if (explain.pullErrorCorpus.length !== earlier.length)
    throw new Error(
      `explain-corpus.json names the source of ${explain.pullErrorCorpus.length} entries of pull-error-corpus.json, which has ${earlier.length}`,
    );
  return [
    ...grouped,
    ...explain.entries,
    ...earlier.map(
      (entry, index): CorpusMessage => ({
        message: entry.message,
        category: entry.category,
        tool: entry.tool,
        registry: entry.registry,
        source: explain.pullErrorCorpus[index] as MessageSource,
        found: entry.source,
        split: 'tune',
        ...(entry.hints ? { hints: entry.hints } : {}),
        ...(entry.relabelled ? { relabelled: entry.relabelled } : {}),
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
  /** A category was named and it is not the expected one (a wrong page, worse than `unknown`). */
  wrongCategory: boolean;
  /** The verdict's title or fix speaks of ECR, AWS Health or the ECR token for a registry that is not ECR. */
  ecrAdviceElsewhere: boolean;
}

/** Registries whose verdicts may speak of ECR (LocalStack emulates ECR's API and host names: ECR's steps apply). */
const ECR_REGISTRIES = new Set(['ecr', 'ecr-public', 'localstack', 'none', undefined]);
/**
 * ECR advice, as the corpus test has judged it since issue 18: ECR in the title, or AWS Health, the 12-hour token,
 * GetAuthorizationToken or get-login-password in the fix (a suggestion to mirror an image into ECR is not).
 */
const ECR_TITLE = /\bECR\b/;
const ECR_FIX = /AWS Health|12-hour|GetAuthorizationToken|get-login-password/;

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
  return {
    entry,
    categoryRight: result.category === entry.category,
    right: problems.length === 0,
    problems,
    wrongCategory: result.category !== 'unknown' && result.category !== entry.category,
    // A text that names no registry gets ECR's step beside any other registry's (UNNAMED_REGISTRY_LEAD): that is
    // not ECR advice given for another registry.
    ecrAdviceElsewhere:
      !ECR_REGISTRIES.has(entry.registry) &&
      (ECR_TITLE.test(result.title) ||
        (ECR_FIX.test(result.remediation) && !result.remediation.startsWith(UNNAMED_REGISTRY_LEAD))),
  };
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

/** Counts of one group of verdicts (a tool, a registry, a split). */
export interface GroupCounts {
  n: number;
  categoryRight: number;
  right: number;
  /** A category was named and it is not the expected one. */
  wrongCategory: number;
  /** Of the messages labelled `unknown`: how many got a category (a wrong page). */
  unknownLabelled: number;
  wrongOnUnknown: number;
  ecrAdviceElsewhere: number;
}

export function countGroup(verdicts: Verdict[]): GroupCounts {
  const unknown = verdicts.filter((verdict) => verdict.entry.category === 'unknown');
  return {
    n: verdicts.length,
    categoryRight: verdicts.filter((verdict) => verdict.categoryRight).length,
    right: verdicts.filter((verdict) => verdict.right).length,
    wrongCategory: verdicts.filter((verdict) => verdict.wrongCategory).length,
    unknownLabelled: unknown.length,
    wrongOnUnknown: unknown.filter((verdict) => verdict.wrongCategory).length,
    ecrAdviceElsewhere: verdicts.filter((verdict) => verdict.ecrAdviceElsewhere).length,
  };
}

/** The batch-3 groups a verdict belongs to, by the key asked for. */
export type GroupKey = 'tool' | 'registry';

/** Counts per tool or per registry, the largest groups first (ties by name). */
export function countByGroup(verdicts: Verdict[], key: GroupKey): Array<[string, GroupCounts]> {
  const names = [...new Set(verdicts.map((verdict) => verdict.entry[key] ?? 'none'))];
  return names
    .map((name): [string, GroupCounts] => [
      name,
      countGroup(verdicts.filter((verdict) => (verdict.entry[key] ?? 'none') === name)),
    ])
    .sort(([a, x], [b, y]) => y.n - x.n || a.localeCompare(b));
}

/** One Markdown row: n, category right, verdict right, wrong category, wrong category where `unknown` is expected. */
export function groupRow(label: string, counts: GroupCounts): string {
  return `| ${label} | ${counts.n} | ${counts.categoryRight} (${percent(counts.categoryRight, counts.n)}) | ${counts.right} (${percent(counts.right, counts.n)}) | ${counts.wrongCategory} | ${counts.wrongOnUnknown} of ${counts.unknownLabelled} | ${counts.ecrAdviceElsewhere} |`;
}

export const GROUP_HEADER = [
  '| group | n | category right | verdict right (category, facts, fix) | wrong category | wrong category where `unknown` is right | ECR advice for another registry |',
  '|---|---:|---:|---:|---:|---:|---:|',
];

/** A grouped batch per split, per tool and per registry (issue 26), as Markdown. */
export function batchTables(verdicts: Verdict[], batch: GroupedBatch): string {
  const of = verdicts.filter((verdict) => verdict.entry.batch === batch);
  const splits = [
    groupRow(`batch ${batch}, all`, countGroup(of)),
    groupRow('… tuning set', countGroup(of.filter((verdict) => verdict.entry.split === 'tune'))),
    groupRow(
      '… held-out tools and registries',
      countGroup(of.filter((verdict) => verdict.entry.split === 'heldout')),
    ),
  ];
  const byTool = countByGroup(of, 'tool').map(([name, counts]) => groupRow(`tool ${name}`, counts));
  const byRegistry = countByGroup(of, 'registry').map(([name, counts]) =>
    groupRow(`registry ${name}`, counts),
  );
  return [...GROUP_HEADER, ...splits, ...byRegistry, ...byTool].join('\n');
}

/** A grouped batch's figures as data: all, the tuning set, the held-out groups, per tool and per registry. */
export function batchFigures(verdicts: Verdict[], batch: GroupedBatch) {
  const of = verdicts.filter((verdict) => verdict.entry.batch === batch);
  return {
    all: countGroup(of),
    tune: countGroup(of.filter((verdict) => verdict.entry.split === 'tune')),
    heldout: countGroup(of.filter((verdict) => verdict.entry.split === 'heldout')),
    byRegistry: Object.fromEntries(countByGroup(of, 'registry')),
    byTool: Object.fromEntries(countByGroup(of, 'tool')),
  };
}
