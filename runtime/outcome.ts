/**
 * The result of a blocking call, handed to the task that waited: a value, or
 * an error to raise in it. (Trio's `outcome.Value` / `outcome.Error`.)
 */
export type Outcome<T = unknown> = { value: T } | { error: unknown };

/** Whether `outcome` carries an error. */
export function isError(outcome: Outcome): outcome is { error: unknown } {
  return "error" in outcome;
}
