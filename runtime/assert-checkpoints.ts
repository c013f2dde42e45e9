import { AssertionError } from "node:assert";
import { currentTaskFor } from "./current.ts";

/**
 * Checks that `body` executed at least one checkpoint: it both checked for
 * cancellation and let other tasks run. Use it to test that your async
 * functions follow the runtime's rule (every async operation that returns
 * normally is a checkpoint).
 * @param body the code to check; it runs in the current task.
 * @returns `body`'s result.
 * @throws AssertionError when `body` returned normally without a checkpoint (an error from `body` passes through unchecked).
 * @example
 * await trio.testing.assertCheckpoints(() => lock.acquire());
 */
export async function assertCheckpoints<R>(body: () => Promise<R> | R): Promise<R> {
  const task = currentTaskFor("testing.assertCheckpoints()");
  const cancelPoints = task.cancelPoints;
  const schedulePoints = task.schedulePoints;
  const result = await body();
  if (task.cancelPoints === cancelPoints || task.schedulePoints === schedulePoints) {
    const missing =
      task.cancelPoints === cancelPoints && task.schedulePoints === schedulePoints
        ? "neither checked for cancellation nor let other tasks run"
        : task.cancelPoints === cancelPoints
          ? "let other tasks run but never checked for cancellation"
          : "checked for cancellation but never let other tasks run";
    throw new AssertionError({ message: `assertCheckpoints: the block did not checkpoint: it ${missing}` });
  }
  return result;
}

/**
 * Checks that `body` executed no checkpoint: no other task ran in between
 * and no cancellation could land, so it is atomic with respect to other tasks.
 * Checked however `body` ends, error included.
 * @param body the code to check; it runs in the current task.
 * @returns `body`'s result.
 * @throws AssertionError when `body` checkpointed.
 * @example
 * await trio.testing.assertNoCheckpoints(() => send.sendNowait(1));
 */
export async function assertNoCheckpoints<R>(body: () => Promise<R> | R): Promise<R> {
  const task = currentTaskFor("testing.assertNoCheckpoints()");
  const cancelPoints = task.cancelPoints;
  const schedulePoints = task.schedulePoints;
  try {
    return await body();
  } finally {
    if (task.cancelPoints !== cancelPoints || task.schedulePoints !== schedulePoints) {
      // eslint-disable-next-line no-unsafe-finally -- the assertion must win over the body's result
      throw new AssertionError({ message: "assertNoCheckpoints: the block checkpointed (it let other tasks run or checked for cancellation)" });
    }
  }
}
