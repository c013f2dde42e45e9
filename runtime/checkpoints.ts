import { isTaskCancelled } from "./cancel-scope.ts";
import { currentTaskFor } from "./current.ts";

/**
 * A checkpoint: lets other tasks run, then raises `Cancelled` if the task is
 * inside a cancelled scope. Loops that do no other I/O should call this now
 * and then so that they can be cancelled.
 */
export function checkpoint(): Promise<void> {
  const task = currentTaskFor("checkpoint()");
  return task.runner.yieldNow(task, true);
}

/**
 * Raises `Cancelled` (after yielding) if the task is cancelled; otherwise
 * returns at once without letting other tasks run.
 */
export function checkpointIfCancelled(): Promise<void> {
  const task = currentTaskFor("checkpointIfCancelled()");
  if (isTaskCancelled(task)) return task.runner.yieldNow(task, true);
  task.cancelPoints++;
  return Promise.resolve();
}

/** Lets other tasks run, without checking for cancellation. */
export function cancelShieldedCheckpoint(): Promise<void> {
  const task = currentTaskFor("cancelShieldedCheckpoint()");
  return task.runner.yieldNow(task, false);
}
