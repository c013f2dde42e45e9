/**
 * What `check` remembers between runs: which exercises passed, and how many
 * hints of each were shown. Kept in `node_modules/.cache/trio-workbook/`, so
 * it is never committed and `npm ci` starts afresh.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The remembered state. */
export interface Progress {
  passed: Record<string, boolean>;
  hintsShown: Record<string, number>;
}

/** Where the state of the workbook at `root` lives. */
export function progressFile(root: string): string {
  return path.join(root, "node_modules", ".cache", "trio-workbook", "progress.json");
}

/** Reads the state; a missing or damaged file reads as a fresh start. */
export function loadProgress(root: string): Progress {
  try {
    const data = JSON.parse(readFileSync(progressFile(root), "utf8")) as Partial<Progress>;
    return { passed: data.passed ?? {}, hintsShown: data.hintsShown ?? {} };
  } catch {
    return { passed: {}, hintsShown: {} };
  }
}

/** Writes the state. */
export function saveProgress(root: string, progress: Progress): void {
  const file = progressFile(root);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
}
