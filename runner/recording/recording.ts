/**
 * Recorded output: what every block of a deck printed when run in order in a fresh session,
 * stored beside the deck as `<deck>.recording.json`. The slide shows it when no runner is
 * reachable, in PDF and in the static export; `test/runner/recordings.test.ts` checks that every
 * block still produces it.
 */
import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ExecBlock } from "../deck/exec-fence-plugin.ts";
import type { RunStatus } from "../session/run.ts";

/** The version of the file format; a file of another version is treated as missing. */
export const RECORDING_FORMAT = 1;

/** One printed line. `t` is milliseconds since the block's run started. */
export interface RecordedLine {
  stream: "stdout" | "stderr";
  text: string;
  t: number;
}

/** What one block did. */
export interface RecordedBlock {
  /** The block's position in the deck when it was recorded (informative: the key is its id). */
  index: number;
  kind: ExecBlock["kind"];
  language: ExecBlock["language"];
  /** How the run ended; `null` when it was skipped. */
  status: RunStatus | null;
  /** The runner's message at the end (an error, "Stopped: ..."), or `null`. */
  message: string | null;
  lines: RecordedLine[];
  /** When the recorder pressed Stop, in ms since the run started, or `null` if it did not. */
  stoppedAfterMs: number | null;
  /** How long the run took, in ms. */
  durationMs: number;
  /** Why the block was not run (Python without Trio), or absent. */
  skipped?: string;
  /**
   * For a block whose fence says `trace`: the trace events of its last `trio.run` (see
   * `runtime/trace.ts`), so that PDF and static exports draw its task tree and timeline.
   */
  trace?: unknown[];
}

/** A deck's recording. */
export interface Recording {
  format: typeof RECORDING_FORMAT;
  deck: string;
  /** One entry per block, keyed by {@link blockIds}, in the deck's order. */
  blocks: Record<string, RecordedBlock>;
}

/**
 * Stable ids for a deck's blocks: a hash of each block's language and code, so that an id
 * survives blocks being added or moved elsewhere in the deck and changes when the block's own
 * code does (its recording is then stale). Identical blocks get `-2`, `-3`... in order.
 *
 * @param blocks - the deck's blocks, in order.
 * @returns one id per block, in the same order.
 * @example
 * blockIds([{ language: "typescript", code: "console.log(1)\n" }]) // ["3f1c0e9a2b7d"]
 */
export function blockIds(blocks: ReadonlyArray<Pick<ExecBlock, "language" | "code">>): string[] {
  const seen = new Map<string, number>();
  return blocks.map((block) => {
    const hash = createHash("sha256").update(`${block.language}\0${block.code}`).digest("hex").slice(0, 12);
    const count = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, count);
    return count === 1 ? hash : `${hash}-${count}`;
  });
}

/**
 * Where a deck's recording is stored.
 *
 * @param slidesDir - the folder of decks.
 * @param deck - the deck's name.
 */
export function recordingPath(slidesDir: string, deck: string): string {
  return path.join(slidesDir, `${deck}.recording.json`);
}

/**
 * Reads a deck's recording.
 *
 * @returns the recording, or `null` when there is none (or it is of another format).
 * @throws Error naming the file when it exists but is not valid JSON.
 */
export async function readRecording(file: string): Promise<Recording | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let value: Partial<Recording>;
  try {
    value = JSON.parse(text) as Partial<Recording>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}): run \`npm run record\` to make it again.`);
  }
  if (value.format !== RECORDING_FORMAT || typeof value.blocks !== "object" || value.blocks === null) return null;
  return value as Recording;
}

/** The modification time of a recording file, or -1 when there is none. */
export async function recordingMtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * A recording as stored: one line per block and one per printed line, so that a
 * re-recording's diff shows what changed.
 */
export function formatRecording(recording: Recording): string {
  const blocks = Object.entries(recording.blocks).map(([id, { lines, trace, ...rest }]) => {
    const printed = lines.map((line) => `    ${JSON.stringify(line)}`).join(",\n");
    const head = JSON.stringify(rest).slice(0, -1);
    // A trace is one line of its own: its timings change with every recording.
    const traced = trace === undefined ? "" : `,\n  "trace":${JSON.stringify(trace)}`;
    return `  ${JSON.stringify(id)}: ${head},"lines":[${lines.length === 0 ? "" : `\n${printed}\n  `}]${traced}}`;
  });
  return `{"format":${recording.format},"deck":${JSON.stringify(recording.deck)},"blocks":{\n${blocks.join(",\n")}\n}}\n`;
}

/** Writes a recording (see {@link formatRecording}). */
export async function writeRecording(file: string, recording: Recording): Promise<void> {
  await writeFile(file, formatRecording(recording));
}
