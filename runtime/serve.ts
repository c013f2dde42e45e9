import { acloseForcefully } from "./aclose-forcefully.ts";
import { Cancelled } from "./errors.ts";
import { withoutCancelled } from "./exception-group.ts";
import { openNursery, type Nursery, type TaskStatus } from "./nursery.ts";
import { OSError } from "./os-error.ts";
import type { SocketListener } from "./socket-listener.ts";
import type { SocketStream } from "./socket-stream.ts";
import { sleep } from "./sleep.ts";
import type { AsyncResource, Listener } from "./stream-abc.ts";
import { openTcpListeners, type OpenTcpListenersOptions } from "./tcp-listeners.ts";

/** Accept errors that mean "out of resources for now": wait and accept again, as Trio does. */
const ACCEPT_CAPACITY_ERRORS = new Set(["EMFILE", "ENFILE", "ENOMEM", "ENOBUFS"]);
/** Seconds to wait after such an error. */
const ACCEPT_CAPACITY_SLEEP = 0.1;

/** Called with the error of a connection handler that raised, and its stream. */
export type HandlerErrorReporter<S> = (error: unknown, stream: S) => void;

/** Options of {@link serveListeners}. */
export interface ServeListenersOptions<S = unknown> {
  /** Run the handlers in this nursery instead of the server's own. @default the server's nursery */
  handlerNursery?: Nursery;
  /**
   * Told about every handler that raised (anything but the server's own
   * cancellation). The server keeps serving either way.
   * @default writes the error and the peer's address to stderr
   */
  onHandlerError?: HandlerErrorReporter<S>;
}

/** Options of {@link serveTcp}: where to listen, and how to serve. */
export interface ServeTcpOptions<S = unknown> extends ServeListenersOptions<S>, OpenTcpListenersOptions {}

/** The default reporter: one block on stderr, naming the connection. */
export function reportHandlerError(error: unknown, stream: unknown): void {
  const peer = (stream as { peerName?: unknown })?.peerName;
  const who = typeof peer === "string" ? `connection from ${peer}` : "a connection";
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.stderr.write(`serve: the handler for ${who} raised an error (the server keeps serving):\n${detail}\n`);
}

function isTaskStatus(value: unknown): value is TaskStatus<unknown> {
  return value !== null && typeof value === "object" && typeof (value as { started?: unknown }).started === "function";
}

/** Reads the trailing `(options?, taskStatus?)` of the serve functions. */
function optionsAndStatus<O>(what: string, a: unknown, b: unknown): { options: O; status: TaskStatus<unknown> | undefined } {
  if (isTaskStatus(a)) return { options: {} as O, status: a };
  if (a !== undefined && (a === null || typeof a !== "object")) {
    throw new TypeError(`${what}: expected an options object, got ${a === null ? "null" : typeof a}`);
  }
  return { options: (a ?? {}) as O, status: isTaskStatus(b) ? b : undefined };
}

async function runHandler<S extends AsyncResource>(
  handler: (stream: S) => unknown,
  stream: S,
  report: HandlerErrorReporter<S>,
): Promise<void> {
  try {
    await handler(stream);
  } catch (error) {
    // The server's own cancellation goes on up; anything else is reported, not raised.
    const split = withoutCancelled(error);
    if (!split.empty) {
      try {
        report(split.rest, stream);
      } catch (reportError) {
        reportHandlerError(new AggregateError([split.rest, reportError], "onHandlerError() itself raised"), stream);
      }
    }
    if (split.hadCancelled) throw error instanceof Cancelled ? error : new Cancelled();
  } finally {
    await acloseForcefully(stream);
  }
}

async function serveOne<S extends AsyncResource>(
  listener: Listener<S>,
  handler: (stream: S) => unknown,
  handlerNursery: Nursery,
  report: HandlerErrorReporter<S>,
): Promise<never> {
  try {
    for (;;) {
      let stream: S;
      try {
        stream = await listener.accept();
      } catch (error) {
        if (error instanceof OSError && error.code !== undefined && ACCEPT_CAPACITY_ERRORS.has(error.code)) {
          process.stderr.write(`serve: ${error.message}; accepting again in ${ACCEPT_CAPACITY_SLEEP} s\n`);
          await sleep(ACCEPT_CAPACITY_SLEEP);
          continue;
        }
        throw error;
      }
      handlerNursery.startSoon({ name: `handler ${(stream as { peerName?: string }).peerName ?? ""}`.trim() }, runHandler<S>, handler, stream, report);
    }
  } finally {
    await acloseForcefully(listener);
  }
}

/**
 * Serves connections from `listeners` until cancelled, as Trio's
 * `serve_listeners`: each accepted stream goes to `handler(stream)` in its
 * own task, and is closed when the handler returns.
 *
 * Unlike Trio, a handler that raises does not bring the server down: the
 * error goes to `options.onHandlerError` (default: stderr, with the peer's
 * address) and the other connections carry on. Cancelling the server closes
 * the listeners and cancels every handler, which closes its connection.
 *
 * Usable with `nursery.start`: `started(listeners)` is called once every
 * listener is being served.
 *
 * @returns never; it ends by raising (`Cancelled` when cancelled).
 * @example
 * ```ts
 * const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
 * nursery.startSoon(trio.serveListeners, echo, listeners);
 * ```
 */
export function serveListeners<S extends AsyncResource, L extends Listener<S> = Listener<S>>(
  handler: (stream: S) => unknown,
  listeners: L[],
  ...rest: [TaskStatus<L[]>] | [ServeListenersOptions<S>, TaskStatus<L[]>] | [ServeListenersOptions<S>?]
): Promise<never>;
export async function serveListeners<S extends AsyncResource>(
  handler: (stream: S) => unknown,
  listeners: Listener<S>[],
  a?: unknown,
  b?: unknown,
): Promise<never> {
  if (typeof handler !== "function") throw new TypeError(`serveListeners(handler, listeners): handler must be a function, got ${typeof handler}`);
  if (!Array.isArray(listeners) || listeners.length === 0) {
    throw new TypeError("serveListeners(handler, listeners): listeners must be a non-empty array of listeners");
  }
  const { options, status } = optionsAndStatus<ServeListenersOptions<S>>("serveListeners()", a, b);
  const report = options.onHandlerError ?? (reportHandlerError as HandlerErrorReporter<S>);
  try {
    await openNursery(async (nursery) => {
      const handlers = options.handlerNursery ?? nursery;
      for (const listener of listeners) {
        nursery.startSoon({ name: `serve ${String(listener)}` }, serveOne<S>, listener, handler, handlers, report);
      }
      status?.started(listeners);
    });
  } finally {
    for (const listener of listeners) await acloseForcefully(listener);
  }
  // Only reachable if every accept loop returned, which they never do.
  throw new Error("serveListeners(): the accept loops ended unexpectedly");
}

/**
 * Listens on `port` and serves each TCP connection with `handler(stream)`
 * until cancelled, as Trio's `serve_tcp` (= `openTcpListeners` +
 * {@link serveListeners}). A handler that raises is reported (stderr by
 * default, see `onHandlerError`) and the server keeps serving.
 *
 * Start it with `nursery.start` to learn the listeners (and the port the OS
 * picked for port 0) once it is listening.
 *
 * @param handler called with each connection's {@link SocketStream}; the
 * stream is closed when it returns.
 * @param port the port, or 0 for any free one.
 * @param options `host`, `backlog`, `handlerNursery`, `onHandlerError`.
 * @returns never; it ends by raising (`Cancelled` when cancelled).
 * @throws OSError `EADDRINUSE` when the port is taken.
 * @example
 * ```ts
 * await trio.openNursery(async (nursery) => {
 *   const listeners = await nursery.start(trio.serveTcp, echo, 0, { host: "127.0.0.1" });
 *   console.log(`echo server on port ${listeners[0].port}`);
 * });
 * ```
 */
export function serveTcp<S extends SocketStream>(
  handler: (stream: S) => unknown,
  port: number,
  ...rest: [TaskStatus<SocketListener[]>] | [ServeTcpOptions<SocketStream>, TaskStatus<SocketListener[]>] | [ServeTcpOptions<SocketStream>?]
): Promise<never>;
export function serveTcp(
  handler: (stream: SocketStream) => unknown,
  port: number,
  ...rest: [TaskStatus<SocketListener[]>] | [ServeTcpOptions<SocketStream>, TaskStatus<SocketListener[]>] | [ServeTcpOptions<SocketStream>?]
): Promise<never>;
export async function serveTcp(handler: (stream: SocketStream) => unknown, port: number, a?: unknown, b?: unknown): Promise<never> {
  if (typeof handler !== "function") throw new TypeError(`serveTcp(handler, port): handler must be a function, got ${typeof handler}`);
  const { options, status } = optionsAndStatus<ServeTcpOptions>("serveTcp()", a, b);
  const listeners = await openTcpListeners(port, { host: options.host, backlog: options.backlog });
  const serveOptions: ServeListenersOptions<SocketStream> = { handlerNursery: options.handlerNursery, onHandlerError: options.onHandlerError };
  return status === undefined
    ? serveListeners(handler, listeners, serveOptions)
    : serveListeners(handler, listeners, serveOptions, status as TaskStatus<SocketListener[]>);
}
