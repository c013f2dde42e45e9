import { checkpoint } from "./checkpoints.ts";
import { ParkingLot } from "./parking-lot.ts";

/** What {@link Event.statistics} reports. */
export interface EventStatistics {
  /** Tasks blocked in `wait()`. */
  tasksWaiting: number;
}

/**
 * A flag that starts unset and can be set once: tasks waiting for it wake
 * together when it is set, and later waits return at once. It cannot be
 * cleared; make a new `Event` for the next round (Trio dropped `clear()`
 * because it made races easy to write).
 *
 * @example
 * ```ts
 * const ready = new trio.Event();
 * await trio.openNursery(async (n) => {
 *   n.startSoon(async () => { await ready.wait(); console.log("go!"); });
 *   ready.set();
 * });
 * ```
 */
export class Event {
  #lot = new ParkingLot();
  #flag = false;

  /** Whether {@link set} was called. */
  isSet(): boolean {
    return this.#flag;
  }

  /**
   * Sets the flag and wakes every waiting task. Idempotent; not a checkpoint.
   * @example
   * event.set();
   */
  set(): void {
    if (this.#flag) return;
    this.#flag = true;
    this.#lot.unparkAll();
  }

  /**
   * Waits until the flag is set; a checkpoint even when it already is.
   * @returns once the event is set.
   * @throws Cancelled when the task is cancelled first.
   * @example
   * await event.wait();
   */
  wait(): Promise<void> {
    if (this.#flag) return checkpoint();
    return this.#lot.park();
  }

  /**
   * @returns `{ tasksWaiting }`: how many tasks are blocked in `wait()`.
   * @example
   * event.statistics().tasksWaiting;
   */
  statistics(): EventStatistics {
    return { tasksWaiting: this.#lot.size };
  }
}
