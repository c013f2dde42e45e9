import type { Task } from "./task.ts";

/** What `statistics()` of a memory channel handle reports (both ends share it). */
export interface MemoryChannelStatistics {
  /** Values in the buffer now. */
  currentBufferUsed: number;
  /** The buffer's capacity (`0`, `n` or `Infinity`). */
  maxBufferSize: number;
  /** Send handles (clones included) not yet closed. */
  openSendChannels: number;
  /** Receive handles (clones included) not yet closed. */
  openReceiveChannels: number;
  /** Tasks blocked in `send()`. */
  tasksWaitingSend: number;
  /** Tasks blocked in `receive()`. */
  tasksWaitingReceive: number;
}

/** @internal A task blocked in `send()`, with the value it is sending. */
export interface BlockedSender<T> {
  readonly task: Task;
  readonly value: T;
}

/**
 * @internal What every clone of both ends of one memory channel shares
 * (Trio's `MemoryChannelState`).
 */
export class MemoryChannelState<T> {
  readonly maxBufferSize: number;
  readonly data = new RingBuffer<T>();
  openSendChannels = 0;
  openReceiveChannels = 0;
  // Invariant: sendTasks non-empty implies the buffer is full (or unbuffered);
  // receiveTasks non-empty implies the buffer is empty and no sender waits.
  // Each blocked task's customSleepData is the handle it blocked on.
  // FIFO rings rather than Maps/Sets: the hot path only ever takes the oldest;
  // removal from the middle (a cancelled or closed waiter) is rare and O(n).
  /** Blocked senders with the value each is trying to send, oldest first. */
  readonly sendTasks = new RingBuffer<BlockedSender<T>>();
  /** Blocked receivers, oldest first. */
  readonly receiveTasks = new RingBuffer<Task>();

  constructor(maxBufferSize: number) {
    this.maxBufferSize = maxBufferSize;
  }

  statistics(): MemoryChannelStatistics {
    return {
      currentBufferUsed: this.data.length,
      maxBufferSize: this.maxBufferSize,
      openSendChannels: this.openSendChannels,
      openReceiveChannels: this.openReceiveChannels,
      tasksWaitingSend: this.sendTasks.length,
      tasksWaitingReceive: this.receiveTasks.length,
    };
  }
}

/** @internal A FIFO queue on a growable ring: O(1) push and shift, unlike `Array.prototype.shift`. */
export class RingBuffer<T> {
  #items: (T | undefined)[] = new Array(8);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    const items = this.#items;
    if (this.#length === items.length) {
      // Unroll into a twice-as-large array, oldest first.
      const grown = new Array<T | undefined>(items.length * 2);
      for (let i = 0; i < this.#length; i++) grown[i] = items[(this.#head + i) & (items.length - 1)];
      this.#items = grown;
      this.#head = 0;
    }
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = item;
    this.#length++;
  }

  shift(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    return item;
  }

  /** Removes the first item matching `predicate`, keeping the order of the rest; whether one was found. */
  removeFirst(predicate: (item: T) => boolean): boolean {
    const items = this.#items;
    const mask = items.length - 1;
    for (let i = 0; i < this.#length; i++) {
      if (!predicate(items[(this.#head + i) & mask] as T)) continue;
      for (let j = i; j < this.#length - 1; j++) items[(this.#head + j) & mask] = items[(this.#head + j + 1) & mask];
      items[(this.#head + this.#length - 1) & mask] = undefined;
      this.#length--;
      return true;
    }
    return false;
  }

  /** Removes every item matching `predicate`, keeping the order of the rest; returns them, oldest first. */
  removeAll(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    while (this.#length) {
      const item = this.shift();
      (predicate(item) ? removed : kept).push(item);
    }
    for (const item of kept) this.push(item);
    return removed;
  }

  clear(): void {
    this.#items = new Array(8);
    this.#head = 0;
    this.#length = 0;
  }
}
