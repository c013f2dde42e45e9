import { checkpoint } from "./checkpoints.ts";
import { isTaskCancelled } from "./cancel-scope.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, ClosedResourceError, EndOfChannel, WouldBlock } from "./errors.ts";
import type { MemoryChannelState, MemoryChannelStatistics } from "./memory-channel-state.ts";
import { Abort, type Task } from "./task.ts";

/** Marks "nothing to receive now" without allocating an error on the hot path. */
const NOTHING: unique symbol = Symbol("nothing");
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const iterationValue = <T>(value: T): IteratorResult<T> => ({ value, done: false });
const iterationEnd = (error: unknown): IteratorResult<never> => {
  if (error instanceof EndOfChannel) return DONE;
  throw error;
};

/**
 * The receiving end of a memory channel, made by `openMemoryChannel`.
 * `for await (const v of receive)` reads until every send handle is closed
 * and the buffer is drained. Breaking out of the loop does not close the
 * channel.
 *
 * @example
 * ```ts
 * for await (const msg of receive) console.log("got", msg);
 * console.log("channel closed!");
 * ```
 */
export class MemoryReceiveChannel<T> implements AsyncIterable<T>, Disposable, AsyncDisposable {
  #state: MemoryChannelState<T>;
  #closed = false;

  /** @internal Use `openMemoryChannel` (or `clone()`). */
  constructor(state: MemoryChannelState<T>) {
    this.#state = state;
    state.openReceiveChannels++;
  }

  /** Whether this handle was closed (other clones may still be open). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Takes the next value if one is ready. Not a checkpoint.
   * @returns the oldest value in the buffer (or from the oldest waiting sender).
   * @throws WouldBlock when nothing is ready; EndOfChannel when every sender was closed and the buffer is empty.
   * @throws ClosedResourceError when this handle was closed.
   * @example
   * const v = receive.receiveNowait();
   */
  receiveNowait(): T {
    const value = this.#tryReceive();
    if (value === NOTHING) throw new WouldBlock("MemoryReceiveChannel.receiveNowait(): no value is ready");
    return value;
  }

  #tryReceive(): T | typeof NOTHING {
    if (this.#closed) {
      throw new ClosedResourceError(
        "this receive channel was closed by this side; receive through a clone() made before closing, or do not close it yet",
      );
    }
    const state = this.#state;
    if (state.sendTasks.length !== 0) {
      // A sender waits, so the buffer is full: its value joins the back, and it goes on.
      const sender = state.sendTasks.shift();
      sender.task.runner.reschedule(sender.task);
      state.data.push(sender.value);
    }
    if (state.data.length !== 0) return state.data.shift();
    if (state.openSendChannels === 0) throw new EndOfChannel();
    return NOTHING;
  }

  /**
   * Receives the next value, waiting for one. A checkpoint. If cancelled
   * while waiting, no value was taken: a value is never lost.
   * @returns the next value, in the order sent.
   * @throws EndOfChannel when every sender was closed and the buffer is drained.
   * @throws ClosedResourceError when this handle was closed (also if closed while waiting).
   * @throws Cancelled when cancelled before a value arrived.
   * @example
   * const msg = await receive.receive();
   */
  receive(): Promise<T> {
    return this.#receive(false) as Promise<T>;
  }

  /**
   * `receive()`, or with `forIteration` the iterator's `next()`: the value
   * comes wrapped in an IteratorResult and EndOfChannel as `done`. Written
   * without async/await (see `MemorySendChannel.send`).
   */
  #receive(forIteration: boolean): Promise<T | IteratorResult<T>> {
    let task: Task;
    try {
      task = currentTaskFor("MemoryReceiveChannel.receive()");
      if (isTaskCancelled(task)) {
        // checkpointIfCancelled(): raises Cancelled after yielding (or retries if a shield went up meanwhile).
        return task.runner.yieldNow(task, true).then(() => this.#receive(forIteration));
      }
      task.cancelPoints++;
      const value = this.#tryReceive();
      if (value !== NOTHING) {
        // The value is ours already; the shielded yield cannot lose it.
        return task.runner.yieldNow<T | IteratorResult<T>>(task, false, forIteration ? { value, done: false } : value);
      }
    } catch (error) {
      if (forIteration && error instanceof EndOfChannel) return Promise.resolve(DONE);
      return Promise.reject(error);
    }
    const state = this.#state;
    state.receiveTasks.push(task);
    task.customSleepData = this;
    const wake = task.runner.park(task, () => {
      state.receiveTasks.removeFirst((t) => t === task);
      return Abort.SUCCEEDED;
    }, NaN, this) as Promise<T>;
    return forIteration ? wake.then(iterationValue, iterationEnd) : wake;
  }

  /**
   * Another receive handle on the same channel: the channel stays open for
   * senders until every clone is closed. Each value still goes to one receiver.
   * @returns a new, open receive handle.
   * @throws ClosedResourceError when this handle was closed.
   * @example
   * nursery.startSoon(worker, receive.clone());
   */
  clone(): MemoryReceiveChannel<T> {
    if (this.#closed) throw new ClosedResourceError("cannot clone a receive channel that was closed");
    return new MemoryReceiveChannel(this.#state);
  }

  /**
   * Closes this handle. Tasks blocked receiving on it get
   * `ClosedResourceError`; once every receive handle is closed, the buffer is
   * dropped and senders get `BrokenResourceError`. Idempotent; not a checkpoint.
   * @example
   * receive.close();
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const state = this.#state;
    for (const task of state.receiveTasks.removeAll((t) => t.customSleepData === this)) {
      task.runner.reschedule(task, {
        error: new ClosedResourceError("the receive channel this task was receiving on was closed while it waited"),
      });
    }
    if (--state.openReceiveChannels === 0) {
      for (const { task } of state.sendTasks.removeAll(() => true)) {
        task.runner.reschedule(task, {
          error: new BrokenResourceError("every receive channel was closed while this task waited to send"),
        });
      }
      state.data.clear();
    }
  }

  /**
   * Closes this handle (see {@link close}), then checkpoints.
   * @example
   * await receive.aclose();
   */
  async aclose(): Promise<void> {
    this.close();
    await checkpoint();
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `aclose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /**
   * Iterates with `receive()` until `EndOfChannel`. Each step is a checkpoint.
   * @example
   * for await (const v of receive) total += v;
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.#receive(true) as Promise<IteratorResult<T>> };
  }

  /**
   * @returns the channel's `{ currentBufferUsed, maxBufferSize, openSendChannels, openReceiveChannels, tasksWaitingSend, tasksWaitingReceive }`.
   * @example
   * receive.statistics().tasksWaitingReceive;
   */
  statistics(): MemoryChannelStatistics {
    return this.#state.statistics();
  }
}
