/**
 * The stream interfaces (Trio's `trio.abc` stream classes): what any byte
 * stream, listener or resource implements, so that code written against them
 * works on TCP sockets, process pipes and the in-memory streams of
 * `trio.testing` alike.
 */

/**
 * Something to close: `aclose()` closes it (always, even when cancelled:
 * then it closes forcefully and raises `Cancelled`), and `await using` closes
 * it at the end of a block.
 * @example
 * ```ts
 * await using stream = await trio.openTcpStream("127.0.0.1", port);
 * ```
 */
export interface AsyncResource {
  /** Closes the resource. Closing twice is allowed and does nothing. A checkpoint. */
  aclose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A stream you send bytes into.
 * @example
 * ```ts
 * async function greet(stream: trio.abc.SendStream) { await stream.sendAll("hello\n"); }
 * ```
 */
export interface SendStream extends AsyncResource {
  /**
   * Sends every byte of `data`, waiting while the other side is slow
   * (backpressure). Strings are sent as UTF-8.
   * @throws BusyResourceError when another task is in `sendAll` on this stream.
   * @throws ClosedResourceError after `aclose()` (or `sendEof()`) on this side.
   * @throws BrokenResourceError when the other side went away.
   */
  sendAll(data: Uint8Array | string): Promise<void>;
  /** Waits until `sendAll` would probably not block. A checkpoint. */
  waitSendAllMightNotBlock(): Promise<void>;
}

/**
 * A stream you receive bytes from.
 * @example
 * ```ts
 * for (;;) {
 *   const data = await stream.receiveSome(65536);
 *   if (data.length === 0) break; // end of stream
 * }
 * ```
 */
export interface ReceiveStream extends AsyncResource {
  /**
   * Waits for data and returns between 1 and `maxBytes` bytes of it, or an
   * empty array at the end of the stream.
   * @throws BusyResourceError when another task is in `receiveSome` on this stream.
   * @throws ClosedResourceError after `aclose()` on this side.
   * @throws BrokenResourceError when the stream broke (a reset connection).
   */
  receiveSome(maxBytes?: number): Promise<Uint8Array>;
}

/**
 * A two-way stream: a {@link SendStream} and a {@link ReceiveStream} in one.
 * @example
 * ```ts
 * async function echo(stream: trio.abc.Stream) {
 *   for (let d = await stream.receiveSome(); d.length; d = await stream.receiveSome()) await stream.sendAll(d);
 * }
 * ```
 */
export interface Stream extends SendStream, ReceiveStream {}

/**
 * A two-way stream that can close its sending half alone (TCP's FIN): the
 * other side then receives end-of-stream but can still send to you.
 * @example
 * ```ts
 * await stream.sendAll(request);
 * await stream.sendEof();            // "that was everything"
 * const reply = await stream.receiveSome();
 * ```
 */
export interface HalfCloseableStream extends Stream {
  /** Closes the sending half. Further `sendAll` raises `ClosedResourceError`. A checkpoint. */
  sendEof(): Promise<void>;
}

/**
 * Something that accepts incoming connections (Trio's `abc.Listener`).
 * @example
 * ```ts
 * const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
 * const stream = await listener.accept();
 * ```
 */
export interface Listener<T extends AsyncResource = Stream> extends AsyncResource {
  /**
   * Waits for the next connection.
   * @throws BusyResourceError when another task is in `accept` on this listener.
   * @throws ClosedResourceError after `aclose()`.
   */
  accept(): Promise<T>;
}
