import { Acquirable } from "./acquire-guard.ts";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, TrioRuntimeError, WouldBlock } from "./errors.ts";
import { addParkingLotBreaker, ParkingLot, removeParkingLotBreaker } from "./parking-lot.ts";
import type { Task } from "./task.ts";

/** What `Lock.statistics()` reports. */
export interface LockStatistics {
  /** Whether some task holds the lock. */
  locked: boolean;
  /** The task holding it, or `null`. */
  owner: Task | null;
  /** Tasks blocked in `acquire()`. */
  tasksWaiting: number;
}

/**
 * What `Lock` and `StrictFIFOLock` share (Trio's `_LockImpl`): a lock owned
 * by one task at a time, handed to waiters in the order they arrived. On
 * release the lock goes straight to the oldest waiter, so a task that
 * releases and re-acquires in a loop cannot starve the others.
 *
 * If the owner exits without releasing, the waiters (and every later
 * `acquire`) fail with `BrokenResourceError` instead of hanging forever.
 *
 * Not exported: use `Lock` or `StrictFIFOLock`.
 */
export class LockImpl extends Acquirable {
  /** @internal */ readonly lot = new ParkingLot();
  /** @internal the task holding the lock */
  owner: Task | null = null;

  /** Whether some task holds the lock. */
  locked(): boolean {
    return this.owner !== null;
  }

  /**
   * Takes the lock if that needs no waiting. Not a checkpoint.
   * @throws WouldBlock when another task holds it or waits for it.
   * @throws TrioRuntimeError when the current task already holds it (locks are not re-entrant).
   * @example
   * try { lock.acquireNowait(); } catch (e) { if (!(e instanceof trio.WouldBlock)) throw e; }
   */
  acquireNowait(): void {
    if (!this.#tryAcquire(currentTaskFor(`${this.constructor.name}.acquireNowait()`))) {
      throw new WouldBlock(`${this.constructor.name} is held by another task (or others are already waiting for it)`);
    }
  }

  /** Takes the lock if free and nobody waits; `false` otherwise (no error: cheap on the blocking path). */
  #tryAcquire(task: Task): boolean {
    if (this.owner === task) {
      throw new TrioRuntimeError(
        `${this.constructor.name}: task ${task.name} tried to acquire a lock it already holds (locks are not re-entrant); ` +
          "release it first, or restructure the code so that it is acquired once",
      );
    }
    if (this.owner !== null || this.lot.size !== 0) return false;
    this.owner = task;
    addParkingLotBreaker(task, this.lot);
    return true;
  }

  /**
   * Waits until the lock is free and takes it; tasks get it in the order
   * they asked. A checkpoint.
   * @throws Cancelled when cancelled while waiting (the lock is not taken).
   * @throws BrokenResourceError when the owner exited without releasing the lock.
   * @throws TrioRuntimeError when the current task already holds it.
   * @example
   * await lock.acquire();
   * try { await work(); } finally { lock.release(); }
   */
  async acquire(): Promise<void> {
    const task = currentTaskFor(`${this.constructor.name}.acquire()`);
    await checkpointIfCancelled();
    if (this.#tryAcquire(task)) return cancelShieldedCheckpoint();
    try {
      // release() hands the lock over (sets owner) before waking us.
      await this.lot.park();
    } catch (error) {
      if (error instanceof BrokenResourceError) {
        throw new BrokenResourceError(
          `${this.constructor.name}: its owner, task ${this.owner?.name ?? "?"}, exited without releasing it; ` +
            "release locks in a finally block (or use withAcquired / acquireGuard)",
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Releases the lock; the oldest waiter, if any, gets it. Not a checkpoint.
   * @throws TrioRuntimeError when the current task does not hold the lock.
   * @example
   * lock.release();
   */
  release(): void {
    const task = currentTaskFor(`${this.constructor.name}.release()`);
    if (this.owner !== task) {
      const held = this.owner === null ? "nobody holds it" : `task ${this.owner.name} holds it`;
      throw new TrioRuntimeError(
        `${this.constructor.name}.release(): task ${task.name} does not hold this lock (${held}); ` +
          "only the task that acquired a lock may release it",
      );
    }
    this.handOff(task);
  }

  /** @internal Passes the lock from `owner` to the oldest waiter, or frees it. */
  handOff(owner: Task): void {
    removeParkingLotBreaker(owner, this.lot);
    const [next] = this.lot.unpark();
    if (next === undefined) this.owner = null;
    else {
      this.owner = next;
      addParkingLotBreaker(next, this.lot);
    }
  }

  /**
   * @returns `{ locked, owner, tasksWaiting }`.
   * @example
   * lock.statistics().tasksWaiting;
   */
  statistics(): LockStatistics {
    return { locked: this.owner !== null, owner: this.owner, tasksWaiting: this.lot.size };
  }
}
