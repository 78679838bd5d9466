/**
 * `npm run explain:accuracy`: how often `explain` gives the verdict the corpus expects, per split (`tune`: the rules
 * were written on these; `heldout`: never looked at while writing rules) and per source (the tool that printed
 * the message). The table is the one the README's "Explain an error" section quotes.
 *
 * Then batches 3 to 8 (issue 26: other client tools and registries) per split, per registry and per tool: right category,
 * right verdict (category, facts, fix), wrong category (a category named that is not the expected one), wrong
 * category where `unknown` is the answer, and ECR advice given for a registry that is not ECR. The rules are written
 * by hand, not trained, so each tool's or registry's row on messages no rule was written for is its
 * leave-one-group-out figure; the held-out groups (heldoutTools / heldoutRegistries in the corpus file) are never
 * used to write a rule.
 *
 *   --failures       the messages that fail, with what was wrong (tuning set only; add --all for every message)
 *   --json           one batch's figures as JSON (the first-look records were written with this)
 *   --batch N        which batch --json prints: 3 to 8 (default 8)
 */
import {
  accuracyTable,
  batchFigures,
  batchTables,
  GROUPED_BATCHES,
  type GroupedBatch,
  judge,
  loadExplainCorpus,
} from '../test/support/explain-corpus.ts';

const verdicts = loadExplainCorpus().map(judge);
const batchArgument = process.argv.indexOf('--batch');
const batch = (batchArgument === -1 ? 8 : Number(process.argv[batchArgument + 1])) as GroupedBatch;
if (!GROUPED_BATCHES.includes(batch)) {
  console.error(`--batch takes ${GROUPED_BATCHES.join(' or ')}`);
  process.exit(2);
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(batchFigures(verdicts, batch), null, 2));
} else {
  console.log(accuracyTable(verdicts));
  for (const each of GROUPED_BATCHES) console.log(`\n${batchTables(verdicts, each)}`);
}
if (process.argv.includes('--failures')) {
  const all = process.argv.includes('--all');
  for (const verdict of verdicts.filter((item) => !item.right && (all || item.entry.split === 'tune'))) {
    console.log(
      `\n[${verdict.entry.tool ?? verdict.entry.source} · ${verdict.entry.registry ?? '?'} · ${verdict.entry.split}] ${verdict.entry.message.slice(0, 200).replace(/\n/g, '⏎')}\n  ${verdict.problems.join('; ')}`,
    );
  }
}
