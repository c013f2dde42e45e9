/**
 * A deck as a reveal.js presentation, with the runner's client plugin.
 */
import type { Deck } from "../../deck/render-deck.ts";
import { blockIds, type RecordedBlock, type Recording } from "../../recording/recording.ts";
import { escapeHtml, jsonForScript, page } from "./html.ts";

/** reveal.js themes a deck may name in its front matter (`theme: white`). */
const THEMES = new Set(["black", "white", "league", "beige", "night", "serif", "simple", "solarized", "moon", "dracula", "sky", "blood", "black-contrast", "white-contrast"]);
/** The theme when the deck names none. */
export const DEFAULT_THEME = "black";

/** What the client plugin reads from the page. */
export interface DeckPageData {
  name: string;
  /** A static export: there is no runner to reach, only recordings. */
  static: boolean;
  blocks: Array<{
    index: number;
    /** The block's stable id (see `blockIds`). */
    id: string;
    slide: number;
    kind: string;
    language: string;
    code: string;
    /** What the block printed when the deck was recorded, or `null`. */
    recording: Pick<RecordedBlock, "status" | "message" | "lines" | "stoppedAfterMs" | "skipped" | "trace"> | null;
  }>;
}

/** How to render a deck page. */
export interface DeckPageOptions {
  /** The deck's recorded output. @default null */
  recording?: Recording | null;
  /** Prefix of the page's asset URLs: `/` when served, `../` in a static export. @default "/" */
  base?: string;
  /** A static export (see {@link DeckPageData.static}). @default false */
  static?: boolean;
}

/**
 * Renders a deck page.
 *
 * @param deck - the rendered deck.
 * @param options - see {@link DeckPageOptions}.
 */
export function renderDeckPage(deck: Deck, options: DeckPageOptions = {}): string {
  const base = options.base ?? "/";
  const theme = THEMES.has(deck.frontMatter["theme"] ?? "") ? deck.frontMatter["theme"]! : DEFAULT_THEME;
  const sections = deck.slides
    .map((slide, i) => {
      const attributes = slide.attributes.map(([name, value]) => ` ${escapeHtml(name)}="${escapeHtml(value)}"`).join("");
      const notes = slide.notesHtml === "" ? "" : `<aside class="notes">${slide.notesHtml}</aside>`;
      return `<section data-slide="${i}"${attributes}>\n${slide.html}${notes}</section>`;
    })
    .join("\n");
  const ids = blockIds(deck.blocks);
  const data: DeckPageData = {
    name: deck.name,
    static: options.static ?? false,
    blocks: deck.blocks.map(({ index, slide, kind, language, code }, i) => {
      const recorded = kind === "exec" ? options.recording?.blocks[ids[i]!] : undefined;
      return {
        index, id: ids[i]!, slide, kind, language, code,
        recording: recorded
          ? { status: recorded.status, message: recorded.message, lines: recorded.lines, stoppedAfterMs: recorded.stoppedAfterMs, ...(recorded.skipped ? { skipped: recorded.skipped } : {}), ...(recorded.trace ? { trace: recorded.trace } : {}) }
          : null,
      };
    }),
  };
  const asset = (file: string) => escapeHtml(`${base}${file}`);
  const head = [
    `<link rel="stylesheet" href="${asset("vendor/reveal/reset.css")}">`,
    `<link rel="stylesheet" href="${asset("vendor/reveal/reveal.css")}">`,
    `<link rel="stylesheet" href="${asset(`vendor/reveal/theme/${theme}.css`)}">`,
    `<link rel="stylesheet" href="${asset("vendor/reveal/plugin/highlight/monokai.css")}">`,
    `<link rel="stylesheet" href="${asset("assets/runner.css")}">`,
  ].join("\n");
  const body = `<div class="reveal"><div class="slides">
${sections}
</div></div>
<script type="application/json" id="twb-deck">${jsonForScript(data)}</script>
<script src="${asset("vendor/reveal/reveal.js")}"></script>
<script src="${asset("vendor/reveal/plugin/highlight.js")}"></script>
<script src="${asset("vendor/reveal/plugin/notes.js")}"></script>
<script src="${asset("vendor/reveal/plugin/search.js")}"></script>
<script src="${asset("vendor/reveal/plugin/zoom.js")}"></script>
<script src="${asset("assets/runner-client.js")}"></script>`;
  return page(deck.title, body, head);
}
