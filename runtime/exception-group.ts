import { Cancelled } from "./errors.ts";

/**
 * Several errors raised together, by the children and body of one nursery.
 *
 * An `AggregateError`, so code that knows nothing of the runtime still sees
 * `.errors`. In the default (loose) mode a nursery with one error raises that
 * error itself; with `strictExceptionGroups` it always raises a group.
 */
export class ExceptionGroup extends AggregateError {
  /** @internal whether the message was written by us from the errors (and so is rewritten when they change) */
  readonly #generatedMessage: boolean;
  /**
   * @internal made by a loose-mode nursery: once filtering leaves a single
   * error, the group gives way to that error.
   */
  collapsible = false;

  constructor(errors: Iterable<unknown>, message?: string) {
    const list = [...errors];
    super(list, message ?? describeErrors(list));
    this.name = "ExceptionGroup";
    this.#generatedMessage = message === undefined;
  }

  /**
   * Splits the group by a predicate on its leaves, keeping the nesting:
   * `[matching, rest]`, either `undefined` when empty.
   */
  split(predicate: (error: unknown) => boolean): [ExceptionGroup | undefined, ExceptionGroup | undefined] {
    const matched: unknown[] = [];
    const rest: unknown[] = [];
    for (const error of this.errors) {
      if (error instanceof ExceptionGroup) {
        const [m, r] = error.split(predicate);
        if (m) matched.push(m);
        if (r) rest.push(r);
      } else if (predicate(error)) matched.push(error);
      else rest.push(error);
    }
    return [matched.length ? this.derive(matched) : undefined, rest.length ? this.derive(rest) : undefined];
  }

  /** A group like this one (message, mode) holding other errors. */
  derive(errors: unknown[]): ExceptionGroup {
    const group = new ExceptionGroup(errors, this.#generatedMessage ? undefined : this.message);
    group.collapsible = this.collapsible;
    return group;
  }

  /** Every error of the group and of its nested groups, flattened. */
  leaves(): unknown[] {
    return this.errors.flatMap((e) => (e instanceof ExceptionGroup ? e.leaves() : [e]));
  }
}

function describeErrors(errors: unknown[]): string {
  const shown = errors
    .slice(0, 3)
    .map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)))
    .join("; ");
  return `${errors.length} error${errors.length === 1 ? "" : "s"} in a nursery: ${shown}${errors.length > 3 ? "; ..." : ""}`;
}

/** Combines a nursery's errors: one alone stays itself unless `strict`. */
export function combineErrors(errors: unknown[], strict: boolean): unknown {
  if (errors.length === 1 && !strict) return errors[0];
  const group = new ExceptionGroup(errors);
  group.collapsible = !strict;
  return group;
}

const NOTHING: unique symbol = Symbol("nothing");

/**
 * What is left of `error` once every `Cancelled` is taken out (`empty` when
 * nothing is), and whether there was one. Groups from loose nurseries that are
 * left with one error collapse to it, at every level of nesting.
 */
export function withoutCancelled(error: unknown): { rest: unknown; hadCancelled: boolean; empty: boolean } {
  const found = { cancelled: false };
  const rest = dropCancelled(error, found);
  return { rest: rest === NOTHING ? undefined : rest, hadCancelled: found.cancelled, empty: rest === NOTHING };
}

function dropCancelled(error: unknown, found: { cancelled: boolean }): unknown {
  if (error instanceof Cancelled) {
    found.cancelled = true;
    return NOTHING;
  }
  if (!(error instanceof ExceptionGroup)) return error;
  const before = found.cancelled;
  found.cancelled = false;
  const kept: unknown[] = [];
  for (const e of error.errors) {
    const rest = dropCancelled(e, found);
    if (rest !== NOTHING) kept.push(rest);
  }
  const changed = found.cancelled;
  found.cancelled ||= before;
  if (!changed) return error;
  if (!kept.length) return NOTHING;
  if (kept.length === 1 && error.collapsible) return kept[0];
  return error.derive(kept);
}
