/**
 * `npm run explain:accuracy`: how often `explain` gives the verdict the corpus expects, per split (`tune`: the rules
 * were written on these; `heldout`: never looked at while writing rules) and per source (the tool that printed
 * the message). The table is the one the README's "Explain an error" section quotes.
 */
import { accuracyTable, judge, loadExplainCorpus } from '../test/support/explain-corpus.ts';

const verdicts = loadExplainCorpus().map(judge);
console.log(accuracyTable(verdicts));
if (process.argv.includes('--failures')) {
  for (const verdict of verdicts.filter((item) => !item.right && item.entry.split === 'tune')) {
    console.log(
      `\n[${verdict.entry.source}] ${verdict.entry.message.slice(0, 200).replace(/\n/g, '⏎')}\n  ${verdict.problems.join('; ')}`,
    );
  }
}
