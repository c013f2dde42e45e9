import { currentRunnerFor } from "./current.ts";
import { TrioRuntimeError } from "./errors.ts";

const MISSING = Symbol("missing");

/** A token to undo one `RunVar.set`. */
export interface RunVarToken<T> {
  readonly variable: RunVar<T>;
  readonly previous: T | typeof MISSING;
  /** Whether `reset` already used it: a token undoes one `set`, once. */
  used: boolean;
}

/**
 * A variable with one value per run, shared by every task of that run (a
 * per-run singleton: a default limiter, a cache). Must be used inside a run.
 *
 * @example
 * const limiter = new trio.lowlevel.RunVar<number>("limit", 10);
 * limiter.get(); // 10 in every run until set
 */
export class RunVar<T> {
  readonly name: string;
  readonly #default: T | typeof MISSING;

  constructor(name: string, ...defaultValue: [] | [T]) {
    this.name = name;
    this.#default = defaultValue.length ? defaultValue[0]! : MISSING;
  }

  /** @throws TrioRuntimeError when unset without a default. */
  get(): T {
    const vars = currentRunnerFor(`RunVar ${this.name}.get()`).runVars;
    if (vars.has(this)) return vars.get(this) as T;
    if (this.#default !== MISSING) return this.#default;
    throw new TrioRuntimeError(`RunVar ${this.name} has no value in this run and no default; set() it first`);
  }

  set(value: T): RunVarToken<T> {
    const vars = currentRunnerFor(`RunVar ${this.name}.set()`).runVars;
    const previous = vars.has(this) ? (vars.get(this) as T) : MISSING;
    vars.set(this, value);
    return { variable: this, previous, used: false };
  }

  reset(token: RunVarToken<T>): void {
    if (token.variable !== this) throw new TrioRuntimeError(`this token belongs to RunVar ${token.variable.name}, not ${this.name}`);
    if (token.used) throw new TrioRuntimeError(`this token of RunVar ${this.name} was already used; a token resets once`);
    token.used = true;
    const vars = currentRunnerFor(`RunVar ${this.name}.reset()`).runVars;
    if (token.previous === MISSING) vars.delete(this);
    else vars.set(this, token.previous);
  }
}
