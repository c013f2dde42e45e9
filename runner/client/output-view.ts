/**
 * A block's output area: streamed lines, runner notices, and recorded output (marked as such,
 * shown when no runner is reachable, in PDF and in the static export).
 */
import { ansiToNodes } from "./ansi.ts";

/** An output area scrolled to within this of its bottom follows new lines. */
const FOLLOW_SLACK_PX = 40;

/** One recorded or streamed line. */
export interface OutputLine {
  stream: "stdout" | "stderr";
  text: string;
  t: number;
}

/** A block's recording as the page carries it (see `DeckPageData`). */
export interface BlockRecording {
  status: string | null;
  message: string | null;
  lines: OutputLine[];
  stoppedAfterMs: number | null;
  skipped?: string;
}

/**
 * Appends one line and keeps the newest line in view.
 *
 * @param output - the output element.
 * @param className - `stdout`, `stderr`, `result`, `notice`, `status status-<x>`...
 * @param text - the line; ANSI colours are rendered when `colours` is true, never HTML.
 * @param t - ms since the run started, shown as a stamp when given.
 */
export function appendLine(output: HTMLElement, className: string, text: string, t?: number, colours = true): void {
  const line = document.createElement("span");
  line.className = `line ${className}`;
  if (t !== undefined) {
    const stamp = document.createElement("span");
    stamp.className = "stamp";
    stamp.textContent = `+${(t / 1000).toFixed(2)}s `;
    line.append(stamp);
  }
  if (colours) line.append(ansiToNodes(text));
  else line.append(document.createTextNode(text));
  line.append(document.createTextNode("\n"));
  // Follow the newest line, unless the reader has scrolled up to read an earlier one.
  const following = output.scrollHeight - output.scrollTop - output.clientHeight < FOLLOW_SLACK_PX;
  output.append(line);
  if (following) output.scrollTop = output.scrollHeight;
}

/** Empties an output area and marks it live again. */
export function clearOutput(output: HTMLElement): void {
  output.replaceChildren();
  output.classList.remove("exec-recorded");
}

function recordedLabel(output: HTMLElement, why: string): void {
  output.classList.add("exec-recorded");
  const label = document.createElement("span");
  label.className = "line recorded-label";
  label.textContent = `● Recorded output, not a live run: ${why}\n`;
  output.append(label);
}

function recordedEnd(output: HTMLElement, recording: BlockRecording): void {
  if (recording.stoppedAfterMs !== null && recording.status === "cancelled") {
    appendLine(output, "status status-cancelled", `Stopped after ${(recording.stoppedAfterMs / 1000).toFixed(1)} s: ${recording.message ?? ""}`, undefined, false);
  } else if (recording.message) {
    appendLine(output, `status status-${recording.status}`, recording.message, undefined, false);
  }
}

/**
 * Shows a block's recording all at once (PDF, static export, runner unreachable).
 *
 * @param output - the block's output area.
 * @param recording - the block's recording, or `null` when it has none.
 * @param why - why the recording is shown instead of a live run.
 * @param stamps - show each line's time.
 */
export function showRecording(output: HTMLElement, recording: BlockRecording | null, why: string, stamps = false): void {
  clearOutput(output);
  recordedLabel(output, why);
  if (!recording || recording.skipped) {
    appendLine(output, "notice", recording?.skipped ? `Not recorded: ${recording.skipped}` : "This block has no recording yet: run `npm run record`.", undefined, false);
    return;
  }
  for (const line of recording.lines) appendLine(output, line.stream, line.text, stamps ? line.t : undefined);
  recordedEnd(output, recording);
}

/**
 * Plays a recording back with its original timing, as if it ran.
 *
 * @returns a function that stops the replay.
 */
export function replayRecording(
  output: HTMLElement,
  recording: BlockRecording | null,
  why: string,
  stamps: boolean,
  onEnd: (status: string) => void,
): () => void {
  clearOutput(output);
  recordedLabel(output, why);
  if (!recording || recording.skipped) {
    showRecording(output, recording, why, stamps);
    onEnd("recorded");
    return () => {};
  }
  const timers = recording.lines.map((line) => window.setTimeout(() => appendLine(output, line.stream, line.text, stamps ? line.t : undefined), line.t));
  const last = Math.max(0, ...recording.lines.map((l) => l.t), recording.stoppedAfterMs ?? 0);
  timers.push(window.setTimeout(() => {
    recordedEnd(output, recording);
    onEnd(recording.status ?? "recorded");
  }, last + 1));
  return () => {
    for (const timer of timers) window.clearTimeout(timer);
    appendLine(output, "status status-cancelled", "Replay stopped.", undefined, false);
    onEnd("cancelled");
  };
}
