/**
 * Reading a fence's info string: ```` ```exec python timeout=120 [1|2-3] ````.
 */

/** Languages a block can run in. */
export type ExecLanguage = "typescript" | "python";

/** What a fence's info string says. */
export interface FenceInfo {
  /** `exec` (shown, runnable), `exechidden` (hidden, runs first as setup) or `null` (plain code). */
  exec: "exec" | "exechidden" | null;
  /** The highlight language (`typescript`, `python`, `text`...), `""` when none was given. */
  language: string;
  /** reveal.js line-highlight steps (`1|2-3`), or `null`. */
  lineNumbers: string | null;
  /** `key=value` attributes, such as `timeout=120`; a bare flag such as `trace` is `trace=true`. */
  attributes: Record<string, string>;
}

/** Words that are flags, not languages: ```` ```exec trace ```` asks for the task pictures. */
const FLAGS = new Set(["trace"]);

const LANGUAGE_ALIASES: Record<string, string> = {
  ts: "typescript",
  typescript: "typescript",
  js: "javascript",
  javascript: "javascript",
  py: "python",
  python: "python",
  python3: "python",
};

/**
 * Parses a fence's info string.
 *
 * @param info - the text after the opening fence, e.g. `exec python timeout=120`.
 * @returns the parsed info; `language` is `""` when the fence names none (an `exec` block then
 * runs in the deck's default language).
 * @example
 * parseFenceInfo("exec python").language // "python"
 */
export function parseFenceInfo(info: string): FenceInfo {
  const result: FenceInfo = { exec: null, language: "", lineNumbers: null, attributes: {} };
  let rest = info.trim();
  const lines = /\[([\d\s,|-]*)\]/.exec(rest);
  if (lines) {
    result.lineNumbers = lines[1]!.replace(/\s+/g, "");
    rest = rest.replace(lines[0], " ");
  }
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf("=");
    if (eq > 0) {
      result.attributes[word.slice(0, eq)] = word.slice(eq + 1).replace(/^(["'])(.*)\1$/, "$2");
    } else if ((word === "exec" || word === "exechidden") && result.exec === null && result.language === "") {
      result.exec = word;
    } else if (FLAGS.has(word)) {
      result.attributes[word] = "true";
    } else if (result.language === "") {
      result.language = LANGUAGE_ALIASES[word.toLowerCase()] ?? word.toLowerCase();
    }
  }
  return result;
}

/**
 * The language a runnable block executes in, or `null` when it cannot run.
 *
 * @param language - the fence's highlight language.
 */
export function execLanguageOf(language: string): ExecLanguage | null {
  if (language === "typescript" || language === "javascript") return "typescript";
  if (language === "python") return "python";
  return null;
}
