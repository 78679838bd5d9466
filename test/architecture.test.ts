import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Which folder may import which, read from the import graph of the product code (lib/, lambda/, bin/), and no import
 * cycle among product files, so neither can break silently:
 * - `lambda/functions/` (what Lambda runs) imports `lambda/engine/` and itself; `lambda/commands/` (the command on a
 *   user's host) imports `lambda/engine/` and itself; neither imports the other;
 * - `lambda/engine/` (what both share) imports only itself: never functions, commands or lib;
 * - `lambda/engine/model/` is pure: only itself and the node builtins below (no SDK, no CDK, no I/O);
 * - `lambda/engine/config/` (locate, load, validate the configuration) imports only the model, itself and `node:`
 *   modules: the constructs and preflight both run it, so nothing of the CDK;
 * - `lib/` imports from `lambda/` only `lambda/engine/model/` and `lambda/engine/config/` (the handlers' file paths for
 *   bundling are strings, not imports); nothing under `lambda/` imports `lib/`, `aws-cdk-lib` or `constructs`;
 * - only the command table (`lambda/commands/commands.ts`) loads `preflight`, lazily, so it stays a chunk of its own;
 * - product code never imports tests, benchmarks or scripts;
 * - every file of `lambda/` lives in one of the three folders, each of which opens with a two-line README.md.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PRODUCT_DIRS = ['lib', 'lambda', 'bin'];
const FUNCTIONS = 'lambda/functions/';
const COMMANDS = 'lambda/commands/';
const ENGINE = 'lambda/engine/';
const MODEL = 'lambda/engine/model/';
const CONFIG = 'lambda/engine/config/';
const PREFLIGHT = 'lambda/commands/preflight/';
const COMMAND_TABLE = 'lambda/commands/commands.ts';
/** Computation only: hashing and gzip for the seeded image's digests. No fs, net, http(s), tls, dns, child_process. */
const MODEL_BUILTINS = ['node:crypto', 'node:zlib'];
/** The folders that open with a README.md of two lines: what lives there, what it may import. */
const DOCUMENTED_FOLDERS = [FUNCTIONS, COMMANDS, ENGINE, MODEL, CONFIG];

/** One import edge: `from` is repo-relative; `to` is repo-relative for a relative specifier, else the bare one. */
interface Edge {
  from: string;
  to: string;
  line: number;
  /** `import type …` / `export type …`: erased at compile time, so it loads nothing. */
  typeOnly?: boolean;
}

/**
 * Module specifiers of every static import (`import … from`, `import type … from`, side-effect `import '…'`),
 * re-export (`export … from`) and dynamic `import('…')` in a TypeScript source. Comments are blanked first (keeping
 * line numbers), so an example in a comment is not an edge.
 */
function importSpecifiers(source: string): Array<{ specifier: string; line: number; typeOnly: boolean }> {
  const code = blankComments(source);
  const found: Array<{ specifier: string; index: number; typeOnly: boolean }> = [];
  const patterns = [
    // import x from '…'; import type { X } from '…'; export { x } from '…'; export * from '…'; multi-line braces too.
    /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?[^;'"]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
    // import '…';
    /(?:^|[;\n])\s*import\s*(['"])([^'"\n]+)\1/g,
    // import('…')
    /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      found.push({
        specifier: match[2] as string,
        index: match.index + match[0].lastIndexOf(match[2] as string),
        typeOnly: /^[;\n]?\s*(?:import|export)\s+type\s/.test(match[0]),
      });
    }
  }
  return found
    .sort((a, b) => a.index - b.index)
    .map(({ specifier, index, typeOnly }) => ({
      specifier,
      line: code.slice(0, index).split('\n').length,
      typeOnly,
    }));
}

/** Replaces block and line comments with spaces (newlines kept); string literals are left alone. */
function blankComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      out += c;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

function edgesOf(file: string, source: string): Edge[] {
  return importSpecifiers(source).map(({ specifier, line, typeOnly }) => ({
    from: file,
    to: specifier.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
      : specifier,
    line,
    ...(typeOnly ? { typeOnly } : {}),
  }));
}

/** The folder a product file belongs to, for the rules. */
type Folder = 'functions' | 'commands' | 'model' | 'config' | 'engine' | 'lib' | 'bin' | 'lambda' | 'other';

function folderOf(file: string): Folder {
  if (file.startsWith(FUNCTIONS)) return 'functions';
  if (file.startsWith(COMMANDS)) return 'commands';
  if (file.startsWith(MODEL)) return 'model';
  if (file.startsWith(CONFIG)) return 'config';
  if (file.startsWith(ENGINE)) return 'engine';
  if (file.startsWith('lambda/')) return 'lambda';
  if (file.startsWith('lib/')) return 'lib';
  if (file.startsWith('bin/')) return 'bin';
  return 'other';
}

const ENGINE_FOLDERS: Folder[] = ['engine', 'model', 'config'];

/** The product folders each folder may import (relative imports); packages are checked separately. */
const MAY_IMPORT: Record<Folder, Folder[]> = {
  functions: ['functions', ...ENGINE_FOLDERS],
  commands: ['commands', ...ENGINE_FOLDERS],
  engine: ENGINE_FOLDERS,
  config: ['config', 'model'],
  model: ['model'],
  lib: ['lib', 'model', 'config'],
  bin: ['bin', 'lib', 'commands', 'model', 'config'],
  lambda: [],
  other: [],
};

const IS_PRODUCT = (to: string) => /^(lib|lambda|bin)\//.test(to);
const IS_CDK = (to: string) => /^(aws-cdk-lib|constructs)(\/|$)/.test(to);

/** The rule an edge breaks, or null. */
function violation(edge: Edge): string | null {
  const { from, to } = edge;
  const source = folderOf(from);
  if (/^(test|bench|scripts)\//.test(to)) return 'product code never imports tests, benchmarks or scripts';
  if (source === 'lambda')
    return 'every file of lambda/ lives in lambda/functions/, lambda/commands/ or lambda/engine/';
  if (source === 'model') {
    return to.startsWith(MODEL) || MODEL_BUILTINS.includes(to)
      ? null
      : `the model imports only ${MODEL}** and ${MODEL_BUILTINS.join(', ')}`;
  }
  if (to.startsWith(PREFLIGHT) && !from.startsWith(PREFLIGHT) && from !== COMMAND_TABLE) {
    return `only the command table (${COMMAND_TABLE}) loads preflight`;
  }
  if (from.startsWith('lambda/') && IS_CDK(to)) return 'lambda/ never imports the CDK';
  if (source === 'config' && !IS_PRODUCT(to) && !to.startsWith('node:')) {
    return `the configuration imports only ${MODEL}**, ${CONFIG}** and node: modules`;
  }
  if (!IS_PRODUCT(to)) return null;
  const target = folderOf(to);
  if (MAY_IMPORT[source].includes(target)) return null;
  if (from.startsWith('lambda/') && target === 'lib') return 'lambda/ never imports lib/';
  if (source === 'lib') return `lib/ imports from lambda/ only ${MODEL}** and ${CONFIG}**`;
  if (ENGINE_FOLDERS.includes(source)) {
    return source === 'config'
      ? `the configuration imports only ${MODEL}**, ${CONFIG}** and node: modules`
      : 'the engine never imports lambda/functions/, lambda/commands/ or lib/';
  }
  return `${source} imports only ${MAY_IMPORT[source].join(', ')}`;
}

function violations(edges: Edge[]): string[] {
  return edges.flatMap((edge) => {
    const rule = violation(edge);
    return rule ? [`${edge.from}:${edge.line} imports ${edge.to}: ${rule}`] : [];
  });
}

/**
 * The import cycles of a graph, found by Tarjan's strongly connected components: every component of more than one
 * file, or a file that imports itself, is reported as one cycle through it, `a -> b -> … -> a`, starting at its
 * first file in sort order. Type-only imports count: a cycle of types is still a tangle to read.
 */
function findCycles(edges: ReadonlyArray<Pick<Edge, 'from' | 'to'>>): string[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    const targets = next.get(from) as string[];
    if (!targets.includes(to)) targets.push(to);
  }
  for (const targets of next.values()) targets.sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return components
    .filter(
      (component) =>
        component.length > 1 || next.get(component[0] as string)?.includes(component[0] as string),
    )
    .map((component) => cycleThrough(component.sort(), next))
    .sort();
}

/** One cycle inside a strongly connected component: the shortest way from its first file back to itself. */
function cycleThrough(component: string[], next: Map<string, string[]>): string {
  const start = component[0] as string;
  const members = new Set(component);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const to of next.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at) as string) path.unshift(at);
        path.unshift(start);
        return path.join(' -> ');
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}

const FILES = PRODUCT_DIRS.flatMap(sourceFiles);
const GRAPH = FILES.flatMap((file) => edgesOf(file, readFileSync(path.join(ROOT, file), 'utf8')));

describe('import graph of lib/, lambda/ and bin/', () => {
  it('is read from the sources (the scan found every folder and the edges between them)', () => {
    const importers = (prefix: string) =>
      new Set(GRAPH.filter((edge) => edge.to.startsWith(prefix)).map((edge) => folderOf(edge.from)));
    expect([...importers(MODEL)]).toEqual(
      expect.arrayContaining(['lib', 'functions', 'commands', 'engine', 'config']),
    );
    expect([...importers(CONFIG)]).toEqual(expect.arrayContaining(['lib', 'commands']));
    expect([...importers(ENGINE)]).toEqual(expect.arrayContaining(['functions', 'commands']));
    expect(GRAPH.length).toBeGreaterThan(100);
  });

  it('keeps the folders apart: each imports only what its rule allows', () => {
    // On failure, the offending edges are the message.
    expect(violations(GRAPH)).toEqual([]);
  });

  it('has no import cycle among product files', () => {
    const product = GRAPH.filter((edge) => FILES.includes(edge.to));
    expect(product.length).toBeGreaterThan(100);
    expect(findCycles(product)).toEqual([]);
  });

  it('puts every file of lambda/ in functions/, commands/ or engine/, each opening with two lines of README.md', () => {
    expect(FILES.filter((file) => folderOf(file) === 'lambda')).toEqual([]);
    for (const folder of DOCUMENTED_FOLDERS) {
      const readme = path.join(ROOT, folder, 'README.md');
      expect(existsSync(readme), `${folder}README.md`).toBe(true);
      const lines = readFileSync(readme, 'utf8').trim().split('\n');
      expect(lines, `${folder}README.md: what lives here, what it may import`).toHaveLength(2);
      expect(lines[1], `${folder}README.md, second line`).toMatch(/\bimport/);
    }
  });
});

describe('the cycle finder (so the no-cycle test can fail)', () => {
  it('reports a planted cycle, a self-import and a cycle of two, and nothing for a diamond', () => {
    const edge = (from: string, to: string) => ({ from, to });
    expect(
      findCycles([
        // a diamond and a chain: no cycle
        edge('lambda/engine/a.ts', 'lambda/engine/b.ts'),
        edge('lambda/engine/a.ts', 'lambda/engine/c.ts'),
        edge('lambda/engine/b.ts', 'lambda/engine/d.ts'),
        edge('lambda/engine/c.ts', 'lambda/engine/d.ts'),
        // the planted cycle of four, with a chord and a way out
        edge('lib/w.ts', 'lib/x.ts'),
        edge('lib/x.ts', 'lib/y.ts'),
        edge('lib/y.ts', 'lib/z.ts'),
        edge('lib/z.ts', 'lib/w.ts'),
        edge('lib/y.ts', 'lib/w.ts'),
        edge('lib/z.ts', 'lambda/engine/a.ts'),
        // two files that import each other, one that imports itself
        edge('lambda/commands/p.ts', 'lambda/commands/q.ts'),
        edge('lambda/commands/q.ts', 'lambda/commands/p.ts'),
        edge('bin/s.ts', 'bin/s.ts'),
      ]),
    ).toEqual([
      'bin/s.ts -> bin/s.ts',
      'lambda/commands/p.ts -> lambda/commands/q.ts -> lambda/commands/p.ts',
      'lib/w.ts -> lib/x.ts -> lib/y.ts -> lib/w.ts',
    ]);
  });

  it('finds the cycle the configuration had before it moved below lib/ (issue 23)', () => {
    const edge = (from: string, to: string) => ({ from, to });
    expect(
      findCycles([
        edge('lib/alarm-topic.ts', 'lib/validation.ts'),
        edge('lib/validation.ts', 'lib/config/schema.ts'),
        edge('lib/config/schema.ts', 'lib/ecr-pull-canary.ts'),
        edge('lib/ecr-pull-canary.ts', 'lib/alarm-topic.ts'),
        edge('lib/ecr-pull-canary.ts', 'lambda/engine/model/limits.ts'),
      ]),
    ).toEqual([
      'lib/alarm-topic.ts -> lib/validation.ts -> lib/config/schema.ts -> lib/ecr-pull-canary.ts -> lib/alarm-topic.ts',
    ]);
  });
});

describe('the import parser and the rules (so the graph test can fail)', () => {
  const source = [
    "import { a } from './a.ts';",
    "import type { B } from '../model/b.ts';",
    'import {',
    '  c,',
    '  type D,',
    "} from '../../lib/c.ts';",
    "export { e } from './e.ts';",
    "export * from './f.ts';",
    "export type { G } from './g.ts';",
    "import './side-effect.ts';",
    "const h = await import('./h.ts');",
    "// import { x } from './commented.ts';",
    "/* export * from './commented-too.ts'; */",
    'const text = \'import { y } from "./in-a-string.ts"\';',
    "import http from 'node:http';",
  ].join('\n');

  it('finds every kind of import and re-export with its line, and none in comments', () => {
    expect(importSpecifiers(source)).toEqual([
      { specifier: './a.ts', line: 1, typeOnly: false },
      { specifier: '../model/b.ts', line: 2, typeOnly: true },
      { specifier: '../../lib/c.ts', line: 6, typeOnly: false },
      { specifier: './e.ts', line: 7, typeOnly: false },
      { specifier: './f.ts', line: 8, typeOnly: false },
      { specifier: './g.ts', line: 9, typeOnly: true },
      { specifier: './side-effect.ts', line: 10, typeOnly: false },
      { specifier: './h.ts', line: 11, typeOnly: false },
      { specifier: 'node:http', line: 15, typeOnly: false },
    ]);
  });

  it('reports a forbidden edge of each rule, with file and line, and passes the allowed ones', () => {
    const edge = (from: string, to: string): Edge => ({ from, to, line: 3 });
    expect(
      violations([
        edge('lambda/engine/model/x.ts', 'lambda/engine/probe/probe.ts'),
        edge('lambda/engine/model/x.ts', 'node:http'),
        edge('lambda/engine/model/x.ts', 'aws-cdk-lib'),
        edge('lambda/engine/model/x.ts', '@aws-sdk/client-ecr'),
        edge('lambda/engine/probe/probe.ts', 'lambda/functions/probe/handler.ts'),
        edge('lambda/engine/watch/watch-run.ts', 'lambda/commands/cli-format.ts'),
        edge('lambda/engine/probe/probe.ts', 'lib/canary-function.ts'),
        edge('lambda/functions/probe/handler.ts', 'lib/ecr-pull-canary.ts'),
        edge('lambda/functions/probe/handler.ts', 'lambda/commands/probe/cli.ts'),
        edge('lambda/commands/probe/cli.ts', 'lambda/functions/probe/handler.ts'),
        edge('lambda/commands/probe/cli.ts', 'aws-cdk-lib/aws-lambda'),
        edge('lambda/engine/config/validate.ts', 'lib/canary-function.ts'),
        edge('lambda/engine/config/validate.ts', 'lambda/engine/probe/probe.ts'),
        edge('lambda/engine/config/validation.ts', 'aws-cdk-lib'),
        edge('lambda/engine/config/validate.ts', '@aws-sdk/client-ssm'),
        edge('lib/canary-stack.ts', 'lambda/engine/probe/probe.ts'),
        edge('lib/canary-stack.ts', 'lambda/functions/probe/handler.ts'),
        edge('lambda/handler.ts', 'lambda/engine/model/types.ts'),
        edge('lambda/functions/probe/handler.ts', 'lambda/commands/preflight/run.ts'),
        edge('bin/app.ts', 'test/support/registry.ts'),
        edge('bin/app.ts', 'lambda/engine/probe/probe.ts'),
      ]),
    ).toEqual([
      'lambda/engine/model/x.ts:3 imports lambda/engine/probe/probe.ts: the model imports only lambda/engine/model/** and node:crypto, node:zlib',
      'lambda/engine/model/x.ts:3 imports node:http: the model imports only lambda/engine/model/** and node:crypto, node:zlib',
      'lambda/engine/model/x.ts:3 imports aws-cdk-lib: the model imports only lambda/engine/model/** and node:crypto, node:zlib',
      'lambda/engine/model/x.ts:3 imports @aws-sdk/client-ecr: the model imports only lambda/engine/model/** and node:crypto, node:zlib',
      'lambda/engine/probe/probe.ts:3 imports lambda/functions/probe/handler.ts: the engine never imports lambda/functions/, lambda/commands/ or lib/',
      'lambda/engine/watch/watch-run.ts:3 imports lambda/commands/cli-format.ts: the engine never imports lambda/functions/, lambda/commands/ or lib/',
      'lambda/engine/probe/probe.ts:3 imports lib/canary-function.ts: lambda/ never imports lib/',
      'lambda/functions/probe/handler.ts:3 imports lib/ecr-pull-canary.ts: lambda/ never imports lib/',
      'lambda/functions/probe/handler.ts:3 imports lambda/commands/probe/cli.ts: functions imports only functions, engine, model, config',
      'lambda/commands/probe/cli.ts:3 imports lambda/functions/probe/handler.ts: commands imports only commands, engine, model, config',
      'lambda/commands/probe/cli.ts:3 imports aws-cdk-lib/aws-lambda: lambda/ never imports the CDK',
      'lambda/engine/config/validate.ts:3 imports lib/canary-function.ts: lambda/ never imports lib/',
      'lambda/engine/config/validate.ts:3 imports lambda/engine/probe/probe.ts: the configuration imports only lambda/engine/model/**, lambda/engine/config/** and node: modules',
      'lambda/engine/config/validation.ts:3 imports aws-cdk-lib: lambda/ never imports the CDK',
      'lambda/engine/config/validate.ts:3 imports @aws-sdk/client-ssm: the configuration imports only lambda/engine/model/**, lambda/engine/config/** and node: modules',
      'lib/canary-stack.ts:3 imports lambda/engine/probe/probe.ts: lib/ imports from lambda/ only lambda/engine/model/** and lambda/engine/config/**',
      'lib/canary-stack.ts:3 imports lambda/functions/probe/handler.ts: lib/ imports from lambda/ only lambda/engine/model/** and lambda/engine/config/**',
      'lambda/handler.ts:3 imports lambda/engine/model/types.ts: every file of lambda/ lives in lambda/functions/, lambda/commands/ or lambda/engine/',
      'lambda/functions/probe/handler.ts:3 imports lambda/commands/preflight/run.ts: only the command table (lambda/commands/commands.ts) loads preflight',
      'bin/app.ts:3 imports test/support/registry.ts: product code never imports tests, benchmarks or scripts',
      'bin/app.ts:3 imports lambda/engine/probe/probe.ts: bin imports only bin, lib, commands, model, config',
    ]);
    expect(
      violations([
        edge('lambda/engine/model/x.ts', 'lambda/engine/model/y.ts'),
        edge('lambda/engine/model/x.ts', 'node:crypto'),
        edge('lambda/engine/probe/probe.ts', 'lambda/engine/model/target.ts'),
        edge('lambda/engine/probe/probe.ts', '@aws-sdk/client-ecr'),
        edge('lambda/engine/watch/workload-event.ts', 'lambda/engine/explain/classify-text.ts'),
        edge('lambda/engine/config/validation.ts', 'lambda/engine/model/limits.ts'),
        edge('lambda/engine/config/load.ts', 'node:fs'),
        edge('lambda/functions/probe/handler.ts', 'lambda/engine/canary-run.ts'),
        edge('lambda/functions/seed/handler.ts', 'lambda/functions/cfn-response.ts'),
        edge('lambda/commands/preflight/config.ts', 'lambda/engine/config/load.ts'),
        edge('lambda/commands/doctor/cli.ts', 'lambda/commands/probe/cli.ts'),
        edge('lambda/commands/commands.ts', 'lambda/commands/preflight/cli.ts'),
        edge('lib/alarm-topic.ts', 'lambda/engine/config/validation.ts'),
        edge('lib/canary-alarms.ts', 'lambda/engine/model/limits.ts'),
        edge('lib/canary-alarms.ts', 'aws-cdk-lib/aws-cloudwatch'),
        edge('bin/ecr-pull-canary.ts', 'lambda/commands/commands.ts'),
        edge('bin/app.ts', 'lib/canary-app.ts'),
      ]),
    ).toEqual([]);
  });

  it('resolves relative specifiers against the importing file', () => {
    expect(edgesOf('lambda/engine/config/validate.ts', "import { x } from '../probe/probe.ts';")).toEqual([
      { from: 'lambda/engine/config/validate.ts', to: 'lambda/engine/probe/probe.ts', line: 1 },
    ]);
  });
});
