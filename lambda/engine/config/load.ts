import { readFileSync } from 'node:fs';
import { findJsonSyntaxError, type JsonSyntaxError } from './json-error.ts';
import type { CanaryConfig } from './schema.ts';
import { validateConfig } from './validate.ts';

/** All problems of one configuration file; the message lists them one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];

  constructor(path: string, problems: string[]) {
    super(
      `Invalid canary configuration ${path} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
    this.problems = problems;
  }
}

/** Reads and validates a configuration file; throws {@link ConfigError} with every problem found. */
export function loadConfig(path: string): CanaryConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(path, [
      `(file): got ${code} reading "${path}"; allowed: a readable JSON file (default canary.config.json at the repository root, or -c config=PATH)`,
    ]);
  }
  // Editors on Windows may save UTF-8 with a byte-order mark, which JSON.parse rejects as an invisible token.
  const json = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(path, [invalidJson(json, error as Error)]);
  }
  const { config, problems } = validateConfig(raw);
  if (!config) throw new ConfigError(path, problems);
  return config;
}

const BYTE_ORDER_MARK = '\uFEFF';

/** Longest part of a line shown under a JSON syntax error. */
const EXCERPT_WIDTH = 100;

/** The problem line for a JSON syntax error: where, why, and the line itself with a caret under the spot. */
function invalidJson(text: string, error: Error): string {
  const at = findJsonSyntaxError(text);
  if (!at) return `(file): got invalid JSON (${error.message}); allowed: a JSON object`;
  return `(file): got invalid JSON (line ${at.line}, column ${at.column}: ${at.reason}); allowed: a JSON object\n${excerpt(at)}`;
}

function excerpt(at: JsonSyntaxError): string {
  const line = at.lineText.replace(/\t/g, ' ');
  const index = at.column - 1;
  const start =
    line.length <= EXCERPT_WIDTH ? 0 : Math.max(0, Math.min(index - 60, line.length - EXCERPT_WIDTH));
  const shown = `${start > 0 ? '…' : ''}${line.slice(start, start + EXCERPT_WIDTH)}${start + EXCERPT_WIDTH < line.length ? '…' : ''}`;
  const gutter = String(at.line);
  const caret = ' '.repeat(index - start + (start > 0 ? 1 : 0));
  return `    ${gutter} | ${shown}\n    ${' '.repeat(gutter.length)} | ${caret}^`;
}
