import { promiseHooks } from "node:v8";
import { RunFinishedError, TrioRuntimeError } from "./errors.ts";
import type { Runner } from "./runner.ts";
import type { Task } from "./task.ts";

/**
 * Which task is running.
 *
 * A task may `await` a promise the runtime did not make (`fetch`, a
 * `setTimeout` promise), and other tasks may run before it resumes; after the
 * await it must still know itself. On Node 20 the only way to follow code
 * across such awaits is V8's promise hooks. `AsyncLocalStorage` is built on
 * them too, but also gives every promise async ids and resources, which
 * doubles the cost of an `await` and adds ~300 bytes to each sleeping task.
 * So the runtime uses the hooks directly, for one thing only: a promise made
 * by `then` or `await` remembers the task that made it, and the task is
 * restored while that promise's callbacks run. Code started by the run loop
 * itself runs under {@link runAs}.
 *
 * The hooks are on only while a run is active.
 */
let current: Task | undefined;

/** The task each pending `then`/`await` was made in. */
const MADE_IN: unique symbol = Symbol("trio.task");

interface Stamped {
  [MADE_IN]?: Task;
}

let activeRuns = 0;
let stopHooks: (() => void) | undefined;

/** @internal Turns context tracking on for one more run. */
export function trackRunStarted(): void {
  if (activeRuns++ > 0) return;
  stopHooks = <() => void>promiseHooks.createHook({
    init(promise: Promise<unknown>, parent: Promise<unknown> | undefined) {
      // Only promises made by then/await have a parent; only their callbacks continue user code.
      if (parent !== undefined && current !== undefined) (promise as Stamped)[MADE_IN] = current;
    },
    before(promise: Promise<unknown>) {
      current = (promise as Stamped)[MADE_IN];
    },
    after() {
      // Promise jobs never nest: after one, we are back at the top of the microtask queue.
      current = undefined;
    },
  });
}

/** @internal Turns it off when the last run has finished. */
export function trackRunFinished(): void {
  if (--activeRuns > 0) return;
  stopHooks?.();
  stopHooks = undefined;
}

/** @internal Calls `fn(...args)` as `task`, then restores the previous task. */
export function runAs<R>(task: Task, fn: (...args: never[]) => R, ...args: unknown[]): R {
  const previous = current;
  current = task;
  try {
    return (fn as (...a: unknown[]) => R)(...args);
  } finally {
    current = previous;
  }
}

/** The running task, or `undefined` outside any run. */
export function maybeCurrentTask(): Task | undefined {
  return current;
}

/**
 * The running task.
 * @param what the public call that needs it, named in the error.
 * @throws TrioRuntimeError outside `trio.run`; RunFinishedError when the run this code belonged to has finished.
 */
export function currentTaskFor(what: string): Task {
  const task = current;
  if (task === undefined) {
    throw new TrioRuntimeError(
      `${what} must be called from a task inside trio.run(); no run is active here. ` +
        `Wrap your code: await trio.run(async () => { ... })`,
    );
  }
  if (task.runner.finished) {
    throw new RunFinishedError(`${what} was called after the trio.run() it belongs to had finished`);
  }
  return task;
}

/** The run of the running task (see {@link currentTaskFor}). */
export function currentRunnerFor(what: string): Runner {
  return currentTaskFor(what).runner;
}
