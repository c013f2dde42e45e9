/**
 * ANSI colour codes (SGR) → DOM nodes. Text is only ever set with `textContent`: a program that
 * prints `<script>` shows `<script>`.
 */

interface Style {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const COLOURS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];
// Everything ESC starts: SGR (`ESC[...m`) is applied, the rest (cursor moves...) is dropped.
const ESCAPE = /\u001b\[([\d;]*)([A-Za-z])|\u001b[^[]/g;

const plain = (): Style => ({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });

function apply(style: Style, codes: number[]): Style {
  const next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) Object.assign(next, plain());
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) next.bold = next.dim = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.fg = COLOURS[code - 30]!;
    else if (code >= 90 && code <= 97) next.fg = `bright-${COLOURS[code - 90]}`;
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = COLOURS[code - 40]!;
    else if (code >= 100 && code <= 107) next.bg = `bright-${COLOURS[code - 100]}`;
    else if (code === 49) next.bg = null;
    else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : 4; // 256/true colour: skipped
  }
  return next;
}

function span(text: string, style: Style): Node {
  const classes = [
    style.fg && `ansi-fg-${style.fg}`, style.bg && `ansi-bg-${style.bg}`,
    style.bold && "ansi-bold", style.dim && "ansi-dim", style.italic && "ansi-italic", style.underline && "ansi-underline",
  ].filter(Boolean);
  if (classes.length === 0) return document.createTextNode(text);
  const element = document.createElement("span");
  element.className = classes.join(" ");
  element.textContent = text;
  return element;
}

/**
 * Renders one line of output with its colours.
 *
 * @param text - the line, possibly with ANSI escapes.
 * @returns a fragment of text nodes and styled spans.
 */
export function ansiToNodes(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let style = plain();
  let last = 0;
  for (const match of text.matchAll(ESCAPE)) {
    if (match.index! > last) fragment.append(span(text.slice(last, match.index), style));
    if (match[2] === "m") style = apply(style, (match[1] || "0").split(";").map(Number));
    last = match.index! + match[0].length;
  }
  if (last < text.length) fragment.append(span(text.slice(last), style));
  return fragment;
}
