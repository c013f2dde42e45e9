import * as trio from "../../runtime/index.ts";

/** Raised by {@link verifyAll} when `verify(item)` resolved to `false`. */
export class VerificationError extends Error {
  constructor(readonly item: string) {
    super(`verification failed for ${JSON.stringify(item)}`);
    this.name = "VerificationError";
  }
}

/**
 * Verifies every item concurrently. Rejects with a {@link VerificationError}
 * as soon as one check returns `false`, cancelling the checks still running.
 */
export async function verifyAll(items: readonly string[], verify: (item: string) => Promise<boolean>): Promise<void> {
  await trio.openNursery(async (nursery) => {
    for (const item of items) {
      nursery.startSoon(async () => {
        // A `false` is not an error; raising one is what makes the nursery cancel the siblings.
        if (!(await verify(item))) throw new VerificationError(item);
      });
    }
  });
}
