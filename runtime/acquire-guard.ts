/**
 * A held lock, semaphore token or capacity token that releases itself when
 * disposed: what `acquireGuard()` returns, for `using` (and `await using`,
 * which falls back to `Symbol.dispose`). Releasing is synchronous and not a
 * checkpoint, as leaving Trio's `async with lock:` is not.
 *
 * @example
 * ```ts
 * {
 *   using _held = await lock.acquireGuard();
 *   await updateSharedState();
 * } // released here, even if the block threw
 * ```
 */
export class AcquireGuard implements Disposable {
  #release: (() => void) | null;

  /** @internal */
  constructor(release: () => void) {
    this.#release = release;
  }

  /** Whether the guard still holds what it acquired. */
  get held(): boolean {
    return this.#release !== null;
  }

  /**
   * Releases now, before the end of the `using` block; later calls (and the
   * disposal) do nothing.
   * @throws TrioRuntimeError from the primitive's `release` (e.g. when called from another task).
   * @example
   * guard.release();
   */
  release(): void {
    const release = this.#release;
    if (release === null) return;
    this.#release = null;
    release();
  }

  /** Releases (see {@link release}). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * What a lock, a semaphore and a capacity limiter have in common: `acquire`
 * and `release`, and from them the two shapes TypeScript code holds one in —
 * a callback (`withAcquired`) and a guard for `using` (`acquireGuard`).
 */
export abstract class Acquirable {
  /** Waits until it can take what it guards; a checkpoint. */
  abstract acquire(): Promise<void>;
  /** Gives it back; not a checkpoint. */
  abstract release(): void;

  /**
   * Runs `body` while holding it, and releases however `body` ends.
   * @returns `body`'s result.
   * @throws whatever `acquire()` or `body` throws; TypeError when `body` is not a function.
   * @example
   * await lock.withAcquired(async () => { state.players.delete(name); });
   */
  async withAcquired<R>(body: () => Promise<R> | R): Promise<R> {
    if (typeof body !== "function") {
      throw new TypeError(`withAcquired(body): expected a function (async () => { ... }), got ${typeof body}`);
    }
    await this.acquire();
    try {
      return await body();
    } finally {
      this.release();
    }
  }

  /**
   * Acquires, and returns a guard that releases when disposed.
   * @returns an {@link AcquireGuard} for `using`.
   * @example
   * using _held = await lock.acquireGuard();
   */
  async acquireGuard(): Promise<AcquireGuard> {
    await this.acquire();
    return new AcquireGuard(() => this.release());
  }
}
