import { currentTaskFor } from "./current.ts";
import { checkSeconds } from "./validate.ts";

/**
 * Waits until every other task has been blocked for `cushion` real seconds:
 * the test's way of saying "let everything settle". Tasks awaiting a promise
 * the runtime did not make count as blocked.
 * @example
 * nursery.startSoon(worker);
 * await trio.testing.waitAllTasksBlocked(); // worker is now parked
 */
export function waitAllTasksBlocked(cushion = 0): Promise<void> {
  try {
    checkSeconds(cushion, "waitAllTasksBlocked(cushion)");
  } catch (error) {
    return Promise.reject(error);
  }
  const task = currentTaskFor("testing.waitAllTasksBlocked()");
  return task.runner.waitAllTasksBlocked(task, cushion) as Promise<void>;
}
