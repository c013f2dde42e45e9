/**
 * A block or console line → the step a session process evaluates (see `protocol.ts`).
 */
import type { ExecLanguage } from "../deck/fence-info.ts";
import type { RunStep } from "./protocol.ts";
import { transformBlock } from "./transform-block.ts";

/**
 * Prepares code for a session: TypeScript is transformed so that its top-level names persist
 * (see `transformBlock`); Python is sent as it is.
 *
 * @param language - the session's language.
 * @param code - the block's code or the console line.
 * @param label - what stack traces call it (`block-3`, `console`); `.ts` is added for TypeScript.
 * @param mode - `console` also reports the value of a final expression.
 * @returns the step.
 * @throws BlockSyntaxError when TypeScript code does not parse.
 * @example
 * toRunStep("typescript", "const x = 1", "block-0", "block").label // "block-0.ts"
 */
export function toRunStep(language: ExecLanguage, code: string, label: string, mode: "block" | "console"): RunStep {
  if (language === "python") return { label, code, mode };
  const key = `${mode}\0${label}\0${code}`;
  let transformed = cache.get(key);
  if (transformed === undefined) {
    transformed = transformBlock(code, { mode, fileName: `${label}.ts` }).code;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, transformed);
  }
  return { label: `${label}.ts`, code: transformed, mode };
}

/**
 * Transformed blocks, by mode, label and code. A class that opens a deck at once runs the same
 * blocks: the server's one thread transforms each once (a transform takes milliseconds).
 */
const cache = new Map<string, string>();
/** Blocks kept; the oldest is dropped first. */
const CACHE_LIMIT = 500;
