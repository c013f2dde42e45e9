/**
 * Does a fresh run of a deck still produce its recording? Compares what may not vary (the
 * lines, their streams, how each run ended) and tolerates what legitimately does:
 *
 * - the order of lines printed at the same instant (within {@link SAME_INSTANT_MS});
 * - times: decimal numbers within {@link SECONDS_TOLERANCE}, `N ms` within {@link MS_TOLERANCE};
 * - ports, UUIDs, hex addresses, times of day, ISO timestamps, epoch milliseconds and clock
 *   readings of 1000 s and more (a monotonic clock's origin is arbitrary) are normalised away;
 * - for a run the recorder stopped, the lines printed around the moment of Stop;
 * - everything but the end status of a block whose fence says `check=status`.
 */
import type { RecordedBlock, RecordedLine, Recording } from "./recording.ts";

/** Lines whose times differ by at most this much were printed "at the same instant", in ms. */
export const SAME_INSTANT_MS = 30;
/** Lines printed this close before a recorded Stop may or may not be there in another run, in ms. */
export const STOP_MARGIN_MS = 1_000;
/** Decimal numbers (seconds, mostly) may differ by this much plus {@link RELATIVE_TOLERANCE}. */
export const SECONDS_TOLERANCE = 0.3;
/** `N ms` may differ by this much plus {@link RELATIVE_TOLERANCE}. */
export const MS_TOLERANCE = 250;
/**
 * The share of the larger number two times may also differ by: a loaded machine runs late. One
 * second and two still differ.
 */
export const RELATIVE_TOLERANCE = 0.25;

const NORMALISERS: Array<[RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, "<time>"],
  [/\b0x[0-9a-f]{4,}\b/gi, "<hex>"],
  [/\b1\d{12}\b/g, "<epoch-ms>"],
  [/\b(port\s*[:=]?\s*)\d{2,5}\b/gi, "$1<port>"],
  [/((?:127\.\d+\.\d+\.\d+|localhost|::1|0\.0\.0\.0|::)\]?[:.])\d{2,5}\b/g, "$1<port>"],
  // Wall-clock times of day, and readings of a clock whose origin is arbitrary (Trio's current_time).
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, "<time-of-day>"],
  [/\b\d{4,}\.\d+\b/g, "<clock>"],
];
const NUMBER = /(\d+\.\d+)|(\d+)(?=\s?ms\b)/g;

interface Shape {
  key: string;
  seconds: number[];
  ms: number[];
}

function shape(line: RecordedLine): Shape {
  let text = line.text;
  for (const [pattern, replacement] of NORMALISERS) text = text.replace(pattern, replacement);
  const seconds: number[] = [];
  const ms: number[] = [];
  const key = text.replace(NUMBER, (_, decimal: string | undefined, millis: string | undefined) => {
    if (decimal !== undefined) {
      seconds.push(Number(decimal));
      return "<s>";
    }
    ms.push(Number(millis));
    return "<ms>";
  });
  return { key: `${line.stream}\0${key}`, seconds, ms };
}

const close = (a: number, b: number, absolute: number) => Math.abs(a - b) <= absolute + RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));

/** Whether two lines match, tolerating normalised values and times. */
export function linesMatch(expected: RecordedLine, actual: RecordedLine): boolean {
  const e = shape(expected);
  const a = shape(actual);
  return (
    e.key === a.key &&
    e.seconds.every((x, i) => close(x, a.seconds[i]!, SECONDS_TOLERANCE)) &&
    e.ms.every((x, i) => close(x, a.ms[i]!, MS_TOLERANCE))
  );
}

/** Groups lines printed at the same instant. */
function instants(lines: RecordedLine[]): RecordedLine[][] {
  const groups: RecordedLine[][] = [];
  for (const line of lines) {
    const last = groups.at(-1);
    if (last && line.t - last.at(-1)!.t <= SAME_INSTANT_MS) last.push(line);
    else groups.push([line]);
  }
  return groups;
}

/**
 * Matches `expected` against `actual` from `actual[start]` on, instant by instant (any order
 * within an instant).
 *
 * @returns a description of the first difference, or `null`.
 */
function matchSequence(expected: RecordedLine[], actual: RecordedLine[], start: number): string | null {
  let at = start;
  for (const group of instants(expected)) {
    const candidates = actual.slice(at, at + group.length);
    if (candidates.length < group.length) {
      return `expected ${show(group[candidates.length] ?? group[0]!)}, but the output ended after ${actual.length} lines`;
    }
    // Exact matches first: with tolerant numbers, a greedy pass could hand "1.0 s" to the
    // expected "1.5 s" and leave nothing for the expected "1.0 s".
    const left = [...candidates];
    const unmatched: RecordedLine[] = [];
    for (const line of group) {
      const exact = left.findIndex((candidate) => candidate.stream === line.stream && candidate.text === line.text);
      if (exact >= 0) left.splice(exact, 1);
      else unmatched.push(line);
    }
    for (const line of unmatched) {
      const found = left.findIndex((candidate) => linesMatch(line, candidate));
      if (found < 0) return `line ${at + 1}: expected ${show(line)}, got ${candidates.map(show).join(" / ")}`;
      left.splice(found, 1);
    }
    at += group.length;
  }
  return null;
}

function show(line: RecordedLine): string {
  return `${line.stream === "stderr" ? "stderr " : ""}${JSON.stringify(line.text)}`;
}

function firstLine(message: string | null): string {
  return (message ?? "").split("\n")[0]!.trim();
}

/**
 * Compares one block's fresh run with its recording.
 *
 * @param expected - the recording.
 * @param actual - the fresh run.
 * @param statusOnly - compare only how the runs ended (`check=status`).
 * @returns the differences, as sentences; empty when they match.
 */
export function compareBlock(expected: RecordedBlock, actual: RecordedBlock, statusOnly = false): string[] {
  if (expected.status !== actual.status) {
    return [`it ended as \`${actual.status}\`${actual.message ? ` (${firstLine(actual.message)})` : ""}, the recording as \`${expected.status}\``];
  }
  if (statusOnly) return [];
  const problems: string[] = [];
  if (expected.status === "error" && firstLine(expected.message) !== firstLine(actual.message)) {
    const e = { stream: "stderr", text: firstLine(expected.message), t: 0 } as const;
    if (!linesMatch(e, { ...e, text: firstLine(actual.message) })) {
      problems.push(`its error was ${JSON.stringify(firstLine(actual.message))}, the recording's ${JSON.stringify(firstLine(expected.message))}`);
    }
  }
  if (expected.stoppedAfterMs === null) {
    const difference = matchSequence(expected.lines, actual.lines, 0);
    if (difference) problems.push(difference);
    else if (actual.lines.length > expected.lines.length) {
      problems.push(`it printed ${actual.lines.length - expected.lines.length} more lines, from ${show(actual.lines[expected.lines.length]!)}`);
    }
    return problems;
  }
  // Stopped by the recorder: the lines well before Stop must be there first, the lines after
  // it (its `finally` output) last; those around the moment of Stop may differ.
  const stopAt = expected.stoppedAfterMs;
  const steady = expected.lines.filter((l) => l.t < stopAt - Math.min(STOP_MARGIN_MS, stopAt / 2));
  const after = expected.lines.filter((l) => l.t >= stopAt);
  const before = matchSequence(steady, actual.lines, 0);
  if (before) problems.push(before);
  if (actual.lines.length < steady.length + after.length) {
    problems.push(`it printed ${actual.lines.length} lines, fewer than the ${steady.length + after.length} expected before and after Stop`);
  } else {
    const tail = matchSequence(after, actual.lines, actual.lines.length - after.length);
    if (tail) problems.push(`after Stop, ${tail}`);
  }
  return problems;
}

/**
 * Compares a fresh recording of a deck with the stored one.
 *
 * @param expected - the stored recording, or `null` when there is none.
 * @param actual - the fresh one (same deck).
 * @param statusOnly - ids of the blocks to compare by status only.
 * @returns the differences, one sentence each, naming the block; empty when everything matches.
 * Skipped blocks (Python without Trio) are not compared.
 */
export function compareRecording(expected: Recording | null, actual: Recording, statusOnly: Set<string> = new Set()): string[] {
  if (!expected) return [`Deck \`${actual.deck}\` has no recording: run \`npm run record -- ${actual.deck}\`.`];
  const problems: string[] = [];
  for (const [id, fresh] of Object.entries(actual.blocks)) {
    if (fresh.skipped) continue;
    const name = `Block ${fresh.index} (${fresh.kind} ${fresh.language}, id ${id})`;
    const stored = expected.blocks[id];
    if (!stored) {
      problems.push(`${name} has no recording (new or changed code): run \`npm run record -- ${actual.deck}\`.`);
      continue;
    }
    if (stored.skipped) {
      problems.push(`${name} was recorded where it could not run (${stored.skipped}): record it again where it can.`);
      continue;
    }
    for (const difference of compareBlock(stored, fresh, statusOnly.has(id))) problems.push(`${name}: ${difference}.`);
  }
  return problems;
}
