import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The anchors (aws-cdk's Canary) keep constructors near 50 lines and delegate to createXxx steps. */
const MAX_CONSTRUCTOR_LINES = 60;
/** Product code: the constructs and the function code. */
const PRODUCT_DIRS = ['lib', 'lambda'];
const ROOT = join(import.meta.dirname, '..');

interface Constructor {
  /** `file:line ClassName` */
  readonly where: string;
  /** From `constructor(` to its closing brace, both included. */
  readonly lines: number;
}

/** Every constructor with a body in one source text, found by the TypeScript parser (not a pattern). */
function constructorsIn(fileName: string, text: string): Constructor[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Constructor[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isConstructorDeclaration(node) && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const owner = ts.isClassLike(node.parent) ? (node.parent.name?.text ?? '(anonymous class)') : '?';
      found.push({ where: `${fileName}:${first + 1} ${owner}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function productFiles(): string[] {
  return PRODUCT_DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
      .map((path) => join(ROOT, dir, path)),
  );
}

function tooLong(constructors: Constructor[]): string[] {
  return constructors
    .filter((ctor) => ctor.lines > MAX_CONSTRUCTOR_LINES)
    .map((ctor) => `${ctor.where}: ${ctor.lines} lines`);
}

describe(`product constructors (lib/, lambda/) stay within ${MAX_CONSTRUCTOR_LINES} lines`, () => {
  it('measures a constructor from its keyword to its closing brace, in any class', () => {
    // GIVEN a constructor of exactly the limit and one a line over, one of them in a class expression
    const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `    this.x${i} = ${i};`);
    const text = [
      'export class AtLimit {',
      '  /** Comments above do not count. */',
      '  constructor() {',
      ...body(MAX_CONSTRUCTOR_LINES),
      '  }',
      '}',
      'export const Over = class {',
      '  constructor(a: string) {',
      ...body(MAX_CONSTRUCTOR_LINES + 1),
      '  }',
      '};',
      'declare class Ambient { constructor(); }',
    ].join('\n');
    // WHEN measured
    const found = constructorsIn('sample.ts', text);
    // THEN both are found with their exact length (the body-less declaration is not), and only the second fails
    expect(found).toEqual([
      { where: 'sample.ts:3 AtLimit', lines: MAX_CONSTRUCTOR_LINES },
      { where: `sample.ts:${MAX_CONSTRUCTOR_LINES + 5} (anonymous class)`, lines: MAX_CONSTRUCTOR_LINES + 1 },
    ]);
    expect(tooLong(found)).toEqual([
      `sample.ts:${MAX_CONSTRUCTOR_LINES + 5} (anonymous class): ${MAX_CONSTRUCTOR_LINES + 1} lines`,
    ]);
  });

  it('holds for every constructor in lib/**/*.ts and lambda/**/*.ts', () => {
    // GIVEN the product sources
    const files = productFiles();
    // WHEN every constructor is measured
    const constructors = files.flatMap((file) =>
      constructorsIn(relative(ROOT, file), readFileSync(file, 'utf8')),
    );
    // THEN the constructs are among them (the walk reached them) and none is over the limit
    expect(constructors.map((ctor) => ctor.where)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^lib\/ecr-pull-canary\.ts:\d+ EcrPullCanary$/)]),
    );
    expect(tooLong(constructors)).toEqual([]);
  });
});
