import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STACK_SET_CALL_AS } from '../lambda/engine/model/limits.ts';

/**
 * Issue 27, item 10: the organization runbook names every program it runs before it runs one, and step 3 says
 * which `callAs` the account it deploys from needs, whatever the example sets.
 */
const PAGE = readFileSync(new URL('../docs/organization.md', import.meta.url), 'utf8');
const RUNBOOK = PAGE.slice(PAGE.indexOf('## Runbook'), PAGE.indexOf('\n## ', PAGE.indexOf('## Runbook') + 1));
const NEEDS = RUNBOOK.slice(0, RUNBOOK.indexOf('\n1. '));
const EXAMPLE = JSON.parse(readFileSync(new URL('../canary.org.example.json', import.meta.url), 'utf8'));
/** What a clone with `npm ci` done (and any shell) already has. */
const GIVEN = ['cp', 'npm', 'npx'];

/** The programs the runbook's shell blocks start: the first word of each command line. */
function programs(markdown: string): string[] {
  const found = new Set<string>();
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let continued = false;
    for (const raw of (block[1] ?? '').split('\n')) {
      const line = raw.trim();
      const starts = !continued && line !== '' && !line.startsWith('#');
      if (starts) found.add(line.split(/\s+/)[0] ?? '');
      continued = line.endsWith('\\');
    }
  }
  return [...found].sort();
}

describe('the organization runbook', () => {
  it('lists, before step 1, every program its commands run', () => {
    const used = programs(RUNBOOK);
    expect(used).toEqual(expect.arrayContaining(['aws', 'jq', 'npx']));
    expect(used.filter((name) => !GIVEN.includes(name) && !NEEDS.includes(`\`${name}\``)).sort()).toEqual([]);
  });

  it("step 3 says which callAs each kind of deploying account needs, from the example's value to the other", () => {
    const step3 = RUNBOOK.slice(RUNBOOK.indexOf('\n3. '), RUNBOOK.indexOf('\n4. '));
    expect(STACK_SET_CALL_AS).toContain(EXAMPLE.organization.callAs);
    for (const value of STACK_SET_CALL_AS) expect(step3).toContain(`"callAs": "${value}"`);
    expect(step3).toMatch(/management account itself, set `"callAs": "SELF"`/);
  });
});
