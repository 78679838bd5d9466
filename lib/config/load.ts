import { readFileSync } from 'node:fs';
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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [
      `(file): got invalid JSON (${(error as Error).message}); allowed: a JSON object`,
    ]);
  }
  const { config, problems } = validateConfig(raw);
  if (!config) throw new ConfigError(path, problems);
  return config;
}
