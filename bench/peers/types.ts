/**
 * The contract every JavaScript peer implements, so that one harness can time them all the same way.
 *
 * Each method runs one complete workload from scratch (its own run / runtime / root fiber), so
 * the time it takes includes entering and leaving the peer's run loop; with 100,000 operations
 * that fixed cost is noise.
 */

/** Stopwatch hooks the sleeper workload calls from inside every child. */
export interface SleepProbe {
  /** Called by each child just before it goes to sleep. */
  asleep(): void;
  /** Called by each child just after it wakes up. */
  woke(): void;
}

export interface JsPeer {
  /** Column title in the report. */
  readonly title: string;
  /** The primitive each workload uses, printed under the table so the comparison can be judged. */
  readonly primitives: Readonly<Record<WorkloadName, string>>;
  /**
   * Spawns `n` trivial children in one structured scope and waits until all of them have exited.
   * @returns how many children ran (the harness checks it equals `n`)
   */
  spawnJoin(n: number): Promise<number>;
  /** Performs `n` checkpoints (the peer's cheapest "let others run") in a single task. */
  checkpoints(n: number): Promise<void>;
  /**
   * Spawns `n` children that each sleep until `deadline` (a `performance.now()` value, ms) and
   * waits for all of them. Each child calls `probe.asleep()` right before sleeping and
   * `probe.woke()` right after.
   */
  sleepers(n: number, deadline: number, probe: SleepProbe): Promise<void>;
}

export const WORKLOAD_NAMES = ["spawn-join", "checkpoints", "sleepers"] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** Milliseconds left until `deadline`, rounded up so no peer's timer can fire early. */
export function msUntil(deadline: number): number {
  return Math.max(0, Math.ceil(deadline - performance.now()));
}
