import { CancelScope } from "./cancel-scope.ts";
import { currentRunnerFor, currentTaskFor } from "./current.ts";
import { TooSlowError } from "./errors.ts";
import { checkDeadline, checkSeconds } from "./validate.ts";

/**
 * Runs `body`, cancelling it when `deadline` passes on the run's clock.
 * @returns the scope: `scope.cancelledCaught` says whether the body was cut short.
 * @example
 * const scope = await trio.moveOnAt(trio.currentTime() + 5, async () => { await work(); });
 */
export async function moveOnAt(deadline: number, body: (scope: CancelScope) => Promise<unknown> | unknown): Promise<CancelScope> {
  const scope = new CancelScope({ deadline: checkDeadline(deadline, "moveOnAt(deadline)") });
  await scope.run(body);
  return scope;
}

/**
 * Runs `body`, cancelling it after `seconds`: a timeout that gives up quietly.
 * @returns the scope: `scope.cancelledCaught` says whether the body was cut short.
 * @throws RangeError for a negative or NaN timeout.
 * @example
 * const scope = await trio.moveOnAfter(1, async () => { await trio.sleep(10); });
 * console.log(scope.cancelledCaught); // true
 */
export async function moveOnAfter(seconds: number, body: (scope: CancelScope) => Promise<unknown> | unknown): Promise<CancelScope> {
  checkSeconds(seconds, "moveOnAfter(seconds)");
  return moveOnAt(currentRunnerFor("moveOnAfter()").clock.currentTime() + seconds, body);
}

/**
 * Runs `body`, and raises {@link TooSlowError} if `deadline` passes first.
 * @returns the body's result.
 */
export async function failAt<R>(deadline: number, body: (scope: CancelScope) => Promise<R> | R): Promise<R> {
  const scope = new CancelScope({ deadline: checkDeadline(deadline, "failAt(deadline)") });
  const result = await scope.run(body);
  if (scope.cancelledCaught) throw new TooSlowError(`the deadline ${deadline} passed before the body finished`);
  return result as R;
}

/**
 * Runs `body`, and raises {@link TooSlowError} if it takes more than `seconds`.
 * @returns the body's result.
 * @throws TooSlowError when the timeout expires; RangeError for a negative or NaN timeout.
 * @example
 * const page = await trio.failAfter(10, () => download(url));
 */
export async function failAfter<R>(seconds: number, body: (scope: CancelScope) => Promise<R> | R): Promise<R> {
  checkSeconds(seconds, "failAfter(seconds)");
  const deadline = currentRunnerFor("failAfter()").clock.currentTime() + seconds;
  const scope = new CancelScope({ deadline });
  const result = await scope.run(body);
  if (scope.cancelledCaught) throw new TooSlowError(`the operation took longer than ${seconds} s`);
  return result as R;
}

/**
 * The earliest deadline that applies to the current task: the smallest
 * deadline of its enclosing scopes up to the first shielded one, or
 * `-Infinity` if one of them is already cancelled. `Infinity` when none.
 */
export function currentEffectiveDeadline(): number {
  const task = currentTaskFor("currentEffectiveDeadline()");
  let deadline = Infinity;
  for (let s: CancelScope | null = task.scope; s !== null; s = s.parent) {
    if (s.cancelFlag) return -Infinity;
    if (s.deadline < deadline) deadline = s.deadline;
    if (s.shield) break;
  }
  return deadline;
}
