/**
 * `npm run -s explain:tables -- 4`: docs/explain-accuracy.md's per-registry and per-tool tables of a grouped batch, from its
 * records (first look, and when tuning on its tuning groups ended), never from today's rules: the records are
 * measurements made once. The corpus test checks that every row of the page matches them.
 */
import { readFileSync } from 'node:fs';
import type { GroupCounts } from '../test/support/explain-corpus.ts';
import { GROUPED_BATCHES, type GroupedBatch, loadBatch } from '../test/support/explain-corpus.ts';

interface BatchRecord {
  byRegistry: Record<string, GroupCounts>;
  byTool: Record<string, GroupCounts>;
  withAuditedLabels?: { byRegistry: Record<string, GroupCounts>; byTool: Record<string, GroupCounts> };
}

const batch = Number(process.argv[2] ?? 4) as GroupedBatch;
if (!GROUPED_BATCHES.includes(batch) || batch === 3) {
  console.error('usage: explain-batch-tables.ts 4 (batch 3’s tables were written by hand in session 1)');
  process.exit(2);
}
const read = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../test/fixtures/explain-corpus-batch${batch}.${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as BatchRecord;
const first = read('first-look');
const tuned = read('tuned');
const file = loadBatch(batch);

/** A share as docs/explain-accuracy.md prints it. */
export function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)}%`;
}

/** One row: first look (audited labels) and tuned, each right category, wrong category, wrong where unknown. */
export function batchRow(label: string, look: GroupCounts, after: GroupCounts, split: string): string {
  const cells = (counts: GroupCounts) => [
    percent(counts.categoryRight, counts.n),
    String(counts.wrongCategory),
    `${counts.wrongOnUnknown} of ${counts.unknownLabelled}`,
  ];
  return `| ${label} | ${look.n} | ${[...cells(look), ...cells(after)].join(' | ')} | ${split} |`;
}

const HEADER = (what: string) => [
  `| ${what} | n | first look: category right | wrong category | wrong where \`unknown\` is right | tuned: category right | wrong category | wrong where \`unknown\` is right | split |`,
  '| --- | --: | --: | --: | --: | --: | --: | --: | --- |',
];

for (const key of ['byRegistry', 'byTool'] as const) {
  const look = first.withAuditedLabels?.[key] ?? first[key];
  const kind = key === 'byRegistry' ? 'registry' : 'tool';
  const heldNames = new Set(kind === 'tool' ? file.heldoutTools : file.heldoutRegistries);
  const rows = Object.entries(look).map(([name, counts]) => {
    const entries = file.entries.filter((entry) => entry[kind] === name);
    const held = entries.filter((entry) => entry.split === 'heldout').length;
    const split = heldNames.has(name) ? 'held out' : held === 0 ? 'tuning' : `${held} held out`;
    const after = tuned[key][name];
    if (!after) throw new Error(`the tuned record has no ${kind} ${name}`);
    return batchRow(`\`${name}\``, counts, after, split);
  });
  console.log([...HEADER(kind), ...rows].join('\n'));
  console.log();
}
