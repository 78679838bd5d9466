import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RUNBOOKS, remediationFor } from '../lambda/model/runbooks.ts';
import { CATEGORIES } from '../lambda/model/types.ts';
import { RUNBOOKS_PATH, renderRunbooks } from '../scripts/runbooks.ts';

describe('runbooks', () => {
  it.each(CATEGORIES)('%s has a title, observation, causes, checks and a fix', (category) => {
    const runbook = RUNBOOKS[category];
    expect(runbook.title.length).toBeGreaterThan(5);
    expect(runbook.saw.length).toBeGreaterThan(20);
    expect(runbook.causes.length).toBeGreaterThan(0);
    expect(runbook.checks.length).toBeGreaterThan(0);
    expect(remediationFor(category)).toBe(runbook.fix);
  });

  it('docs/runbooks.md is what `npm run docs` renders from the source', async () => {
    expect(await readFile(RUNBOOKS_PATH, 'utf8')).toBe(renderRunbooks());
  });
});
