/**
 * The grader's setup file, run in each test worker before the test file and
 * so before any student module. Defence in depth for code that shares the
 * tests' JavaScript realm (a realm is not a security boundary; the score's
 * integrity rests on the signed report, see protocol.ts):
 *
 * - tamper detection: snapshots the built-ins the tests rely on (`Object.is`,
 *   `Promise`, the array and function prototypes, vitest's `expect` and its
 *   matchers) and fails every test that ends with any of them changed;
 * - network: sockets may connect to and listen on loopback only;
 * - output: at most {@link OUTPUT_CAP} bytes of stdout + stderr per worker.
 */
import net from "node:net";
import { afterEach } from "vitest";
import { findChange, restore, snapshot, watchedBuiltins } from "./builtins.ts";
import { enforceWorkerPermissions } from "./worker-permissions.ts";

// A worker started from a test with its own execArgv would escape the permission model.
enforceWorkerPermissions(undefined);

/** Bytes of output a worker may print before the rest is dropped. */
const OUTPUT_CAP = 64 * 1024;
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

const GraderError = Error;
const pristine = snapshot(watchedBuiltins());

afterEach(() => {
  const change = findChange(pristine);
  if (change !== undefined) {
    restore(pristine);
    throw new GraderError(
      `the submission changed ${change}: tests that run after the built-ins or the assertions were modified cannot be trusted, so they count as failed`,
    );
  }
});

// Network: loopback only (the server exercises need it; nothing else does).
const originalConnect = net.Socket.prototype.connect;
const originalListen = net.Server.prototype.listen;
function hostOf(args: unknown[]): string | undefined | null {
  // net.connect() passes its normalised [options, callback] array as the first argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === "object") {
    const options = first as { host?: string; path?: string };
    return options.path !== undefined ? null : options.host;
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return null; // a pipe path
  return typeof args[1] === "string" ? args[1] : undefined;
}
net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args) ?? "localhost";
  if (host === null || !LOOPBACK.has(host)) {
    throw new GraderError(`the grader allows network connections to loopback only (127.0.0.1, ::1), not to ${String(host ?? "a pipe")}`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
  const host = hostOf(args);
  if (host === null || host === undefined || !LOOPBACK.has(host)) {
    throw new GraderError(`the grader allows listening on loopback only: pass host "127.0.0.1" (got ${String(host ?? "every interface")})`);
  }
  return (originalListen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;

// Output: a submission printing a gigabyte must not flood the grader.
const GUARDED = Symbol.for("trio-workbook.grader.output-guard");
const processWithGuard = process as unknown as Record<symbol, { printed: number }>;
if (processWithGuard[GUARDED] === undefined) {
  const state = { printed: 0 };
  processWithGuard[GUARDED] = state;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const size = typeof chunk === "string" ? chunk.length : ((chunk as Uint8Array | undefined)?.byteLength ?? 0);
      const before = state.printed;
      state.printed += size;
      if (state.printed <= OUTPUT_CAP) return write(chunk, ...rest);
      if (before <= OUTPUT_CAP) write(`\n[the grader dropped the rest of this worker's output: more than ${OUTPUT_CAP} bytes]\n`);
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
}
