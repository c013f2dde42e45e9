import type { Socket } from "node:net";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { Receiver, Sender } from "./node-stream-io.ts";
import { formatAddress } from "./os-error.ts";
import type { HalfCloseableStream } from "./stream-abc.ts";

/**
 * A TCP connection as a Trio stream: what `openTcpStream` returns and what
 * `serveTcp` hands to each handler. Built on a `node:net` `Socket`.
 *
 * - `sendAll` waits while Node's send buffer is full (real backpressure:
 *   a slow reader slows the writer down instead of filling memory);
 * - `receiveSome` returns what has arrived, or an empty array at the end of
 *   the stream; unread data stays in a bounded buffer (when it fills, the
 *   socket stops reading and TCP's flow control pushes back on the peer);
 * - `sendEof` half-closes (TCP FIN); `aclose` closes.
 *
 * One task at a time may send, and one may receive (a second raises
 * `BusyResourceError`); sending and receiving in two tasks at once is
 * fine. Cancelling a blocked `receiveSome` loses no data; cancelling a
 * blocked `sendAll` leaves the bytes it handed over on their way (they are
 * still sent, in order). A reset connection raises `BrokenResourceError`.
 * `TCP_NODELAY` is on, as in Trio.
 *
 * @example
 * ```ts
 * await using stream = await trio.openTcpStream("127.0.0.1", port);
 * await stream.sendAll("hello");
 * const reply = await stream.receiveSome(1024);
 * ```
 */
export class SocketStream implements HalfCloseableStream {
  /** The underlying `node:net` socket (`remoteAddress`, `remotePort`, ...). */
  readonly socket: Socket;
  readonly #receiver: Receiver;
  readonly #sender: Sender;
  #closed = false;
  readonly #peer: string;

  constructor(socket: Socket) {
    this.socket = socket;
    this.#peer = socket.remoteAddress === undefined ? "<unconnected>" : formatAddress(socket.remoteAddress, socket.remotePort);
    socket.setNoDelay(true);
    this.#receiver = new Receiver(socket, "SocketStream");
    this.#sender = new Sender(socket, "SocketStream");
  }

  /** The peer's address, `"127.0.0.1:54321"` or `"[::1]:54321"` (kept after close). */
  get peerName(): string {
    return this.#peer;
  }

  /**
   * The peer's `[address, port]`, as Python's `socket.getpeername()`.
   * @example
   * const [ip, port] = stream.getpeername();
   */
  getpeername(): [string, number] {
    return [this.socket.remoteAddress ?? "", this.socket.remotePort ?? 0];
  }

  /** Sends all of `data`, waiting while the peer is slow. Strings go as UTF-8. See {@link SocketStream}. */
  sendAll(data: Uint8Array | string): Promise<void> {
    return this.#sender.sendAll(data);
  }

  /** Waits until Node's send buffer has room. */
  waitSendAllMightNotBlock(): Promise<void> {
    return this.#sender.waitSendAllMightNotBlock();
  }

  /**
   * Receives between 1 and `maxBytes` bytes; an empty array once the peer
   * has sent EOF and everything was read.
   * @param maxBytes @default 65536
   */
  receiveSome(maxBytes?: number): Promise<Uint8Array> {
    return this.#receiver.receiveSome(maxBytes);
  }

  /** Half-closes: the peer receives end-of-stream; you can still receive. */
  sendEof(): Promise<void> {
    return this.#sender.sendEof();
  }

  /**
   * Closes the connection. Bytes already handed to `sendAll` are still
   * delivered (the socket is destroyed once they are flushed); tasks blocked
   * on this stream get `ClosedResourceError`. Idempotent. Always closes,
   * then checkpoints (so it may raise `Cancelled` after closing).
   */
  async aclose(): Promise<void> {
    this.#close();
    await checkpointIfCancelled();
    await cancelShieldedCheckpoint();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiver.close();
    this.#sender.close();
    const socket = this.socket;
    if (socket.destroyed) return;
    if (socket.writableLength === 0 || socket.connecting) socket.destroy();
    else {
      // Let the pending bytes out, then close: like closing a socket with data in the kernel buffer.
      socket.end();
      socket.once("finish", () => socket.destroy());
      socket.once("error", () => socket.destroy());
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}
