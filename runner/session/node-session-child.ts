/**
 * The entry point of a TypeScript session process. Never imported by the server: the server
 * bundles it (see `session-bundle.ts`) and forks it.
 *
 * It evaluates transformed blocks (see `transform-block.ts`) in its own global scope, so their
 * top-level names persist; attributes output to runs with an AsyncLocalStorage (several runs may
 * be active at once, such as a serving echo server and a client block); and cancels a run by
 * cancelling the CancelScope it wraps around each `trio.run` the run makes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import vm from "node:vm";
import { installLoopbackGuard } from "./loopback-guard.ts";
import type { ChildMessage, ParentMessage, RunMessage } from "./protocol.ts";
import { traceInstrument, type TraceBudget } from "./trace-events.ts";

/** What the session needs of a cancel scope; the runtime's CancelScope has it. */
interface ScopeLike {
  cancel(): void;
  run<R>(body: () => Promise<R>): Promise<R | undefined>;
  readonly cancelledCaught: boolean;
}

interface ActiveRun {
  id: string;
  cancelRequested: boolean;
  /** The scopes wrapped around this run's `trio.run` calls that are still running. */
  scopes: Set<ScopeLike>;
  cancelledCaught: boolean;
  outputBytes: number;
  outputCapBytes: number;
  capped: boolean;
  events: boolean;
  eventCount: number;
  /** Trace each `trio.run` for the pictures; `null` when not asked. */
  trace: TraceBudget | null;
}

type RuntimeModule = Record<string, unknown> & {
  run: (...args: unknown[]) => Promise<unknown>;
  CancelScope: new () => ScopeLike;
};

/** Events sent per run at most: enough to follow a demo, not enough to flood the page. */
const MAX_EVENTS_PER_RUN = 500;
/** Specifiers that mean the bundled runtime. */
const RUNTIME_SPECIFIERS = new Set(["trio", "trio-workbook", "trio-workbook/runtime"]);

const sendToParent = process.send?.bind(process);
if (!sendToParent) {
  console.error("This is a session process: the runner forks it with an IPC channel. Start the runner instead.");
  process.exit(2);
}
const send = (message: ChildMessage) => {
  sendToParent(message);
};

const store = new AsyncLocalStorage<ActiveRun>();
const runs = new Map<string, ActiveRun>();
let lastRun: ActiveRun | null = null;
const baseDir = process.env["TWB_BASE_DIR"] ?? process.cwd();
const requireFromBase = createRequire(path.join(baseDir, "noop.js"));

// Serving a class: before anything else, runs may reach loopback addresses only.
if (process.env["TWB_LOOPBACK_ONLY"] === "1") installLoopbackGuard();

captureOutput("stdout");
captureOutput("stderr");

process.on("uncaughtException", (error) => reportStray(error));
process.on("unhandledRejection", (error) => reportStray(error));

const { runtime, runtimeError } = await loadRuntime(process.env["TWB_RUNTIME"], process.env["TWB_RUNTIME_ERROR"]);
const trio = runtime ? wrapRuntime(runtime) : missingRuntime(runtimeError ?? "no runtime was given");
Object.defineProperty(globalThis, "trio", { value: trio, writable: true, configurable: true, enumerable: false });
Object.defineProperty(globalThis, "__twb", {
  value: Object.freeze({ import: importForBlock }),
  writable: false,
  configurable: false,
  enumerable: false,
});

process.on("message", (message: ParentMessage) => {
  if (message.type === "run") void execute(message);
  else if (message.type === "cancel") cancel(message.runId);
});
send({ type: "ready", runtimeError });

function captureOutput(stream: "stdout" | "stderr"): void {
  const target = process[stream];
  const original = target.write.bind(target);
  target.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const run = store.getStore() ?? lastRun;
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    if (run) emitOutput(run, stream, text);
    else original(text);
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof target.write;
}

function emitOutput(run: ActiveRun, stream: "stdout" | "stderr", text: string): void {
  if (run.capped) return;
  run.outputBytes += Buffer.byteLength(text);
  if (run.outputBytes > run.outputCapBytes) {
    // The server prints the notice and stops the run; sending more would only fill memory.
    run.capped = true;
  }
  send({ type: "output", runId: run.id, stream, text });
}

function reportStray(error: unknown): void {
  const run = store.getStore() ?? lastRun;
  const text = `Uncaught ${formatError(error)}\n`;
  if (run) emitOutput(run, "stderr", text);
}

async function loadRuntime(
  file: string | undefined,
  buildError: string | undefined,
): Promise<{ runtime: RuntimeModule | null; runtimeError: string | null }> {
  if (!file) return { runtime: null, runtimeError: buildError || "the runtime (runtime/index.ts) could not be built" };
  try {
    return { runtime: (await import(pathToFileURL(file).href)) as RuntimeModule, runtimeError: null };
  } catch (error) {
    return { runtime: null, runtimeError: `the runtime failed to load: ${formatError(error)}` };
  }
}

/** The runtime as blocks see it: the same names, with `run` wrapped so that Stop can cancel it. */
function wrapRuntime(module: RuntimeModule): Record<string, unknown> {
  const wrapped: Record<string, unknown> = { ...module };
  wrapped["run"] = (...args: unknown[]) => {
    const run = store.getStore();
    if (!run) return module.run(...args);
    const hasOptions = typeof args[0] !== "function";
    const options = (hasOptions ? args[0] : {}) as { instruments?: unknown[] } | undefined;
    const fn = (hasOptions ? args[1] : args[0]) as (...a: unknown[]) => Promise<unknown>;
    const rest = args.slice(hasOptions ? 2 : 1);
    const instruments = [
      ...(options?.instruments ?? []),
      ...(run.events ? [eventInstrument(run)] : []),
      ...(run.trace ? [traceInstrument(run.id, run.trace, send)] : []),
    ];
    const runOptions = instruments.length > 0 ? { ...options, instruments } : { ...options };
    // The main task is the wrapper below: it goes by the block's function's name, as without it.
    (runOptions as { name?: string }).name ??= (typeof fn === "function" && fn.name) || "main";
    return module.run(runOptions, async (...fnArgs: unknown[]) => {
      const scope = new module.CancelScope();
      run.scopes.add(scope);
      if (run.cancelRequested) scope.cancel();
      try {
        return await scope.run(() => fn(...fnArgs));
      } finally {
        run.scopes.delete(scope);
        if (scope.cancelledCaught) run.cancelledCaught = true;
      }
    }, ...rest);
  };
  return Object.freeze(wrapped);
}

function eventInstrument(run: ActiveRun): Record<string, (task: { name?: string }) => void> {
  const emit = (event: "task-spawned" | "task-exited", task: { name?: string }) => {
    if (run.eventCount++ >= MAX_EVENTS_PER_RUN) return;
    send({ type: "event", runId: run.id, event, task: String(task?.name ?? "?") });
  };
  return {
    taskSpawned: (task) => emit("task-spawned", task),
    taskExited: (task) => emit("task-exited", task),
  };
}

function missingRuntime(reason: string): unknown {
  return new Proxy({}, {
    get(_, name) {
      if (typeof name === "symbol" || name === "then") return undefined;
      throw new Error(`trio.${name} is unavailable: ${reason}. Check runtime/index.ts (npx tsc --noEmit -p .).`);
    },
  });
}

async function importForBlock(specifier: string): Promise<unknown> {
  if (RUNTIME_SPECIFIERS.has(specifier) || /(^|\/)runtime\/index(\.ts)?$/.test(specifier)) return trio;
  if (specifier.startsWith("node:")) return import(specifier);
  if (specifier.startsWith(".") || path.isAbsolute(specifier)) {
    return import(pathToFileURL(path.resolve(baseDir, specifier)).href);
  }
  try {
    return await import(pathToFileURL(requireFromBase.resolve(specifier)).href);
  } catch {
    return import(specifier);
  }
}

async function execute(message: RunMessage): Promise<void> {
  const run: ActiveRun = {
    id: message.runId,
    cancelRequested: false,
    scopes: new Set(),
    cancelledCaught: false,
    outputBytes: 0,
    outputCapBytes: message.outputCapBytes,
    capped: false,
    events: message.events,
    eventCount: 0,
    trace: message.trace ? { seq: 0, sent: 0 } : null,
  };
  runs.set(run.id, run);
  lastRun = run;
  let status: "ok" | "error" | "cancelled" = "ok";
  let error: string | null = null;
  try {
    await store.run(run, async () => {
      for (const step of message.steps) {
        const script = new vm.Script(step.code, {
          filename: step.label,
          importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
        });
        const value: unknown = await script.runInThisContext();
        if (step.mode === "console" && value !== undefined) {
          send({ type: "result", runId: run.id, text: inspect(value, { colors: true, depth: 4 }) });
        }
        if (run.cancelRequested) break;
      }
    });
  } catch (thrown) {
    status = "error";
    error = formatError(thrown);
  } finally {
    runs.delete(run.id);
    if (lastRun === run) lastRun = null;
  }
  if (run.cancelRequested && (status === "ok" || run.cancelledCaught || isCancelled(error))) status = "cancelled";
  send({ type: "done", runId: run.id, status, error: status === "cancelled" ? null : error });
}

function cancel(runId: string): void {
  const run = runs.get(runId);
  if (!run) return;
  run.cancelRequested = true;
  for (const scope of run.scopes) scope.cancel();
}

function isCancelled(error: string | null): boolean {
  return error !== null && /^Cancelled\b/.test(error);
}

function formatError(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error);
  const text = inspect(error, { depth: 3 });
  // Frames of the session's own machinery tell the reader nothing about their code.
  return text
    .split("\n")
    .filter((line) => !/^\s+at .*(node:internal|node-session-child|session-child\.mjs)/.test(line))
    .join("\n");
}
