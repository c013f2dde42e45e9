/**
 * Timing and memory measurement for one workload on one JavaScript peer, inside a worker process
 * started with `node --expose-gc --import tsx` (see `worker.ts`).
 *
 * Method, the same for every peer (and mirrored in `peers/python-trio.py`):
 * - Warm-up: `WARMUP_RUNS` untimed runs at a tenth of the size (JIT, inline caches, and for the
 *   sleepers an estimate of how long spawning takes).
 * - Timed runs: up to `repeats`, each preceded by a full GC outside the timed region; the median is
 *   reported. A slow peer stops early once `BUDGET_MS` of timed runs is spent (at least one run),
 *   so the whole suite stays within a few minutes; the run count is in the JSON.
 * - spawn-join and checkpoints: wall time of the whole run (entering and leaving the peer's run
 *   loop included, which is noise at 100,000 operations), over n.
 * - sleepers: every child sleeps until one shared deadline, far enough ahead that all n children
 *   are asleep at once. The idle wait is not the runtime's cost, so the time per task is
 *   (spawn phase: start → last child asleep) + (wake phase: deadline → everything joined), over n.
 *   The deadline distance comes from the spawn and memory-reading times of the previous run (the
 *   warm-up, scaled, for the first); a run where a child woke before the last one fell asleep, or
 *   where the memory reading was not over by the deadline, is discarded and the next run gets a
 *   deadline twice as far.
 * - memory (sleepers): before each timed run, `gc()` twice, then read heapUsed + external. When the
 *   last child is asleep, a plain `setTimeout` outside every peer's scheduler waits `SETTLE_MS` for
 *   the peers to finish parking, then `gc()` twice and reads heapUsed + external again. The growth
 *   over n is the live memory each sleeping task holds (task object, closures, promises, timer
 *   entries); garbage made while spawning is not counted. This happens in the idle gap before the
 *   deadline, which the time per task does not include; a read that lands after the first wake-up is
 *   discarded.
 */
import type { JsPeer, SleepProbe, WorkloadName } from "./peers/index.ts";

/** Marks the one stdout line of a worker that carries its `WorkloadResult` as JSON. */
export const RESULT_PREFIX = "BENCH_RESULT ";
export const WARMUP_RUNS = 2;
/** Warm-up runs use n / WARMUP_DIVISOR operations. */
export const WARMUP_DIVISOR = 10;
/** Timed runs stop once this much time has gone into them (always at least one). */
export const BUDGET_MS = 12_000;
/** Deadline distance of the warm-up sleeper runs (n / WARMUP_DIVISOR children). */
export const WARMUP_SLEEP_MS = 500;
/** Time allowed after the last child fell asleep before memory is read. */
export const SETTLE_MS = 20;

export interface WorkloadResult {
  peer: string;
  workload: WorkloadName;
  n: number;
  /** The peer's primitive for this workload, as shown under the table. */
  primitive?: string;
  /** Median microseconds per task / checkpoint over the timed runs. */
  usPerOp: number;
  /** Every timed run, µs per op. */
  samples: number[];
  /** sleepers: median live bytes per sleeping task (heap + external growth). */
  bytesPerTask?: number;
  /** sleepers: every valid memory reading, bytes per task. */
  bytesSamples?: number[];
  /** sleepers: median phases in ms, and the last deadline distance used. */
  phases?: { spawnMs: number; wakeMs: number; firstWakeLateMs: number; sleepMs: number };
  /** sleepers: every timed run, valid or not, in ms. */
  runs?: Array<{ spawnMs: number; wakeMs: number; memoryMs: number; sleepMs: number; valid: boolean }>;
  notes: string[];
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median() of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fullGc(): void {
  const gc = globalThis.gc;
  if (typeof gc !== "function") {
    throw new Error("global.gc is missing: run the worker as `node --expose-gc --import tsx bench/worker.ts ...`");
  }
  gc();
  gc();
}

function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Runs `once` up to `repeats` times within `BUDGET_MS` (at least once). */
async function timedRuns<T>(repeats: number, once: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  const start = performance.now();
  while (results.length < repeats) {
    const before = performance.now();
    results.push(await once());
    const spent = performance.now() - start;
    // Stop if another run like the last one would overrun the budget.
    if (spent + (performance.now() - before) > BUDGET_MS) break;
  }
  return results;
}

/** Times one of the two simple workloads. */
export async function measureSimple(
  peer: JsPeer,
  workload: "spawn-join" | "checkpoints",
  n: number,
  repeats: number,
): Promise<WorkloadResult> {
  const once = async (size: number): Promise<number> => {
    fullGc();
    const t0 = performance.now();
    if (workload === "spawn-join") {
      const ran = await peer.spawnJoin(size);
      const elapsed = performance.now() - t0;
      if (ran !== size) throw new Error(`${peer.title} spawn-join: expected ${size} children to run, got ${ran}`);
      return (elapsed * 1000) / size;
    }
    await peer.checkpoints(size);
    return ((performance.now() - t0) * 1000) / size;
  };
  const warmN = Math.max(1, Math.floor(n / WARMUP_DIVISOR));
  for (let i = 0; i < WARMUP_RUNS; i++) await once(warmN);
  const samples = await timedRuns(repeats, () => once(n));
  const notes = samples.length < repeats ? [`${samples.length} timed run(s) within the time budget`] : [];
  return { peer: peer.title, workload, n, usPerOp: median(samples), samples, notes };
}

class PhaseProbe implements SleepProbe {
  asleepCount = 0;
  wokenCount = 0;
  tAllAsleep = Number.NaN;
  tFirstWake = Number.NaN;
  constructor(
    private readonly n: number,
    private readonly onAllAsleep?: () => void,
  ) {}
  asleep(): void {
    if (++this.asleepCount === this.n) {
      this.tAllAsleep = performance.now();
      this.onAllAsleep?.();
    }
  }
  woke(): void {
    if (this.wokenCount++ === 0) this.tFirstWake = performance.now();
  }
}

interface SleeperRun {
  spawnMs: number;
  wakeMs: number;
  /** From the last child falling asleep to the end of the memory reading. */
  memoryMs: number;
  firstWakeLateMs: number;
  usPerTask: number;
  /** Every child was asleep before the first one woke. */
  valid: boolean;
  /** NaN when the reading was not taken while every child slept. */
  bytesPerTask: number;
}

async function sleepersOnce(peer: JsPeer, n: number, sleepMs: number, measureMemory: boolean): Promise<SleeperRun> {
  fullGc();
  const before = measureMemory ? liveBytes() : Number.NaN;
  let bytesPerTask = Number.NaN;
  let memoryDone = Number.NaN;
  const probe: PhaseProbe = new PhaseProbe(n, () => {
    if (!measureMemory) return;
    // A plain timer, outside every peer's scheduler: lets the last children finish parking.
    setTimeout(() => {
      if (probe.wokenCount > 0) return;
      fullGc();
      const during = liveBytes();
      memoryDone = performance.now();
      if (probe.wokenCount === 0 && memoryDone < deadline) bytesPerTask = (during - before) / n;
    }, SETTLE_MS);
  });
  const t0 = performance.now();
  const deadline = t0 + sleepMs;
  await peer.sleepers(n, deadline, probe);
  const tEnd = performance.now();
  if (probe.asleepCount !== n || probe.wokenCount !== n) {
    throw new Error(
      `${peer.title} sleepers: expected ${n} children to sleep and wake, got ${probe.asleepCount} asleep / ${probe.wokenCount} woken`,
    );
  }
  const spawnMs = probe.tAllAsleep - t0;
  const wakeMs = tEnd - Math.max(deadline, probe.tAllAsleep);
  return {
    spawnMs,
    wakeMs,
    memoryMs: measureMemory ? memoryDone - probe.tAllAsleep : 0,
    firstWakeLateMs: probe.tFirstWake - deadline,
    usPerTask: ((spawnMs + wakeMs) * 1000) / n,
    // The memory reading must also be over before the deadline, or its GCs would land in the wake phase.
    valid:
      probe.tAllAsleep < probe.tFirstWake && probe.tAllAsleep < deadline && (!measureMemory || memoryDone < deadline),
    bytesPerTask,
  };
}

/**
 * Deadline distance that keeps every child asleep at once and leaves room for the memory reading
 * (a settle delay and two full GCs of a heap holding n tasks).
 */
export function sleepDistanceMs(spawnMs: number, memoryMs: number): number {
  return Math.min(30_000, Math.ceil(1.5 * spawnMs + 1.5 * memoryMs + 200));
}

/** Times the sleeper workload and measures the memory held per sleeping task. */
export async function measureSleepers(peer: JsPeer, n: number, repeats: number): Promise<WorkloadResult> {
  const notes: string[] = [];
  const warmN = Math.max(1, Math.floor(n / WARMUP_DIVISOR));
  let warm: SleeperRun | undefined;
  for (let i = 0; i < WARMUP_RUNS; i++) warm = await sleepersOnce(peer, warmN, WARMUP_SLEEP_MS, true);
  // Spawning and GC scale about linearly; the first timed run corrects the estimate.
  // A warm-up whose memory reading came too late gives no GC time: use the spawn time instead.
  const warmMemoryMs = Number.isFinite(warm!.memoryMs) ? warm!.memoryMs : warm!.spawnMs;
  let sleepMs = sleepDistanceMs((warm!.spawnMs * n) / warmN, (warmMemoryMs * n) / warmN);
  let lastSleepMs = sleepMs;

  const runs = await timedRuns(repeats, async () => {
    lastSleepMs = sleepMs;
    const run = { ...(await sleepersOnce(peer, n, sleepMs, true)), sleepMs };
    sleepMs = run.valid ? sleepDistanceMs(run.spawnMs, run.memoryMs) : sleepMs * 2;
    return run;
  });
  const valid = runs.filter((r) => r.valid);
  if (valid.length < runs.length) {
    const discarded = runs.length - valid.length;
    notes.push(`${discarded} run(s) discarded: a child woke before all were asleep, or the memory reading ran past the deadline`);
  }
  if (valid.length === 0) throw new Error(`${peer.title} sleepers: no valid run (children never all asleep at once)`);
  const bytesSamples = valid.map((r) => r.bytesPerTask).filter((b) => !Number.isNaN(b));
  if (bytesSamples.length === 0) notes.push("no memory reading landed while every child slept");
  if (valid.length < repeats) notes.push(`${valid.length} valid timed run(s) within the time budget`);

  return {
    peer: peer.title,
    workload: "sleepers",
    n,
    usPerOp: median(valid.map((r) => r.usPerTask)),
    samples: valid.map((r) => r.usPerTask),
    ...(bytesSamples.length > 0 ? { bytesPerTask: median(bytesSamples) } : {}),
    bytesSamples,
    phases: {
      spawnMs: median(valid.map((r) => r.spawnMs)),
      wakeMs: median(valid.map((r) => r.wakeMs)),
      firstWakeLateMs: median(valid.map((r) => r.firstWakeLateMs)),
      sleepMs: lastSleepMs,
    },
    runs: runs.map(({ spawnMs, wakeMs, memoryMs, sleepMs, valid }) => ({ spawnMs, wakeMs, memoryMs, sleepMs, valid })),
    notes,
  };
}
