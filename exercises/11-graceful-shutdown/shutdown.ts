import * as trio from "../../runtime/index.ts";

/** How the service ended. */
export type ShutdownResult = "finished" | "graceful" | "forced";

/**
 * Runs `service(stopping)` until it returns. The first signal sets
 * `stopping` and gives the service `graceSeconds` to return by itself; a
 * second signal, or the end of the grace period, cancels it.
 */
export async function runUntilSignal(
  signals: AsyncIterable<string>,
  service: (stopping: trio.Event) => Promise<void>,
  graceSeconds: number,
): Promise<ShutdownResult> {
  // TODO: a nursery with the service (in its own CancelScope) and a task watching `signals`.
  void trio;
  void signals;
  void service;
  void graceSeconds;
  throw new Error("TODO: graceful shutdown");
}
