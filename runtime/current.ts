import { AsyncLocalStorage } from "node:async_hooks";
import { RunFinishedError, TrioRuntimeError } from "./errors.ts";
import type { Runner } from "./runner.ts";
import type { Task } from "./task.ts";

/**
 * Which task is running. Kept in an AsyncLocalStorage, the one mechanism on
 * Node 20 that survives an `await` of a promise the runtime did not make
 * (`fetch`, a `setTimeout` promise): after such an await the code still knows
 * its task, even when other tasks ran in between. The run loop itself steps
 * one task at a time, so this is only read, never switched, on the hot path.
 */
export const taskStorage = new AsyncLocalStorage<Task>();

/** The running task, or `undefined` outside any run. */
export function maybeCurrentTask(): Task | undefined {
  return taskStorage.getStore();
}

/**
 * The running task.
 * @param what the public call that needs it, named in the error.
 * @throws TrioRuntimeError outside `trio.run`; RunFinishedError when the run this code belonged to has finished.
 */
export function currentTaskFor(what: string): Task {
  const task = taskStorage.getStore();
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
