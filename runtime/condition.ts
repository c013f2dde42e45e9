import type { AcquireGuard } from "./acquire-guard.ts";
import { CancelScope } from "./cancel-scope.ts";
import { currentTaskFor } from "./current.ts";
import { describe, TrioRuntimeError } from "./errors.ts";
import { Lock } from "./lock.ts";
import type { LockStatistics } from "./lock-impl.ts";
import { ParkingLot } from "./parking-lot.ts";

/** What {@link Condition.statistics} reports. */
export interface ConditionStatistics {
  /** Tasks blocked in `wait()`. */
  tasksWaiting: number;
  /** The underlying lock's statistics. */
  lockStatistics: LockStatistics;
}

/**
 * A lock plus a queue of tasks waiting for a change to the state it
 * protects: a task holding the lock calls `wait()`, which releases the lock
 * and sleeps until another task holding it calls `notify()`; it then gets
 * the lock back before `wait()` returns. Always re-check the state after
 * waking, in a loop.
 *
 * @example
 * ```ts
 * const cond = new trio.Condition();
 * await cond.withAcquired(async () => {
 *   while (queue.length === 0) await cond.wait();
 *   return queue.shift();
 * });
 * // elsewhere: await cond.withAcquired(async () => { queue.push(x); cond.notify(); });
 * ```
 */
export class Condition {
  #lock: Lock;
  #lot = new ParkingLot();

  /**
   * @param lock the lock to use (a plain `Lock`; default: a new one).
   * @throws TypeError when `lock` is not a `Lock` (a `StrictFIFOLock` cannot be used).
   */
  constructor(lock: Lock = new Lock()) {
    if (!(lock instanceof Lock)) {
      throw new TypeError(`Condition(lock): expected a trio.Lock, got ${describe(lock)}`);
    }
    this.#lock = lock;
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Takes the underlying lock without waiting. Not a checkpoint.
   * @throws WouldBlock when it is held.
   */
  acquireNowait(): void {
    this.#lock.acquireNowait();
  }

  /**
   * Takes the underlying lock. A checkpoint.
   * @throws Cancelled; BrokenResourceError (see `Lock.acquire`).
   * @example
   * await cond.acquire();
   */
  acquire(): Promise<void> {
    return this.#lock.acquire();
  }

  /**
   * Releases the underlying lock.
   * @throws TrioRuntimeError when the current task does not hold it.
   */
  release(): void {
    this.#lock.release();
  }

  /**
   * Runs `body` holding the lock (see `Lock.withAcquired`).
   * @param body the code to run.
   * @returns `body`'s result.
   * @example
   * await cond.withAcquired(async () => { ready = true; cond.notifyAll(); });
   */
  withAcquired<R>(body: () => Promise<R> | R): Promise<R> {
    return this.#lock.withAcquired(body);
  }

  /**
   * Takes the lock; the guard releases it when disposed.
   * @returns an `AcquireGuard` for `using`.
   * @example
   * using _held = await cond.acquireGuard();
   */
  acquireGuard(): Promise<AcquireGuard> {
    return this.#lock.acquireGuard();
  }

  /**
   * Releases the lock, waits for `notify()`, and takes the lock back. It
   * returns (or throws) holding the lock in every case, cancellation
   * included: the re-acquire is shielded.
   * @returns once notified and holding the lock again.
   * @throws TrioRuntimeError when the current task does not hold the lock.
   * @throws Cancelled when cancelled while waiting (the lock is held again all the same).
   * @example
   * while (!ready) await cond.wait();
   */
  async wait(): Promise<void> {
    const task = currentTaskFor("Condition.wait()");
    if (this.#lock.owner !== task) {
      throw new TrioRuntimeError("Condition.wait(): the current task must hold the condition's lock; call it inside cond.withAcquired(...)");
    }
    this.#lock.release();
    // We park on our lot; notify() moves us to the lock's lot, whose
    // hand-off makes us the owner before we wake.
    try {
      await this.#lot.park();
    } catch (error) {
      await new CancelScope({ shield: true }).run(() => this.#lock.acquire());
      throw error;
    }
  }

  /**
   * Wakes up to `n` waiting tasks, oldest first; each gets the lock in turn
   * once the notifier releases it. Not a checkpoint.
   * @param n how many (default 1).
   * @throws TrioRuntimeError when the current task does not hold the lock.
   * @example
   * cond.notify();
   */
  notify(n = 1): void {
    this.#checkOwner("notify()");
    this.#lot.repark(this.#lock.lot, { count: n });
  }

  /**
   * Wakes every waiting task (see {@link notify}).
   * @throws TrioRuntimeError when the current task does not hold the lock.
   * @example
   * cond.notifyAll();
   */
  notifyAll(): void {
    this.#checkOwner("notifyAll()");
    this.#lot.reparkAll(this.#lock.lot);
  }

  #checkOwner(what: string): void {
    if (this.#lock.owner !== currentTaskFor(`Condition.${what}`)) {
      throw new TrioRuntimeError(`Condition.${what}: the current task must hold the condition's lock; call it inside cond.withAcquired(...)`);
    }
  }

  /**
   * @returns `{ tasksWaiting, lockStatistics }`.
   * @example
   * cond.statistics().tasksWaiting;
   */
  statistics(): ConditionStatistics {
    return { tasksWaiting: this.#lot.size, lockStatistics: this.#lock.statistics() };
  }
}
