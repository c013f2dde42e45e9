/**
 * The sessions recordings are made in: the same processes and limits as a presentation's
 * (trusted mode), with the deck's folder as working directory.
 */
import { DEFAULT_GRACE_MS, DEFAULT_MEMORY_MB, DEFAULT_OUTPUT_CAP_BYTES, DEFAULT_WALL_TIME_SECONDS } from "../config.ts";
import type { SessionBundler } from "../session/session-bundle.ts";
import { pythonUnavailable, spawnNodeSession, spawnPythonSession } from "../session/spawn.ts";
import type { RecordOptions } from "./record-deck.ts";

/**
 * Options for `recordDeck` with the runner's defaults.
 *
 * @param slidesDir - the folder of decks (relative imports in blocks resolve from it).
 * @param bundler - builds the session process and the runtime; share one between decks.
 */
export function recordOptions(slidesDir: string, bundler: SessionBundler): RecordOptions {
  const spawnOptions = { memoryMb: DEFAULT_MEMORY_MB, baseDir: slidesDir };
  return {
    spawn: (language) => () => (language === "python" ? spawnPythonSession(spawnOptions) : spawnNodeSession(bundler, spawnOptions)),
    limits: {
      wallTimeMs: DEFAULT_WALL_TIME_SECONDS * 1000,
      graceMs: DEFAULT_GRACE_MS,
      outputCapBytes: DEFAULT_OUTPUT_CAP_BYTES,
      memoryMb: DEFAULT_MEMORY_MB,
    },
    pythonUnavailable,
  };
}
