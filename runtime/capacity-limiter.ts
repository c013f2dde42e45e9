import { Acquirable } from "./acquire-guard.ts";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { currentTaskFor } from "./current.ts";
import { describe, TrioRuntimeError, WouldBlock } from "./errors.ts";
import { ParkingLot } from "./parking-lot.ts";
import { Task } from "./task.ts";

/** What {@link CapacityLimiter.statistics} reports. */
export interface CapacityLimiterStatistics {
  /** Tokens held now. */
  borrowedTokens: number;
  /** Tokens in all. */
  totalTokens: number;
  /** Who holds them (tasks, or whatever was passed to `acquireOnBehalfOf`). */
  borrowers: unknown[];
  /** Tasks blocked waiting for a token. */
  tasksWaiting: number;
}

/**
 * Limits how many things happen at once: at most `totalTokens` borrowers
 * hold a token at any time, each at most one. Fair: a returned token goes to
 * the task that has waited longest. Unlike a `Semaphore` it knows who holds
 * what, so it catches a double acquire and a release by a non-holder, and
 * its size can change while in use.
 *
 * @example
 * ```ts
 * const limiter = new trio.CapacityLimiter(10);
 * await trio.openNursery(async (n) => {
 *   for (const url of urls) n.startSoon(() => limiter.withAcquired(() => fetchOne(url)));
 * }); // at most 10 fetches at once
 * ```
 */
export class CapacityLimiter extends Acquirable {
  #lot = new ParkingLot();
  #totalTokens: number;
  #borrowers = new Set<unknown>();
  /** Who each parked task is waiting for a token on behalf of. */
  #pending = new Map<Task, unknown>();

  /**
   * @param totalTokens how many tokens: a whole number >= 1, or `Infinity`.
   * @throws TypeError / RangeError for another value.
   */
  constructor(totalTokens: number) {
    super();
    this.#totalTokens = checkTokens(totalTokens);
  }

  /**
   * Tokens in all. Setting it applies at once: raising it wakes waiters;
   * lowering it below `borrowedTokens` makes new borrowers wait until enough
   * are returned.
   * @throws TypeError / RangeError when set to something other than a whole number >= 1 or `Infinity`.
   */
  get totalTokens(): number {
    return this.#totalTokens;
  }
  set totalTokens(value: number) {
    this.#totalTokens = checkTokens(value);
    this.#wakeWaiters();
  }

  /** Tokens held now. */
  get borrowedTokens(): number {
    return this.#borrowers.size;
  }

  /** Tokens free now (`totalTokens - borrowedTokens`, never below 0). */
  get availableTokens(): number {
    return Math.max(0, this.#totalTokens - this.#borrowers.size);
  }

  /**
   * Takes a token for the current task if one is free. Not a checkpoint.
   * @throws WouldBlock when none is; TrioRuntimeError when the task already holds one.
   */
  acquireNowait(): void {
    this.acquireOnBehalfOfNowait(currentTaskFor("CapacityLimiter.acquireNowait()"));
  }

  /**
   * Takes a token for `borrower` if one is free. Not a checkpoint.
   * @param borrower any value identifying the holder (e.g. a thread or job id).
   * @throws WouldBlock when no token is free (or others are waiting); TrioRuntimeError when `borrower` already holds one.
   * @example
   * limiter.acquireOnBehalfOfNowait(jobId);
   */
  acquireOnBehalfOfNowait(borrower: unknown): void {
    if (!this.#tryAcquire(borrower)) throw new WouldBlock("CapacityLimiter: no token available");
  }

  #tryAcquire(borrower: unknown): boolean {
    if (this.#borrowers.has(borrower)) {
      throw new TrioRuntimeError(
        `CapacityLimiter: ${describeBorrower(borrower)} already holds one of this limiter's tokens; ` +
          "each borrower holds at most one — release it before acquiring again",
      );
    }
    if (this.#borrowers.size >= this.#totalTokens || this.#lot.size !== 0) return false;
    this.#borrowers.add(borrower);
    return true;
  }

  /**
   * Takes a token for the current task, waiting if needed. A checkpoint.
   * @throws Cancelled when cancelled while waiting; TrioRuntimeError when the task already holds one.
   * @example
   * await limiter.acquire();
   */
  acquire(): Promise<void> {
    return this.acquireOnBehalfOf(currentTaskFor("CapacityLimiter.acquire()"));
  }

  /**
   * Takes a token for `borrower`, waiting if needed. A checkpoint.
   * @param borrower any value identifying the holder.
   * @throws Cancelled when cancelled while waiting (no token taken); TrioRuntimeError when `borrower` already holds one.
   * @example
   * await limiter.acquireOnBehalfOf(jobId);
   */
  async acquireOnBehalfOf(borrower: unknown): Promise<void> {
    const task = currentTaskFor("CapacityLimiter.acquireOnBehalfOf()");
    await checkpointIfCancelled();
    if (this.#tryAcquire(borrower)) return cancelShieldedCheckpoint();
    this.#pending.set(task, borrower);
    try {
      // #wakeWaiters adds the borrower before waking us.
      await this.#lot.park();
    } catch (error) {
      this.#pending.delete(task);
      throw error;
    }
  }

  /**
   * Returns the current task's token. Not a checkpoint.
   * @throws TrioRuntimeError when the task holds none.
   */
  release(): void {
    this.releaseOnBehalfOf(currentTaskFor("CapacityLimiter.release()"));
  }

  /**
   * Returns `borrower`'s token; the oldest waiter gets it. Not a checkpoint.
   * @param borrower the value given to `acquireOnBehalfOf`.
   * @throws TrioRuntimeError when `borrower` holds no token.
   * @example
   * limiter.releaseOnBehalfOf(jobId);
   */
  releaseOnBehalfOf(borrower: unknown): void {
    if (!this.#borrowers.delete(borrower)) {
      throw new TrioRuntimeError(
        `CapacityLimiter.release(): ${describeBorrower(borrower)} does not hold any of this limiter's tokens; ` +
          "release only what was acquired by (or on behalf of) the same borrower",
      );
    }
    this.#wakeWaiters();
  }

  #wakeWaiters(): void {
    const available = this.#totalTokens - this.#borrowers.size;
    if (available <= 0 || this.#lot.size === 0) return;
    for (const task of this.#lot.unpark({ count: available })) {
      this.#borrowers.add(this.#pending.get(task));
      this.#pending.delete(task);
    }
  }

  /**
   * @returns `{ borrowedTokens, totalTokens, borrowers, tasksWaiting }`.
   * @example
   * limiter.statistics().borrowedTokens;
   */
  statistics(): CapacityLimiterStatistics {
    return {
      borrowedTokens: this.#borrowers.size,
      totalTokens: this.#totalTokens,
      borrowers: [...this.#borrowers],
      tasksWaiting: this.#lot.size,
    };
  }
}

function checkTokens(value: unknown): number {
  if (typeof value !== "number" || (!Number.isInteger(value) && value !== Infinity)) {
    throw new TypeError(`CapacityLimiter totalTokens: expected a whole number or Infinity, got ${describe(value)}`);
  }
  if (value < 1) throw new RangeError(`CapacityLimiter totalTokens: expected at least 1, got ${describe(value)}`);
  return value;
}

function describeBorrower(borrower: unknown): string {
  if (borrower instanceof Task) return `task ${borrower.name}`;
  return `borrower ${describe(borrower)}`;
}
