import { currentTaskFor } from "./current.ts";
import type { Outcome } from "./outcome.ts";
import type { AbortFn, Task } from "./task.ts";

/**
 * Parks the current task until someone calls {@link reschedule} on it: the
 * one primitive every blocking operation of the runtime is built on.
 *
 * `abortFn` is called if the task's cancel scope is cancelled while it waits
 * (or already was): return `Abort.SUCCEEDED` after undoing the wait, and the
 * task wakes with `Cancelled`; return `Abort.FAILED` when the wait cannot be
 * undone now, and reschedule the task yourself later.
 *
 * @returns the value passed to `reschedule`, or rejects with its error.
 * @example
 * ```ts
 * const task = trio.lowlevel.currentTask();
 * setTimeout(() => trio.lowlevel.reschedule(task, { value: "done" }), 10);
 * const result = await trio.lowlevel.waitTaskRescheduled(() => trio.lowlevel.Abort.FAILED);
 * ```
 */
export function waitTaskRescheduled(abortFn: AbortFn): Promise<unknown> {
  if (typeof abortFn !== "function") {
    return Promise.reject(new TypeError("waitTaskRescheduled(abortFn): abortFn must be a function returning an Abort"));
  }
  const task = currentTaskFor("waitTaskRescheduled()");
  return task.runner.park(task, abortFn);
}

/**
 * Wakes a task parked in {@link waitTaskRescheduled}, which then resolves
 * with `outcome.value` or rejects with `outcome.error`. May be called from
 * anywhere, a Node callback included; not a checkpoint.
 * @throws TrioRuntimeError when the task is not parked.
 */
export function reschedule(task: Task, outcome: Outcome = { value: undefined }): void {
  task.runner.reschedule(task, outcome);
}
