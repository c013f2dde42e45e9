import { TrioError } from "./errors.ts";

/** Node's error codes, spelled out for messages. */
const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listens there)",
  ECONNRESET: "connection reset by peer",
  EADDRINUSE: "address already in use (another program, or another listener, has this port)",
  EADDRNOTAVAIL: "address not available on this machine",
  EACCES: "permission denied",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "temporary failure in name resolution",
  EPIPE: "broken pipe",
  ENOENT: "no such file or directory",
};

/** Options of {@link OSError}. */
export interface OSErrorOptions {
  /** Node's error code (`"ECONNREFUSED"`). */
  code?: string;
  /** The host or IP address involved. */
  address?: string;
  /** The port involved. */
  port?: number;
  /** The system call that failed (`"connect"`, `"listen"`). */
  syscall?: string;
  /** The original error. */
  cause?: unknown;
  /** Every error when several attempts failed. */
  errors?: unknown[];
}

/**
 * An operating-system error with the details needed to act on it: `code`
 * (`"ECONNREFUSED"`, `"EADDRINUSE"`), `address`, `port`, `syscall`. Raised
 * where Python's Trio raises `OSError`: a refused connection, a port in use,
 * an unknown host. (A peer that resets an open connection is a
 * `BrokenResourceError` instead: the stream broke.)
 * @example
 * ```ts
 * try { await trio.openTcpStream("127.0.0.1", 1); }
 * catch (e) { if (e instanceof trio.OSError && e.code === "ECONNREFUSED") console.log("nobody home"); }
 * ```
 */
export class OSError extends TrioError {
  readonly code: string | undefined;
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly syscall: string | undefined;
  /** Every underlying error when several attempts failed (happy eyeballs). */
  readonly errors: unknown[];

  constructor(message: string, options: OSErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.address = options.address;
    this.port = options.port;
    this.syscall = options.syscall;
    this.errors = options.errors ?? [];
  }

  /**
   * Wraps one of Node's system errors (`err.code`, `err.syscall`), naming
   * what was being done: `OSError.from(err, "connect to", "::1", 80)`.
   * @internal
   */
  static from(error: unknown, doing: string, address?: string, port?: number): OSError {
    const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
    const code = typeof e?.code === "string" ? e.code : undefined;
    const where = address === undefined ? "" : ` ${formatAddress(address, port)}`;
    const why = code === undefined ? String((e as Error)?.message ?? e) : `${DESCRIPTIONS[code] ?? e.message} (${code})`;
    return new OSError(`could not ${doing}${where}: ${why}`, {
      code,
      address: address ?? e?.address,
      port: port ?? e?.port,
      syscall: e?.syscall,
      cause: error,
    });
  }
}

/** `127.0.0.1:80`, `[::1]:80`. */
export function formatAddress(address: string, port?: number): string {
  const host = address.includes(":") ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}
