/**
 * markdown-it plugin: ```` ```exec ```` and ```` ```exechidden ```` fences become runnable blocks.
 *
 * A core rule reads each fence's `token.info` once and keeps the result in `token.meta`; the
 * renderer only reads `meta`, it never changes tokens.
 */
import type { MarkdownIt, StateCore, Token } from "markdown-it";
import { execLanguageOf, parseFenceInfo, type ExecLanguage, type FenceInfo } from "./fence-info.ts";

/** One runnable block of a deck, in document order. */
export interface ExecBlock {
  /** Position among the deck's runnable blocks, from 0: the id the API uses. */
  index: number;
  /** The slide the block is on, from 0. */
  slide: number;
  /** `exec` is shown with a Run button; `exechidden` is hidden and runs first, as setup. */
  kind: "exec" | "exechidden";
  language: ExecLanguage;
  code: string;
  /** Wall-time limit asked for by the fence (`timeout=120`), in seconds, or `null` for the default. */
  timeoutSeconds: number | null;
  /**
   * The fence's `key=value` attributes, as written. Besides `timeout`, the recorder reads
   * `stop-after=S` (press Stop S seconds in), `record=background` (go on with the next blocks
   * while this one serves) and `check=status` (compare only how the run ended).
   */
  attributes: Record<string, string>;
}

/** The render environment a deck passes to `md.render`; the plugin appends to `blocks`. */
// A type alias, not an interface, so that it fits markdown-it's `Env` index signature.
export type DeckRenderEnv = {
  blocks: ExecBlock[];
  slide: number;
  /** The language of an `exec` fence that names none. @default "typescript" */
  defaultLanguage?: ExecLanguage;
};

interface FenceMeta {
  fence: FenceInfo;
  block: ExecBlock | null;
}

/**
 * Installs the exec fence rule and renderer.
 *
 * @param md - the markdown-it instance.
 * @example
 * const md = new MarkdownIt().use(execFencePlugin);
 * const env: DeckRenderEnv = { blocks: [], slide: 0 };
 * md.render("```exec\nconsole.log(1)\n```", env); // env.blocks[0].code === "console.log(1)\n"
 */
export function execFencePlugin(md: MarkdownIt): void {
  md.core.ruler.push("exec_fences", (state: StateCore) => {
    const env = state.env as Partial<DeckRenderEnv>;
    for (const token of state.tokens) {
      if (token.type !== "fence") continue;
      const fence = parseFenceInfo(token.info);
      if (fence.exec !== null && fence.language === "") fence.language = env.defaultLanguage ?? "typescript";
      let block: ExecBlock | null = null;
      const language = execLanguageOf(fence.language);
      if (fence.exec !== null && language !== null) {
        const timeout = Number(fence.attributes["timeout"]);
        block = {
          index: env.blocks?.length ?? 0,
          slide: env.slide ?? 0,
          kind: fence.exec,
          language,
          code: token.content,
          timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : null,
          attributes: { ...fence.attributes },
        };
        env.blocks?.push(block);
      }
      token.meta = { ...(token.meta ?? {}), fence, block } satisfies FenceMeta;
    }
  });

  md.renderer.rules.fence = (tokens: Token[], idx: number) => {
    const token = tokens[idx]!;
    const { fence, block } = ((token.meta as unknown) ?? { fence: parseFenceInfo(token.info), block: null }) as FenceMeta;
    if (block?.kind === "exechidden") {
      return `<div class="exec-block exec-hidden" data-block="${block.index}" data-language="${block.language}" hidden></div>\n`;
    }
    const code = codeElement(md, token.content, fence);
    if (block === null) return `<pre>${code}</pre>\n`;
    const timeout = block.timeoutSeconds === null ? "" : ` data-timeout="${block.timeoutSeconds}"`;
    const trace = block.attributes["trace"] === undefined ? "" : ` data-trace="${md.utils.escapeHtml(block.attributes["trace"])}"`;
    return (
      `<div class="exec-block" data-block="${block.index}" data-language="${block.language}"${timeout}${trace}>` +
      `<pre class="exec-code">${code}</pre>` +
      `<pre class="exec-output" aria-live="polite"></pre>` +
      `</div>\n`
    );
  };
}

function codeElement(md: MarkdownIt, content: string, fence: FenceInfo): string {
  const escape = md.utils.escapeHtml;
  const language = fence.language === "" ? "" : ` class="language-${escape(fence.language)}"`;
  const lines = fence.lineNumbers === null ? "" : ` data-line-numbers="${escape(fence.lineNumbers)}"`;
  // data-noescape: the text is escaped here already; reveal's highlight plugin must not do it twice.
  return `<code${language}${lines} data-noescape>${escape(content)}</code>`;
}
