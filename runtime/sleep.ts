import { currentRunnerFor, currentTaskFor } from "./current.ts";
import { checkpoint } from "./checkpoints.ts";
import { Abort } from "./task.ts";
import { checkDeadline, checkSeconds } from "./validate.ts";

const abortSleep = () => Abort.SUCCEEDED;

/**
 * Sleeps for `seconds` on the run's clock. `sleep(0)` is a plain checkpoint.
 * @throws RangeError for a negative or NaN duration.
 * @example await trio.sleep(1);
 */
export function sleep(seconds: number): Promise<void> {
  try {
    checkSeconds(seconds, "trio.sleep(seconds)");
  } catch (error) {
    return Promise.reject(error);
  }
  if (seconds === 0) return checkpoint();
  if (seconds === Infinity) return sleepForever();
  const task = currentTaskFor("trio.sleep()");
  return task.runner.park(task, abortSleep, task.runner.clock.currentTime() + seconds, "sleep") as Promise<void>;
}

/**
 * Sleeps until `deadline` on the run's clock (see `currentTime`); a
 * deadline in the past still checkpoints.
 */
export function sleepUntil(deadline: number): Promise<void> {
  try {
    checkDeadline(deadline, "trio.sleepUntil(deadline)");
  } catch (error) {
    return Promise.reject(error);
  }
  const task = currentTaskFor("trio.sleepUntil()");
  if (deadline === Infinity) return task.runner.park(task, abortSleep, NaN, "sleep") as Promise<void>;
  return task.runner.park(task, abortSleep, deadline, "sleep") as Promise<void>;
}

/** Sleeps until cancelled. */
export function sleepForever(): Promise<never> {
  const task = currentTaskFor("trio.sleepForever()");
  return task.runner.park(task, abortSleep, NaN, "sleep") as Promise<never>;
}

/** The current time on the run's clock, in seconds (an arbitrary origin: compare times, don't print them). */
export function currentTime(): number {
  return currentRunnerFor("trio.currentTime()").clock.currentTime();
}
