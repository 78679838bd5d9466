/**
 * The relative links of Markdown pages and whether each leads somewhere: the docs-links test checks the
 * repository's pages with it, the package test the pages inside the installed tarball.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { headingAnchors, htmlIds } from './markdown-anchors.ts';

/**
 * Markdown without its fenced code blocks and (unless `keepInlineCode`) inline code spans, where a `[x](y)` is
 * not a link; line numbers are kept.
 */
export function proseOf(markdown: string, keepInlineCode = false): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (opener?.startsWith(fence)) fence = null;
      out.push('');
      continue;
    }
    if (opener) {
      fence = opener;
      out.push('');
      continue;
    }
    out.push(keepInlineCode ? line : line.replace(/(`+)[\s\S]*?\1/g, ''));
  }
  return out.join('\n');
}

/** The targets of the inline links `[text](target)` and images of a page, code aside. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of proseOf(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (match[1]) targets.push(match[1]);
  }
  return targets;
}

/** What is wrong with one relative link of `page`, or null when it resolves; paths in the text relative to `root`. */
export function brokenLink(root: string, page: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:, file: …
  const [path = '', fragment] = target.split('#', 2);
  const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
  if (!existsSync(file)) return `${target}: no file ${relative(root, file)}`;
  if (fragment === undefined || fragment === '') return null;
  if (statSync(file).isDirectory() || !/\.(md|html)$/.test(file))
    return `${target}: a #fragment on a file that is not a page`;
  // A web page (docs/runbooks.html) is opened at the element with that id; browsers match it exactly.
  if (file.endsWith('.html'))
    return htmlIds(readFileSync(file, 'utf8')).includes(fragment)
      ? null
      : `${target}: no element with the id ${fragment} in ${relative(root, file)}`;
  return headingAnchors(readFileSync(file, 'utf8')).has(fragment.toLowerCase())
    ? null
    : `${target}: no heading with the anchor #${fragment} in ${relative(root, file)}`;
}

/** Every link of `pages` that leads nowhere, as "page: problem", the page relative to `root`. */
export function brokenLinks(root: string, pages: readonly string[]): string[] {
  return pages.flatMap((page) =>
    linkTargets(readFileSync(page, 'utf8'))
      .map((target) => brokenLink(root, page, target))
      .filter((problem): problem is string => problem !== null)
      .map((problem) => `${relative(root, page)}: ${problem}`),
  );
}
