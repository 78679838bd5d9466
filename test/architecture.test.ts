import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules, read from the import graph of the product code (lib/, lambda/, bin/), so they cannot break
 * silently:
 * - `lambda/model/**` is pure: it imports only `lambda/model/**` and the node builtins below (no SDK, no CDK,
 *   no I/O), so both the constructs and the functions can use it;
 * - `lambda/**` never imports `lib/**` (the deployed bundle must not drag in the CDK), but for one module: the
 *   `preflight` command reads the app's configuration through its validation (lambda/preflight/config.ts), and
 *   only the command table loads preflight, so no function bundle reaches it;
 * - `lib/**` imports from `lambda/` only the model (the handlers' file paths for bundling are strings, not imports);
 * - the validation the configuration file goes through (lib/config/**, lib/validation.ts) runs before any construct
 *   exists, so it imports no construct module (type-only imports aside, which are erased);
 * - product code never imports tests, benchmarks or scripts.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PRODUCT_DIRS = ['lib', 'lambda', 'bin'];
const MODEL = 'lambda/model/';
/** Computation only: hashing and gzip for the seeded image's digests. No fs, net, http(s), tls, dns, child_process. */
const MODEL_BUILTINS = ['node:crypto', 'node:zlib'];

/** One import edge: `from` is repo-relative; `to` is repo-relative for a relative specifier, else the bare one. */
interface Edge {
  from: string;
  to: string;
  line: number;
  /** `import type …` / `export type …`: erased at compile time, so it loads nothing. */
  typeOnly?: boolean;
}

const VALIDATION = (file: string) => file.startsWith('lib/config/') || file === 'lib/validation.ts';
/**
 * What the validation may load: the model, itself, the alarm-name rules and Node's modules; nothing of the CDK,
 * since preflight bundles it (the construct hands it `Token.isUnresolved`, lib/validation.ts `Problems`).
 */
const VALIDATION_IMPORTS = (to: string) =>
  to.startsWith(MODEL) || VALIDATION(to) || to === 'lib/alarm-naming.ts' || to.startsWith('node:');

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

/** The one module of lambda/ that reads the app's configuration, through the validation and its alarm-name rules. */
const PREFLIGHT_CONFIG = 'lambda/preflight/config.ts';
const PREFLIGHT_READS = (to: string) => VALIDATION(to) || to === 'lib/alarm-naming.ts';

/** The rule an edge breaks, or null. */
function violation(edge: Edge): string | null {
  const { from, to } = edge;
  if (
    to.startsWith('lambda/preflight/') &&
    !from.startsWith('lambda/preflight/') &&
    from !== 'lambda/commands.ts'
  ) {
    return 'only the command table (lambda/commands.ts) loads preflight';
  }
  if (from === PREFLIGHT_CONFIG && to.startsWith('lib/') && PREFLIGHT_READS(to)) return null;
  if (from.startsWith(MODEL) && !to.startsWith(MODEL) && !MODEL_BUILTINS.includes(to)) {
    return `the model imports only ${MODEL}** and ${MODEL_BUILTINS.join(', ')}`;
  }
  if (from.startsWith('lambda/') && to.startsWith('lib/')) return 'lambda/ never imports lib/';
  if (from.startsWith('lib/') && to.startsWith('lambda/') && !to.startsWith(MODEL)) {
    return `lib/ imports from lambda/ only ${MODEL}**`;
  }
  if (VALIDATION(from) && !edge.typeOnly && !VALIDATION_IMPORTS(to)) {
    return 'configuration validation runs before any construct exists, and in preflight: it imports nothing of the CDK';
  }
  if (/^(test|bench|scripts)\//.test(to)) return 'product code never imports tests, benchmarks or scripts';
  return null;
}

function violations(edges: Edge[]): string[] {
  return edges.flatMap((edge) => {
    const rule = violation(edge);
    return rule ? [`${edge.from}:${edge.line} imports ${edge.to}: ${rule}`] : [];
  });
}

const GRAPH = PRODUCT_DIRS.flatMap(sourceFiles).flatMap((file) =>
  edgesOf(file, readFileSync(path.join(ROOT, file), 'utf8')),
);

describe('import graph of lib/, lambda/ and bin/', () => {
  it('is read from the sources (the scan found the model and both sides)', () => {
    const importers = new Set(GRAPH.filter((edge) => edge.to.startsWith(MODEL)).map((edge) => edge.from));
    expect([...importers].some((file) => file.startsWith('lib/'))).toBe(true);
    expect([...importers].some((file) => file.startsWith('lambda/probe/'))).toBe(true);
    expect(GRAPH.length).toBeGreaterThan(100);
  });

  it('keeps the layers apart: lambda and lib meet only at lambda/model, which imports neither', () => {
    // On failure, the offending edges are the message.
    expect(violations(GRAPH)).toEqual([]);
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
        edge('lambda/model/x.ts', 'lambda/probe/probe.ts'),
        edge('lambda/model/x.ts', 'node:http'),
        edge('lambda/model/x.ts', 'aws-cdk-lib'),
        edge('lambda/model/x.ts', '@aws-sdk/client-ecr'),
        edge('lambda/handler.ts', 'lib/validation.ts'),
        edge('lib/validation.ts', 'lambda/probe/probe.ts'),
        edge('bin/app.ts', 'test/support/registry.ts'),
        edge('lib/config/validate.ts', 'lib/canary-function.ts'),
        edge('lib/validation.ts', 'aws-cdk-lib/aws-lambda-nodejs'),
        edge('lib/validation.ts', 'aws-cdk-lib'),
        edge('lib/config/validate.ts', 'aws-cdk-lib/region-info'),
        edge('lambda/preflight/config.ts', 'lib/canary-stack.ts'),
        edge('lambda/preflight/run.ts', 'lib/config/load.ts'),
        edge('lambda/handler.ts', 'lambda/preflight/run.ts'),
      ]),
    ).toEqual([
      'lambda/model/x.ts:3 imports lambda/probe/probe.ts: the model imports only lambda/model/** and node:crypto, node:zlib',
      'lambda/model/x.ts:3 imports node:http: the model imports only lambda/model/** and node:crypto, node:zlib',
      'lambda/model/x.ts:3 imports aws-cdk-lib: the model imports only lambda/model/** and node:crypto, node:zlib',
      'lambda/model/x.ts:3 imports @aws-sdk/client-ecr: the model imports only lambda/model/** and node:crypto, node:zlib',
      'lambda/handler.ts:3 imports lib/validation.ts: lambda/ never imports lib/',
      'lib/validation.ts:3 imports lambda/probe/probe.ts: lib/ imports from lambda/ only lambda/model/**',
      'bin/app.ts:3 imports test/support/registry.ts: product code never imports tests, benchmarks or scripts',
      'lib/config/validate.ts:3 imports lib/canary-function.ts: configuration validation runs before any construct exists, and in preflight: it imports nothing of the CDK',
      'lib/validation.ts:3 imports aws-cdk-lib/aws-lambda-nodejs: configuration validation runs before any construct exists, and in preflight: it imports nothing of the CDK',
      'lib/validation.ts:3 imports aws-cdk-lib: configuration validation runs before any construct exists, and in preflight: it imports nothing of the CDK',
      'lib/config/validate.ts:3 imports aws-cdk-lib/region-info: configuration validation runs before any construct exists, and in preflight: it imports nothing of the CDK',
      'lambda/preflight/config.ts:3 imports lib/canary-stack.ts: lambda/ never imports lib/',
      'lambda/preflight/run.ts:3 imports lib/config/load.ts: lambda/ never imports lib/',
      'lambda/handler.ts:3 imports lambda/preflight/run.ts: only the command table (lambda/commands.ts) loads preflight',
    ]);
    expect(
      violations([
        edge('lambda/model/x.ts', 'lambda/model/y.ts'),
        edge('lambda/model/x.ts', 'node:crypto'),
        edge('lambda/probe/probe.ts', 'lambda/model/target.ts'),
        edge('lib/validation.ts', 'lambda/model/limits.ts'),
        edge('bin/probe.ts', 'lambda/cli.ts'),
        { ...edge('lib/config/schema.ts', 'lib/canary-function.ts'), typeOnly: true },
        edge('lambda/preflight/config.ts', 'lib/config/load.ts'),
        edge('lambda/preflight/config.ts', 'lib/alarm-naming.ts'),
        edge('lambda/commands.ts', 'lambda/preflight/cli.ts'),
      ]),
    ).toEqual([]);
  });

  it('resolves relative specifiers against the importing file', () => {
    expect(edgesOf('lib/config/validate.ts', "import { x } from '../../lambda/probe/probe.ts';")).toEqual([
      { from: 'lib/config/validate.ts', to: 'lambda/probe/probe.ts', line: 1 },
    ]);
  });
});
