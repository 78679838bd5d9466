/**
 * Where a JSON text first breaks the grammar (RFC 8259), and why, in words a person editing the file can act
 * on. `JSON.parse` says only `at position 85`, and for some mistakes (`tru`, `.5`, a byte-order mark) not even
 * that; its wording also changes between Node.js versions. This scanner only locates the first error: it is
 * called after `JSON.parse` failed, and the value always comes from `JSON.parse`.
 */
export interface JsonSyntaxError {
  /** Zero-based offset into the text. */
  offset: number;
  /** One-based line. */
  line: number;
  /** One-based column, in characters. */
  column: number;
  /** The line as written, without its line break. */
  lineText: string;
  reason: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The first syntax error of `text`, or `undefined` when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return locate(text, error.offset, error.reason);
  }
}

function locate(text: string, offset: number, reason: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const lineStart = Math.max(before.lastIndexOf('\n') + 1, 0);
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  return {
    offset,
    line: before.split('\n').length,
    column: offset - lineStart + 1,
    lineText: text.slice(lineStart, lineEnd).replace(/\r$/, ''),
    reason,
  };
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

function scan(text: string): void {
  let i = 0;
  const found = (): string =>
    i >= text.length ? 'the end of the file' : `"${String.fromCodePoint(text.codePointAt(i) ?? 0)}"`;
  const stop = (expected: string): never => {
    throw new Stop(i, `expected ${expected}, found ${found()}`);
  };
  const whitespace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };

  const value = (): void => {
    whitespace();
    const c = text[i];
    const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else if (literal) i += literal.length;
    else if (c === '/') throw new Stop(i, 'found a comment; JSON has none');
    else if (c === "'") throw new Stop(i, 'found a single quote; JSON strings take double quotes');
    else if (c === '\uFEFF') throw new Stop(i, 'found a byte-order mark inside the text');
    else stop('a value (an object, list, string, number, true, false or null)');
  };

  const object = (): void => {
    i += 1;
    whitespace();
    if (text[i] === '}') {
      i += 1;
      return;
    }
    for (;;) {
      whitespace();
      if (text[i] === '}') throw new Stop(i, 'found "}" after a comma; JSON allows no trailing comma');
      if (text[i] === "'") throw new Stop(i, 'found a single quote; JSON keys take double quotes');
      if (text[i] !== '"') stop('a key in double quotes');
      string();
      whitespace();
      if (text[i] !== ':') stop('":" after the key');
      i += 1;
      value();
      whitespace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === '}') {
        i += 1;
        return;
      }
      stop('"," or "}" after a value');
    }
  };

  const array = (): void => {
    i += 1;
    whitespace();
    if (text[i] === ']') {
      i += 1;
      return;
    }
    for (;;) {
      whitespace();
      if (text[i] === ']') throw new Stop(i, 'found "]" after a comma; JSON allows no trailing comma');
      value();
      whitespace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === ']') {
        i += 1;
        return;
      }
      stop('"," or "]" after a value');
    }
  };

  const string = (): void => {
    i += 1;
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Stop(i, 'a string is not closed before the end of the file');
      if (c === '"') {
        i += 1;
        return;
      }
      if (c < ' ') throw new Stop(i, 'found a line break or control character inside a string');
      if (c === '\\') {
        const escaped = text[i + 1];
        if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i += 2;
        else throw new Stop(i, 'found an invalid escape in a string');
        continue;
      }
      i += 1;
    }
  };

  const number = (): void => {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) stop('a number');
    i = NUMBER.lastIndex;
    // `2000.`, `1e`, `01`: the grammar stops early, and the rest belongs to the same number.
    if (/[.eE0-9]/.test(text[i] ?? '')) throw new Stop(i, 'found a malformed number');
  };

  value();
  whitespace();
  if (i < text.length) stop('the end of the file after the top-level value');
}
