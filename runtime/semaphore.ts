import { Acquirable } from "./acquire-guard.ts";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { currentTaskFor } from "./current.ts";
import { describe, TrioRuntimeError, WouldBlock } from "./errors.ts";
import { ParkingLot } from "./parking-lot.ts";

/** Options of {@link Semaphore}. */
export interface SemaphoreOptions {
  /** The most the value may reach: `release()` beyond it throws. @default unbounded */
  maxValue?: number;
}

/** What {@link Semaphore.statistics} reports. */
export interface SemaphoreStatistics {
  /** Tasks blocked in `acquire()`. */
  tasksWaiting: number;
}

/**
 * A counter of permits: `acquire()` takes one (waiting while there are
 * none), `release()` gives one back. Fair: a released permit goes straight
 * to the task that has waited longest. Unlike a `Lock` it has no owner: any
 * task may release. Prefer `CapacityLimiter` to bound concurrency; it
 * catches releases without an acquire.
 *
 * @example
 * ```ts
 * const slots = new trio.Semaphore(3);
 * await slots.withAcquired(() => download(url)); // at most 3 at once
 * ```
 */
export class Semaphore extends Acquirable {
  #lot = new ParkingLot();
  #value: number;
  #maxValue: number | undefined;

  /**
   * @param initialValue the permits available at first.
   * @param options `{ maxValue }`.
   * @throws TypeError when a value is not a whole number; RangeError when negative or `initialValue > maxValue`.
   */
  constructor(initialValue: number, options: SemaphoreOptions = {}) {
    super();
    this.#value = checkWhole(initialValue, "Semaphore(initialValue)");
    if (options.maxValue !== undefined) {
      const max = checkWhole(options.maxValue, "Semaphore({ maxValue })");
      if (initialValue > max) {
        throw new RangeError(`Semaphore: initialValue (${initialValue}) must not exceed maxValue (${max})`);
      }
      this.#maxValue = max;
    }
  }

  /** Permits available now. */
  get value(): number {
    return this.#value;
  }

  /** The bound given at construction, or `undefined`. */
  get maxValue(): number | undefined {
    return this.#maxValue;
  }

  /**
   * Takes a permit if one is available. Not a checkpoint.
   * @throws WouldBlock when none is.
   * @example
   * sem.acquireNowait();
   */
  acquireNowait(): void {
    if (!this.#tryAcquire()) throw new WouldBlock("Semaphore: no permit available");
  }

  #tryAcquire(): boolean {
    if (this.#value === 0) return false;
    this.#value--;
    return true;
  }

  /**
   * Takes a permit, waiting for one if needed. A checkpoint.
   * @throws Cancelled when cancelled while waiting (no permit taken).
   * @example
   * await sem.acquire();
   */
  async acquire(): Promise<void> {
    currentTaskFor("Semaphore.acquire()");
    await checkpointIfCancelled();
    if (this.#tryAcquire()) return cancelShieldedCheckpoint();
    // release() hands its permit straight to us: the value stays 0.
    await this.#lot.park();
  }

  /**
   * Gives a permit back: to the oldest waiter, or to the counter. Not a checkpoint.
   * @throws TrioRuntimeError when that would exceed `maxValue` (more releases than acquires).
   * @example
   * sem.release();
   */
  release(): void {
    if (this.#value === this.#maxValue) {
      throw new TrioRuntimeError(
        `Semaphore.release(): released too many times — the value is already at maxValue (${this.#maxValue}); ` +
          "release only permits you acquired",
      );
    }
    if (this.#lot.size !== 0) this.#lot.unpark();
    else this.#value++;
  }

  /**
   * @returns `{ tasksWaiting }`.
   * @example
   * sem.statistics().tasksWaiting;
   */
  statistics(): SemaphoreStatistics {
    return { tasksWaiting: this.#lot.size };
  }
}

function checkWhole(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${what}: expected a whole number, got ${describe(value)}`);
  }
  if (value < 0) throw new RangeError(`${what}: expected a number >= 0, got ${describe(value)}`);
  return value;
}
