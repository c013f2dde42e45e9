import type net from "node:net";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { ConflictDetector } from "./conflict-detector.ts";
import { currentTaskFor } from "./current.ts";
import { ClosedResourceError } from "./errors.ts";
import { formatAddress, OSError } from "./os-error.ts";
import { SocketStream } from "./socket-stream.ts";
import type { Listener } from "./stream-abc.ts";
import { Abort, type Task } from "./task.ts";

/**
 * A listening TCP socket (a `node:net` `Server`) as a Trio
 * {@link Listener}: `accept()` waits for the next connection and returns it
 * as a {@link SocketStream}. Connections that arrive while nobody is in
 * `accept` queue up. Made by `openTcpListeners`.
 * @example
 * ```ts
 * const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
 * console.log(listener.port);
 * await using stream = await listener.accept();
 * ```
 */
export class SocketListener implements Listener<SocketStream> {
  /** The underlying `node:net` server. */
  readonly server: net.Server;
  readonly #conflict = new ConflictDetector("another task is already in SocketListener.accept(); one acceptor at a time");
  #queue: net.Socket[] = [];
  #waiter: Task | null = null;
  #error: OSError | null = null;
  #closed = false;

  constructor(server: net.Server) {
    this.server = server;
    server.on("connection", this.#onConnection);
    server.on("error", this.#onError);
  }

  #onConnection = (socket: net.Socket): void => {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    // Until a SocketStream owns it, an error on the socket must not crash the process.
    socket.on("error", () => {});
    const task = this.#waiter;
    if (task !== null) {
      this.#waiter = null;
      task.runner.reschedule(task, { value: socket });
    } else this.#queue.push(socket);
  };

  #onError = (error: unknown): void => {
    this.#error = OSError.from(error, "accept on", this.address, this.port);
    const task = this.#waiter;
    if (task !== null) {
      this.#waiter = null;
      task.runner.reschedule(task, { error: this.#error });
      this.#error = null;
    }
  };

  /** The address listened on (`"127.0.0.1"`, `"::"`). */
  get address(): string {
    const a = this.server.address();
    return typeof a === "object" && a !== null ? a.address : String(a);
  }

  /** The port listened on: the one the OS picked when you asked for port 0. */
  get port(): number {
    const a = this.server.address();
    return typeof a === "object" && a !== null ? a.port : 0;
  }

  /** `"127.0.0.1:8080"`. */
  toString(): string {
    return this.#closed ? "<closed SocketListener>" : formatAddress(this.address, this.port);
  }

  /**
   * Waits for a connection and returns it.
   * @throws ClosedResourceError after `aclose()` (also for a task blocked here when it happens).
   * @throws OSError when the OS reports an accept error (e.g. too many open files).
   */
  async accept(): Promise<SocketStream> {
    const task = currentTaskFor("SocketListener.accept()");
    this.#conflict.enter();
    try {
      if (this.#closed) throw closedError();
      if (this.#queue.length || this.#error !== null) {
        await checkpointIfCancelled();
        if (this.#closed) throw closedError();
        const error = this.#error;
        if (error !== null) {
          this.#error = null;
          throw error;
        }
        const socket = this.#queue.shift()!;
        await cancelShieldedCheckpoint();
        return new SocketStream(socket);
      }
      this.#waiter = task;
      const socket = (await task.runner.park(task, () => {
        this.#waiter = null;
        return Abort.SUCCEEDED;
      })) as net.Socket;
      return new SocketStream(socket);
    } finally {
      this.#conflict.exit();
    }
  }

  /** Stops listening; queued connections that were never accepted are closed. Idempotent. */
  async aclose(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.server.close();
      for (const socket of this.#queue) socket.destroy();
      this.#queue = [];
      const task = this.#waiter;
      if (task !== null) {
        this.#waiter = null;
        task.runner.reschedule(task, { error: closedError() });
      }
    }
    await checkpointIfCancelled();
    await cancelShieldedCheckpoint();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

function closedError(): ClosedResourceError {
  return new ClosedResourceError("SocketListener.accept(): this listener was closed by this side");
}
