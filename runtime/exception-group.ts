import { Cancelled } from "./errors.ts";

/**
 * Several errors raised together, by the children and body of one nursery.
 *
 * An `AggregateError`, so code that knows nothing of the runtime still sees
 * `.errors`. In the default (loose) mode a nursery with one error raises that
 * error itself; with `strictExceptionGroups` it always raises a group.
 */
export class ExceptionGroup extends AggregateError {
  constructor(errors: Iterable<unknown>, message?: string) {
    const list = [...errors];
    super(list, message ?? `${list.length} error${list.length === 1 ? "" : "s"} in a nursery: ${summarize(list)}`);
    this.name = "ExceptionGroup";
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
    const derive = (list: unknown[]) => (list.length ? new ExceptionGroup(list, this.message) : undefined);
    return [derive(matched), derive(rest)];
  }

  /** Every error of the group and of its nested groups, flattened. */
  leaves(): unknown[] {
    return this.errors.flatMap((e) => (e instanceof ExceptionGroup ? e.leaves() : [e]));
  }
}

function summarize(errors: unknown[]): string {
  return errors
    .slice(0, 3)
    .map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)))
    .join("; ")
    .concat(errors.length > 3 ? "; ..." : "");
}

/** Combines a nursery's errors: one alone stays itself unless `strict`. */
export function combineErrors(errors: unknown[], strict: boolean): unknown {
  if (errors.length === 1 && !strict) return errors[0];
  return new ExceptionGroup(errors);
}

/** What is left of `error` once every `Cancelled` is taken out, and whether one was. */
export function withoutCancelled(error: unknown, strict: boolean): { rest: unknown; hadCancelled: boolean; empty: boolean } {
  if (error instanceof Cancelled) return { rest: undefined, hadCancelled: true, empty: true };
  if (!(error instanceof ExceptionGroup)) return { rest: error, hadCancelled: false, empty: false };
  const [matched, rest] = error.split((e) => e instanceof Cancelled);
  if (!matched) return { rest: error, hadCancelled: false, empty: false };
  if (!rest) return { rest: undefined, hadCancelled: true, empty: true };
  // Loose mode collapses a group that is down to one error, as Trio's MultiError did.
  const leaves = rest.errors;
  const collapsed = !strict && leaves.length === 1 && !(leaves[0] instanceof ExceptionGroup) ? leaves[0] : rest;
  return { rest: collapsed, hadCancelled: true, empty: false };
}
