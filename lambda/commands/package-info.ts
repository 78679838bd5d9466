import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import packageJson from '../../package.json' with { type: 'json' };
import type { Category } from '../engine/model/types.ts';

/**
 * What the command says about its own package: its version and where its runbooks are. The one place that reads
 * package.json (esbuild inlines it into dist/cli.mjs, so the installed command needs no file beside it). For the
 * command only: the Lambda functions never import this.
 */
export const VERSION: string = packageJson.version;

/**
 * Where to report a failure `explain` does not recognize (issue 26): package.json's `bugs` (its `url`, or the
 * string), else a web `repository` URL; null while package.json names neither, as today.
 */
export const ISSUES_URL: string | null = issuesUrl(packageJson as { bugs?: unknown; repository?: unknown });

export function issuesUrl(pkg: { bugs?: unknown; repository?: unknown }): string | null {
  const bugs = pkg.bugs;
  if (typeof bugs === 'string' && /^https?:\/\//.test(bugs)) return bugs;
  if (bugs && typeof bugs === 'object' && typeof (bugs as { url?: unknown }).url === 'string')
    return (bugs as { url: string }).url;
  const repository = pkg.repository;
  const url =
    typeof repository === 'string'
      ? repository
      : repository && typeof repository === 'object'
        ? (repository as { url?: unknown }).url
        : undefined;
  if (typeof url !== 'string') return null;
  const web = url.replace(/^git\+/, '').replace(/\.git$/, '');
  return /^https?:\/\//.test(web) ? `${web}/issues` : null;
}

/** The runbooks, as the package ships them (package.json `files`), relative to the package root. */
export const RUNBOOKS_FILE = 'docs/runbooks.md';

/**
 * The same runbooks as a self-contained web page, rendered by `npm run docs` from the same source: the copy the
 * command links to, because a browser opens it at the `#<category>` section, where it shows a .md file as plain
 * text (or downloads it) from the top.
 */
export const RUNBOOKS_HTML_FILE = 'docs/runbooks.html';

/** How many directories above a module's own the package root may be (dist/cli-chunks/ is two below it). */
const PACKAGE_ROOT_MAX_DEPTH = 2;

/** The preflight page, for the read permissions preflight's output points at. */
export const PREFLIGHT_FILE = 'docs/preflight.md';

/**
 * Where a page the package ships (`file`, relative to the package root) is for the person reading this output:
 * `file://` of the installed copy, or, if that copy is missing, the path in the package. The package root is the
 * nearest directory above this module that holds the page beside a package.json: one level up from the bundled
 * command (dist/cli.mjs), two from this source file (lambda/commands/) and from the chunks the command loads lazily
 * (dist/cli-chunks/). package.json names no `homepage` or `repository` today; when it does, a web link derived
 * from it belongs here and nowhere else. `moduleUrl` is injected by tests.
 */
export function docLocation(file: string, moduleUrl: string = import.meta.url): string {
  return installedDoc(file, moduleUrl) ?? file;
}

/** The `file://` URL of the installed copy of `file` (see {@link docLocation}), or undefined when there is none. */
function installedDoc(file: string, moduleUrl: string): string | undefined {
  if (!moduleUrl.startsWith('file:')) return undefined;
  for (let dir = new URL('..', moduleUrl), depth = 0; depth < PACKAGE_ROOT_MAX_DEPTH; depth++) {
    const installed = new URL(file, dir);
    if (existsSync(fileURLToPath(installed)) && existsSync(fileURLToPath(new URL('package.json', dir)))) {
      return installed.href;
    }
    const parent = new URL('..', dir);
    if (parent.href === dir.href) break;
    dir = parent;
  }
  return undefined;
}

/**
 * Where the runbooks are: the installed web page ({@link RUNBOOKS_HTML_FILE}), which a browser opens at the
 * category; without one, {@link docLocation} of the Markdown ({@link RUNBOOKS_FILE}), as before there was a page.
 */
export function runbooksLocation(moduleUrl: string = import.meta.url): string {
  return installedDoc(RUNBOOKS_HTML_FILE, moduleUrl) ?? docLocation(RUNBOOKS_FILE, moduleUrl);
}

/**
 * The link to one category's runbook: the section `npm run docs` writes for it, whose id in the web page is the
 * Markdown heading's anchor, so one fragment serves both.
 */
export function runbookLink(category: Category, location: string = runbooksLocation()): string {
  return `${location}#${category}`;
}
