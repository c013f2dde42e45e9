import type { Readable, Writable } from "node:stream";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { Receiver, Sender } from "./node-stream-io.ts";
import type { ReceiveStream, SendStream } from "./stream-abc.ts";

/**
 * The write end of a pipe (a child process's stdin) as a {@link SendStream}:
 * `sendAll` with backpressure; `aclose` closes the pipe, so the reader sees
 * end of input.
 * @example
 * ```ts
 * await proc.stdin!.sendAll("some input\n");
 * await proc.stdin!.aclose();
 * ```
 */
export class PipeSendStream implements SendStream {
  readonly #writable: Writable;
  readonly #sender: Sender;
  #closed = false;

  constructor(writable: Writable, what = "PipeSendStream") {
    this.#writable = writable;
    this.#sender = new Sender(writable, what);
  }

  /** Writes all of `data`, waiting while the pipe is full. */
  sendAll(data: Uint8Array | string): Promise<void> {
    return this.#sender.sendAll(data);
  }

  /** Waits until the pipe has room. */
  waitSendAllMightNotBlock(): Promise<void> {
    return this.#sender.waitSendAllMightNotBlock();
  }

  /** Closes the pipe (the reader then sees end of input); bytes already sent are still delivered. */
  async aclose(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#sender.close();
      if (!this.#writable.destroyed) this.#writable.end();
    }
    await checkpointIfCancelled();
    await cancelShieldedCheckpoint();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

/**
 * The read end of a pipe (a child process's stdout or stderr) as a
 * {@link ReceiveStream}: `receiveSome` returns an empty array once the
 * writer closed it.
 * @example
 * ```ts
 * for (let d = await proc.stdout!.receiveSome(); d.length; d = await proc.stdout!.receiveSome()) process.stdout.write(d);
 * ```
 */
export class PipeReceiveStream implements ReceiveStream {
  readonly #readable: Readable;
  readonly #receiver: Receiver;
  #closed = false;

  constructor(readable: Readable, what = "PipeReceiveStream") {
    this.#readable = readable;
    this.#receiver = new Receiver(readable, what);
  }

  /** Between 1 and `maxBytes` bytes; empty at end of stream. @param maxBytes @default 65536 */
  receiveSome(maxBytes?: number): Promise<Uint8Array> {
    return this.#receiver.receiveSome(maxBytes);
  }

  /** Closes the pipe; the writer may then get a broken pipe. */
  async aclose(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#receiver.close();
      this.#readable.on("error", () => {});
      this.#readable.destroy();
    }
    await checkpointIfCancelled();
    await cancelShieldedCheckpoint();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}
