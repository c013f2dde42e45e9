/**
 * `trio.toThread`: run CPU-bound or blocking synchronous code on a worker
 * thread (`node:worker_threads`) while the run's other tasks go on, as
 * Trio's `trio.to_thread`.
 *
 * **What can be sent to a worker.** A worker is a separate JavaScript
 * world with no access to the caller's variables, so:
 * - the function travels as its **source text** (`fn.toString()`) and is
 *   re-created in the worker. It must be self-contained: no closures over
 *   outer variables, no imports of the calling module (a `ReferenceError`
 *   in the worker says so). `require` is available inside it for Node's
 *   modules (`require("node:crypto")`). Built-in and bound functions have no
 *   source text and are refused;
 * - the arguments and the result must be structured-cloneable (numbers,
 *   strings, plain objects, arrays, `Map`, `Set`, `Date`, typed arrays,
 *   `ArrayBuffer`; a `SharedArrayBuffer` is shared, not copied). Functions,
 *   class instances' prototypes and sockets are not; such an argument is a
 *   `TypeError` in the caller, such a result one in the task;
 * - an error thrown by the function is re-raised in the task with the
 *   worker's class (for the built-in ones), `message`, `code` and `stack`.
 *   A worker that dies (`process.exit()` inside it, an out-of-memory) raises
 *   an `Error` saying so.
 * If the function returns a promise, the worker awaits it.
 *
 * Workers are pooled: one runs one call at a time and waits idle for
 * {@link IDLE_WORKER_SECONDS} before it exits; idle workers do not keep Node alive.
 *
 * Out of scope: Trio's `trio.from_thread` (calling back into the run from
 * the worker). A worker can only receive its arguments and return a result;
 * use a `SharedArrayBuffer` with `Atomics` to share progress.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { cancellable } from "./cancellable.ts";
import { CapacityLimiter } from "./capacity-limiter.ts";
import { describe } from "./errors.ts";
import { reschedule, waitTaskRescheduled } from "./park.ts";
import { currentTask } from "./introspection.ts";
import { RunVar } from "./run-var.ts";
import { Abort } from "./task.ts";

/** How many `runSync` calls may run at once through the default limiter, as Trio's. */
export const DEFAULT_THREAD_LIMIT = 40;

/** How long a worker waits for its next call before it exits. */
export const IDLE_WORKER_SECONDS = 5;

/** Options of {@link runSync}, passed first: `runSync({ cancellable: true }, fn, ...args)`. */
export interface RunSyncOptions {
  /** Who limits how many calls run at once. @default {@link currentDefaultThreadLimiter}() */
  limiter?: CapacityLimiter;
  /**
   * When `true`, cancellation stops the wait at once and terminates the
   * worker (Trio's `abandon_on_cancel=True`). When `false`, the task waits
   * for the function to finish and gets its result: the call is not a
   * cancellation point once the function started.
   * @default false
   */
  cancellable?: boolean;
}

const DEFAULT_LIMITER = new RunVar<CapacityLimiter | null>("toThread.defaultLimiter", null);

/**
 * The run's default limiter for {@link runSync}: a `CapacityLimiter` of
 * {@link DEFAULT_THREAD_LIMIT} tokens, one per run. Set its `totalTokens` to
 * allow more or fewer worker threads at once.
 * @example
 * trio.toThread.currentDefaultThreadLimiter().totalTokens = 4;
 */
export function currentDefaultThreadLimiter(): CapacityLimiter {
  let limiter = DEFAULT_LIMITER.get();
  if (limiter === null) {
    limiter = new CapacityLimiter(DEFAULT_THREAD_LIMIT);
    DEFAULT_LIMITER.set(limiter);
  }
  return limiter;
}

/**
 * Runs `fn(...args)` on a worker thread and returns its result, holding a
 * token of the limiter meanwhile. A checkpoint: waiting for a token is
 * cancellable; the call itself is cancellable only with `{ cancellable: true }`.
 * Read the module's notes on what can be sent: `fn` must be self-contained,
 * `args` and the result structured-cloneable.
 *
 * @param options optional, first: `{ limiter, cancellable }`.
 * @param fn a self-contained function (its source text is sent).
 * @param args structured-cloneable arguments.
 * @returns what `fn` returned (awaited, if a promise).
 * @throws the function's error, re-created from the worker's; TypeError for
 *   a function without source text or arguments that cannot be cloned;
 *   Cancelled while waiting for a token, or while running with `cancellable: true`.
 * @example
 * ```ts
 * const digest = await trio.toThread.runSync(
 *   (text: string) => require("node:crypto").createHash("sha256").update(text).digest("hex"),
 *   "hello",
 * );
 * await trio.moveOnAfter(1, () => trio.toThread.runSync({ cancellable: true }, () => { for (;;); }));
 * ```
 */
export function runSync<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
export function runSync<A extends unknown[], R>(options: RunSyncOptions, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
export async function runSync(...input: unknown[]): Promise<unknown> {
  const hasOptions = typeof input[0] !== "function";
  const options = (hasOptions ? input[0] ?? {} : {}) as RunSyncOptions;
  const fn = input[hasOptions ? 1 : 0];
  const args = input.slice(hasOptions ? 2 : 1);
  if (typeof options !== "object") throw new TypeError(`toThread.runSync(): expected options or a function first, got ${describe(options)}`);
  if (typeof fn !== "function") throw new TypeError(`toThread.runSync(): expected a function, got ${describe(fn)}`);
  if (options.limiter !== undefined && !(options.limiter instanceof CapacityLimiter)) {
    throw new TypeError(`toThread.runSync(): options.limiter must be a CapacityLimiter, got ${describe(options.limiter)}`);
  }
  const source = sourceOf(fn);
  const limiter = options.limiter ?? currentDefaultThreadLimiter();
  const borrower = new ThreadCall(fn.name || "<anonymous>");
  await limiter.acquireOnBehalfOf(borrower);
  try {
    const worker = takeWorker();
    if (options.cancellable) {
      return await cancellable((signal) => {
        signal.addEventListener("abort", () => worker.kill(), { once: true });
        return worker.call(source, args, borrower.name);
      });
    }
    const task = currentTask();
    const wait = waitTaskRescheduled(() => Abort.FAILED);
    worker.call(source, args, borrower.name).then(
      (value) => reschedule(task, { value }),
      (error) => reschedule(task, { error }),
    );
    return await wait;
  } finally {
    limiter.releaseOnBehalfOf(borrower);
  }
}

/** What holds the limiter's token during a call (as Trio's placeholder), named after the function. */
class ThreadCall {
  constructor(readonly name: string) {}
  toString(): string {
    return `toThread.runSync(${this.name})`;
  }
}

function sourceOf(fn: Function): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `toThread.runSync(): ${describe(fn)} is built in or bound and has no source text to send to a worker; ` +
        "pass a self-contained function that calls it, e.g. (x) => Math.sqrt(x)",
    );
  }
  if (/^class\b/.test(source)) throw new TypeError(`toThread.runSync(): expected a function, got a class (${fn.name})`);
  return source;
}

/** The worker's program: compile each function once, run calls, send results or errors back. */
const WORKER_SOURCE = `
"use strict";
const { parentPort } = require("node:worker_threads");
globalThis.require = require;
globalThis.__name ??= (target) => target; // esbuild's keepNames helper, in case the source text uses it
const compiled = new Map();
const globalEval = eval;
function compile(source) {
  let fn = compiled.get(source);
  if (fn !== undefined) return fn;
  try {
    fn = globalEval("(" + source + "\\n)");
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const holder = globalEval("({" + source + "\\n})"); // a method: name(a) { ... }
    fn = holder[Object.keys(holder)[0]];
  }
  if (typeof fn !== "function") throw new TypeError("the source text sent to the worker is not a function");
  compiled.set(source, fn);
  return fn;
}
function describeError(error) {
  if (error instanceof Error) {
    return { kind: error.constructor?.name ?? "Error", name: error.name, message: error.message, stack: error.stack, code: error.code };
  }
  return { kind: "Error", name: "Error", message: "the function threw a non-Error value: " + String(error), stack: undefined };
}
parentPort.on("message", async ({ source, args }) => {
  let value;
  try {
    value = await compile(source)(...args);
  } catch (error) {
    parentPort.postMessage({ ok: false, error: describeError(error) });
    return;
  }
  try {
    parentPort.postMessage({ ok: true, value });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: { kind: "TypeError", name: "TypeError",
      message: "the function's result cannot be sent back from the worker (it must be structured-cloneable): " + error.message } });
  }
});
`;

interface ErrorInfo {
  kind: string;
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Idle workers, most recently used last. */
const idle: PooledWorker[] = [];

function takeWorker(): PooledWorker {
  return idle.pop() ?? new PooledWorker();
}

/** One worker thread, running one call at a time. */
class PooledWorker {
  readonly #worker = new Worker(WORKER_SOURCE, { eval: true });
  #job: { resolve: (value: unknown) => void; reject: (error: unknown) => void; fnName: string } | null = null;
  #idleTimer: NodeJS.Timeout | undefined;
  #dead = false;

  constructor() {
    this.#worker.on("message", (message: { ok: boolean; value?: unknown; error?: ErrorInfo }) => {
      const job = this.#finish();
      if (message.ok) job?.resolve(message.value);
      else job?.reject(rebuildError(message.error!, job.fnName));
      this.#park();
    });
    this.#worker.on("error", (error) => {
      this.#dead = true;
      this.#finish()?.reject(error);
    });
    this.#worker.on("exit", (code) => {
      this.#dead = true;
      this.#unlist();
      this.#finish()?.reject(new Error(`toThread.runSync(): the worker thread exited (code ${code}) before the function returned`));
    });
  }

  call(source: string, args: unknown[], fnName: string): Promise<unknown> {
    clearTimeout(this.#idleTimer);
    this.#worker.ref();
    return new Promise((resolve, reject) => {
      try {
        this.#worker.postMessage({ source, args });
      } catch (error) {
        this.#park();
        reject(new TypeError(`toThread.runSync(${fnName}): the arguments cannot be sent to a worker (they must be structured-cloneable): ${(error as Error).message}`, { cause: error }));
        return;
      }
      this.#job = { resolve, reject, fnName };
    });
  }

  /** Stops the thread mid-call: the call's promise rejects (and is ignored by then). */
  kill(): void {
    this.#dead = true;
    void this.#worker.terminate();
  }

  #finish() {
    const job = this.#job;
    this.#job = null;
    return job;
  }

  /** Back to the pool, idle and unref'd, until the timer ends it. */
  #park(): void {
    if (this.#dead) return;
    this.#worker.unref();
    idle.push(this);
    this.#idleTimer = setTimeout(() => {
      this.#unlist();
      this.kill();
    }, IDLE_WORKER_SECONDS * 1000).unref();
  }

  #unlist(): void {
    const at = idle.indexOf(this);
    if (at >= 0) idle.splice(at, 1);
  }
}

function rebuildError(info: ErrorInfo, fnName: string): Error {
  const Class = ERROR_CLASSES[info.kind] ?? Error;
  let message = info.message;
  if (info.kind === "ReferenceError") {
    message += ` (toThread.runSync(${fnName}) runs the function's source text in a worker, where variables from outside the function do not exist; pass them as arguments)`;
  }
  const error = new Class(message);
  if (error.name !== info.name) Object.defineProperty(error, "name", { value: info.name, configurable: true, writable: true });
  if (info.code !== undefined) (error as Error & { code?: unknown }).code = info.code;
  if (info.stack !== undefined) error.stack = `${info.stack}\n    at toThread.runSync (worker thread)`;
  return error;
}
