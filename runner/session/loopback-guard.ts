/**
 * Loopback-only networking for untrusted runs (`--serve-class`), installed in the session
 * process before any block runs.
 *
 * Defence in depth, not a sandbox: it wraps the JavaScript entry points every Node networking
 * API goes through (`net.Socket#connect`, which `http`, `https`, `tls` and `fetch` use,
 * `net.Server#listen`, `dgram.Socket#bind/connect/send`, `dns.lookup`) so that a run can reach
 * 127.0.0.0/8 and ::1 only. The permission model refuses `process.binding`, the obvious way
 * around it, but Node 20's permission model does not cover the network, and a real boundary is the
 * operating system's (a network namespace or a firewall rule for the server's user). Until then,
 * this stops the honest mistakes and the casual attempts: a student's code scanning the
 * classroom network, or mailing a file out.
 *
 * A server that asks for every interface (no host, `0.0.0.0`, `::`) listens on 127.0.0.1.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";

/** The error a refused operation fails with; `code` matches Node's permission model's. */
export class LoopbackOnlyError extends Error {
  readonly code = "ERR_ACCESS_DENIED";

  /**
   * @param operation - what was refused (`connect`, `listen`...).
   * @param target - the address it was asked for.
   */
  constructor(operation: string, target: string) {
    super(`${operation} ${target} refused: this server serves a class, and runs may reach 127.0.0.1 and ::1 only.`);
    this.name = "LoopbackOnlyError";
  }
}

/** Host names a run may use: loopback addresses, and `localhost`. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (net.isIPv4(name)) return name.startsWith("127.");
  if (net.isIPv6(name)) return name === "::1" || /^::ffff:127\./.test(name) || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(name);
  return false;
}

const ANY_INTERFACE = new Set(["0.0.0.0", "::", "[::]", "::0"]);
let installed = false;

/**
 * Installs the guard (once; later calls do nothing).
 *
 * @example
 * if (process.env.TWB_LOOPBACK_ONLY === "1") installLoopbackGuard();
 */
export function installLoopbackGuard(): void {
  if (installed) return;
  installed = true;

  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    let target: string;
    let host: string | undefined;
    if (typeof first === "object" && first !== null) {
      const options = first as { host?: string; path?: string; lookup?: unknown };
      if (options.path !== undefined) target = `unix socket ${options.path}`;
      else host = options.host ?? "localhost";
      // A custom lookup could turn `localhost` into any address.
      delete options.lookup;
    } else if (typeof first === "string" && !/^\d+$/.test(first)) {
      target = `unix socket ${first}`;
    } else {
      host = typeof args[1] === "string" ? args[1] : "localhost";
    }
    target ??= host!;
    if (host === undefined || !isLoopback(host)) {
      const error = new LoopbackOnlyError("connect to", target);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const listen = net.Server.prototype.listen as (...args: unknown[]) => net.Server;
  net.Server.prototype.listen = function guardedListen(this: net.Server, ...args: unknown[]) {
    const refuse = (target: string) => {
      const error = new LoopbackOnlyError("listen on", target);
      process.nextTick(() => this.emit("error", error));
      return this;
    };
    const first = args[0];
    if (typeof first === "object" && first !== null) {
      const options = first as { host?: string; path?: string; port?: unknown; handle?: unknown; fd?: unknown };
      if (options.path !== undefined) return refuse(`unix socket ${options.path}`);
      if (options.handle !== undefined || options.fd !== undefined) return refuse("a handle or file descriptor");
      if (options.host === undefined || ANY_INTERFACE.has(options.host)) args[0] = { ...options, host: "127.0.0.1" };
      else if (!isLoopback(options.host)) return refuse(options.host);
    } else if (typeof first === "string" && !/^\d+$/.test(first)) {
      return refuse(`unix socket ${first}`);
    } else {
      const host = typeof args[1] === "string" ? args[1] : undefined;
      if (host === undefined || ANY_INTERFACE.has(host)) {
        // listen(port, [backlog], [callback]) or listen(port, host, ...): put the host in.
        args = [first, "127.0.0.1", ...args.slice(host === undefined ? 1 : 2)];
      } else if (!isLoopback(host)) {
        return refuse(host);
      }
    }
    return listen.apply(this, args);
  } as typeof net.Server.prototype.listen;

  const socketProto = dgram.Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const bind = socketProto["bind"]!;
  socketProto["bind"] = function guardedBind(this: dgram.Socket, ...args: unknown[]) {
    const first = args[0];
    if (typeof first === "object" && first !== null) {
      const options = first as { address?: string };
      if (options.address === undefined || ANY_INTERFACE.has(options.address)) args[0] = { ...options, address: "127.0.0.1" };
      else if (!isLoopback(options.address)) throw new LoopbackOnlyError("bind to", options.address);
    } else {
      const address = typeof args[1] === "string" ? args[1] : undefined;
      if (address === undefined || ANY_INTERFACE.has(address)) args = [first, "127.0.0.1", ...args.slice(address === undefined ? 1 : 2)];
      else if (!isLoopback(address)) throw new LoopbackOnlyError("bind to", address);
    }
    return bind.apply(this, args);
  };
  const dgramConnect = socketProto["connect"]!;
  socketProto["connect"] = function guardedDgramConnect(this: dgram.Socket, ...args: unknown[]) {
    const address = typeof args[1] === "string" ? args[1] : "localhost";
    if (!isLoopback(address)) throw new LoopbackOnlyError("connect to", address);
    return dgramConnect.apply(this, args);
  };
  const send = socketProto["send"]!;
  socketProto["send"] = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
    // send(msg, [offset, length,] port, [address,] [callback]); a connected socket names neither.
    const portAt = typeof args[1] === "number" && typeof args[2] === "number" && typeof args[3] === "number" ? 3 : 1;
    const address = typeof args[portAt + 1] === "string" ? (args[portAt + 1] as string) : "localhost";
    if (typeof args[portAt] === "number" && !isLoopback(address)) throw new LoopbackOnlyError("send to", address);
    return send.apply(this, args);
  };

  // Name lookups leak data too (in the name asked for): only loopback names are looked up.
  const lookup = dns.lookup as (...args: unknown[]) => unknown;
  (dns as { lookup: unknown }).lookup = function guardedLookup(hostname: unknown, ...rest: unknown[]) {
    if (typeof hostname === "string" && !isLoopback(hostname)) {
      const callback = rest.at(-1);
      const error = new LoopbackOnlyError("look up", hostname);
      if (typeof callback === "function") process.nextTick(() => callback(error));
      return {};
    }
    return lookup.call(dns, hostname, ...rest);
  };
  const lookupPromise = dns.promises.lookup as (...args: unknown[]) => Promise<unknown>;
  (dns.promises as { lookup: unknown }).lookup = (hostname: unknown, ...rest: unknown[]) =>
    typeof hostname === "string" && !isLoopback(hostname)
      ? Promise.reject(new LoopbackOnlyError("look up", hostname))
      : lookupPromise.call(dns.promises, hostname, ...rest);
}
