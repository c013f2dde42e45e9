import { CancelScope } from "./cancel-scope.ts";
import type { AsyncResource } from "./stream-abc.ts";

/**
 * Closes `resource` as fast as possible: `aclose()` inside a cancelled
 * scope, so a graceful close that would wait (flushing, a goodbye message)
 * is cut short. The tool for `finally` blocks and error paths, where waiting
 * on the peer is wrong and a `Cancelled` from `aclose` would hide the real
 * error.
 * @example
 * ```ts
 * try { await talk(stream); } finally { await trio.acloseForcefully(stream); }
 * ```
 */
export async function acloseForcefully(resource: AsyncResource): Promise<void> {
  const scope = new CancelScope();
  scope.cancel();
  await scope.run(() => resource.aclose());
}
