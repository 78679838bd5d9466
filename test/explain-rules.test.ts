import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyText } from '../lambda/engine/explain/classify-text.ts';
import { PHRASES, TEXT_RULES } from '../lambda/engine/explain/rules.ts';
import { CATEGORIES } from '../lambda/engine/model/types.ts';
import { GROUPED_BATCHES } from './support/explain-corpus.ts';

/**
 * The classifier's rules as data (lambda/engine/explain/rules.ts, phrases/*.ts): well formed, each phrasing tied to
 * a rule, and each source honest: a phrasing that names a thread of the corpora matches a message copied from it.
 */

const corpus = (file: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/${file}`, import.meta.url), 'utf8'));
const MESSAGES_BY_SOURCE = new Map<string, string[]>();
for (const { source, message } of corpus('pull-error-corpus.json').entries) {
  MESSAGES_BY_SOURCE.set(source, [...(MESSAGES_BY_SOURCE.get(source) ?? []), message]);
}
for (const file of [
  'explain-corpus.json',
  ...GROUPED_BATCHES.map((batch) => `explain-corpus-batch${batch}.json`),
]) {
  for (const { found, message } of corpus(file).entries) {
    MESSAGES_BY_SOURCE.set(found, [...(MESSAGES_BY_SOURCE.get(found) ?? []), message]);
  }
}

describe('the rules', () => {
  it('have unique ids named after their category (ambiguous ones name their candidates)', () => {
    const ids = TEXT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of TEXT_RULES) {
      const [prefix, name] = rule.id.split('/');
      expect(name, rule.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      if (prefix === 'ambiguous') {
        expect(rule.category, rule.id).toBe('unknown');
        expect(rule.candidates?.length, rule.id).toBeGreaterThan(1);
      } else {
        expect(rule.category, rule.id).toBe(prefix);
        expect(CATEGORIES, rule.id).toContain(rule.category);
      }
    }
  });

  it('each have a phrasing, and every phrasing names a rule, without the g or y flag', () => {
    const ids = new Set(TEXT_RULES.map((rule) => rule.id));
    expect(PHRASES.filter((phrase) => !ids.has(phrase.rule))).toEqual([]);
    for (const id of ids)
      expect(
        PHRASES.some((phrase) => phrase.rule === id),
        id,
      ).toBe(true);
    expect(PHRASES.filter((phrase) => phrase.pattern.global || phrase.pattern.sticky)).toEqual([]);
  });

  it('name the rule that decided in the evidence', () => {
    expect(classifyText('Error response from daemon: no basic auth credentials').evidence?.rule).toBe(
      'auth/no-registry-credentials',
    );
    expect(classifyText('dial tcp 52.94.1.1:443: i/o timeout').evidence?.rule).toBe('network/no-answer');
  });
});

describe('the phrasings’ sources', () => {
  const fromThreads = PHRASES.filter((phrase) => phrase.source && MESSAGES_BY_SOURCE.has(phrase.source));

  it('name a thread of the corpora for most phrasings', () => {
    expect(fromThreads.length).toBeGreaterThan(PHRASES.length / 2);
  });

  it('hold the wording: each phrasing matches a message copied from the thread it names', () => {
    const unmatched = fromThreads.filter(
      (phrase) =>
        !(MESSAGES_BY_SOURCE.get(phrase.source as string) ?? []).some((message) =>
          phrase.pattern.test(message),
        ),
    );
    expect(unmatched.map((phrase) => `${phrase.rule} ${phrase.pattern}`)).toEqual([]);
  });

  it('name a module of this repository for its own words, and the module exists', () => {
    for (const phrase of PHRASES.filter((p) => p.tool === 'ecr-pull-canary')) {
      expect(phrase.source, String(phrase.pattern)).toMatch(/^lambda\/.+\.ts$/);
      expect(existsSync(new URL(`../${phrase.source}`, import.meta.url)), phrase.source ?? '').toBe(true);
    }
  });
});
