import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RUNBOOKS, remediationFor } from '../lambda/engine/model/runbooks.ts';
import { CATEGORIES } from '../lambda/engine/model/types.ts';
import {
  RUNBOOKS_HTML_PATH,
  RUNBOOKS_PATH,
  renderRunbooks,
  renderRunbooksHtml,
  runbooksContent,
} from '../scripts/runbooks.ts';
import { headingAnchors, htmlIds } from './support/markdown-anchors.ts';

/** HTML character data back to text, in one pass: the five references the page writes. */
function decode(html: string): string {
  const text: Record<string, string> = { lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' };
  return html.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => text[name] ?? '');
}

/** The part of the web page that belongs to one category: from its heading to the next. */
function section(html: string, category: string): string {
  const start = html.indexOf(`<h2 id="${category}">`);
  expect(start, category).toBeGreaterThan(0);
  const end = html.indexOf('<h2 ', start + 1);
  return html.slice(start, end === -1 ? undefined : end);
}

describe('runbooks', () => {
  it.each(CATEGORIES)('%s has a title, observation, causes, checks and a fix', (category) => {
    const runbook = RUNBOOKS[category];
    expect(runbook.title.length).toBeGreaterThan(5);
    expect(runbook.saw.length).toBeGreaterThan(20);
    expect(runbook.causes.length).toBeGreaterThan(0);
    expect(runbook.checks.length).toBeGreaterThan(0);
    expect(remediationFor(category)).toBe(runbook.fix);
  });

  it('docs/runbooks.md is what `npm run docs` renders from the source', async () => {
    expect(await readFile(RUNBOOKS_PATH, 'utf8')).toBe(renderRunbooks());
  });

  it('docs/runbooks.html is what `npm run docs` renders from the same source', async () => {
    expect(await readFile(RUNBOOKS_HTML_PATH, 'utf8')).toBe(renderRunbooksHtml());
  });
});

/**
 * Issue 19, item 6: the command links to the web page at `#<category>`, where a browser opens it (it shows a .md
 * as plain text from the top). The page stands alone: no file or address beside it is loaded.
 */
describe('the runbooks web page', () => {
  const html = renderRunbooksHtml();

  it("has exactly one element per category, whose id is the Markdown heading's anchor", () => {
    const ids = htmlIds(html);
    for (const category of CATEGORIES)
      expect(
        ids.filter((id) => id === category),
        category,
      ).toHaveLength(1);
    // The same fragment opens the Markdown page at the same category, by GitHub's anchor rules.
    const anchors = headingAnchors(renderRunbooks());
    expect(CATEGORIES.filter((category) => !anchors.has(category))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows each category's remediation in its own section, escaped", () => {
    // The test means something only if some fix holds a character HTML would read as markup.
    expect(CATEGORIES.some((category) => /[<>&"']/.test(RUNBOOKS[category].fix))).toBe(true);
    for (const category of CATEGORIES) {
      const fix = /<p><strong>Fix\.<\/strong> ([^\n]*)<\/p>/.exec(section(html, category))?.[1];
      expect(fix, category).toBeDefined();
      expect(fix).not.toMatch(/[<>"']/);
      expect(decode(fix ?? '')).toBe(RUNBOOKS[category].fix);
    }
  });

  it('says what the Markdown says: every check, cause and title, in the same order', () => {
    for (const category of CATEGORIES) {
      const text = decode(section(html, category));
      const runbook = RUNBOOKS[category];
      let at = 0;
      for (const piece of [runbook.title, runbook.saw, ...runbook.causes, ...runbook.checks, runbook.fix]) {
        const found = text.indexOf(piece, at);
        expect(found, `${category}: ${piece}`).toBeGreaterThanOrEqual(at);
        at = found + piece.length;
      }
    }
  });

  it('is self-contained UTF-8: declared charset, inline style, no script and nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|\bsrc=|url\(|@import/i);
    // Every link stays on the page.
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);
    expect(hrefs.length).toBe(CATEGORIES.length);
    expect(hrefs.filter((href) => !href?.startsWith('#'))).toEqual([]);
  });

  it('escapes whatever the source says, so no text becomes markup', () => {
    const hostile = `<script>alert("x")</script> & 'it'`;
    const page = renderRunbooksHtml([
      { kind: 'title', text: hostile },
      { kind: 'generated', text: 'a -- b --> c' },
      { kind: 'paragraph', spans: [{ text: hostile, style: 'code', anchor: `a"b` }] },
      { kind: 'table', head: [hostile], rows: [[{ text: hostile }]] },
      { kind: 'section', id: `x" onclick="y`, text: hostile },
      { kind: 'label', text: hostile },
      { kind: 'steps', items: [hostile] },
      { kind: 'commands', language: 'sh', lines: [hostile] },
    ]);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('onclick="y');
    expect(page).not.toContain('b -->');
    // Every place it went, the page's <title> and <h1> both: nine.
    expect(
      page.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;it&#39;/g)?.length,
    ).toBe(9);
  });

  it('is built from the same content as the Markdown: one section block per category', () => {
    const sections = runbooksContent().flatMap((block) => (block.kind === 'section' ? [block.id] : []));
    expect(sections).toEqual([...CATEGORIES]);
  });
});
