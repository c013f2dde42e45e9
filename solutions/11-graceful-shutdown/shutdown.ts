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
  const stopping = new trio.Event();
  const serviceScope = new trio.CancelScope();
  await trio.openNursery(async (nursery) => {
    nursery.startSoon(async () => {
      for await (const _signal of signals) {
        if (stopping.isSet()) {
          serviceScope.cancel(); // a second signal: no more patience
          return;
        }
        stopping.set();
        serviceScope.deadline = Math.min(serviceScope.deadline, trio.currentTime() + graceSeconds);
      }
    });
    await serviceScope.run(() => service(stopping));
    // The service is done: stop watching for signals.
    nursery.cancelScope.cancel();
  });
  if (serviceScope.cancelledCaught) return "forced";
  return stopping.isSet() ? "graceful" : "finished";
}
