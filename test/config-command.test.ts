import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextOptions, numberOption, requireConfigPath } from '../lambda/commands/config-command.ts';
import { parseDrillArgs } from '../lambda/commands/drill/cli.ts';
import { parsePreflightArgs } from '../lambda/commands/preflight/cli.ts';
import { parseStatusArgs } from '../lambda/commands/status/cli.ts';
import { USER_CONFIG_FILE } from '../lambda/engine/config/locate.ts';

const dir = mkdtempSync(join(tmpdir(), 'config-command-'));
const empty = mkdtempSync(join(tmpdir(), 'config-command-empty-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});
writeFileSync(join(dir, USER_CONFIG_FILE), '{}');

describe('the options preflight, status and drill share', () => {
  it('takes -c KEY=VALUE for the allowed keys only, and names every allowed form when refusing', () => {
    expect(contextOptions(['config=a.json', 'config=b.json'], { config: 'PATH' })).toEqual({
      config: 'b.json',
    });
    for (const pair of ['region=eu-west-1', 'config=', 'config']) {
      expect(() => contextOptions([pair], { config: 'PATH', q: 'QUALIFIER' })).toThrow(
        `-c "${pair}" is not allowed; allowed: -c config=PATH, -c q=QUALIFIER`,
      );
    }
  });

  it('reads a number within its range, or the fallback, and names the option and range otherwise', () => {
    expect(numberOption('timeout', undefined, 7, 1, 10)).toBe(7);
    expect(numberOption('timeout', '10', 7, 1, 10)).toBe(10);
    for (const text of ['0', '11', 'soon']) {
      expect(() => numberOption('wait', text, 7, 1, 10)).toThrow(
        `--wait "${text}" must be a number from 1 to 10`,
      );
    }
  });

  it('finds the configuration in the working directory, and says how to give it when there is none', () => {
    expect(requireConfigPath(undefined, dir)).toBe(join(dir, USER_CONFIG_FILE));
    expect(() => requireConfigPath(undefined, empty)).toThrow(
      `no ${USER_CONFIG_FILE} in ${empty}; give the configuration with -c config=PATH`,
    );
  });

  it.each([
    ['preflight', parsePreflightArgs],
    ['status', parseStatusArgs],
    ['drill', parseDrillArgs],
  ] as const)('%s parses its arguments through them', (_name, parse) => {
    const parsed = parse(['--timeout', '5000'], dir);
    expect(parsed).toMatchObject({ configPath: join(dir, USER_CONFIG_FILE), timeoutMs: 5000 });
    expect(() => parse(['-c', 'nope=1'], dir)).toThrow(
      /-c "nope=1" is not allowed; allowed: -c config=(PATH|VALUE)/,
    );
    expect(() => parse([], empty)).toThrow(/give the configuration with -c config=PATH/);
  });
});
