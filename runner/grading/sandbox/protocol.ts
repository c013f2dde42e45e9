/**
 * What the sandboxed vitest process tells the grader, and how the grader
 * knows it was not forged.
 *
 * The sandbox's main thread (the grader's own driver; student code only runs
 * in worker threads) writes one JSON record per line to file descriptor 3,
 * each carrying an HMAC-SHA256 made with a per-run key. The key reaches the
 * driver in an environment variable that the driver deletes before any
 * worker starts, and the permission model keeps `/proc/self/environ`
 * unreadable, so student code can write to fd 3 but cannot sign: the grader
 * drops every line whose signature does not verify.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Environment variable that carries the per-run key into the sandbox. */
export const KEY_ENV = "TRIO_GRADER_KEY";
/** The file descriptor the driver writes its records to. */
export const REPORT_FD = 3;

/** The outcome of one test, as the driver saw it. */
export interface TestRecord {
  name: string;
  state: "passed" | "failed" | "skipped";
  /** The first failure message, shortened. */
  message?: string | undefined;
}

/** One record of the report. `run` is a nonce chosen by the grader per run. */
export type ReportRecord =
  | { kind: "module"; run: string; file: string; tests: TestRecord[]; error?: string | undefined; durationMs: number }
  | { kind: "unfinished"; run: string; file: string; reason: string }
  | { kind: "end"; run: string; unhandledErrors: string[] };

/** Serialises and signs a record: `<hex mac> <json>\n`. */
export function signRecord(key: string, record: ReportRecord): string {
  const json = JSON.stringify(record);
  return `${createHmac("sha256", key).update(json).digest("hex")} ${json}\n`;
}

/** Verifies one line; returns the record, or `undefined` when it is not genuine. */
export function verifyLine(key: string, run: string, line: string): ReportRecord | undefined {
  const space = line.indexOf(" ");
  if (space !== 64) return undefined;
  const mac = Buffer.from(line.slice(0, 64), "hex");
  const json = line.slice(65);
  const expected = createHmac("sha256", key).update(json).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
  try {
    const record = JSON.parse(json) as ReportRecord;
    return record.run === run ? record : undefined;
  } catch {
    return undefined;
  }
}
