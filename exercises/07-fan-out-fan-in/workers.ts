import * as trio from "../../runtime/index.ts";

/**
 * Applies `fn` to every item using `workers` concurrent worker tasks fed by a
 * channel (fan-out), gathering the results through another channel (fan-in).
 * Resolves with the results in the order of `items`.
 */
export async function mapWithWorkers<T, U>(items: readonly T[], fn: (item: T) => Promise<U>, workers: number): Promise<U[]> {
  // TODO: a jobs channel of [index, item], a results channel of [index, result].
  // TODO: one task sends the jobs and closes; `workers` tasks each use clones of both channels.
  // TODO: collect the results into an array by index until the results channel ends.
  void trio;
  void items;
  void fn;
  void workers;
  throw new Error("TODO: fan out to workers, fan in the results");
}
