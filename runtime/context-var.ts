import { maybeCurrentTask } from "./current.ts";
import { TrioRuntimeError } from "./errors.ts";

/** Context values of code running outside any task. */
let outside = new Map<unknown, unknown>();
let outsideShared = false;

/** @internal A snapshot of the context values outside tasks, for a new run. */
export function outsideContext(): Map<unknown, unknown> {
  outsideShared = true;
  return outside;
}

function readMap(): Map<unknown, unknown> {
  return maybeCurrentTask()?.context ?? outside;
}

function writableMap(): Map<unknown, unknown> {
  const task = maybeCurrentTask();
  if (task === undefined) {
    if (outsideShared) {
      outside = new Map(outside);
      outsideShared = false;
    }
    return outside;
  }
  if (task.contextShared) {
    task.context = new Map(task.context);
    task.contextShared = false;
  }
  return task.context;
}

const MISSING = Symbol("missing");

/** A token to undo one `set`. */
export interface ContextVarToken<T> {
  readonly variable: ContextVar<T>;
  readonly previous: T | typeof MISSING;
  /** Whether `reset` already used it: a token undoes one `set`, once. */
  used: boolean;
}

/**
 * A task-local variable, like Python's `contextvars.ContextVar`: each task
 * sees its own value, and a task starts with a copy of the values of the task
 * that spawned it (later changes on either side are not seen by the other).
 *
 * @example
 * ```ts
 * const requestId = new trio.lowlevel.ContextVar<string>("requestId", { default: "-" });
 * requestId.set("42");
 * nursery.startSoon(async () => console.log(requestId.get())); // "42"
 * ```
 */
export class ContextVar<T> {
  readonly name: string;
  readonly #default: T | typeof MISSING;

  constructor(name: string, options: { default?: T } = {}) {
    this.name = name;
    this.#default = "default" in options ? (options.default as T) : MISSING;
  }

  /**
   * The value in the current task.
   * @throws TrioRuntimeError when it was never set and has no default.
   */
  get(fallback?: T): T {
    const map = readMap();
    if (map.has(this)) return map.get(this) as T;
    if (arguments.length > 0) return fallback as T;
    if (this.#default !== MISSING) return this.#default;
    throw new TrioRuntimeError(`ContextVar ${this.name} has no value in this task and no default; set() it first`);
  }

  /** Sets the value for the current task (and the tasks it spawns later). */
  set(value: T): ContextVarToken<T> {
    const map = writableMap();
    const previous = map.has(this) ? (map.get(this) as T) : MISSING;
    map.set(this, value);
    return { variable: this, previous, used: false };
  }

  /** Restores the value from before the `set` that returned `token`. */
  reset(token: ContextVarToken<T>): void {
    if (token.variable !== this) throw new TrioRuntimeError(`this token belongs to ContextVar ${token.variable.name}, not ${this.name}`);
    if (token.used) throw new TrioRuntimeError(`this token of ContextVar ${this.name} was already used; a token resets once`);
    token.used = true;
    const map = writableMap();
    if (token.previous === MISSING) map.delete(this);
    else map.set(this, token.previous);
  }
}
