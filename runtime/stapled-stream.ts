import type { HalfCloseableStream, ReceiveStream, SendStream } from "./stream-abc.ts";

/**
 * Joins a {@link SendStream} and a {@link ReceiveStream} into one two-way
 * stream, as Trio's `StapledStream`: sends go to `sendStream`, receives come
 * from `receiveStream`. `sendEof` calls the send stream's `sendEof` when it
 * has one, and otherwise closes it; `aclose` closes both.
 * @example
 * ```ts
 * const [s1, r1] = trio.testing.memoryStreamOneWayPair();
 * const [s2, r2] = trio.testing.memoryStreamOneWayPair();
 * const left = new trio.StapledStream(s1, r2);
 * const right = new trio.StapledStream(s2, r1);
 * ```
 */
export class StapledStream<S extends SendStream = SendStream, R extends ReceiveStream = ReceiveStream> implements HalfCloseableStream {
  constructor(
    readonly sendStream: S,
    readonly receiveStream: R,
  ) {}

  /** Calls `sendStream.sendAll`. */
  sendAll(data: Uint8Array | string): Promise<void> {
    return this.sendStream.sendAll(data);
  }

  /** Calls `sendStream.waitSendAllMightNotBlock`. */
  waitSendAllMightNotBlock(): Promise<void> {
    return this.sendStream.waitSendAllMightNotBlock();
  }

  /** `sendStream.sendEof()` if it has one, otherwise `sendStream.aclose()`. */
  sendEof(): Promise<void> {
    const send = this.sendStream as Partial<HalfCloseableStream> & SendStream;
    return typeof send.sendEof === "function" ? send.sendEof() : send.aclose();
  }

  /** Calls `receiveStream.receiveSome`. */
  receiveSome(maxBytes?: number): Promise<Uint8Array> {
    return this.receiveStream.receiveSome(maxBytes);
  }

  /** Closes both streams (the receive stream even if closing the send stream fails). */
  async aclose(): Promise<void> {
    try {
      await this.sendStream.aclose();
    } finally {
      await this.receiveStream.aclose();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}
