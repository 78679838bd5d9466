import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyText } from '../lambda/engine/explain/classify-text.ts';
import { RUNBOOKS } from '../lambda/engine/model/runbooks.ts';
import { CATEGORIES } from '../lambda/engine/model/types.ts';
import { redactCredentials } from '../lambda/engine/probe/redact.ts';
import {
  accuracy,
  accuracyTable,
  batchFigures,
  type GroupCounts,
  hashSplit,
  judge,
  loadBatch,
  loadExplainCorpus,
  type MessageSource,
} from './support/explain-corpus.ts';

/**
 * Issue 18: `explain` on real messages it was not written on. The corpus (test/fixtures/explain-corpus.json and
 * pull-error-corpus.json) holds verbatim messages from public issue threads; the held-out part was fixed by a hash of
 * each message before any rule changed and is never used to write a rule.
 */
const corpus = loadExplainCorpus();
const verdicts = corpus.map(judge);
const batch3 = loadBatch(3);
const batch4 = loadBatch(4);
/**
 * Issue 26: the tuning floor covers every batch; the 95% held-out floor covers batches 1 and 2 (held out by hash).
 * Batches 3 and 4 are held out by tool and registry and measured against their own records below: the target of
 * 95% is not met there (see docs/explain-accuracy.md), and no rule may be tuned on a held-out group to meet it.
 */
const byHash = verdicts.filter((verdict) => verdict.entry.batch === undefined || verdict.entry.batch === 2);

/** Floors: the rules were written on `tune`; `heldout` is the measure of messages never seen (issue 18: ≥ 95%). */
const TUNE_FLOOR = 1;
const HELDOUT_FLOOR = 0.95;

const SOURCES: readonly MessageSource[] = [
  'docker',
  'containerd',
  'kubelet',
  'ecs',
  'aws-cli',
  'sdk',
  'credential-helper',
  'podman',
  'other',
];

describe('the explain corpus', () => {
  it('holds 500+ distinct messages from 50+ client tools and 12+ registries, each with the thread it came from', () => {
    expect(new Set(corpus.map((entry) => entry.message)).size).toBe(corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    for (const entry of corpus) {
      expect(CATEGORIES, entry.message).toContain(entry.category);
      expect(SOURCES, entry.message).toContain(entry.source);
      expect(entry.found, entry.message).toMatch(/^(https:\/\/|\/work\/shared\/seed\/|[\w.-]+\/[\w.-]+:)/);
      expect(entry.tool, entry.message).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
      expect(entry.registry, entry.message).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
    }
    const tools = new Set(corpus.map((entry) => entry.tool).filter((tool) => tool !== 'other'));
    const registries = new Set(
      corpus.map((entry) => entry.registry).filter((registry) => registry !== 'none'),
    );
    expect(tools.size).toBeGreaterThanOrEqual(50);
    expect(registries.size).toBeGreaterThanOrEqual(12);
    for (const source of SOURCES)
      expect(
        corpus.some((entry) => entry.source === source),
        source,
      ).toBe(true);
  });

  it('keeps its held-out split as the hash decided, unless an entry says why it was moved to tune', () => {
    const fresh = corpus.filter((entry) => !entry.found.startsWith('/work/') && entry.split === 'heldout');
    expect(fresh.length).toBeGreaterThanOrEqual(30);
    // Batch 3 is held out by tool and registry instead (below).
    for (const entry of corpus.filter((item) => item.split === 'heldout' && item.batch === undefined))
      expect(hashSplit(entry.message), entry.message).toBe('heldout');
    // The second batch was gathered after the rules were tuned: all of it is held out.
    for (const entry of corpus.filter((item) => item.batch === 2 && !item.movedToTune))
      expect(entry.split).toBe('heldout');
    for (const entry of corpus.filter((item) => item.movedToTune)) {
      expect(entry.split).toBe('tune');
      if (entry.batch === undefined) expect(hashSplit(entry.message), entry.message).toBe('heldout');
    }
  });

  it(`gives the expected verdict to every tune message and to ≥ ${HELDOUT_FLOOR * 100}% of held-out ones`, () => {
    // The table the README quotes (npm run explain:accuracy prints the same).
    console.log(accuracyTable(verdicts));
    const tuneFailures = verdicts
      .filter((verdict) => verdict.entry.split === 'tune' && !verdict.right)
      .map((verdict) => `${verdict.entry.message.slice(0, 120)}: ${verdict.problems.join('; ')}`);
    expect(tuneFailures).toEqual([]);
    expect(accuracy(verdicts, 'tune')).toBeGreaterThanOrEqual(TUNE_FLOOR);
    expect(accuracy(byHash, 'heldout')).toBeGreaterThanOrEqual(HELDOUT_FLOOR);
  });

  it('names no wrong category on a tuning message whose answer is unknown (a wrong page is worse)', () => {
    const wrong = verdicts.filter(
      (verdict) =>
        verdict.entry.split === 'tune' && verdict.entry.category === 'unknown' && verdict.wrongCategory,
    );
    expect(wrong.map((verdict) => verdict.entry.message.slice(0, 120))).toEqual([]);
  });

  it('never gives a registry other than ECR an ECR title, AWS Health or the 12-hour token', () => {
    const elsewhere = corpus.filter(
      (entry) =>
        entry.batch !== 3 &&
        /\b(?:ghcr\.io|quay\.io|gcr\.io|mcr\.microsoft\.com|registry\.gitlab\.com|docker\.io)\b/.test(
          entry.message,
        ),
    );
    expect(elsewhere.length).toBeGreaterThanOrEqual(15);
    for (const entry of elsewhere) {
      // ECR's own host or ARN: a pull-through cache repository's path names the upstream (docker.io/…).
      if (/\.dkr\.ecr\.|public\.ecr\.aws|\barn:aws[\w-]*:ecr:/.test(entry.message)) continue;
      const result = classifyText(entry.message, entry.hints);
      expect(result.title, entry.message).not.toMatch(/\bECR\b/);
      expect(result.remediation, entry.message).not.toMatch(
        /AWS Health|12-hour|GetAuthorizationToken|get-login-password/,
      );
    }
  });
});

type BatchRecord = ReturnType<typeof batchFigures> & {
  command: string;
  rulesAt: string;
  measuredAt: string;
};
const readRecord = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as BatchRecord;
/** Batch 3 measured before any rule was written for it, and once more when tuning ended. */
const firstLook = readRecord('explain-corpus-batch3.first-look.json');
const tunedLook = readRecord('explain-corpus-batch3.tuned.json');

describe('batch 3: other tools and registries (issue 26)', () => {
  const entries = batch3.entries;

  it("gives every message its tool, registry, thread and the thread's cause, and says which threads are new", () => {
    expect(entries.length).toBeGreaterThanOrEqual(250);
    const earlier = new Set(corpus.filter((entry) => entry.batch !== 3).map((entry) => entry.found));
    for (const entry of entries) {
      expect(entry.batch, entry.message).toBe(3);
      expect(entry.found, entry.message).toMatch(/^https:\/\//);
      expect(entry.cause, entry.message).toBeTruthy();
      expect(CATEGORIES, entry.message).toContain(entry.causeCategory);
      expect(entry.newSource, entry.message).toBe(!earlier.has(entry.found));
    }
    expect(entries.filter((entry) => entry.newSource).length).toBeGreaterThanOrEqual(250);
  });

  it('holds out whole tools and whole registries, fixed in the corpus file', () => {
    const held = (entry: (typeof entries)[number]) =>
      batch3.heldoutTools.includes(entry.tool ?? '') ||
      batch3.heldoutRegistries.includes(entry.registry ?? '');
    for (const entry of entries) expect(entry.split, entry.message).toBe(held(entry) ? 'heldout' : 'tune');
    // Every held-out group is in the batch, and no held-out tool or registry is also tuned on.
    for (const tool of batch3.heldoutTools)
      expect(
        entries.some((entry) => entry.tool === tool),
        tool,
      ).toBe(true);
    for (const registry of batch3.heldoutRegistries)
      expect(
        entries.some((entry) => entry.registry === registry),
        registry,
      ).toBe(true);
    expect(entries.filter((entry) => entry.split === 'heldout').length).toBeGreaterThanOrEqual(60);
  });

  it('keeps its first look and its tuned measurement as records that add up', () => {
    for (const record of [firstLook, tunedLook]) {
      expect(record.all.n).toBe(entries.length);
      expect(record.tune.n + record.heldout.n).toBe(record.all.n);
      expect(Object.values(record.byTool).reduce((sum, counts) => sum + counts.n, 0)).toBe(record.all.n);
      expect(Object.values(record.byRegistry).reduce((sum, counts) => sum + counts.n, 0)).toBe(record.all.n);
    }
    // Tuned on the tuning set only: every tuning message right, no wrong page there.
    expect(tunedLook.tune.right).toBe(tunedLook.tune.n);
    expect(tunedLook.tune.wrongCategory).toBe(0);
  });

  it('is tuning data now: its held-out groups were tuned on after both records were written (session 2)', () => {
    // The first look (rules at e97de3c) and the tuned figures (end of session 1) stay the records of how batch 3's
    // held-out tools and registries fared unseen; since then every batch-3 message is tuning data.
    const today = batchFigures(verdicts, 3);
    expect(today.heldout.n).toBe(tunedLook.heldout.n);
    expect(today.all.right).toBe(today.all.n);
    expect(today.all.wrongOnUnknown).toBe(0);
    expect(today.all.ecrAdviceElsewhere).toBe(0);
  });
});

/**
 * Batches 4 to 7 hold out the tools and registries whose names' sha256 (`tool:<name>`, `registry:<name>`) starts with
 * a byte below 128, decided before any measurement; none, unspecified and other never.
 */
function expectHashSplit(file: ReturnType<typeof loadBatch>): void {
  const chosen = (kind: 'tool' | 'registry', name: string) =>
    !['none', 'unspecified', 'other'].includes(name) &&
    (createHash('sha256').update(`${kind}:${name}`).digest()[0] as number) < 128;
  const tools = [...new Set(file.entries.map((entry) => entry.tool ?? ''))].filter((name) =>
    chosen('tool', name),
  );
  const registries = [...new Set(file.entries.map((entry) => entry.registry ?? ''))].filter((name) =>
    chosen('registry', name),
  );
  expect([...file.heldoutTools].sort()).toEqual(tools.sort());
  expect([...file.heldoutRegistries].sort()).toEqual(registries.sort());
  for (const entry of file.entries)
    expect(entry.split, entry.message).toBe(
      tools.includes(entry.tool ?? '') || registries.includes(entry.registry ?? '') ? 'heldout' : 'tune',
    );
}

const firstLook4 = readRecord('explain-corpus-batch4.first-look.json') as BatchRecord & {
  atSessionStart: BatchRecord;
  withAuditedLabels: BatchRecord & { atSessionStart: BatchRecord };
};
const tunedLook4 = readRecord('explain-corpus-batch4.tuned.json');

describe('batch 4: sources no earlier batch cites (issue 26, session 2)', () => {
  const entries = batch4.entries;

  it('says which threads an earlier batch cites (3 of 185), and names every tool, registry and cause', () => {
    expect(entries.length).toBeGreaterThanOrEqual(180);
    const earlier = new Set(corpus.filter((entry) => entry.batch !== 4).map((entry) => entry.found));
    for (const entry of entries) {
      expect(entry.batch, entry.message).toBe(4);
      expect(entry.found, entry.message).toMatch(/^https:\/\//);
      expect(entry.newSource, entry.found).toBe(!earlier.has(entry.found));
      expect(entry.cause, entry.message).toBeTruthy();
      expect(CATEGORIES, entry.message).toContain(entry.causeCategory);
    }
    expect(entries.filter((entry) => entry.newSource).length).toBeGreaterThanOrEqual(180);
    expect(new Set(entries.map((entry) => entry.tool)).size).toBeGreaterThanOrEqual(50);
  });

  it('holds out the tools and registries a hash of their names chose, not a person', () => {
    expectHashSplit(batch4);
  });

  it("keeps the collector's label beside every label the blind audit changed", () => {
    const changed = entries.filter((entry) => entry.labelledByCollector);
    expect(changed.length).toBe(21);
    for (const entry of changed) {
      expect(entry.relabelled, entry.message).toMatch(/^blind audit/);
      expect(CATEGORIES).toContain(entry.labelledByCollector);
      expect(entry.labelledByCollector, entry.message).not.toBe(entry.category);
    }
  });

  it('keeps its first look (both labellings) and its tuned measurement as records that add up', () => {
    for (const record of [firstLook4, firstLook4.atSessionStart, firstLook4.withAuditedLabels, tunedLook4]) {
      expect(record.all.n).toBe(entries.length);
      expect(record.tune.n + record.heldout.n).toBe(record.all.n);
    }
    for (const record of [firstLook4, firstLook4.withAuditedLabels, tunedLook4]) {
      expect(Object.values(record.byTool).reduce((sum, counts) => sum + counts.n, 0)).toBe(record.all.n);
      expect(Object.values(record.byRegistry).reduce((sum, counts) => sum + counts.n, 0)).toBe(record.all.n);
    }
    // Counted with the collectors' labels, the first look has as many unknown-labelled messages as they gave.
    const collectorsUnknown = entries.filter(
      (entry) => (entry.labelledByCollector ?? entry.labelAtRecords ?? entry.category) === 'unknown',
    ).length;
    expect(firstLook4.all.unknownLabelled).toBe(collectorsUnknown);
    expect(firstLook4.withAuditedLabels.all.unknownLabelled).toBe(
      entries.filter((entry) => (entry.labelAtRecords ?? entry.category) === 'unknown').length,
    );
    expect(tunedLook4.tune.categoryRight).toBe(tunedLook4.tune.n);
    expect(tunedLook4.tune.wrongCategory).toBe(0);
  });

  it('is tuning data now: its held-out groups were tuned on after both records were written', () => {
    // The first look and the tuned record stay the measure of batch 4 unseen; since then every message is tuning data.
    const today = batchFigures(verdicts, 4);
    expect(today.all.categoryRight).toBe(today.all.n);
    expect(today.all.wrongCategory).toBe(0);
    expect(today.all.ecrAdviceElsewhere).toBe(0);
  });
});

/**
 * Batches 5 to 12 (issue 26, sessions 2 and 3): fresh sources labelled by batch 4's written policy, held out by the same hash
 * of names. A label changed after the first look keeps the one it counted in `labelAtRecords`, and one changed after
 * the tuned record too keeps that record's in `labelAtTuned`.
 */
const FRESH_BATCHES = [
  { batch: 5, title: 'a third look', minEntries: 180, minTools: 50, heldOutTunedOn: true },
  { batch: 6, title: 'the mainstream', minEntries: 180, minTools: 40, heldOutTunedOn: true },
  { batch: 7, title: 'another fresh mix', minEntries: 170, minTools: 40, heldOutTunedOn: true },
  { batch: 8, title: "the session's end", minEntries: 130, minTools: 40, heldOutTunedOn: true },
  { batch: 9, title: 'a fresh mix in session 3', minEntries: 125, minTools: 40, heldOutTunedOn: true },
  { batch: 10, title: 'after tuning on all of those', minEntries: 125, minTools: 40, heldOutTunedOn: true },
  { batch: 11, title: 'once more', minEntries: 125, minTools: 40, heldOutTunedOn: true },
  { batch: 12, title: 'new areas', minEntries: 125, minTools: 40, heldOutTunedOn: true },
] as const;
type FreshRecords = { first: BatchRecord & { atSessionStart: BatchRecord }; tuned: BatchRecord };
const freshRecords = new Map<number, FreshRecords>(
  FRESH_BATCHES.map(({ batch }) => [
    batch,
    {
      first: readRecord(`explain-corpus-batch${batch}.first-look.json`) as FreshRecords['first'],
      tuned: readRecord(`explain-corpus-batch${batch}.tuned.json`),
    },
  ]),
);
const recordsOf = (batch: number) => freshRecords.get(batch) as FreshRecords;

describe.each(FRESH_BATCHES)(
  'batch $batch: $title, labelled by the written policy (issue 26)',
  ({ batch, minEntries, minTools, heldOutTunedOn }) => {
    const file = loadBatch(batch);
    const entries = file.entries;
    const { first, tuned } = recordsOf(batch);

    it('cites no thread an earlier batch cites, and names every tool, registry and cause', () => {
      expect(entries.length).toBeGreaterThanOrEqual(minEntries);
      const earlier = new Set(corpus.filter((entry) => entry.batch !== batch).map((entry) => entry.found));
      for (const entry of entries) {
        expect(entry.batch, entry.message).toBe(batch);
        expect(entry.found, entry.message).toMatch(/^https:\/\//);
        expect(earlier.has(entry.found), entry.found).toBe(false);
        expect(entry.newSource, entry.message).toBe(true);
        expect(entry.cause, entry.message).toBeTruthy();
        expect(CATEGORIES, entry.message).toContain(entry.causeCategory);
      }
      expect(new Set(entries.map((entry) => entry.tool)).size).toBeGreaterThanOrEqual(minTools);
    });

    it('holds out the tools and registries a hash of their names chose', () => {
      expectHashSplit(file);
    });

    it('keeps its first look and its tuned measurement as records that add up', () => {
      for (const record of [first, first.atSessionStart, tuned]) {
        expect(record.all.n).toBe(entries.length);
        expect(record.tune.n + record.heldout.n).toBe(record.all.n);
        expect(Object.values(record.byTool).reduce((sum, counts) => sum + counts.n, 0)).toBe(record.all.n);
        const label = (entry: (typeof entries)[number]) =>
          record === tuned
            ? (entry.labelAtTuned ?? entry.category)
            : (entry.labelAtRecords ?? entry.category);
        expect(record.all.unknownLabelled).toBe(entries.filter((entry) => label(entry) === 'unknown').length);
      }
      expect(tuned.tune.categoryRight).toBe(tuned.tune.n);
      expect(tuned.tune.wrongCategory).toBe(0);
    });

    it('gets every message of its tuning groups right, and does no worse on its held-out groups than when tuning ended', () => {
      const today = batchFigures(verdicts, batch);
      expect(today.tune.categoryRight).toBe(today.tune.n);
      expect(today.tune.wrongCategory).toBe(0);
      expect(today.heldout.categoryRight).toBeGreaterThanOrEqual(tuned.heldout.categoryRight);
      expect(today.heldout.wrongOnUnknown).toBeLessThanOrEqual(tuned.heldout.wrongOnUnknown);
      expect(today.all.ecrAdviceElsewhere).toBe(0);
      // Session 3 tuned on the held-out groups of batches 5 to 12 after their records: no wrong page there either.
      if (heldOutTunedOn) expect(today.heldout.wrongCategory).toBe(0);
    });
  },
);

/**
 * Issue 19: the figures README.md and docs/explain-accuracy.md quote about the corpus are the corpus's own, so adding messages
 * or a rule that changes a verdict fails here until the pages say so. (The held-out first-look row is a one-time
 * measurement, recorded as such, and is not recomputed.)
 */
describe('the corpus figures in the docs', () => {
  const flat = (path: string) =>
    readFileSync(new URL(`../${path}`, import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;
  /** docs/explain-accuracy.md's per-source rows, by the corpus's source names. */
  const ROWS: Readonly<Record<MessageSource, string>> = {
    'aws-cli': 'AWS CLI',
    containerd: 'containerd / ctr / crictl',
    'credential-helper': 'credential helpers',
    docker: 'docker',
    ecs: 'ECS / Fargate',
    kubelet: 'kubelet',
    podman: 'podman / skopeo / buildah',
    sdk: 'AWS SDKs',
    other: 'other clients (kaniko, jib, oras, …)',
  };
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = (label: string, of: typeof verdicts) =>
    new RegExp(
      `\\| ${literal(label)} *\\| *${of.length} \\| *${percent(of.filter((v) => v.categoryRight).length, of.length)} \\| *${percent(of.filter((v) => v.right).length, of.length)} \\|`,
    );

  it("README's and docs/explain-accuracy.md's message count, and docs/explain-accuracy.md's table per source", () => {
    expect(flat('README.md')).toContain(`per-source figures over all ${corpus.length} messages`);
    const page = flat('docs/explain-accuracy.md');
    expect(page).toContain(`hold ${corpus.length} verbatim messages`);
    for (const source of SOURCES)
      expect(page).toMatch(
        row(
          ROWS[source],
          verdicts.filter((v) => v.entry.source === source),
        ),
      );
    expect(page).toMatch(row('**all**', verdicts));
  });

  /** docs/explain-accuracy.md's batch-3 first-look row for a group: n, category right, verdict right, wrong categories. */
  const firstLookRow = (label: string, counts: GroupCounts) =>
    new RegExp(
      `\\| ${literal(label)} *\\| *${counts.n} \\| *${percent(counts.categoryRight, counts.n)} \\| *${percent(counts.right, counts.n)} \\| *${counts.wrongCategory} \\| *${counts.wrongOnUnknown} of ${counts.unknownLabelled} \\|`,
    );

  /** docs/explain-accuracy.md's batch-4 summary row: n, category right, wrong category, wrong where unknown is right. */
  const summaryRow = (label: string, counts: GroupCounts) =>
    new RegExp(
      `\\| ${literal(label)} *\\| *${counts.n} \\| *${percent(counts.categoryRight, counts.n)} \\| *${counts.wrongCategory} \\| *${counts.wrongOnUnknown} of ${counts.unknownLabelled} \\|`,
    );

  /** Every per-registry and per-tool row of a batch: first look and tuned, each right, wrong, wrong where unknown. */
  const expectGroupTables = (page: string, look: BatchRecord, after: BatchRecord) => {
    const cells = (counts: GroupCounts) =>
      `${percent(counts.categoryRight, counts.n)} *\\| *${counts.wrongCategory} *\\| *${counts.wrongOnUnknown} of ${counts.unknownLabelled}`;
    for (const key of ['byRegistry', 'byTool'] as const)
      for (const [name, counts] of Object.entries(look[key])) {
        const tuned = after[key][name] as GroupCounts;
        expect(page).toMatch(
          new RegExp(
            `\\| \`${literal(name)}\` *\\| *${counts.n} *\\| *${cells(counts)} *\\| *${cells(tuned)} *\\|`,
          ),
        );
      }
  };

  it("docs/explain-accuracy.md's batch-4 figures: the first look both ways, the tuned one, per registry and per tool", () => {
    const page = flat('docs/explain-accuracy.md');
    const audited = firstLook4.withAuditedLabels;
    expect(page).toMatch(summaryRow("first look, collectors' labels, all", firstLook4.all));
    expect(page).toMatch(
      summaryRow("first look, collectors' labels, held-out tools and registries", firstLook4.heldout),
    );
    expect(page).toMatch(summaryRow('first look, audited labels, all', audited.all));
    expect(page).toMatch(
      summaryRow('first look, audited labels, held-out tools and registries', audited.heldout),
    );
    expect(page).toMatch(summaryRow('tuned, tuning groups', tunedLook4.tune));
    expect(page).toMatch(summaryRow('tuned, held-out tools and registries', tunedLook4.heldout));
    expectGroupTables(page, audited, tunedLook4);
  });

  it.each(FRESH_BATCHES)(
    "docs/explain-accuracy.md's batch-$batch figures: first look, tuned, per registry and per tool",
    ({ batch }) => {
      const page = flat('docs/explain-accuracy.md');
      const { first, tuned } = recordsOf(batch);
      expect(page).toMatch(summaryRow('first look, all', first.all));
      expect(page).toMatch(summaryRow('first look, held-out tools and registries', first.heldout));
      expect(page).toMatch(summaryRow('tuned, tuning groups', tuned.tune));
      expect(page).toMatch(summaryRow('tuned, held-out tools and registries', tuned.heldout));
      expectGroupTables(page, first, tuned);
    },
  );

  it("docs/explain-accuracy.md's summary of the held-out figures of batches 3 to 12 is their records'", () => {
    const page = flat('docs/explain-accuracy.md');
    const rows: Array<[string, GroupCounts, GroupCounts]> = [
      ['3: other tools and registries', firstLook.heldout, tunedLook.heldout],
      [
        '4: new tools and registries (audited labels)',
        firstLook4.withAuditedLabels.heldout,
        tunedLook4.heldout,
      ],
      ['5: new tools and registries, new areas', recordsOf(5).first.heldout, recordsOf(5).tuned.heldout],
      ['6: the mainstream', recordsOf(6).first.heldout, recordsOf(6).tuned.heldout],
      ['7: another fresh mix', recordsOf(7).first.heldout, recordsOf(7).tuned.heldout],
      ["8: the session's end", recordsOf(8).first.heldout, recordsOf(8).tuned.heldout],
      ['9: a fresh mix, session 3', recordsOf(9).first.heldout, recordsOf(9).tuned.heldout],
      ['10: after tuning on every earlier message', recordsOf(10).first.heldout, recordsOf(10).tuned.heldout],
      ['11: once more, session 3', recordsOf(11).first.heldout, recordsOf(11).tuned.heldout],
      ['12: new areas, session 3', recordsOf(12).first.heldout, recordsOf(12).tuned.heldout],
    ];
    for (const [label, look, after] of rows)
      expect(page).toMatch(
        new RegExp(
          `\\| ${literal(label)} *\\| *${look.n} *\\| *${percent(look.categoryRight, look.n)} *\\| *${percent(after.categoryRight, after.n)} *\\| *${after.wrongOnUnknown} of ${after.unknownLabelled} *\\|`,
        ),
      );
  });

  it("docs/explain-accuracy.md's batch-3 first look and tuned figures: all, tuning set, held-out groups, per registry and tool", () => {
    const page = flat('docs/explain-accuracy.md');
    expect(page).toMatch(firstLookRow('batch 3, all', firstLook.all));
    expect(page).toMatch(firstLookRow('tuning set', firstLook.tune));
    expect(page).toMatch(firstLookRow('held-out tools and registries', firstLook.heldout));
    expect(page).toMatch(firstLookRow('batch 3, all, tuned', tunedLook.all));
    expect(page).toMatch(firstLookRow('tuning set, tuned', tunedLook.tune));
    expect(page).toMatch(firstLookRow('held-out tools and registries, tuned', tunedLook.heldout));
    for (const [registry, counts] of Object.entries(firstLook.byRegistry))
      expect(page).toMatch(firstLookRow(`\`${registry}\``, counts));
    for (const [tool, counts] of Object.entries(firstLook.byTool))
      expect(page).toMatch(firstLookRow(`\`${tool}\``, counts));
    expect(page).toContain(`${Object.keys(firstLook.byTool).length} tools`);
  });
});

describe('several lines: the cause decides, not its consequence', () => {
  // docker prints this when `aws ecr get-login-password` printed no password; the AWS CLI's error above is the cause.
  const PROMPT = 'Error: Cannot perform an interactive login from a non TTY device';

  it.each([
    // aws/aws-cli#7621, CelebASpoofChallengeSubmissionExample#6, CircleCI-Public/aws-ecr-orb#144
    [
      'Connection was closed before we received a valid response from endpoint URL: "https://api.ecr.ca-central-1.amazonaws.com/".',
      'network',
    ],
    ['Connect timeout on endpoint URL: "https://api.ecr.us-west-2.amazonaws.com/"', 'network'],
    [
      'An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
      'permission',
    ],
  ] as const)('%s, then the prompt → %s', (cause, category) => {
    for (const text of [`${cause}\n${PROMPT}`, `${cause} ${PROMPT}`]) {
      const result = classifyText(text);
      expect(result.category, text).toBe(category);
      expect(result.evidence?.rule).not.toBe('credentials/empty-login-password');
      expect(result.others).toEqual([]);
    }
  });

  it('keeps the prompt alone as what it says, and an unrecognised error above it unknown', () => {
    expect(classifyText(PROMPT).category).toBe('credentials');
    // localstack/localstack#6228: the AWS CLI failed with an internal error.
    const result = classifyText(`list index out of range\n${PROMPT}`);
    expect(result.category).toBe('unknown');
    expect(result.evidence?.rule).toBe('ambiguous/consequence-only');
    expect(result.title).not.toBe(RUNBOOKS.unknown.title);
  });

  it("tells the consequence it saw: docker's prompt names the pipe, a missing local image the error before it", () => {
    const prompt = classifyText(`list index out of range\n${PROMPT}`);
    expect(prompt.remediation).toMatch(/get-login-password/);
    expect(prompt.evidence?.follows).toBe('credentials/empty-login-password');
    // spring-projects/spring-boot#39798: an inspect of the local image store after other output.
    const local = classifyText(
      '[INFO] BUILD FAILURE\n[ERROR] Failed to execute goal build-image: Docker API call to \'//./pipe/docker_engine/v1.24/images/docker.io/library/x:1/json\' failed with status code 404 "Not Found"',
    );
    expect(local.category).toBe('unknown');
    expect(local.evidence?.rule).toBe('ambiguous/consequence-only');
    expect(local.evidence?.follows).toBe('ambiguous/local-image-missing');
    expect(local.remediation).not.toMatch(/get-login-password|docker asked for a password/);
    expect(local.remediation).toMatch(/not in the local image store/);
  });

  it('gives distinct errors pasted together one verdict each, the cause first, each with its own fields', () => {
    // ElementTech/kube-arch-scheduler#5: the credential helper found no credentials, so the registry said 401.
    const text = [
      'time="2024-05-04T08:04:25Z" level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded"',
      '',
      'E0504 08:04:25.125601       1 archfilter.go:167] "failed to get image architectures" err=<',
      '\tGET https://111122223333.dkr.ecr.eu-west-2.amazonaws.com/v2/app/manifests/latest: unexpected status code 401 Unauthorized: Not Authorized',
    ].join('\n');
    const result = classifyText(text);
    expect(result.category).toBe('credentials');
    expect(result.fields).toEqual({ action: 'ecr:GetAuthorizationToken' });
    expect(result.others).toHaveLength(1);
    expect(result.others[0]).toMatchObject({
      category: 'auth',
      evidence: { rule: 'auth/http-status' },
      fields: {
        registry: '111122223333.dkr.ecr.eu-west-2.amazonaws.com',
        region: 'eu-west-2',
        httpStatus: 401,
      },
    });
  });

  it('lets a warning the tool went on from decide only when no other error in the text has a verdict', () => {
    // containrrr/watchtower#1514: the HEAD check fell back to a pull; the pull's own error, pasted below, decides.
    const warning =
      'Could not do a head request for "zabbix/zabbix-agent:alpine-latest", falling back to regular pull.';
    expect(classifyText(warning).evidence?.rule).toBe('ambiguous/check-fell-back');
    const result = classifyText(
      `${warning}\nError response from daemon: manifest for zabbix/zabbix-agent:alpine-latest not found: manifest unknown: manifest unknown`,
    );
    expect(result.category).toBe('not-found');
    expect(result.others).toEqual([]);
    // A registry's list of errors under the warning is the warning's own text (docker swarm, batch 4).
    expect(
      classifyText(
        'unable to pin image visualizer-arm to digest: errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required',
      ).evidence?.rule,
    ).toBe('ambiguous/check-fell-back');
  });

  it("reads the kubelet's credential provider failing for ECR Public as a warning, for private ECR as the cause", () => {
    // awslabs/amazon-eks-ami#1949, kubernetes/cloud-provider-aws#1029
    const failed = (image: string) =>
      `E0210 00:09:50.270753    3372 plugin.go:235] Failed getting credential from external registry credential provider: error execing credential provider plugin ecr-credential-provider for image ${image}: exit status 1`;
    const publicImage = classifyText(failed('public.ecr.aws/nginx/nginx'));
    expect(publicImage.category).toBe('unknown');
    expect(publicImage.remediation).toContain('ecr-public:GetAuthorizationToken');
    expect(classifyText(failed('111122223333.dkr.ecr.us-west-2.amazonaws.com/cilium/cilium')).category).toBe(
      'credentials',
    );
  });

  it('keeps one error wrapped over several lines one error, with its fields from all of them', () => {
    // kata-containers/kata-containers#10109
    const result = classifyText(
      'Warning  Failed     76s                 kubelet            Failed to pull image "busybox": rpc error: code = Unknown\ndesc = failed to pull and unpack image "docker.io/library/busybox:latest": failed to copy: httpReadSeeker: failed open:\nunexpected status code https://registry-1.docker.io/v2/library/busybox/manifests/sha256:50aa4698fa6262977cff89181b2664b99d8a56dbca847bf62f2ef04854597cf8:\n429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.',
    );
    expect(result.category).toBe('throttle');
    expect(result.others).toEqual([]);
    expect(result.fields.httpStatus).toBe(429);
  });
});

describe('phrasings of the tools', () => {
  it.each([
    ['Could not connect to the endpoint URL: "https://api.ecr.eu-west-1.amazonaws.com/"', 'network'],
    [
      'no match for current platform linux/arm/v7 in manifest sha256:32efb15cbb8a46f4b564857e534fd4c26a4a15813885f91b1a95b5758fea3fd5: not found',
      'platform',
    ],
    [
      "An error occurred (LayersNotFoundException) when calling the GetDownloadUrlForLayer operation: The layer with digest <sha256-digest>  does not exist within the repository with name '<reponame> in the registry with id '<registryid>'",
      'not-found',
    ],
    [
      'Error: failed commit on ref "abc": unexpected commit size 219714896, expected 246893452: failed precondition',
      'integrity',
    ],
    [
      'containerd 1.4.3   failed size validation: 12467913 != 94124544: failed precondition: ErrImagePull',
      'integrity',
    ],
    [
      'Error: PUT http://localhost:8080/v2/ns2/fn-node/manifests/latest-xyz: MANIFEST_INVALID: manifest invalid',
      'integrity',
    ],
    [
      "service X failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::111122223333:role/X-task-execution-role' that was provided for this task.",
      'credentials',
    ],
    ['Failed to pull image "a.b.c/image-0.1": pull QPS exceeded', 'throttle'],
    // docker's words (docker-library/tomcat#321) when the token service itself is down.
    [
      'failed to authorize: failed to fetch anonymous token: unexpected status: 503 Service Unavailable',
      'service',
    ],
    ['failed to authorize: failed to fetch anonymous token: unexpected status: 401', 'auth'],
  ] as const)('%s → %s', (message, category) => {
    expect(classifyText(message).category).toBe(category);
  });
});

describe('fixes that fit the error', () => {
  it('does not tell an explicit deny to grant more: it says where to find the Deny', () => {
    const result = classifyText(
      'An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: * with an explicit deny',
    );
    expect(result.category).toBe('permission');
    expect(result.title).toMatch(/explicit Deny/);
    expect(result.remediation).toMatch(/SCP/);
    expect(result.remediation).toMatch(/VPC endpoint policy/);
    expect(result.remediation).not.toBe(RUNBOOKS.permission.fix);
  });

  it('tells ECR Public that pulls need no IAM: log out of the stale login', () => {
    const result = classifyText(
      'unexpected status from HEAD request to https://public.ecr.aws/v2/docker/library/golang/manifests/1.24-alpine: 403 Forbidden',
    );
    expect(result.category).toBe('auth');
    expect(result.remediation).toContain('docker logout public.ecr.aws');
    expect(result.remediation).toMatch(/no IAM/);
    expect(result.remediation).toMatch(/anonymous pulls have a lower rate limit/);
  });

  it.each([
    [
      'Error response from daemon: Get https://registry-1.docker.io/v2/library/nginx/manifests/latest: received unexpected HTTP status: 503 Service Unavailable',
      'service',
      'Docker Hub',
    ],
    [
      'Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      'throttle',
      'Docker Hub',
    ],
    [
      'Error response from daemon: Head "https://ghcr.io/v2/beeper/registration-relay/manifests/latest": unauthorized',
      'auth',
      'ghcr.io',
    ],
    [
      'Error reading manifest latest in quay.io/prahapiraticz_site: error parsing HTTP 404 response body',
      'not-found',
      'quay.io',
    ],
  ] as const)('names the registry %s names, not ECR', (message, category, registry) => {
    const result = classifyText(message);
    expect(result.category).toBe(category);
    expect(`${result.title} ${result.remediation}`).toContain(registry);
    expect(result.title).not.toMatch(/\bECR\b/);
    expect(result.remediation).not.toMatch(/AWS Health|12-hour/);
  });

  it('does not name ECR for a server error of a registry the text does not name', () => {
    const result = classifyText(
      'Error response from daemon: received unexpected HTTP status: 503 Service Unavailable',
    );
    expect(result.category).toBe('service');
    expect(result.title).toBe('Registry server error');
  });

  it('reads a certificate that starts after the host time as the clock behind, one that ended as expired', () => {
    // henrygd/beszel#2123 (the host clock weeks behind), caprover/caprover#2059 (an expired certificate)
    const behind = classifyText(
      'Error response from daemon: Head "https://registry-1.docker.io/v2/henrygd/beszel/manifests/latest": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-05-17T10:34:05+02:00 is before 2026-07-08T01:10:17Z',
    );
    expect(behind.category).toBe('clock-skew');
    expect(behind.remediation).toMatch(/timedatectl set-ntp true/);
    expect(behind.title).not.toMatch(/\bECR\b/);
    const expired = classifyText(
      'Get "https://registry.hosting.myserver.au:996/v2/": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2024-05-11T16:28:14-07:00 is after 2024-05-01T08:25:41Z',
    );
    expect(expired.category).toBe('network');
  });

  it('points an expired or not yet valid certificate at the host clock first, then a proxy', () => {
    const result = classifyText(
      'Error response from daemon: Get https://docker.nanonets.com/v2/: x509: certificate has expired or is not yet valid',
    );
    expect(result.category).toBe('network');
    expect(result.remediation).toMatch(/^Check the host clock first/);
    expect(result.remediation).toMatch(/proxy/);
    expect(result.fields.registry).toBe('docker.nanonets.com');
  });

  it('gives "no basic auth credentials" the exact login line for the region and host the text names', () => {
    const result = classifyText(
      '[INFO] The push refers to repository [954469913757.dkr.ecr.eu-central-1.amazonaws.com/workoutms]\n[INFO] Image fd181afae76e: Preparing\nno basic auth credentials',
    );
    expect(result.category).toBe('auth');
    expect(result.remediation).toContain(
      'aws ecr get-login-password --region eu-central-1 | docker login --username AWS --password-stdin 954469913757.dkr.ecr.eu-central-1.amazonaws.com',
    );
    // Nothing named: placeholders, never a made-up region.
    expect(classifyText('Error response from daemon: no basic auth credentials').remediation).toContain(
      'aws ecr get-login-password --region <region> | docker login --username AWS --password-stdin <account>.dkr.ecr.<region>.amazonaws.com',
    );
  });

  it('says MissingAuthenticationToken means the request was not signed at all', () => {
    for (const result of [
      classifyText(
        'com.amazonaws.services.ecr.model.AmazonECRException: Missing Authentication Token (Service: AmazonECR; Status Code: 400; Error Code: MissingAuthenticationTokenException; Request ID: ee4a32c8-1638-496a-8300-ba3817c6c878; Proxy: null)',
      ),
      classifyText('', {
        errorCode: 'MissingAuthenticationTokenException',
        operation: 'GetAuthorizationToken',
      }),
    ]) {
      expect(result.category).toBe('auth');
      expect(result.title).toBe('Request not signed');
      expect(result.remediation).toMatch(/without any signature/);
    }
  });

  it('gives "pull access denied … may require docker login" checks that tell not-found, auth and permission apart', () => {
    const result = classifyText(
      "Error response from daemon: pull access denied for 546150905175.dkr.ecr.us-west-2.amazonaws.com/kinesis-video-producer-sdk-cpp-amazon-linux, repository does not exist or may require 'docker login'",
    );
    expect(result.category).toBe('unknown');
    expect(result.evidence?.candidates).toEqual(['not-found', 'auth', 'permission']);
    expect(result.title).not.toBe(RUNBOOKS.unknown.title);
    expect(result.remediation).toContain('aws ecr describe-images');
    expect(result.remediation).toContain(
      'aws ecr get-login-password --region us-west-2 | docker login --username AWS --password-stdin 546150905175.dkr.ecr.us-west-2.amazonaws.com',
    );
    expect(result.remediation).toContain('simulate-principal-policy');
  });

  it('tells an ECS secret failure from an image pull: Secrets Manager or SSM, with its own fix', () => {
    const network = classifyText(
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-west-2:*:secret:DBPasswordSecret-* from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.',
    );
    expect(network.category).toBe('network');
    expect(network.title).toMatch(/Secrets Manager \(not an image pull\)/);
    expect(network.remediation).toContain('secretsmanager.us-west-2.amazonaws.com');
    const denied = classifyText(
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: ....',
    );
    expect(denied.category).toBe('permission');
    expect(denied.title).toMatch(/SSM Parameter Store/);
    expect(denied.remediation).toContain('ssm:GetParameters');
    // The ECR part of the same words stays an ECR verdict.
    expect(
      classifyText(
        'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-2.amazonaws.com/": dial tcp 10.0.0.1:443: i/o timeout',
      ).title,
    ).toBe(RUNBOOKS.network.title);
  });
});

describe('parsing', () => {
  it('keeps no trailing colon on a tag or a digest', () => {
    const result = classifyText(
      'Error response from daemon: Get https://602401143452.dkr.ecr.us-west-2.amazonaws.com/v2/amazon-k8s-cni/manifests/v1.3.2: no basic auth credentials',
    );
    expect(result.fields).toMatchObject({ repository: 'amazon-k8s-cni', tag: 'v1.3.2' });
    const digest = `sha256:${'cd'.repeat(32)}`;
    expect(
      classifyText(
        `Get https://ghcr.io/v2/org/app/manifests/${digest}: unauthorized: authentication required`,
      ).fields,
    ).toMatchObject({ registry: 'ghcr.io', repository: 'org/app', digest });
  });

  it('redacts a bare 40-character secret access key in free text, and leaves 40-hex SHAs alone', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const text = `export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE; ${key} then: Unable to locate credentials`;
    expect(redactCredentials(text)).not.toContain(key);
    expect(JSON.stringify(classifyText(text))).not.toContain(key);
    const sha = 'f61ea6b82400b5502489dbfc01aa219feb7e0391';
    expect(redactCredentials(`commit ${sha}`)).toContain(sha);
  });
});
