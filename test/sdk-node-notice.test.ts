import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dueSdkNodeNotice,
  SDK_NODE_NOTICE_INTERVAL_MS,
  SDK_NODE_WARNING_OPT_OUT,
  sdkNodeNotice,
  sdkNodeNoticeStamp,
  userCacheDir,
} from '../lambda/commands/sdk-node-notice.ts';

/**
 * Issue 27, item 7: on a supported Node.js below 22, the commands print the SDK's Node.js notice once a day, not
 * on every command: the time of the last one is a stamp in the user's cache directory. Every test here points the
 * cache at a directory of its own under the run's TMPDIR; none reads or writes the real home.
 */
const work = mkdtempSync(join(tmpdir(), 'sdk-node-notice-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const NODE20 = 'v20.20.2';
const T0 = Date.parse('2026-12-07T12:00:00Z');

describe('the SDK Node.js notice, once a day', () => {
  it('is printed on the first command, not again within a day, and again after one', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(work, 'cache-')) };
    const line = sdkNodeNotice(NODE20, env);
    expect(line).toContain('shown once a day');
    expect(dueSdkNodeNotice(NODE20, env, T0, 'linux')).toBe(line);
    expect(existsSync(join(env.XDG_CACHE_HOME, 'ecr-pull-canary', 'sdk-node-notice'))).toBe(true);
    expect(dueSdkNodeNotice(NODE20, env, T0 + 60_000, 'linux')).toBeUndefined();
    expect(dueSdkNodeNotice(NODE20, env, T0 + SDK_NODE_NOTICE_INTERVAL_MS - 1, 'linux')).toBeUndefined();
    expect(dueSdkNodeNotice(NODE20, env, T0 + SDK_NODE_NOTICE_INTERVAL_MS, 'linux')).toBe(line);
    expect(dueSdkNodeNotice(NODE20, env, T0 + SDK_NODE_NOTICE_INTERVAL_MS + 1, 'linux')).toBeUndefined();
    // A stamp from the future (a clock set back) does not silence it.
    expect(dueSdkNodeNotice(NODE20, env, T0, 'linux')).toBe(line);
  });

  it('keeps its stamp in the platform cache directory the environment names', () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, 'linux')).toBe('/x/cache');
    expect(userCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }, 'linux')).toBe('/home/u/.cache');
    expect(userCacheDir({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Caches');
    expect(userCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toBe(
      'C:\\Users\\u\\AppData\\Local',
    );
    expect(sdkNodeNoticeStamp({ HOME: '/home/u' }, 'linux')).toBe(
      '/home/u/.cache/ecr-pull-canary/sdk-node-notice',
    );
    expect(userCacheDir({}, 'linux')).toBeNull();
  });

  it('is printed every time, writing nothing, where no cache directory is known or it cannot be written', () => {
    expect(dueSdkNodeNotice(NODE20, {}, T0, 'linux')).toBe(sdkNodeNotice(NODE20, {}));
    expect(dueSdkNodeNotice(NODE20, {}, T0 + 1, 'linux')).toBe(sdkNodeNotice(NODE20, {}));
    const locked = mkdtempSync(join(work, 'locked-'));
    chmodSync(locked, 0o500);
    try {
      const env = { XDG_CACHE_HOME: locked };
      // root may write anyway; either way the command is not stopped and the line is shown the first time.
      expect(dueSdkNodeNotice(NODE20, env, T0, 'linux')).toBe(sdkNodeNotice(NODE20, env));
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('is nothing, and writes nothing, on Node.js 22 or with the SDK opt-out', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(work, 'quiet-')) };
    expect(dueSdkNodeNotice('v22.12.0', env, T0, 'linux')).toBeUndefined();
    expect(
      dueSdkNodeNotice(NODE20, { ...env, [SDK_NODE_WARNING_OPT_OUT]: 'true' }, T0, 'linux'),
    ).toBeUndefined();
    expect(readdirSync(env.XDG_CACHE_HOME)).toEqual([]);
  });
});

describe('the Node.js the documentation states', () => {
  it("is one statement, package.json's engines, wherever README and docs/ say what the package or command needs", () => {
    const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines
      .node as string;
    // "^20.19.0 || ^22.12.0 || >=24.0.0" reads "20.19+, 22.12+ or 24+".
    const parts = engines.split('||').map((part) => {
      const [major = '', minor = '0'] = part
        .trim()
        .replace(/^[\^>=]+/, '')
        .split('.');
      return minor === '0' ? `${major}+` : `${major}.${minor}+`;
    });
    const statement = `Node.js ${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
    expect(statement).toBe('Node.js 20.19+, 22.12+ or 24+');
    const docs = new URL('../docs/', import.meta.url);
    const pages = [
      ['README.md', readFileSync(new URL('../README.md', import.meta.url), 'utf8')],
      ...readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .map((name) => [`docs/${name}`, readFileSync(new URL(name, docs), 'utf8')]),
    ];
    const flat = pages.map(([page, text]) => [page, (text ?? '').replace(/\s+/g, ' ')] as const);
    const readme = flat[0]?.[1] ?? '';
    expect(readme.split(statement).length - 1).toBeGreaterThanOrEqual(2);
    // Any other "Node.js N+" in prose is a second statement (Node.js 22 for the SDK and Lambda is a fact, not a
    // requirement; a table row states what a version range does, e.g. construct.md's require of an ES module).
    const others = pages.flatMap(
      ([page, text]) =>
        (text ?? '')
          .split('\n')
          .filter((line) => !line.startsWith('|'))
          .join(' ')
          .replace(/\s+/g, ' ')
          .replaceAll(statement, '')
          .match(/Node\.js \(?\d+(?:\.\d+)?\+/g)
          ?.map((found) => `${page}: ${found}`) ?? [],
    );
    expect(others).toEqual([]);
  });
});
