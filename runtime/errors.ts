/**
 * The runtime's error classes. Each says when it is raised and how it differs
 * from its siblings, so that `instanceof` checks read like Trio's `except`.
 */

/** Base class for every error this runtime raises on purpose. */
export class TrioError extends Error {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Raised at a checkpoint inside a cancelled {@link CancelScope}.
 *
 * Let it propagate: the scope that was cancelled catches it on exit. Catching
 * it yourself and carrying on defeats the cancellation (cleanup in `finally`
 * is the right place for code that must run).
 */
export class Cancelled extends TrioError {
  constructor(message = "cancelled") {
    super(message);
  }
}

/** Raised by `failAfter` / `failAt` when their deadline expires. */
export class TooSlowError extends TrioError {
  constructor(message = "the deadline expired before the operation finished") {
    super(message);
  }
}

/** A receive on a channel whose every sender was closed, after the buffer drained. */
export class EndOfChannel extends TrioError {
  constructor(message = "every sender of this channel was closed") {
    super(message);
  }
}

/**
 * You used a resource that *your own code* closed (compare
 * {@link BrokenResourceError}: the *other side* went away).
 */
export class ClosedResourceError extends TrioError {
  constructor(message = "this resource was closed by this side") {
    super(message);
  }
}

/**
 * The resource is unusable because of something outside your control: the
 * peer reset the connection, every receiver of a channel was closed.
 */
export class BrokenResourceError extends TrioError {
  constructor(message = "the resource is broken: the other side went away", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Two tasks tried to use a resource that allows one user at a time. */
export class BusyResourceError extends TrioError {
  constructor(message = "another task is already using this resource") {
    super(message);
  }
}

/** A `...Nowait` operation would have had to block. */
export class WouldBlock extends TrioError {
  constructor(message = "the operation would block") {
    super(message);
  }
}

/** The run this call belongs to has already finished. */
export class RunFinishedError extends TrioError {
  constructor(message = "the trio.run() this call belongs to has already finished") {
    super(message);
  }
}

/**
 * A misuse of the runtime: calling it outside `run`, reusing a cancel scope,
 * spawning into a closed nursery. The message says what to do instead.
 * (Trio raises Python's `RuntimeError` for these.)
 */
export class TrioRuntimeError extends TrioError {}

/**
 * A bug in the runtime itself, or a system task that failed. Should never
 * happen; please report it with the message.
 */
export class TrioInternalError extends TrioError {}

/** Throws a {@link TrioInternalError} for a broken invariant. */
export function internalError(what: string): never {
  throw new TrioInternalError(`${what} (this should never happen; please report it)`);
}

/** Describes a value for an error message: `-1 (number)`, `a Promise`. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `function ${value.name || "<anonymous>"}`;
  if (typeof value === "object") {
    if (typeof (value as { then?: unknown }).then === "function") return "a Promise";
    return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  }
  if (typeof value === "string") return `${JSON.stringify(value)} (string)`;
  return `${String(value)} (${typeof value})`;
}
