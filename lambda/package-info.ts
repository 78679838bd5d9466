import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import packageJson from '../package.json' with { type: 'json' };
import type { Category } from './model/types.ts';

/**
 * What the command says about its own package: its version and where its runbooks are. The one place that reads
 * package.json (esbuild inlines it into dist/cli.mjs, so the installed command needs no file beside it). For the
 * command only: the Lambda functions never import this.
 */
export const VERSION: string = packageJson.version;

/** The runbooks, as the package ships them (package.json `files`), relative to the package root. */
export const RUNBOOKS_FILE = 'docs/runbooks.md';

/**
 * Where the runbooks are for the person reading this output: `file://` of the installed copy (the package root
 * is one directory above both this source file, lambda/, and the bundled command, dist/cli.mjs), or, if that
 * copy is missing, the path in the package. package.json names no `homepage` or `repository` today; when it
 * does, a web link derived from it belongs here and nowhere else. `moduleUrl` is injected by tests.
 */
export function runbooksLocation(moduleUrl: string = import.meta.url): string {
  const installed = new URL(`../${RUNBOOKS_FILE}`, moduleUrl);
  return installed.protocol === 'file:' && existsSync(fileURLToPath(installed))
    ? installed.href
    : RUNBOOKS_FILE;
}

/** The link to one category's runbook: the heading anchor `npm run docs` writes for it. */
export function runbookLink(category: Category, location: string = runbooksLocation()): string {
  return `${location}#${category}`;
}
