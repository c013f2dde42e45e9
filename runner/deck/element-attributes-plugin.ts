/**
 * markdown-it plugin: reveal.js's `<!-- .element: class="fragment" -->` comments.
 *
 * reveal.js's own Markdown plugin gives the element that contains such a comment the listed
 * attributes; decks written for it use this for fragments. Here the core rule moves the
 * attributes onto the nearest enclosing visible block token and drops the comment.
 */
import type { MarkdownIt, StateCore, Token } from "markdown-it";

const ELEMENT_COMMENT = /^<!--\s*\.element:\s*([\s\S]*?)\s*-->$/;
const ATTRIBUTE = /([A-Za-z_:][\w:.-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

/**
 * Parses `class="fragment" data-fragment-index=2` into name/value pairs.
 *
 * @param text - the attribute list.
 * @returns the pairs, in order; a bare name has the value `""`.
 */
export function parseAttributes(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const match of text.matchAll(ATTRIBUTE)) {
    pairs.push([match[1]!, match[2] ?? match[3] ?? match[4] ?? ""]);
  }
  return pairs;
}

/**
 * Installs the rule.
 *
 * @param md - the markdown-it instance (needs `html: true` to see comments at all).
 */
export function elementAttributesPlugin(md: MarkdownIt): void {
  md.core.ruler.push("element_attributes", (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.type !== "inline" || !token.children) continue;
      const kept: Token[] = [];
      for (const child of token.children) {
        const match = child.type === "html_inline" ? ELEMENT_COMMENT.exec(child.content.trim()) : null;
        const target = match ? enclosingBlock(tokens, i) : null;
        if (match && target) {
          for (const [name, value] of parseAttributes(match[1]!)) {
            if (name === "class") target.attrJoin("class", value);
            else target.attrSet(name, value);
          }
        } else {
          kept.push(child);
        }
      }
      token.children = kept;
    }
  });
}

/** The nearest visible `*_open` token before `index` that encloses it. */
function enclosingBlock(tokens: Token[], index: number): Token | null {
  let depth = 0;
  for (let j = index - 1; j >= 0; j--) {
    const token = tokens[j]!;
    if (token.nesting === -1) depth++;
    else if (token.nesting === 1) {
      if (depth > 0) depth--;
      else if (!token.hidden) return token;
    }
  }
  return null;
}
