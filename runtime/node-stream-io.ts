/**
 * The two halves every Node-backed stream is made of: a {@link Receiver}
 * over a `Readable` (a socket, a child's stdout) and a {@link Sender} over a
 * `Writable` (a socket, a child's stdin). They turn Node's push-based events
 * into Trio's pull-based, cancellable `receiveSome` / `sendAll`.
 * @internal
 */
import type { Readable, Writable } from "node:stream";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { ConflictDetector } from "./conflict-detector.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, ClosedResourceError } from "./errors.ts";
import { Abort, type Task } from "./task.ts";

/** `receiveSome()` without an argument returns at most this many bytes (Trio's default). */
export const DEFAULT_RECEIVE_SIZE = 65536;
/** The receiver stops reading from the OS once this much is buffered and unread: backpressure. */
export const RECEIVE_BUFFER_LIMIT = 256 * 1024;

const EMPTY = new Uint8Array(0);

/** Checks `maxBytes` of `receiveSome`. */
export function checkMaxBytes(maxBytes: unknown, what: string): number {
  if (maxBytes === undefined) return DEFAULT_RECEIVE_SIZE;
  if (typeof maxBytes !== "number" || !Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError(`${what}: maxBytes must be a positive integer, got ${JSON.stringify(maxBytes)} (${typeof maxBytes})`);
  }
  return maxBytes;
}

/** Turns `data` into bytes: strings as UTF-8. */
export function toBytes(data: unknown, what: string): Uint8Array {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof Uint8Array) return data;
  throw new TypeError(`${what}: expected a Uint8Array or a string, got ${data === null ? "null" : typeof data}`);
}

/** Maps a Node stream error to the runtime's: the other side went away → BrokenResourceError. */
export function brokenError(error: unknown, what: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  const detail = code ?? (error as Error)?.message ?? String(error);
  return new BrokenResourceError(`${what}: the stream broke (${detail})`, { cause: error });
}

interface Waiter {
  task: Task;
  maxBytes: number;
}

/** The receiving half over a `Readable`. */
export class Receiver {
  readonly #readable: Readable;
  readonly #what: string;
  readonly #conflict: ConflictDetector;
  #chunks: Buffer[] = [];
  #head = 0;
  #queued = 0;
  #paused = false;
  #eof = false;
  #error: Error | null = null;
  #closed = false;
  #waiter: Waiter | null = null;

  constructor(readable: Readable, what: string) {
    this.#readable = readable;
    this.#what = what;
    this.#conflict = new ConflictDetector(`another task is already in ${what}.receiveSome(); one receiver at a time per stream`);
    readable.on("data", this.#onData);
    readable.on("end", this.#onEnd);
    readable.on("error", this.#onError);
    readable.on("close", this.#onEnd);
  }

  #onData = (chunk: Buffer | string): void => {
    if (this.#closed) return;
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (buffer.length === 0) return;
    this.#chunks.push(buffer);
    this.#queued += buffer.length;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.task.runner.reschedule(waiter.task, { value: this.#take(waiter.maxBytes) });
    }
    if (this.#queued >= RECEIVE_BUFFER_LIMIT && !this.#paused) {
      this.#paused = true;
      this.#readable.pause();
    }
  };

  #onEnd = (): void => {
    if (this.#eof) return;
    this.#eof = true;
    this.#wakeWaiter();
  };

  #onError = (error: unknown): void => {
    if (this.#closed || this.#error !== null) return;
    this.#error = brokenError(error, `${this.#what}.receiveSome()`);
    this.#wakeWaiter();
  };

  #wakeWaiter(): void {
    const waiter = this.#waiter;
    if (waiter === null) return;
    this.#waiter = null;
    if (this.#queued > 0) waiter.task.runner.reschedule(waiter.task, { value: this.#take(waiter.maxBytes) });
    else if (this.#closed) waiter.task.runner.reschedule(waiter.task, { error: this.#closedError() });
    else if (this.#error !== null) waiter.task.runner.reschedule(waiter.task, { error: this.#error });
    else waiter.task.runner.reschedule(waiter.task, { value: EMPTY });
  }

  /** Takes up to `maxBytes` of buffered data (there is some). */
  #take(maxBytes: number): Uint8Array {
    const first = this.#chunks[this.#head]!;
    let out: Buffer;
    if (first.length >= maxBytes) {
      out = first.subarray(0, maxBytes);
      if (first.length === maxBytes) this.#chunks[this.#head++] = undefined as never;
      else this.#chunks[this.#head] = first.subarray(maxBytes);
    } else if (this.#head + 1 === this.#chunks.length) {
      out = first;
      this.#chunks[this.#head++] = undefined as never;
    } else {
      // Several small chunks: hand over as many as fit, in one array.
      const parts: Buffer[] = [];
      let size = 0;
      while (this.#head < this.#chunks.length && size < maxBytes) {
        const chunk = this.#chunks[this.#head]!;
        const room = maxBytes - size;
        if (chunk.length <= room) {
          parts.push(chunk);
          size += chunk.length;
          this.#chunks[this.#head++] = undefined as never;
        } else {
          parts.push(chunk.subarray(0, room));
          this.#chunks[this.#head] = chunk.subarray(room);
          size += room;
        }
      }
      out = Buffer.concat(parts, size);
    }
    this.#queued -= out.length;
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.#queued < RECEIVE_BUFFER_LIMIT && !this.#closed) {
      this.#paused = false;
      this.#readable.resume();
    }
    return out;
  }

  #closedError(): ClosedResourceError {
    return new ClosedResourceError(`${this.#what}.receiveSome(): this stream was closed by this side`);
  }

  async receiveSome(maxBytes?: number): Promise<Uint8Array> {
    const size = checkMaxBytes(maxBytes, `${this.#what}.receiveSome()`);
    const task = currentTaskFor(`${this.#what}.receiveSome()`);
    this.#conflict.enter();
    try {
      if (this.#closed) throw this.#closedError();
      if (this.#queued > 0 || this.#eof || this.#error !== null) {
        // Fast path: data is here. Check for cancellation before taking it, so none is lost.
        await checkpointIfCancelled();
        if (this.#closed) throw this.#closedError();
        let result: Uint8Array;
        if (this.#queued > 0) result = this.#take(size);
        else if (this.#error !== null) throw this.#error;
        else result = EMPTY;
        await cancelShieldedCheckpoint();
        return result;
      }
      this.#waiter = { task, maxBytes: size };
      return (await task.runner.park(task, () => {
        this.#waiter = null;
        return Abort.SUCCEEDED;
      })) as Uint8Array;
    } finally {
      this.#conflict.exit();
    }
  }

  /** Stops receiving; a task blocked in `receiveSome` gets `ClosedResourceError`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    this.#head = 0;
    this.#queued = 0;
    // Keep draining the socket so that a peer still sending does not stall a graceful close.
    if (this.#paused) this.#readable.resume();
    this.#wakeWaiter();
  }

  /** Whether the other side ended the stream and every byte was received. */
  get atEof(): boolean {
    return this.#eof && this.#queued === 0;
  }
}

/** The sending half over a `Writable`. */
export class Sender {
  readonly #writable: Writable;
  readonly #what: string;
  readonly #conflict: ConflictDetector;
  #error: Error | null = null;
  #closed = false;
  #eofSent = false;
  #waiter: Task | null = null;

  constructor(writable: Writable, what: string) {
    this.#writable = writable;
    this.#what = what;
    this.#conflict = new ConflictDetector(`another task is already in ${what}.sendAll(); one sender at a time per stream`);
    writable.on("drain", this.#wake);
    writable.on("error", this.#onError);
    writable.on("close", this.#onClose);
  }

  #onError = (error: unknown): void => {
    if (this.#closed || this.#error !== null) return;
    this.#error = brokenError(error, `${this.#what}.sendAll()`);
    this.#wake();
  };

  #onClose = (): void => {
    // Closed under us (by the OS or the other side) while data was pending.
    if (!this.#closed && this.#error === null && this.#writable.writableNeedDrain) {
      this.#error = new BrokenResourceError(`${this.#what}.sendAll(): the stream was closed before the data could be sent`);
    }
    this.#wake();
  };

  #wake = (): void => {
    const task = this.#waiter;
    if (task === null) return;
    this.#waiter = null;
    if (this.#closed) task.runner.reschedule(task, { error: this.#closedError() });
    else if (this.#error !== null) task.runner.reschedule(task, { error: this.#error });
    else task.runner.reschedule(task);
  };

  #closedError(): ClosedResourceError {
    return new ClosedResourceError(
      this.#eofSent && !this.#closed
        ? `${this.#what}.sendAll(): cannot send after sendEof()`
        : `${this.#what}.sendAll(): this stream was closed by this side`,
    );
  }

  /** Throws when sending is impossible now. */
  #check(): void {
    if (this.#closed || this.#eofSent) throw this.#closedError();
    if (this.#error !== null) throw this.#error;
    if (this.#writable.destroyed) throw new BrokenResourceError(`${this.#what}.sendAll(): the stream was closed by the other side`);
  }

  /** Parks until 'drain' (or an error, or close). Cancellable: the data already handed over is still sent. */
  #waitDrain(task: Task): Promise<unknown> {
    this.#waiter = task;
    return task.runner.park(task, () => {
      this.#waiter = null;
      return Abort.SUCCEEDED;
    });
  }

  async sendAll(data: Uint8Array | string): Promise<void> {
    const bytes = toBytes(data, `${this.#what}.sendAll()`);
    const task = currentTaskFor(`${this.#what}.sendAll()`);
    this.#conflict.enter();
    try {
      this.#check();
      await checkpointIfCancelled();
      this.#check();
      if (bytes.length === 0) {
        await cancelShieldedCheckpoint();
        return;
      }
      const ok = this.#writable.write(bytes);
      if (ok) await cancelShieldedCheckpoint();
      else await this.#waitDrain(task);
      // An error noticed while we waited means the data may not have arrived.
      if (this.#error !== null) throw this.#error;
    } finally {
      this.#conflict.exit();
    }
  }

  async waitSendAllMightNotBlock(): Promise<void> {
    const task = currentTaskFor(`${this.#what}.waitSendAllMightNotBlock()`);
    this.#conflict.enter();
    try {
      this.#check();
      if (!this.#writable.writableNeedDrain) {
        await checkpointIfCancelled();
        await cancelShieldedCheckpoint();
        return;
      }
      await this.#waitDrain(task);
    } finally {
      this.#conflict.exit();
    }
  }

  async sendEof(): Promise<void> {
    this.#conflict.enter();
    try {
      if (this.#closed) throw this.#closedError();
      await checkpointIfCancelled();
      if (!this.#eofSent) {
        this.#eofSent = true;
        if (!this.#writable.destroyed) this.#writable.end();
      }
      await cancelShieldedCheckpoint();
    } finally {
      this.#conflict.exit();
    }
  }

  /** Stops sending; a task blocked in `sendAll` gets `ClosedResourceError`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake();
  }

  get eofSent(): boolean {
    return this.#eofSent;
  }
}
