/**
 * Splitting a deck's Markdown into slides, before markdown-it sees it.
 *
 * Splitting happens on lines, not tokens, because a separator must end a slide even where
 * Markdown would read it as something else (`text` followed by `====` is a setext heading).
 * Lines inside fenced code blocks never split.
 */

/** The horizontal separators a deck may use. */
export type SlideSeparator = "---" | "====";

/** One slide's source, still Markdown. */
export interface RawSlide {
  /** The slide's Markdown, without its speaker notes. */
  markdown: string;
  /** The Markdown after the `Note:` line, or `""`. */
  notes: string;
  /** 1-based line of the slide's first line in the deck file, for error messages. */
  startLine: number;
}

/** A deck split into front matter and slides. */
export interface SplitDeck {
  frontMatter: Record<string, string>;
  separator: SlideSeparator;
  slides: RawSlide[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const DASH_SEPARATOR = /^---\s*$/;
const EQUALS_SEPARATOR = /^={4,}\s*$/;
/** reveal.js's default `notesSeparator`, so decks written for it keep working. */
const NOTES_LINE = /^\s*notes?:\s*/i;
const FRONT_MATTER_LINE = /^([A-Za-z][\w-]*):\s*(.*)$/;

/**
 * Splits a deck into slides.
 *
 * The separator is `---` unless the front matter says `separator: ====`, or the deck has
 * `====` lines and no `---` line (a deck in the seed talk's format, accepted as it is).
 *
 * @param source - the deck's Markdown.
 * @returns the front matter (simple `key: value` lines between two `---` at the very top) and the slides.
 * @example
 * splitSlides("# A\n---\n# B\nNote: say hi").slides[1].notes // "say hi"
 */
export function splitSlides(source: string): SplitDeck {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const { frontMatter, bodyStart } = readFrontMatter(lines);
  const outside = linesOutsideFences(lines, bodyStart);
  const separator = chooseSeparator(frontMatter, lines, outside);
  const isSeparator = separator === "====" ? EQUALS_SEPARATOR : DASH_SEPARATOR;

  const slides: RawSlide[] = [];
  let current: string[] = [];
  let currentStart = bodyStart + 1;
  const flush = () => {
    slides.push({ ...splitNotes(current, outside, currentStart - 1), startLine: currentStart });
  };
  for (let i = bodyStart; i < lines.length; i++) {
    if (outside.has(i) && isSeparator.test(lines[i]!)) {
      flush();
      current = [];
      currentStart = i + 2;
    } else {
      current.push(lines[i]!);
    }
  }
  flush();
  return { frontMatter, separator, slides: slides.filter((s, i) => i > 0 || s.markdown.trim() !== "" || s.notes !== "") };
}

function readFrontMatter(lines: string[]): { frontMatter: Record<string, string>; bodyStart: number } {
  const frontMatter: Record<string, string> = {};
  if (lines[0] !== "---") return { frontMatter, bodyStart: 0 };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "---") return { frontMatter, bodyStart: i + 1 };
    const match = FRONT_MATTER_LINE.exec(line);
    // Anything else means the leading `---` was a separator after an empty first slide.
    if (!match) break;
    frontMatter[match[1]!.toLowerCase()] = match[2]!.trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return { frontMatter: {}, bodyStart: 0 };
}

/** Indexes of the lines that are not inside a fenced code block (fence lines themselves count as inside). */
function linesOutsideFences(lines: string[], start: number): Set<number> {
  const outside = new Set<number>();
  let fence: string | null = null;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence === null) {
      const open = FENCE_OPEN.exec(line);
      if (open) fence = open[1]!;
      else outside.add(i);
    } else {
      const close = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
      if (close.test(line)) fence = null;
    }
  }
  return outside;
}

function chooseSeparator(frontMatter: Record<string, string>, lines: string[], outside: Set<number>): SlideSeparator {
  const declared = frontMatter["separator"];
  if (declared === "====" || declared === "---") return declared;
  let equals = false;
  for (const i of outside) {
    if (DASH_SEPARATOR.test(lines[i]!)) return "---";
    if (EQUALS_SEPARATOR.test(lines[i]!)) equals = true;
  }
  return equals ? "====" : "---";
}

function splitNotes(slideLines: string[], outside: Set<number>, firstIndex: number): { markdown: string; notes: string } {
  for (let j = 0; j < slideLines.length; j++) {
    if (outside.has(firstIndex + j) && NOTES_LINE.test(slideLines[j]!)) {
      const rest = [slideLines[j]!.replace(NOTES_LINE, ""), ...slideLines.slice(j + 1)];
      return { markdown: slideLines.slice(0, j).join("\n").trim(), notes: rest.join("\n").trim() };
    }
  }
  return { markdown: slideLines.join("\n").trim(), notes: "" };
}
