import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALARM_FIELDS, CONFIG_FIELDS, NOTIFICATION_FIELDS } from '../lambda/engine/model/fields.ts';

/**
 * Issue 27, item 8: docs/construct.md maps every configuration key to its prop (from the field declarations, where
 * each key says which prop it maps to), and says where the tarball it installs comes from.
 */
const PAGE = readFileSync(new URL('../docs/construct.md', import.meta.url), 'utf8');
const SECTION = PAGE.slice(PAGE.indexOf('## Props and configuration keys'), PAGE.indexOf('## Alarm names'));
const SAME = SECTION.slice(SECTION.indexOf('The same in both:'));
/** The table's rows: the file's column and the construct's. */
const ROWS = SECTION.split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.split('|').map((cell) => cell.trim()))
  .map(([, file = '', prop = '']) => ({ file, prop }));

const names = (text: string) => [...text.matchAll(/`([A-Za-z]+)/g)].map((match) => match[1]);

describe('docs/construct.md', () => {
  it('names every top-level key: with its prop in the table where they differ, in "the same in both" where not', () => {
    const missing: string[] = [];
    for (const [key, field] of Object.entries(CONFIG_FIELDS)) {
      const prop = (field as { prop?: string | null }).prop;
      if (prop === undefined) {
        if (!names(SAME).includes(key)) missing.push(`${key}: not in "The same in both"`);
        continue;
      }
      const row = ROWS.find((r) => names(r.file).includes(key));
      if (!row) missing.push(`${key}: no row in the table`);
      else if (prop !== null && !names(row.prop).includes(prop))
        missing.push(`${key}: its row does not name ${prop}`);
    }
    expect(missing).toEqual([]);
  });

  it('lists every key of notifications and alarms, which the construct takes under the same names', () => {
    const listed = names(SAME);
    const keys = [...Object.keys(NOTIFICATION_FIELDS), ...Object.keys(ALARM_FIELDS)];
    expect(keys).toContain('subscribeExistingTopic');
    expect(keys.filter((key) => !listed.includes(key))).toEqual([]);
  });

  it('says the tarball it installs comes from `npm pack`, before the command that installs it', () => {
    const install = PAGE.indexOf('npm install aws-cdk-lib constructs ./ecr-pull-canary-');
    expect(install).toBeGreaterThan(0);
    expect(PAGE.slice(0, install)).toMatch(/`npm ci && npm pack`/);
  });
});
