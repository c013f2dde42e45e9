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

/** @internal Acquires with `acquire`, runs `body`, and releases however it ends. */
export async function withAcquired<R>(acquire: () => Promise<void>, release: () => void, body: () => Promise<R> | R): Promise<R> {
  if (typeof body !== "function") {
    throw new TypeError(`withAcquired(body): expected a function (async () => { ... }), got ${typeof body}`);
  }
  await acquire();
  try {
    return await body();
  } finally {
    release();
  }
}
