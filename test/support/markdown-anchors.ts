/** What a `#fragment` of a link opens at: the anchors of a Markdown page's headings, the ids of a web page. */

/**
 * GitHub's anchor for a heading: its text without markup, lower-cased, every character that is not a letter,
 * digit, space, hyphen or underscore dropped, spaces made hyphens; a repeated anchor gets -1, -2, ….
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (opener?.startsWith(fence)) fence = null;
      continue;
    }
    if (opener) {
      fence = opener;
      continue;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * The ids of a generated web page's elements, in document order (a repeat shows twice): what a `#fragment` of a
 * link into it can open at. Enough for pages we write ourselves, where every id is a double-quoted attribute.
 */
export function htmlIds(html: string): string[] {
  return [...html.matchAll(/<[a-z][a-z0-9]*\s[^>]*?\bid="([^"]*)"/g)].map((match) => match[1] as string);
}
