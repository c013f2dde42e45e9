/**
 * Lockstep streams, as Trio's `trio.testing.lockstep_stream_pair`: no
 * buffering at all. `sendAll` returns only once the receiver has taken every
 * byte, which flushes out code that only works because a buffer hid a
 * missing concurrent reader (a deadlock on a real socket with full buffers).
 */
import { cancelShieldedCheckpoint, checkpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { ConflictDetector } from "./conflict-detector.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, ClosedResourceError } from "./errors.ts";
import { checkMaxBytes, toBytes } from "./node-stream-io.ts";
import { StapledStream } from "./stapled-stream.ts";
import type { ReceiveStream, SendStream } from "./stream-abc.ts";
import { Abort, type Task } from "./task.ts";

/** The shared state of one direction. */
class LockstepQueue {
  data: Uint8Array = new Uint8Array(0);
  senderClosed = false;
  receiverClosed = false;
  receiverWaiting = false;
  readonly sendConflict = new ConflictDetector("another task is already sending on this lockstep stream");
  readonly receiveConflict = new ConflictDetector("another task is already receiving on this lockstep stream");
  readonly #waiting = new Set<Task>();

  /** Wakes every task waiting for a change; each re-checks what it waits for. */
  somethingHappened(): void {
    for (const task of this.#waiting) task.runner.reschedule(task);
    this.#waiting.clear();
  }

  /** Waits until `ready()`; a checkpoint either way. */
  async waitFor(ready: () => boolean): Promise<void> {
    if (ready()) {
      await checkpointIfCancelled();
      await cancelShieldedCheckpoint();
      return;
    }
    const task = currentTaskFor("lockstep stream");
    while (!ready()) {
      this.#waiting.add(task);
      await task.runner.park(task, () => {
        this.#waiting.delete(task);
        return Abort.SUCCEEDED;
      });
    }
  }

  async sendAll(bytes: Uint8Array): Promise<void> {
    this.sendConflict.enter();
    try {
      if (this.senderClosed) throw new ClosedResourceError("lockstep sendAll(): this stream was closed by this side");
      if (this.receiverClosed) throw new BrokenResourceError("lockstep sendAll(): the receiving side was closed");
      if (bytes.length === 0) {
        await checkpoint();
        return;
      }
      this.data = bytes;
      this.somethingHappened();
      try {
        await this.waitFor(() => this.data.length === 0 || this.senderClosed || this.receiverClosed);
      } catch (error) {
        // Cancelled: whatever the receiver has not taken is withdrawn.
        this.data = new Uint8Array(0);
        throw error;
      }
      if (this.senderClosed) throw new ClosedResourceError("lockstep sendAll(): this stream was closed by this side");
      if (this.data.length && this.receiverClosed) {
        this.data = new Uint8Array(0);
        throw new BrokenResourceError("lockstep sendAll(): the receiving side was closed");
      }
    } finally {
      this.sendConflict.exit();
    }
  }

  async waitSendAllMightNotBlock(): Promise<void> {
    this.sendConflict.enter();
    try {
      if (this.senderClosed) throw new ClosedResourceError("lockstep stream: this stream was closed by this side");
      await this.waitFor(() => this.receiverWaiting || this.senderClosed || this.receiverClosed);
    } finally {
      this.sendConflict.exit();
    }
  }

  async receiveSome(maxBytes: number): Promise<Uint8Array> {
    this.receiveConflict.enter();
    try {
      if (this.receiverClosed) throw new ClosedResourceError("lockstep receiveSome(): this stream was closed by this side");
      this.receiverWaiting = true;
      this.somethingHappened();
      try {
        await this.waitFor(() => this.data.length > 0 || this.senderClosed || this.receiverClosed);
      } finally {
        this.receiverWaiting = false;
      }
      if (this.receiverClosed) throw new ClosedResourceError("lockstep receiveSome(): this stream was closed by this side");
      if (this.data.length === 0) return new Uint8Array(0); // the sender closed: end of stream
      const out = this.data.slice(0, maxBytes);
      this.data = this.data.subarray(out.length);
      this.somethingHappened();
      return out;
    } finally {
      this.receiveConflict.exit();
    }
  }
}

/** The sending end of a lockstep one-way pair. */
export class LockstepSendStream implements SendStream {
  readonly #queue: LockstepQueue;
  /** @internal */
  constructor(queue: LockstepQueue) {
    this.#queue = queue;
  }
  /** Returns once the receiver has taken every byte. */
  sendAll(data: Uint8Array | string): Promise<void> {
    return this.#queue.sendAll(toBytes(data, "lockstep sendAll()"));
  }
  /** Waits until a receiver is waiting. */
  waitSendAllMightNotBlock(): Promise<void> {
    return this.#queue.waitSendAllMightNotBlock();
  }
  /** Closes the sending side: the receiver sees end of stream. */
  async aclose(): Promise<void> {
    this.#queue.senderClosed = true;
    this.#queue.somethingHappened();
    await checkpoint();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/** The receiving end of a lockstep one-way pair. */
export class LockstepReceiveStream implements ReceiveStream {
  readonly #queue: LockstepQueue;
  /** @internal */
  constructor(queue: LockstepQueue) {
    this.#queue = queue;
  }
  /** Waits for the sender, and takes up to `maxBytes` of what it offers. */
  receiveSome(maxBytes?: number): Promise<Uint8Array> {
    try {
      return this.#queue.receiveSome(checkMaxBytes(maxBytes, "lockstep receiveSome()"));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  /** Closes the receiving side: the sender gets BrokenResourceError. */
  async aclose(): Promise<void> {
    this.#queue.receiverClosed = true;
    this.#queue.somethingHappened();
    await checkpoint();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/**
 * A one-way pair with no buffer: `sendAll` waits for the receiver.
 * @example
 * ```ts
 * const [send, receive] = trio.testing.lockstepStreamOneWayPair();
 * nursery.startSoon(() => send.sendAll("x")); // blocks until received
 * await receive.receiveSome();
 * ```
 */
export function lockstepStreamOneWayPair(): [LockstepSendStream, LockstepReceiveStream] {
  const queue = new LockstepQueue();
  return [new LockstepSendStream(queue), new LockstepReceiveStream(queue)];
}

/**
 * A two-way pair of lockstep streams (see {@link lockstepStreamOneWayPair}).
 * @example
 * ```ts
 * const [left, right] = trio.testing.lockstepStreamPair();
 * await trio.testing.checkTwoWayStream(async () => trio.testing.lockstepStreamPair(), null);
 * ```
 */
export function lockstepStreamPair(): [
  StapledStream<LockstepSendStream, LockstepReceiveStream>,
  StapledStream<LockstepSendStream, LockstepReceiveStream>,
] {
  const [s1, r1] = lockstepStreamOneWayPair();
  const [s2, r2] = lockstepStreamOneWayPair();
  return [new StapledStream(s1, r2), new StapledStream(s2, r1)];
}
