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
import { afterEach, expect } from "vitest";
import { enforceWorkerPermissions } from "./worker-permissions.ts";

// A worker started from a test with its own execArgv would escape the permission model.
enforceWorkerPermissions(undefined);

/** Bytes of output a worker may print before the rest is dropped. */
const OUTPUT_CAP = 64 * 1024;
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

const ownKeys = Reflect.ownKeys;
const getDescriptor = Reflect.getOwnPropertyDescriptor;
const getPrototypeOf = Reflect.getPrototypeOf;
const GraderError = Error;
const same = Object.is;
const defineProperty = Reflect.defineProperty;

type Snapshot = Array<{ label: string; target: object; keys: PropertyKey[]; descriptors: Array<PropertyDescriptor | undefined>; exact: boolean }>;

/** Globals the tests use; other global properties may come and go. */
const GLOBAL_NAMES = ["Object", "Function", "Array", "Promise", "Reflect", "JSON", "Error", "Symbol", "Map", "Set", "Number", "String", "setTimeout", "queueMicrotask", "AggregateError"];

function snapshot(entries: Array<[string, object]>): Snapshot {
  const result: Snapshot = [];
  for (let i = 0; i < entries.length; i++) {
    const [label, target] = entries[i]!;
    const exact = target !== globalThis;
    const keys = exact ? ownKeys(target) : GLOBAL_NAMES;
    const descriptors: Array<PropertyDescriptor | undefined> = [];
    for (let k = 0; k < keys.length; k++) descriptors.push(getDescriptor(target, keys[k]!));
    result.push({ label, target, keys, descriptors, exact });
  }
  return result;
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return same(a.value, b.value) && a.get === b.get && a.set === b.set;
}

/** The first change since `before`, described, or `undefined`. */
function findChange(before: Snapshot): string | undefined {
  for (let i = 0; i < before.length; i++) {
    const { label, target, keys, descriptors, exact } = before[i]!;
    if (exact && ownKeys(target).length !== keys.length) return `${label} (properties added or removed)`;
    for (let k = 0; k < keys.length; k++) {
      if (!sameDescriptor(descriptors[k], getDescriptor(target, keys[k]!))) return `${label}.${String(keys[k])}`;
    }
  }
  return undefined;
}

function protoChain(value: object): Array<[string, object]> {
  const chain: Array<[string, object]> = [];
  for (let p = getPrototypeOf(value); p !== null && p !== Object.prototype; p = getPrototypeOf(p)) chain.push(["expect(...) assertions", p]);
  return chain;
}

const watched: Array<[string, object]> = [
  ["globalThis", globalThis],
  ["Object", Object],
  ["Object.prototype", Object.prototype],
  ["Function.prototype", Function.prototype],
  ["Array.prototype", Array.prototype],
  ["Promise", Promise],
  ["Promise.prototype", Promise.prototype],
  ["Reflect", Reflect],
  ["JSON", JSON],
  ["Error", Error],
  ["String.prototype", String.prototype],
  ["Number", Number],
  ["Map.prototype", Map.prototype],
  ["Set.prototype", Set.prototype],
  ["expect", expect],
  ...protoChain(expect(0) as object),
];
const pristine = snapshot(watched);

/** Puts back every watched property, so the failure below travels through pristine promises. */
function restore(before: Snapshot): void {
  for (let i = 0; i < before.length; i++) {
    const { target, keys, descriptors } = before[i]!;
    for (let k = 0; k < keys.length; k++) {
      const d = descriptors[k];
      if (d !== undefined && !sameDescriptor(d, getDescriptor(target, keys[k]!))) {
        try {
          defineProperty(target, keys[k]!, d);
        } catch {
          // A frozen or non-configurable property: the failure is reported anyway.
        }
      }
    }
  }
}

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
