import { Cancelled, describe, TrioRuntimeError } from "./errors.ts";
import { Event } from "./event.ts";

/**
 * Makes tasks take turns in a fixed order, so a test can force one
 * particular interleaving: `seq.at(n, body)` waits until the body at
 * position `n - 1` has finished, then runs `body`. Positions start at 0 and
 * each is used once. (Trio's `trio.testing.Sequencer`, whose
 * `async with seq(n):` becomes `await seq.at(n, async () => ...)`.)
 *
 * If a task waiting for its turn is cancelled, the sequence is broken: that
 * task and every later one raise `TrioRuntimeError`, rather than the test hanging.
 *
 * @example
 * ```ts
 * const seq = new trio.testing.Sequencer();
 * await trio.openNursery(async (n) => {
 *   n.startSoon(() => seq.at(1, async () => log.push("second")));
 *   n.startSoon(() => seq.at(0, async () => log.push("first")));
 * });
 * ```
 */
export class Sequencer {
  #points = new Map<number, Event>();
  #claimed = new Set<number>();
  #broken = false;

  #point(position: number): Event {
    let event = this.#points.get(position);
    if (event === undefined) {
      event = new Event();
      this.#points.set(position, event);
    }
    return event;
  }

  /**
   * Runs `body` once every position before `position` has finished.
   * @param position this step's place in the sequence (0, 1, 2, …), used once.
   * @param body the step.
   * @returns `body`'s result.
   * @throws TrioRuntimeError when `position` was already used, or the sequence is broken by a cancelled waiter.
   * @throws TypeError when `position` is not a whole number >= 0.
   * @example
   * await seq.at(0, async () => { await send.send("first"); });
   */
  async at<R>(position: number, body: () => Promise<R> | R): Promise<R> {
    if (!Number.isInteger(position) || position < 0) {
      throw new TypeError(`Sequencer.at(position): expected a whole number >= 0, got ${describe(position)}`);
    }
    if (this.#claimed.has(position)) {
      throw new TrioRuntimeError(`Sequencer: position ${position} was already used; each position runs once`);
    }
    if (this.#broken) throw new TrioRuntimeError("Sequencer: the sequence is broken (a task waiting for its turn was cancelled)");
    this.#claimed.add(position);
    if (position !== 0) {
      try {
        await this.#point(position).wait();
      } catch (error) {
        if (!(error instanceof Cancelled)) throw error;
        this.#broken = true;
        for (const event of this.#points.values()) event.set();
        throw new TrioRuntimeError(
          `Sequencer: the task waiting for position ${position} was cancelled — the sequence is broken`,
          { cause: error },
        );
      }
      if (this.#broken) throw new TrioRuntimeError("Sequencer: the sequence is broken (a task waiting for its turn was cancelled)");
    }
    try {
      return await body();
    } finally {
      this.#point(position + 1).set();
    }
  }
}
