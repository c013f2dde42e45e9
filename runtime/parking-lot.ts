import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, describe } from "./errors.ts";
import { Abort, type Task } from "./task.ts";

/** What {@link ParkingLot.statistics} reports. */
export interface ParkingLotStatistics {
  /** Tasks parked in the lot now. */
  tasksWaiting: number;
}

/** Options of {@link ParkingLot.unpark} and {@link ParkingLot.repark}. */
export interface UnparkOptions {
  /** How many tasks to move, oldest first (`Infinity`: all). @default 1 */
  count?: number;
}

/**
 * A fair FIFO queue of parked tasks: the building block of `Event`, `Lock`,
 * `Semaphore`, `CapacityLimiter` and `Condition` (Trio's
 * `trio.lowlevel.ParkingLot`). A task calls {@link park} and sleeps until
 * another calls {@link unpark}; tasks wake in the order they parked. A
 * parked task that is cancelled leaves the lot and raises `Cancelled`.
 *
 * The lot holds no value and no flag: the primitive that owns it keeps its
 * own state and decides whom to wake.
 *
 * @example
 * ```ts
 * const lot = new trio.lowlevel.ParkingLot();
 * await trio.openNursery(async (n) => {
 *   n.startSoon(async () => { await lot.park(); console.log("woken"); });
 *   await trio.testing.waitAllTasksBlocked();
 *   lot.unpark(); // wakes the one parked task
 * });
 * ```
 */
export class ParkingLot {
  // Invariant: every task in #parked is Blocked in park(), and its
  // customSleepData is this lot (repark updates both together).
  // A Map keeps insertion order (FIFO) and deletes in O(1) on abort.
  #parked = new Map<Task, null>();
  #brokenBy: Task[] = [];

  /** How many tasks are parked. */
  get size(): number {
    return this.#parked.size;
  }

  /** The tasks that broke the lot with {@link breakLot}, in order (empty: not broken). */
  get brokenBy(): readonly Task[] {
    return this.#brokenBy;
  }

  /**
   * Parks the current task until {@link unpark} (or {@link unparkAll}) wakes
   * it. Always blocks; a cancellation while parked removes the task from the
   * lot and raises `Cancelled`.
   * @returns a promise that resolves when the task is unparked.
   * @throws BrokenResourceError when the lot was broken (see {@link breakLot}), at once or while parked.
   * @throws Cancelled when the task is cancelled while parked.
   * @example
   * await lot.park();
   */
  park(): Promise<void> {
    const task = currentTaskFor("ParkingLot.park()");
    if (this.#brokenBy.length) return Promise.reject(brokenError(this.#brokenBy[0]!));
    this.#parked.set(task, null);
    task.customSleepData = this;
    return task.runner.park(task, () => {
      // The lot may have changed since: repark moves tasks and updates customSleepData.
      (task.customSleepData as ParkingLot).#parked.delete(task);
      return Abort.SUCCEEDED;
    }, NaN, this) as Promise<void>;
  }

  /**
   * Wakes up to `count` parked tasks, oldest first. Not a checkpoint.
   * @param options `{ count }`: how many (default 1; `Infinity` for all).
   * @returns the tasks woken, in the order they parked.
   * @throws TypeError / RangeError when `count` is not a non-negative integer or `Infinity`.
   * @example
   * const [woken] = lot.unpark();
   */
  unpark(options: UnparkOptions = {}): Task[] {
    const count = checkCount(options.count, "ParkingLot.unpark({ count })");
    const tasks = this.#pop(count);
    for (const task of tasks) task.runner.reschedule(task);
    return tasks;
  }

  /**
   * Wakes every parked task.
   * @returns the tasks woken, in the order they parked.
   * @example
   * lot.unparkAll();
   */
  unparkAll(): Task[] {
    return this.unpark({ count: Infinity });
  }

  /**
   * Moves up to `count` parked tasks, oldest first, to the back of
   * `newLot`, without waking them: they wake when `newLot` unparks them.
   * `Condition.notify` uses this to queue woken waiters on the lock.
   * @param newLot the lot to move them to.
   * @param options `{ count }`: how many (default 1; `Infinity` for all).
   * @throws TypeError when `newLot` is not a ParkingLot; TypeError / RangeError for a bad `count`.
   * @example
   * conditionLot.repark(lockLot, { count: 2 });
   */
  repark(newLot: ParkingLot, options: UnparkOptions = {}): void {
    if (!(newLot instanceof ParkingLot)) {
      throw new TypeError(`ParkingLot.repark(newLot): expected a ParkingLot, got ${describe(newLot)}`);
    }
    const count = checkCount(options.count, "ParkingLot.repark(newLot, { count })");
    for (const task of this.#pop(count)) {
      if (newLot.#brokenBy.length) {
        task.runner.reschedule(task, { error: brokenError(newLot.#brokenBy[0]!) });
        continue;
      }
      newLot.#parked.set(task, null);
      task.customSleepData = newLot;
    }
  }

  /**
   * Moves every parked task to `newLot`.
   * @param newLot the lot to move them to.
   * @example
   * lot.reparkAll(otherLot);
   */
  reparkAll(newLot: ParkingLot): void {
    this.repark(newLot, { count: Infinity });
  }

  /**
   * Breaks the lot on behalf of `task` (default: the current task): every
   * parked task wakes with `BrokenResourceError`, and so does every later
   * {@link park}. A `Lock` uses this when its owner exits without releasing
   * it; see {@link addParkingLotBreaker}.
   * @param task the task responsible.
   * @example
   * lot.breakLot(ownerTask);
   */
  breakLot(task: Task = currentTaskFor("ParkingLot.breakLot()")): void {
    this.#brokenBy.push(task);
    if (this.#brokenBy.length > 1) return;
    const parked = [...this.#parked.keys()];
    this.#parked.clear();
    for (const waiter of parked) waiter.runner.reschedule(waiter, { error: brokenError(task) });
  }

  /**
   * How many tasks are parked.
   * @returns `{ tasksWaiting }`.
   * @example
   * lot.statistics().tasksWaiting; // 0
   */
  statistics(): ParkingLotStatistics {
    return { tasksWaiting: this.#parked.size };
  }

  #pop(count: number): Task[] {
    const tasks: Task[] = [];
    if (count === 0) return tasks;
    for (const task of this.#parked.keys()) {
      tasks.push(task);
      if (tasks.length >= count) break;
    }
    for (const task of tasks) this.#parked.delete(task);
    return tasks;
  }
}

function brokenError(by: Task): BrokenResourceError {
  return new BrokenResourceError(`the parking lot was broken by task ${by.name}, which exited or gave up on it`);
}

function checkCount(value: unknown, what: string): number {
  if (value === undefined) return 1;
  if (typeof value !== "number" || Number.isNaN(value) || (!Number.isInteger(value) && value !== Infinity)) {
    throw new TypeError(`${what}: expected a whole number of tasks or Infinity, got ${describe(value)}`);
  }
  if (value < 0) throw new RangeError(`${what}: expected a non-negative count, got ${describe(value)}`);
  return value;
}

// ------------------------------------------------------------------ breakers

/** Lots that break when a task exits, per task (Trio's GLOBAL_PARKING_LOT_BREAKER). */
const breakers = new WeakMap<Task, Set<ParkingLot>>();

/**
 * Registers `task` as a breaker of `lot`: if `task` exits before
 * {@link removeParkingLotBreaker}, the lot is broken and its waiters get
 * `BrokenResourceError` instead of waiting forever. A `Lock` registers its
 * owner this way.
 * @param task the task whose exit breaks the lot.
 * @param lot the lot to break.
 * @example
 * trio.lowlevel.addParkingLotBreaker(trio.lowlevel.currentTask(), lot);
 */
export function addParkingLotBreaker(task: Task, lot: ParkingLot): void {
  let lots = breakers.get(task);
  if (lots === undefined) {
    lots = new Set();
    breakers.set(task, lots);
    (task.onExit ??= []).push(() => breakLotsOf(task));
  }
  lots.add(lot);
}

/**
 * Undoes {@link addParkingLotBreaker}.
 * @param task the task registered.
 * @param lot the lot it would have broken.
 * @throws TypeError when `task` was not registered as a breaker of `lot`.
 * @example
 * trio.lowlevel.removeParkingLotBreaker(task, lot);
 */
export function removeParkingLotBreaker(task: Task, lot: ParkingLot): void {
  const lots = breakers.get(task);
  if (lots === undefined || !lots.delete(lot)) {
    throw new TypeError(`removeParkingLotBreaker(): task ${task.name} is not registered as a breaker of this parking lot`);
  }
}

function breakLotsOf(task: Task): void {
  const lots = breakers.get(task);
  breakers.delete(task);
  if (lots !== undefined) for (const lot of lots) lot.breakLot(task);
}
