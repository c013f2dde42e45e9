import { currentTaskFor } from "./current.ts";
import { Cancelled } from "./errors.ts";
import { Abort } from "./task.ts";

/**
 * Awaits a promise the runtime did not make, as a checkpoint: the task can be
 * cancelled while it waits. A plain `await fetch(...)` cannot be interrupted;
 * `await trio.cancellable(...)` can.
 *
 * Pass a function to have the underlying operation stopped too: it receives
 * an `AbortSignal` that aborts when the wait is cancelled. Pass a promise and
 * the wait is abandoned on cancellation while the operation runs on (its
 * result is then ignored, its error too).
 *
 * @returns what the promise resolves with.
 * @throws Cancelled when the task is cancelled first; otherwise the promise's own error.
 * @example
 * ```ts
 * const response = await trio.cancellable((signal) => fetch(url, { signal }));
 * await trio.moveOnAfter(1, () => trio.cancellable(setTimeoutPromise(5000)));
 * ```
 */
export function cancellable<T>(work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
  let task;
  try {
    task = currentTaskFor("trio.cancellable()");
  } catch (error) {
    return Promise.reject(error);
  }
  const runner = task.runner;
  const controller = typeof work === "function" ? new AbortController() : null;
  let settled = false;
  const wait = runner.park(task, () => {
    settled = true;
    controller?.abort(new Cancelled("the wait in trio.cancellable() was cancelled"));
    return Abort.SUCCEEDED;
  }, NaN, "foreign") as Promise<T>;
  if (settled) return wait; // cancelled already: the operation is not even started
  let promise: PromiseLike<T>;
  try {
    promise = controller !== null ? (work as (signal: AbortSignal) => PromiseLike<T>)(controller.signal) : (work as PromiseLike<T>);
  } catch (error) {
    settled = true;
    runner.reschedule(task, { error });
    return wait;
  }
  Promise.resolve(promise).then(
    (value) => {
      if (settled) return;
      settled = true;
      runner.reschedule(task, { value });
    },
    (error) => {
      if (settled) return;
      settled = true;
      runner.reschedule(task, { error });
    },
  );
  return wait;
}
