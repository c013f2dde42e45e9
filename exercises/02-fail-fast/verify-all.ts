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
  // TODO: start one task per item in a nursery.
  // TODO: in each task, turn a `false` from verify into a thrown VerificationError.
  void trio;
  void items;
  void verify;
  throw new Error("TODO: verify every item in a nursery");
}
