/**
 * Turns the workers' results into the Markdown table `npm run bench` prints (and the README shows).
 */
import type { WorkloadResult } from "./harness.ts";
import { BASELINE_PEER, PEER_IDS, PEER_TITLES, type PeerId, type WorkloadName } from "./peers/index.ts";

/** What one worker produced: a result, or why there is none. */
export type Cell = { ok: true; result: WorkloadResult } | { ok: false; reason: string };
export type Results = Partial<Record<WorkloadName, Partial<Record<PeerId, Cell>>>>;

/** The targets for this runtime (issue 2, "Benchmark"). */
export const TARGETS = {
  "spawn-join": { usPerOp: 2 },
  checkpoints: { usPerOp: 0.5 },
  sleepers: { usPerOp: 3, bytesPerTask: 1024 },
} as const;

interface Row {
  /** `{n}` is replaced by the operation count, e.g. "100k". */
  label: string;
  workload: WorkloadName;
  value: (r: WorkloadResult) => number | undefined;
  format: (v: number) => string;
}

const ROWS: readonly Row[] = [
  { label: "spawn+join {n} tasks, µs/task", workload: "spawn-join", value: (r) => r.usPerOp, format: formatMicros },
  { label: "{n} checkpoints in one task, µs/checkpoint", workload: "checkpoints", value: (r) => r.usPerOp, format: formatMicros },
  { label: "{n} tasks sleeping at once, µs/task", workload: "sleepers", value: (r) => r.usPerOp, format: formatMicros },
  { label: "{n} tasks sleeping at once, bytes/task", workload: "sleepers", value: (r) => r.bytesPerTask, format: formatBytes },
];

export function formatMicros(us: number): string {
  const digits = us >= 100 ? 0 : us >= 10 ? 1 : us >= 1 ? 2 : 3;
  return `${us.toFixed(digits)} µs`;
}

export function formatBytes(bytes: number): string {
  return bytes >= 10_240 ? `${(bytes / 1024).toFixed(1)} KB` : `${Math.round(bytes)} B`;
}

function formatRatio(ratio: number): string {
  const digits = ratio >= 10 ? 0 : ratio >= 1 ? 1 : 2;
  return `${ratio.toFixed(digits)}×`;
}

/** The Markdown table: one row per measurement, one column per peer, ratios to this runtime. */
export function markdownTable(results: Results, n: number, peers: readonly PeerId[] = PEER_IDS): string {
  const count = n % 1000 === 0 ? `${n / 1000}k` : String(n);
  const header = `| workload | ${peers.map((p) => PEER_TITLES[p]).join(" | ")} |`;
  const rule = `| --- | ${peers.map(() => "---:").join(" | ")} |`;
  const lines = [header, rule];
  for (const row of ROWS) {
    const byPeer = results[row.workload] ?? {};
    const base = cellValue(byPeer[BASELINE_PEER], row);
    const cells = peers.map((peer) => {
      const cell = byPeer[peer];
      if (cell === undefined) return "not run";
      if (!cell.ok) return "n/a";
      const value = row.value(cell.result);
      if (value === undefined || Number.isNaN(value)) return "n/a";
      const text = row.format(value);
      return peer === BASELINE_PEER || base === undefined ? text : `${text} (${formatRatio(value / base)})`;
    });
    lines.push(`| ${row.label.replace("{n}", count)} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function cellValue(cell: Cell | undefined, row: Row): number | undefined {
  if (cell === undefined || !cell.ok) return undefined;
  const value = row.value(cell.result);
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** Everything under the table: why cells are empty, notes from the workers, targets. */
export function footnotes(results: Results, peers: readonly PeerId[] = PEER_IDS): string[] {
  const out: string[] = [];
  for (const [workload, byPeer] of Object.entries(results)) {
    for (const peer of peers) {
      const cell = byPeer?.[peer];
      if (cell === undefined) continue;
      if (!cell.ok) out.push(`- ${PEER_TITLES[peer]}, ${workload}: ${cell.reason}`);
      else for (const note of cell.result.notes) out.push(`- ${PEER_TITLES[peer]}, ${workload}: ${note}`);
    }
  }
  return out;
}

/** "spawn-join 1.23 µs ≤ 2 µs ✓" lines for this runtime, or nothing if it did not run. */
export function targetLines(results: Results): string[] {
  const out: string[] = [];
  const check = (label: string, value: number | undefined, limit: number, format: (v: number) => string) => {
    if (value === undefined || Number.isNaN(value)) return;
    out.push(`- ${label}: ${format(value)} (target ≤ ${format(limit)}) ${value <= limit ? "met" : "MISSED"}`);
  };
  const get = (w: WorkloadName) => {
    const cell = results[w]?.[BASELINE_PEER];
    return cell?.ok ? cell.result : undefined;
  };
  check("spawn+join", get("spawn-join")?.usPerOp, TARGETS["spawn-join"].usPerOp, formatMicros);
  check("checkpoint", get("checkpoints")?.usPerOp, TARGETS.checkpoints.usPerOp, formatMicros);
  check("sleepers, time", get("sleepers")?.usPerOp, TARGETS.sleepers.usPerOp, formatMicros);
  check("sleepers, memory", get("sleepers")?.bytesPerTask, TARGETS.sleepers.bytesPerTask, formatBytes);
  return out;
}

/** Which primitive each peer used for each workload. */
export function primitiveLines(results: Results, peers: readonly PeerId[] = PEER_IDS): string[] {
  const out: string[] = [];
  for (const peer of peers) {
    const parts: string[] = [];
    for (const [workload, byPeer] of Object.entries(results)) {
      const cell = byPeer?.[peer];
      if (cell?.ok && cell.result.primitive !== undefined) parts.push(`${workload}: \`${cell.result.primitive}\``);
    }
    if (parts.length > 0) out.push(`- ${PEER_TITLES[peer]}: ${parts.join("; ")}`);
  }
  return out;
}

/** Spawn and wake phases of the sleeper workload, which say where the time per task goes. */
export function sleeperPhases(results: Results, peers: readonly PeerId[] = PEER_IDS): string[] {
  const out: string[] = [];
  for (const peer of peers) {
    const cell = results.sleepers?.[peer];
    if (!cell?.ok || cell.result.phases === undefined) continue;
    const { spawnMs, wakeMs, firstWakeLateMs, sleepMs } = cell.result.phases;
    out.push(
      `- ${PEER_TITLES[peer]}: spawn phase ${spawnMs.toFixed(0)} ms, wake phase ${wakeMs.toFixed(0)} ms ` +
        `(first wake-up ${firstWakeLateMs.toFixed(1)} ms after the deadline), deadline ${sleepMs} ms ahead`,
    );
  }
  return out;
}
