import { LockImpl } from "./lock-impl.ts";

/**
 * A mutual-exclusion lock: one task holds it at a time, others wait their
 * turn. Use it to protect state that tasks change across checkpoints: code
 * between two `await`s of the runtime never interleaves with other tasks,
 * but code that awaits in the middle of an update does.
 *
 * Fair: on release the lock goes to the task that has waited longest. Not
 * re-entrant: acquiring it twice in one task throws. Only the owner may
 * release it. If the owner exits while holding it, waiters get
 * `BrokenResourceError`. Everything is inherited from the shared
 * implementation; see `StrictFIFOLock` for the variant that promises strict
 * FIFO forever.
 *
 * @example
 * ```ts
 * const lock = new trio.Lock();
 * await lock.withAcquired(async () => {
 *   for (const player of state.values()) await player.render();
 * });
 * ```
 */
export class Lock extends LockImpl {}
