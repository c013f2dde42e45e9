/**
 * The runner's defaults, in one place. Every limit can be overridden through `createApp`'s deps
 * or `main`'s command-line options.
 */

/** Wall time a run may take before it is cancelled, in seconds; a fence can ask for more (`timeout=120`). */
export const DEFAULT_WALL_TIME_SECONDS = 60;
/** Time a cancelled run gets to finish its `finally` blocks before its process is killed, in ms. */
export const DEFAULT_GRACE_MS = 2_000;
/** Output a run may print before it is cut off with a notice, in bytes. */
export const DEFAULT_OUTPUT_CAP_BYTES = 1_000_000;
/** V8 heap cap of a session process (`--max-old-space-size`), in MB. */
export const DEFAULT_MEMORY_MB = 256;
/** A session whose viewer has not been seen for this long is ended, in ms. */
export const DEFAULT_IDLE_MS = 5 * 60_000;
/** Largest JSON body the API accepts. */
export const DEFAULT_BODY_LIMIT = "256kb";
/** Sessions the server holds at once, over all viewers. */
export const DEFAULT_MAX_SESSIONS = 200;
/** Runs one viewer may hold at once when serving a class (untrusted mode). */
export const DEFAULT_MAX_RUNS_PER_VIEWER = 3;
/** Port `main` listens on when none is given (0 picks a free one). */
export const DEFAULT_PORT = 8077;
/** TypeScript session processes kept started and ready, so that a first Run does not wait for one. */
export const DEFAULT_POOL_SIZE = 4;
