import { checkpoint } from "./checkpoints.ts";
import { isTaskCancelled } from "./cancel-scope.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, ClosedResourceError, EndOfChannel, WouldBlock } from "./errors.ts";
import type { BlockedSender, MemoryChannelState, MemoryChannelStatistics } from "./memory-channel-state.ts";
import { Abort, type Task } from "./task.ts";

/**
 * The sending end of a memory channel, made by `openMemoryChannel`. Each
 * value sent is received exactly once, in order. Close every clone when you
 * are done sending: receivers then drain the buffer and get `EndOfChannel`
 * (a `for await` loop ends).
 *
 * @example
 * ```ts
 * const [send, receive] = trio.openMemoryChannel<string>(0);
 * await send.send("hello");
 * await send.aclose();
 * ```
 */
export class MemorySendChannel<T> implements Disposable, AsyncDisposable {
  #state: MemoryChannelState<T>;
  #closed = false;

  /** @internal Use `openMemoryChannel` (or `clone()`). */
  constructor(state: MemoryChannelState<T>) {
    this.#state = state;
    state.openSendChannels++;
  }

  /** Whether this handle was closed (other clones may still be open). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends `value` without waiting: to a waiting receiver, or into the buffer. Not a checkpoint.
   * @param value the value to send.
   * @throws WouldBlock when the buffer is full (or the channel is unbuffered and no receiver waits).
   * @throws ClosedResourceError when this handle was closed; BrokenResourceError when every receiver was closed.
   * @example
   * send.sendNowait(42);
   */
  sendNowait(value: T): void {
    if (!this.#trySend(value)) {
      throw new WouldBlock(
        this.#state.maxBufferSize === 0
          ? "MemorySendChannel.sendNowait(): no receiver is waiting on this unbuffered channel"
          : `MemorySendChannel.sendNowait(): the buffer is full (${this.#state.maxBufferSize} values)`,
      );
    }
  }

  #trySend(value: T): boolean {
    if (this.#closed) {
      throw new ClosedResourceError(
        "this send channel was closed by this side; send through a clone() made before closing, or do not close it yet",
      );
    }
    const state = this.#state;
    if (state.openReceiveChannels === 0) {
      throw new BrokenResourceError("every receive channel of this memory channel was closed: nobody will receive this value");
    }
    if (state.receiveTasks.length !== 0) {
      // The buffer is empty (invariant): hand the value straight to the oldest receiver.
      const receiver = state.receiveTasks.shift();
      receiver.runner.reschedule(receiver, { value });
      return true;
    }
    if (state.data.length < state.maxBufferSize) {
      state.data.push(value);
      return true;
    }
    return false;
  }

  /**
   * Sends `value`, waiting for room in the buffer (or, unbuffered, for a
   * receiver to take it). A checkpoint. If cancelled while waiting, the
   * value was not sent.
   * @param value the value to send.
   * @throws ClosedResourceError when this handle was closed (also if closed while waiting).
   * @throws BrokenResourceError when every receiver was closed (also while waiting).
   * @throws Cancelled when cancelled before the value was taken.
   * @example
   * await send.send({ kind: "tick" });
   */
  send(value: T): Promise<void> {
    let task: Task;
    try {
      task = currentTaskFor("MemorySendChannel.send()");
      // The hot path of every producer, written without async/await: each
      // avoided promise is a measurable share of a message's cost.
      if (isTaskCancelled(task)) {
        // checkpointIfCancelled(): raises Cancelled after yielding (or retries if a shield went up meanwhile).
        return task.runner.yieldNow(task, true).then(() => this.send(value));
      }
      task.cancelPoints++;
      if (this.#trySend(value)) return task.runner.yieldNow(task, false);
    } catch (error) {
      return Promise.reject(error);
    }
    const state = this.#state;
    const entry: BlockedSender<T> = { task, value };
    state.sendTasks.push(entry);
    task.customSleepData = this;
    return task.runner.park(task, () => {
      state.sendTasks.removeFirst((e) => e === entry);
      return Abort.SUCCEEDED;
    }, NaN, this) as Promise<void>;
  }

  /**
   * Another send handle on the same channel: the channel stays open for
   * receivers until every clone is closed. Lets several producers each close
   * their own handle.
   * @returns a new, open send handle.
   * @throws ClosedResourceError when this handle was closed.
   * @example
   * nursery.startSoon(producer, send.clone());
   */
  clone(): MemorySendChannel<T> {
    if (this.#closed) throw new ClosedResourceError("cannot clone a send channel that was closed");
    return new MemorySendChannel(this.#state);
  }

  /**
   * Closes this handle. Tasks blocked sending on it get
   * `ClosedResourceError`; once every send handle is closed, receivers get
   * the rest of the buffer, then `EndOfChannel`. Idempotent; not a checkpoint.
   * @example
   * send.close();
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const state = this.#state;
    for (const { task } of state.sendTasks.removeAll((e) => e.task.customSleepData === this)) {
      task.runner.reschedule(task, {
        error: new ClosedResourceError("the send channel this task was sending on was closed while it waited"),
      });
    }
    if (--state.openSendChannels === 0) {
      for (const task of state.receiveTasks.removeAll(() => true)) task.runner.reschedule(task, { error: new EndOfChannel() });
    }
  }

  /**
   * Closes this handle (see {@link close}), then checkpoints.
   * @example
   * await send.aclose();
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
   * @returns the channel's `{ currentBufferUsed, maxBufferSize, openSendChannels, openReceiveChannels, tasksWaitingSend, tasksWaitingReceive }`.
   * @example
   * send.statistics().currentBufferUsed;
   */
  statistics(): MemoryChannelStatistics {
    return this.#state.statistics();
  }
}
