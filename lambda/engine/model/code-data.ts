/**
 * What the construct puts in a function's code asset beside its bundle, instead of its environment: the targets
 * of the probe, the target names of the workload watcher. Lambda refuses a function whose environment passes
 * 4 KB (SERVICE_LIMITS.lambdaEnvironmentBytes); a file in the code is bounded only by the code size limit, and
 * a change of targets changes the asset's hash, so CloudFormation updates the function's code with it.
 *
 * A value known only at deploy time (a CDK token in construct mode: a repository URI, a role ARN) cannot be
 * written into a file at synthesis. Each such token is written as a placeholder, and its value travels in one
 * small environment variable ({@link CODE_DATA}.valuesEnv, a JSON array), resolved by CloudFormation. Pure: no
 * I/O; the handlers read the file (lambda/functions/code-data-file.ts).
 */

export const CODE_DATA = {
  /** The file beside the bundle's index.js, in the function's task root. */
  file: 'canary-data.json',
  /** JSON array of the values of the deploy-time tokens, by placeholder index; set only when there are some. */
  valuesEnv: 'CANARY_DATA_VALUES',
} as const;

/**
 * NUL around the token's index. No valid configuration string holds a NUL: target names are printable ASCII,
 * image references, ARNs, digests and platforms have patterns without it, and a URL host may not contain one.
 */
const NUL = String.fromCharCode(0);
const PLACEHOLDER = new RegExp(`${NUL}(\\d+)${NUL}`, 'g');

export function placeholder(index: number): string {
  return `${NUL}${index}${NUL}`;
}

export class CodeDataError extends Error {
  override name = 'CodeDataError';
}

/**
 * The document with every placeholder replaced by its value. A placeholder without a value is an error: the
 * function would otherwise probe a reference nobody wrote.
 */
export function resolveCodeData(document: unknown, values: readonly string[]): unknown {
  const resolveString = (text: string): string =>
    text.replace(PLACEHOLDER, (_, index: string) => {
      const value = values[Number(index)];
      if (value === undefined) {
        throw new CodeDataError(
          `${CODE_DATA.file} names deploy-time value ${index}, and ${CODE_DATA.valuesEnv} holds ${values.length}`,
        );
      }
      return value;
    });
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return resolveString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    }
    return value;
  };
  return walk(document);
}

/** The values of {@link CODE_DATA}.valuesEnv: unset is none; anything but a JSON array of strings is an error. */
export function parseCodeDataValues(raw: string | undefined): string[] {
  if (raw === undefined || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new CodeDataError(`${CODE_DATA.valuesEnv}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((value) => typeof value === 'string')) {
    throw new CodeDataError(`${CODE_DATA.valuesEnv}: allowed: a JSON array of strings`);
  }
  return parsed;
}
