import { lookup } from "node:dns/promises";
import net from "node:net";
import { cancellable } from "./cancellable.ts";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { currentTaskFor } from "./current.ts";
import { OSError } from "./os-error.ts";
import { SocketListener } from "./socket-listener.ts";
import { Abort } from "./task.ts";
import { checkPort } from "./tcp.ts";

/** Options of {@link openTcpListeners}. */
export interface OpenTcpListenersOptions {
  /**
   * The address or host name to listen on; one listener per address it
   * resolves to. @default every interface (IPv6 and IPv4 where available)
   */
  host?: string;
  /** Length of the queue of connections not yet accepted. @default the OS's maximum */
  backlog?: number;
}

/** Starts one server listening; cancellable. */
function listen(host: string | undefined, port: number, backlog: number | undefined): Promise<SocketListener> {
  const task = currentTaskFor("openTcpListeners()");
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  let done = false;
  const onListening = () => {
    if (done) return;
    done = true;
    server.off("error", onError);
    task.runner.reschedule(task, { value: new SocketListener(server) });
  };
  const onError = (error: unknown) => {
    if (done) return;
    done = true;
    server.off("listening", onListening);
    server.close();
    task.runner.reschedule(task, { error: OSError.from(error, "listen on", host ?? "*", port) });
  };
  server.once("listening", onListening);
  server.once("error", onError);
  server.listen({ port, host, backlog, exclusive: true });
  return task.runner.park(task, () => {
    done = true;
    server.off("listening", onListening);
    server.off("error", onError);
    server.on("error", () => {});
    server.close();
    return Abort.SUCCEEDED;
  }) as Promise<SocketListener>;
}

/**
 * Listens for TCP connections on `port`, as Trio's `open_tcp_listeners`:
 * one {@link SocketListener} per address of `host` (one for every
 * interface when `host` is left out). Port 0 lets the OS pick a free port;
 * read it from `listeners[0].port`.
 *
 * @returns the listeners; close them with `aclose()`.
 * @throws OSError `EADDRINUSE` when the port is taken, `EACCES` for a
 * privileged port, `ENOTFOUND` for an unknown host; the message names the address.
 * @example
 * ```ts
 * const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
 * console.log(`listening on port ${listeners[0].port}`);
 * await trio.serveListeners(handler, listeners);
 * ```
 */
export async function openTcpListeners(port: number, options: OpenTcpListenersOptions = {}): Promise<SocketListener[]> {
  checkPort(port, "openTcpListeners(port)", true);
  const { host, backlog } = options;
  if (host !== undefined && (typeof host !== "string" || host === "")) {
    throw new TypeError(`openTcpListeners(): options.host must be a non-empty string, got ${JSON.stringify(host)}`);
  }
  await checkpointIfCancelled();
  let addresses: (string | undefined)[];
  if (host === undefined || net.isIP(host)) addresses = [host];
  else {
    try {
      const found = await cancellable(lookup(host, { all: true, verbatim: true }));
      addresses = [...new Set(found.map((a) => a.address))];
    } catch (error) {
      if ((error as { code?: unknown })?.code === undefined) throw error;
      throw OSError.from(error, "resolve", host, port);
    }
  }
  const listeners: SocketListener[] = [];
  try {
    for (const address of addresses) listeners.push(await listen(address, port, backlog));
  } catch (error) {
    for (const listener of listeners) listener.server.close();
    throw error;
  }
  await cancelShieldedCheckpoint();
  return listeners;
}
