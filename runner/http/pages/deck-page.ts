/**
 * A deck as a reveal.js presentation, with the runner's client plugin.
 */
import type { Deck } from "../../deck/render-deck.ts";
import { escapeHtml, jsonForScript, page } from "./html.ts";

/** reveal.js themes a deck may name in its front matter (`theme: white`). */
const THEMES = new Set(["black", "white", "league", "beige", "night", "serif", "simple", "solarized", "moon", "dracula", "sky", "blood", "black-contrast", "white-contrast"]);
/** The theme when the deck names none. */
export const DEFAULT_THEME = "black";

/** What the client plugin reads from the page. */
export interface DeckPageData {
  name: string;
  blocks: Array<{ index: number; slide: number; kind: string; language: string; code: string }>;
}

/**
 * Renders a deck page.
 *
 * @param deck - the rendered deck.
 */
export function renderDeckPage(deck: Deck): string {
  const theme = THEMES.has(deck.frontMatter["theme"] ?? "") ? deck.frontMatter["theme"]! : DEFAULT_THEME;
  const sections = deck.slides
    .map((slide, i) => {
      const attributes = slide.attributes.map(([name, value]) => ` ${escapeHtml(name)}="${escapeHtml(value)}"`).join("");
      const notes = slide.notesHtml === "" ? "" : `<aside class="notes">${slide.notesHtml}</aside>`;
      return `<section data-slide="${i}"${attributes}>\n${slide.html}${notes}</section>`;
    })
    .join("\n");
  const data: DeckPageData = {
    name: deck.name,
    blocks: deck.blocks.map(({ index, slide, kind, language, code }) => ({ index, slide, kind, language, code })),
  };
  const head = [
    `<link rel="stylesheet" href="/vendor/reveal/reset.css">`,
    `<link rel="stylesheet" href="/vendor/reveal/reveal.css">`,
    `<link rel="stylesheet" href="/vendor/reveal/theme/${theme}.css">`,
    `<link rel="stylesheet" href="/vendor/reveal/plugin/highlight/monokai.css">`,
    `<link rel="stylesheet" href="/assets/runner.css">`,
  ].join("\n");
  const body = `<div class="reveal"><div class="slides">
${sections}
</div></div>
<script type="application/json" id="twb-deck">${jsonForScript(data)}</script>
<script src="/vendor/reveal/reveal.js"></script>
<script src="/vendor/reveal/plugin/highlight.js"></script>
<script src="/vendor/reveal/plugin/notes.js"></script>
<script src="/vendor/reveal/plugin/search.js"></script>
<script src="/vendor/reveal/plugin/zoom.js"></script>
<script src="/assets/runner-client.js"></script>`;
  return page(deck.title, body, head);
}
