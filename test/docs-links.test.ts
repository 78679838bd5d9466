import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../lambda/commands/package-info.ts';
import { USER_CONFIG_FILE } from '../lambda/engine/config/locate.ts';
import { brokenLink as brokenLinkIn, brokenLinks, linkTargets, proseOf } from './support/doc-links.ts';
import { headingAnchors, htmlIds } from './support/markdown-anchors.ts';

/**
 * Issue 19, item 1: the documentation a newcomer follows leads somewhere. Every relative link in README.md and
 * docs/*.md resolves (a file, and a #fragment to a heading of that file by GitHub's anchor rules), every page is
 * reachable from README.md, and every repository file that a comment or a page names by its path exists.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_LINE = 300;
const brokenLink = (page: string, target: string) => brokenLinkIn(ROOT, page, target);

/** The pages: README.md and everything in docs/. */
function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [join(ROOT, 'README.md'), ...docs];
}

/** The top-level directories whose files are named by path in comments and pages. */
const TRACKED_DIRS = ['bench', 'bin', 'docs', 'lambda', 'lib', 'scripts', 'test'];

/**
 * The repository paths a text names: a tracked top-level directory, at least one more segment and a file
 * extension, standing as a word of its own (after a space, quote, backtick, bracket or the start of a line, so
 * `../lambda/x.ts` of an import and `dist/lib/x.js` are not matches). Placeholders and globs (`<name>`, `*`) end
 * the match before the extension, so they are never read as a path.
 */
function namedPaths(text: string): string[] {
  const pattern = new RegExp(
    `(?<=^|[\\s\`'"(\\[])((?:${TRACKED_DIRS.join('|')})/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\\.(?:ts|mts|mjs|js|json|md|html|yaml|yml))(?![A-Za-z0-9_/*<-])`,
    'gm',
  );
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

/**
 * The comments of a TypeScript source, found by the compiler's own parser (so a `//` in a string or a regular
 * expression is no comment): what a person reads there. Strings are code and test data, not references.
 */
function commentsOf(source: string): string {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false);
  const ranges = new Map<number, string>();
  const collect = (pos: number, end: number) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(source, pos) ?? []),
      ...(ts.getTrailingCommentRanges(source, end) ?? []),
    ])
      ranges.set(range.pos, source.slice(range.pos, range.end));
  };
  const visit = (node: ts.Node) => {
    collect(node.pos, node.end);
    ts.forEachChild(node, visit);
  };
  visit(file);
  collect(file.endOfFileToken.pos, file.endOfFileToken.end);
  return [...ranges.values()].join('\n');
}

/** Every .ts and .md file of the repository that a person reads: sources, tests, scripts, pages. */
function readableFiles(): string[] {
  const files: string[] = [join(ROOT, 'README.md')];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '__snapshots__') walk(path);
      } else if (/\.(ts|md)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of TRACKED_DIRS) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return files;
}

describe('the documentation', () => {
  it('has no relative link that leads nowhere: every file exists and every #anchor is a heading', () => {
    expect(brokenLinks(ROOT, pages())).toEqual([]);
  });

  it('reaches every page of docs/ from README.md, through links', () => {
    const seen = new Set<string>([join(ROOT, 'README.md')]);
    const queue = [join(ROOT, 'README.md')];
    for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
      for (const target of linkTargets(readFileSync(page, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const path = target.split('#')[0] ?? '';
        if (!path.endsWith('.md')) continue;
        const file = resolve(dirname(page), decodeURIComponent(path));
        if (existsSync(file) && !seen.has(file)) {
          seen.add(file);
          queue.push(file);
        }
      }
    }
    expect(
      pages()
        .filter((page) => !seen.has(page))
        .map((page) => relative(ROOT, page)),
    ).toEqual([]);
  });

  it('names only repository files that exist, in the comments of sources, tests and scripts, and in pages', () => {
    const missing: string[] = [];
    for (const file of readableFiles()) {
      const text = readFileSync(file, 'utf8');
      // A source is parsed for its comments only when its text names a path at all (most name none).
      const named = namedPaths(text);
      const inComments = file.endsWith('.ts') && named.length > 0 ? namedPaths(commentsOf(text)) : named;
      for (const path of new Set(inComments)) {
        if (!existsSync(join(ROOT, path))) missing.push(`${relative(ROOT, file)}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps README.md a landing page, and lines short enough to read', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    expect(readme.length).toBeLessThanOrEqual(300);
    // README: every line. The other pages: prose; a table row cannot wrap, nor a program's output in a code block.
    const long = pages().flatMap((page) => {
      const text = readFileSync(page, 'utf8');
      const lines = page.endsWith('README.md') ? text : proseOf(text, true);
      return lines
        .split('\n')
        .map((line, i) => ({ where: `${relative(ROOT, page)}:${i + 1}`, line }))
        .filter(({ line }) => line.length > MAX_LINE && (page.endsWith('README.md') || !line.startsWith('|')))
        .map(({ where, line }) => `${where} (${line.length} characters)`);
    });
    expect(long).toEqual([]);
  });
});

describe('the commands the documentation gives', () => {
  const all = () => pages().map((page) => ({ page: relative(ROOT, page), text: readFileSync(page, 'utf8') }));

  it('names only npm scripts that package.json has', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);
    const unknown = all().flatMap(({ page, text }) =>
      [...text.matchAll(/\bnpm run (?:-s |--silent )?([\w:-]+)/g)]
        .map((match) => match[1] ?? '')
        .filter((name) => !scripts.includes(name))
        .map((name) => `${page}: npm run ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('has git ignore every file it tells the user to write in the clone: configurations, outputs, the tarball', () => {
    const written = new Set<string>([USER_CONFIG_FILE, `ecr-pull-canary-${VERSION}.tgz`]);
    for (const { text } of all()) {
      for (const match of text.matchAll(/--outputs-file (\S+)|\bcp \S+ (\S+)/g))
        written.add(match[1] ?? match[2] ?? '');
    }
    expect(written.size).toBeGreaterThan(2);
    // `git check-ignore` exits 0 for an ignored path, 1 for one git would offer to commit.
    const tracked = [...written].filter((file) => {
      try {
        execFileSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: ROOT, stdio: 'ignore' });
        return false;
      } catch {
        return true;
      }
    });
    expect(tracked).toEqual([]);
  });

  it('runs the command through npx only with --package: a bare `npx ecr-pull-canary` is not found in a clone, and elsewhere fetches whatever a registry has under that name', () => {
    const bare = all().flatMap(({ page, text }) =>
      [...text.matchAll(/\bnpx (?:-y |--yes )?ecr-pull-canary\b/g)].map((match) => `${page}: ${match[0]}`),
    );
    expect(bare).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it("makes GitHub's anchors, numbering repeats", () => {
    const anchors = headingAnchors(
      "# Doctor: the host's own pull path\n## `probe` CLI\n## Notes\n## Notes\n```\n# not a heading\n```\n",
    );
    expect([...anchors]).toEqual(['doctor-the-hosts-own-pull-path', 'probe-cli', 'notes', 'notes-1']);
  });

  it('reads links outside code only, and paths as words of their own', () => {
    expect(linkTargets('[a](docs/x.md#y) `[b](no.md)`\n```\n[c](no.md)\n```\n![i](img.png "t")')).toEqual([
      'docs/x.md#y',
      'img.png',
    ]);
    expect(
      namedPaths(
        "see lambda/engine/model/limits.ts, `docs/runbooks.md#auth`; import '../lambda/x.ts'; dist/lib/index.js; lib/<name>.ts; test/*.test.ts",
      ),
    ).toEqual(['lambda/engine/model/limits.ts', 'docs/runbooks.md']);
    const source =
      "// see lib/a.ts\nconst url = 'https://x//lib/b.ts'; /* lib/c.ts */ const re = /\\/\\/ lib\\/d.ts/;\n/** lib/e.ts */\nexport {};\n";
    expect(namedPaths(commentsOf(source))).toEqual(['lib/a.ts', 'lib/c.ts', 'lib/e.ts']);
    expect(namedPaths('the page docs/runbooks.html#auth')).toEqual(['docs/runbooks.html']);
  });

  it('follows a #fragment into a web page to the element with that id', () => {
    const page = join(ROOT, 'docs', 'cli.md');
    expect(htmlIds('<h2 id="auth">auth</h2><p class="id">x</p><div\nid="b">')).toEqual(['auth', 'b']);
    expect(brokenLink(page, 'runbooks.html#auth')).toBeNull();
    expect(brokenLink(page, 'runbooks.html#no-such-category')).toBe(
      'runbooks.html#no-such-category: no element with the id no-such-category in docs/runbooks.html',
    );
  });
});
