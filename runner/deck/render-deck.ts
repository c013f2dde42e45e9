/**
 * A deck file → the slides' HTML (reveal.js sections) and its runnable blocks.
 */
import markdownIt, { type MarkdownIt } from "markdown-it";
import { elementAttributesPlugin, parseAttributes } from "./element-attributes-plugin.ts";
import { execFencePlugin, type DeckRenderEnv, type ExecBlock } from "./exec-fence-plugin.ts";
import { execLanguageOf, parseFenceInfo, type ExecLanguage } from "./fence-info.ts";
import { splitSlides, type SlideSeparator } from "./split-slides.ts";

/** One slide, rendered. */
export interface RenderedSlide {
  /** The slide's inner HTML. */
  html: string;
  /** The speaker notes' HTML, or `""`. */
  notesHtml: string;
  /** Attributes for the `<section>`, from `<!-- .slide: ... -->`. */
  attributes: Array<[string, string]>;
}

/** A rendered deck. */
export interface Deck {
  /** The file name without `.md`: the deck's id in URLs. */
  name: string;
  title: string;
  separator: SlideSeparator;
  frontMatter: Record<string, string>;
  slides: RenderedSlide[];
  blocks: ExecBlock[];
}

const SLIDE_COMMENT = /<!--\s*\.slide:\s*([\s\S]*?)\s*-->/g;

/**
 * Creates the markdown-it instance decks are rendered with.
 *
 * Raw HTML is allowed: a deck is trusted like any file of the course.
 */
export function createDeckMarkdown(): MarkdownIt {
  return markdownIt({ html: true, linkify: true, typographer: false })
    .use(execFencePlugin)
    .use(elementAttributesPlugin);
}

const sharedMarkdown = createDeckMarkdown();

/**
 * Renders a deck.
 *
 * @param name - the deck's id (file name without `.md`).
 * @param source - the deck's Markdown.
 * @returns the slides and the runnable blocks, numbered in document order.
 * @example
 * renderDeck("demo", "# Hi\n---\n```exec\nconsole.log(1)\n```").blocks.length // 1
 */
export function renderDeck(name: string, source: string, md: MarkdownIt = sharedMarkdown): Deck {
  const split = splitSlides(source);
  const env: DeckRenderEnv = { blocks: [], slide: 0, defaultLanguage: defaultLanguage(split.frontMatter, source) };
  const slides = split.slides.map((raw, slide): RenderedSlide => {
    env.slide = slide;
    const attributes: Array<[string, string]> = [];
    const markdown = raw.markdown.replace(SLIDE_COMMENT, (_, list: string) => {
      attributes.push(...parseAttributes(list));
      return "";
    });
    const html = md.render(markdown, env);
    // Notes are rendered with their own env: a fence in the notes is not a runnable block.
    const notesHtml = raw.notes === "" ? "" : md.render(raw.notes, { blocks: [], slide });
    return { html, notesHtml, attributes };
  });
  return {
    name,
    title: split.frontMatter["title"] ?? firstHeading(md, split.slides.map((s) => s.markdown)) ?? name,
    separator: split.separator,
    frontMatter: split.frontMatter,
    slides,
    blocks: env.blocks,
  };
}

/**
 * The language of `exec` fences that name none: the front matter's `language`, else the one the
 * deck's plain (non-exec) fences use (the seed talk writes ```` ```python ```` examples and bare ```` ```exec ````),
 * else TypeScript.
 */
function defaultLanguage(frontMatter: Record<string, string>, source: string): ExecLanguage {
  const declared = execLanguageOf(parseFenceInfo(frontMatter["language"] ?? "").language);
  if (declared !== null) return declared;
  const counts = { typescript: 0, python: 0 };
  for (const match of source.matchAll(/^ {0,3}(?:`{3,}|~{3,})\s*([^\n`]*)$/gm)) {
    const info = parseFenceInfo(match[1]!);
    // Only plain fences count: an `exec python` block says nothing about the bare ones.
    const language = info.exec === null ? execLanguageOf(info.language) : null;
    if (language !== null) counts[language]++;
  }
  return counts.python > counts.typescript ? "python" : "typescript";
}

function firstHeading(md: MarkdownIt, slides: string[]): string | null {
  for (const markdown of slides) {
    const tokens = md.parse(markdown, { blocks: [], slide: 0 });
    const open = tokens.findIndex((t) => t.type === "heading_open");
    if (open >= 0) return tokens[open + 1]?.content ?? null;
  }
  return null;
}
