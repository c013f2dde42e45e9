import { lookup } from "node:dns/promises";
import net from "node:net";
import { isTaskCancelled } from "./cancel-scope.ts";
import { cancellable } from "./cancellable.ts";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { currentTaskFor } from "./current.ts";
import { openNursery } from "./nursery.ts";
import { formatAddress, OSError } from "./os-error.ts";
import { SocketStream } from "./socket-stream.ts";
import { Abort, type Task } from "./task.ts";
import { moveOnAfter } from "./timeouts.ts";
import { checkSeconds } from "./validate.ts";

/** Trio's (and RFC 8305's) delay before the next connection attempt starts, in seconds. */
export const DEFAULT_HAPPY_EYEBALLS_DELAY = 0.25;

/** Options of {@link openTcpStream}. */
export interface OpenTcpStreamOptions {
  /**
   * Seconds to wait for one attempt before starting the next address in
   * parallel (`Infinity`: strictly one after another). @default 0.25
   */
  happyEyeballsDelay?: number;
  /** Local address to connect from. */
  localAddress?: string;
}

interface Address {
  address: string;
  family: number;
}

/** A one-shot flag one task can wait for (the few lines of an `Event` this file needs). */
class Flag {
  #set = false;
  #waiter: Task | null = null;
  set(): void {
    this.#set = true;
    const task = this.#waiter;
    this.#waiter = null;
    task?.runner.reschedule(task);
  }
  async wait(): Promise<void> {
    if (this.#set) {
      await checkpointIfCancelled();
      await cancelShieldedCheckpoint();
      return;
    }
    const task = currentTaskFor("wait()");
    this.#waiter = task;
    await task.runner.park(task, () => {
      this.#waiter = null;
      return Abort.SUCCEEDED;
    });
  }
}

/**
 * Connects one socket to `address`:`port`. Cancellable: the half-open socket is destroyed.
 * @internal
 */
export function connectSocket(address: string, port: number, family: number, localAddress?: string): Promise<net.Socket> {
  const task = currentTaskFor("openTcpStream()");
  // A cancelled task does not even start a connection.
  if (isTaskCancelled(task)) return checkpointIfCancelled() as Promise<never>;
  const socket = net.connect({ host: address, port, family, allowHalfOpen: true, noDelay: true, localAddress });
  let done = false;
  const finish = (outcome: { value: net.Socket } | { error: unknown }) => {
    if (done) return;
    done = true;
    socket.off("connect", onConnect);
    socket.off("error", onError);
    task.runner.reschedule(task, outcome);
  };
  const onConnect = () => finish({ value: socket });
  const onError = (error: unknown) => {
    socket.destroy();
    finish({ error: OSError.from(error, "connect to", address, port) });
  };
  socket.once("connect", onConnect);
  socket.once("error", onError);
  return task.runner.park(task, () => {
    done = true;
    socket.off("connect", onConnect);
    socket.off("error", onError);
    socket.on("error", () => {});
    socket.destroy();
    return Abort.SUCCEEDED;
  }) as Promise<net.Socket>;
}

/**
 * Orders addresses as RFC 6555 section 5.4 (and Trio) suggests: the first
 * address of the other family moves to second place, so that a broken IPv6
 * setup costs one `happyEyeballsDelay`, not one per address.
 * @internal
 */
export function reorderForHappyEyeballs(addresses: Address[]): Address[] {
  if (addresses.length < 2) return addresses;
  const first = addresses[0]!.family;
  const i = addresses.findIndex((a) => a.family !== first);
  if (i <= 1) return addresses;
  const out = [...addresses];
  const [other] = out.splice(i, 1);
  out.splice(1, 0, other!);
  return out;
}

/** Resolves `host` to its addresses, cancellably. */
async function resolve(host: string, port: number): Promise<Address[]> {
  if (net.isIP(host)) {
    await checkpointIfCancelled();
    return [{ address: host, family: net.isIP(host) }];
  }
  try {
    const found = await cancellable(lookup(host, { all: true, verbatim: true }));
    if (found.length === 0) throw Object.assign(new Error("no addresses"), { code: "ENOTFOUND" });
    return found;
  } catch (error) {
    if ((error as { code?: unknown })?.code === undefined) throw error;
    throw OSError.from(error, "resolve", host, port);
  }
}

/**
 * Opens a TCP connection to `host`:`port`, as Trio's `open_tcp_stream`.
 *
 * A host name may resolve to several addresses (IPv6 and IPv4). They are
 * tried with Trio's "happy eyeballs": the first attempt starts at once; each
 * next one starts when the previous fails or after `happyEyeballsDelay`
 * seconds, whichever comes first; the first connection to succeed wins and
 * the others are cancelled. Cancellable at every step.
 *
 * @param host a host name or an IP address.
 * @param port the port, 1–65535.
 * @returns the connected stream; close it with `aclose()` or `await using`.
 * @throws OSError when every attempt failed (`code` of the last one, e.g.
 * `"ECONNREFUSED"`; `errors` holds them all), or the name did not resolve
 * (`"ENOTFOUND"`).
 * @example
 * ```ts
 * await using stream = await trio.openTcpStream("localhost", 8080);
 * await stream.sendAll("GET / HTTP/1.0\r\n\r\n");
 * ```
 */
export async function openTcpStream(host: string, port: number, options: OpenTcpStreamOptions = {}): Promise<SocketStream> {
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`openTcpStream(host, port): host must be a non-empty string, got ${JSON.stringify(host)}`);
  }
  checkPort(port, "openTcpStream(host, port)", false);
  const delay = checkSeconds(options.happyEyeballsDelay ?? DEFAULT_HAPPY_EYEBALLS_DELAY, "openTcpStream happyEyeballsDelay");
  const targets = reorderForHappyEyeballs(await resolve(host, port));
  if (targets.length === 1) {
    const t = targets[0]!;
    const socket = await connectSocket(t.address, port, t.family, options.localAddress);
    await cancelShieldedCheckpoint();
    return new SocketStream(socket);
  }
  let winner: net.Socket | null = null;
  const errors: OSError[] = [];
  const losers: net.Socket[] = [];
  try {
    await openNursery(async (nursery) => {
      for (const target of targets) {
        if (winner !== null) break;
        const failed = new Flag();
        nursery.startSoon(async () => {
          try {
            const socket = await connectSocket(target.address, port, target.family, options.localAddress);
            if (winner === null) {
              winner = socket;
              nursery.cancelScope.cancel();
            } else losers.push(socket);
          } catch (error) {
            if (!(error instanceof OSError)) throw error;
            errors.push(error);
            failed.set();
          }
        });
        await moveOnAfter(delay, () => failed.wait());
      }
    });
  } catch (error) {
    (winner as net.Socket | null)?.destroy();
    throw error;
  } finally {
    for (const socket of losers) socket.destroy();
  }
  if (winner === null) {
    const last = errors[errors.length - 1];
    throw new OSError(
      `all ${targets.length} attempts to connect to ${formatAddress(host, port)} failed: ` + errors.map((e) => e.message).join("; "),
      { code: last?.code, address: host, port, syscall: "connect", errors, cause: last },
    );
  }
  return new SocketStream(winner);
}

/** Checks a port number (0 allowed for listening). @internal */
export function checkPort(port: unknown, what: string, allowZero: boolean): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new TypeError(`${what}: port must be an integer from ${allowZero ? 0 : 1} to 65535, got ${JSON.stringify(port)} (${typeof port})`);
  }
  return port;
}
