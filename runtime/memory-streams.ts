/**
 * In-memory streams for tests, as Trio's `trio.testing` memory streams: a
 * send stream and a receive stream with hooks, a pump to move bytes between
 * them, and ready-made pairs. Everything is deterministic: no sockets, no
 * OS buffers, and the hooks let a test decide when bytes move.
 */
import { cancelShieldedCheckpoint, checkpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { ConflictDetector } from "./conflict-detector.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, ClosedResourceError, WouldBlock } from "./errors.ts";
import { checkMaxBytes, toBytes } from "./node-stream-io.ts";
import { StapledStream } from "./stapled-stream.ts";
import type { SendStream, ReceiveStream } from "./stream-abc.ts";
import { Abort, type Task } from "./task.ts";

type Hook = (() => void | Promise<void>) | null;

/** A byte queue with one waiting reader (Trio's `_UnboundedByteQueue`). @internal */
class ByteQueue {
  #data: Buffer = Buffer.alloc(0);
  #closed = false;
  #waiter: Task | null = null;
  readonly #conflict = new ConflictDetector("another task is already fetching data from this memory stream");

  get size(): number {
    return this.#data.length;
  }

  put(data: Uint8Array): void {
    if (this.#closed) throw new ClosedResourceError("this memory stream's queue was closed");
    this.#data = this.#data.length ? Buffer.concat([this.#data, data]) : Buffer.from(data);
    this.#wake();
  }

  close(): void {
    this.#closed = true;
    this.#wake();
  }

  /** Closes and drops whatever was queued. */
  closeAndWipe(): void {
    this.#data = Buffer.alloc(0);
    this.close();
  }

  #wake(): void {
    const task = this.#waiter;
    if (task === null) return;
    this.#waiter = null;
    task.runner.reschedule(task);
  }

  #take(maxBytes: number | undefined): Uint8Array {
    const n = maxBytes === undefined ? this.#data.length : Math.min(maxBytes, this.#data.length);
    const out = Uint8Array.prototype.slice.call(this.#data, 0, n);
    this.#data = this.#data.subarray(n);
    return out;
  }

  getNowait(maxBytes?: number): Uint8Array {
    this.#conflict.enter();
    try {
      if (this.#data.length === 0 && !this.#closed) throw new WouldBlock("no data in this memory stream yet");
      return this.#take(maxBytes);
    } finally {
      this.#conflict.exit();
    }
  }

  async get(maxBytes?: number): Promise<Uint8Array> {
    const task = currentTaskFor("memory stream get()");
    this.#conflict.enter();
    try {
      if (this.#data.length === 0 && !this.#closed) {
        this.#waiter = task;
        await task.runner.park(task, () => {
          this.#waiter = null;
          return Abort.SUCCEEDED;
        });
      } else {
        await checkpointIfCancelled();
        await cancelShieldedCheckpoint();
      }
      return this.#take(maxBytes);
    } finally {
      this.#conflict.exit();
    }
  }
}

/** Hooks of {@link MemorySendStream}. */
export interface MemorySendStreamHooks {
  /** Called (and awaited) after each `sendAll` queued its data. */
  sendAllHook?: Hook;
  /** Called by `waitSendAllMightNotBlock`. */
  waitSendAllMightNotBlockHook?: Hook;
  /** Called (synchronously) when the stream is closed. */
  closeHook?: (() => void) | null;
}

/**
 * A send stream whose bytes pile up in memory until the test takes them
 * with `getData` / `getDataNowait` (or a hook pumps them somewhere).
 * @example
 * ```ts
 * const stream = new trio.testing.MemorySendStream();
 * await stream.sendAll("hi");
 * stream.getDataNowait(); // Uint8Array [104, 105]
 * ```
 */
export class MemorySendStream implements SendStream {
  sendAllHook: Hook;
  waitSendAllMightNotBlockHook: Hook;
  closeHook: (() => void) | null;
  readonly #outgoing = new ByteQueue();
  readonly #conflict = new ConflictDetector("another task is already in MemorySendStream.sendAll()");
  #closed = false;

  constructor(hooks: MemorySendStreamHooks = {}) {
    this.sendAllHook = hooks.sendAllHook ?? null;
    this.waitSendAllMightNotBlockHook = hooks.waitSendAllMightNotBlockHook ?? null;
    this.closeHook = hooks.closeHook ?? null;
  }

  /** Queues `data` (after a checkpoint), then runs `sendAllHook`. */
  async sendAll(data: Uint8Array | string): Promise<void> {
    const bytes = toBytes(data, "MemorySendStream.sendAll()");
    this.#conflict.enter();
    try {
      await checkpoint();
      await checkpoint();
      if (this.#closed) throw new ClosedResourceError("MemorySendStream.sendAll(): this stream was closed by this side");
      this.#outgoing.put(bytes);
      if (this.sendAllHook) await this.sendAllHook();
    } finally {
      this.#conflict.exit();
    }
  }

  /** A checkpoint, then `waitSendAllMightNotBlockHook`. */
  async waitSendAllMightNotBlock(): Promise<void> {
    this.#conflict.enter();
    try {
      await checkpoint();
      await checkpoint();
      if (this.#closed) throw new ClosedResourceError("MemorySendStream: this stream was closed by this side");
      if (this.waitSendAllMightNotBlockHook) await this.waitSendAllMightNotBlockHook();
    } finally {
      this.#conflict.exit();
    }
  }

  /** Closes without waiting, then runs `closeHook`. Not a checkpoint. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outgoing.close();
    this.closeHook?.();
  }

  /** Closes, then checkpoints. */
  async aclose(): Promise<void> {
    this.close();
    await checkpoint();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Waits for sent data and takes up to `maxBytes` of it (all of it by default); empty once closed and drained. */
  getData(maxBytes?: number): Promise<Uint8Array> {
    return this.#outgoing.get(maxBytes);
  }

  /** Takes sent data without waiting. @throws WouldBlock when there is none and the stream is open. */
  getDataNowait(maxBytes?: number): Uint8Array {
    return this.#outgoing.getNowait(maxBytes);
  }
}

/** Hooks of {@link MemoryReceiveStream}. */
export interface MemoryReceiveStreamHooks {
  /** Called (and awaited) at the start of each `receiveSome`, e.g. to pump data in. */
  receiveSomeHook?: Hook;
  /** Called (synchronously) when the stream is closed. */
  closeHook?: (() => void) | null;
}

/**
 * A receive stream that the test feeds with `putData` and `putEof`.
 * @example
 * ```ts
 * const stream = new trio.testing.MemoryReceiveStream();
 * stream.putData("hi");
 * stream.putEof();
 * await stream.receiveSome(); // "hi" as bytes; then an empty array
 * ```
 */
export class MemoryReceiveStream implements ReceiveStream {
  receiveSomeHook: Hook;
  closeHook: (() => void) | null;
  readonly #incoming = new ByteQueue();
  readonly #conflict = new ConflictDetector("another task is already in MemoryReceiveStream.receiveSome()");
  #closed = false;

  constructor(hooks: MemoryReceiveStreamHooks = {}) {
    this.receiveSomeHook = hooks.receiveSomeHook ?? null;
    this.closeHook = hooks.closeHook ?? null;
  }

  /** Runs `receiveSomeHook`, then waits for data (or EOF). */
  async receiveSome(maxBytes?: number): Promise<Uint8Array> {
    const size = checkMaxBytes(maxBytes, "MemoryReceiveStream.receiveSome()");
    this.#conflict.enter();
    try {
      await checkpoint();
      await checkpoint();
      if (this.#closed) throw new ClosedResourceError("MemoryReceiveStream.receiveSome(): this stream was closed by this side");
      if (this.receiveSomeHook) await this.receiveSomeHook();
      const data = await this.#incoming.get(size);
      if (this.#closed) throw new ClosedResourceError("MemoryReceiveStream.receiveSome(): this stream was closed by this side");
      return data;
    } finally {
      this.#conflict.exit();
    }
  }

  /** Closes (dropping unread data) and runs `closeHook`. Not a checkpoint. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#incoming.closeAndWipe();
    this.closeHook?.();
  }

  /** Closes, then checkpoints. */
  async aclose(): Promise<void> {
    this.close();
    await checkpoint();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  /** Adds data for `receiveSome` to return. */
  putData(data: Uint8Array | string): void {
    this.#incoming.put(toBytes(data, "MemoryReceiveStream.putData()"));
  }

  /** Marks the end of the stream: once the data is read, `receiveSome` returns an empty array. */
  putEof(): void {
    this.#incoming.close();
  }
}

/**
 * Moves up to `maxBytes` (default: all) of the data sent into
 * `memorySendStream` over to `memoryReceiveStream`, without waiting; a
 * closed send stream becomes EOF on the other side.
 * @returns whether anything (data or EOF) moved.
 * @throws BrokenResourceError when the receive stream was closed: the bytes have nowhere to go.
 * @example
 * memoryStreamPump(sendStream, receiveStream, 4);
 */
export function memoryStreamPump(
  memorySendStream: MemorySendStream,
  memoryReceiveStream: MemoryReceiveStream,
  maxBytes?: number,
): boolean {
  let data: Uint8Array;
  try {
    data = memorySendStream.getDataNowait(maxBytes);
  } catch (error) {
    if (error instanceof WouldBlock) return false;
    throw error;
  }
  try {
    if (data.length === 0) memoryReceiveStream.putEof();
    else memoryReceiveStream.putData(data);
  } catch (error) {
    if (error instanceof ClosedResourceError) throw new BrokenResourceError("the receiving memory stream was closed");
    throw error;
  }
  return true;
}

/**
 * A connected one-way pair of memory streams, with unlimited buffering:
 * every `sendAll` is pumped straight to the receive stream. Trio's
 * `memory_stream_one_way_pair`.
 * @example
 * ```ts
 * const [send, receive] = trio.testing.memoryStreamOneWayPair();
 * await send.sendAll("x");
 * await receive.receiveSome(); // "x"
 * ```
 */
export function memoryStreamOneWayPair(): [MemorySendStream, MemoryReceiveStream] {
  const sendStream = new MemorySendStream();
  const receiveStream = new MemoryReceiveStream();
  const pump = () => {
    memoryStreamPump(sendStream, receiveStream);
  };
  sendStream.sendAllHook = async () => pump();
  sendStream.closeHook = pump;
  return [sendStream, receiveStream];
}

/**
 * A connected two-way pair of memory streams (two one-way pairs, stapled),
 * as Trio's `memory_stream_pair`: the in-memory stand-in for a socket pair.
 * `sendEof` on either end closes that direction only.
 * @example
 * ```ts
 * const [left, right] = trio.testing.memoryStreamPair();
 * await left.sendAll("ping");
 * await right.receiveSome(); // "ping"
 * ```
 */
export function memoryStreamPair(): [
  StapledStream<MemorySendStream, MemoryReceiveStream>,
  StapledStream<MemorySendStream, MemoryReceiveStream>,
] {
  const [s1, r1] = memoryStreamOneWayPair();
  const [s2, r2] = memoryStreamOneWayPair();
  return [new StapledStream(s1, r2), new StapledStream(s2, r1)];
}
