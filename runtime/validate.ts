import { describe } from "./errors.ts";

/** Checks a duration: a number, not NaN, at least 0 (`Infinity` allowed). */
export function checkSeconds(value: unknown, what: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${what}: expected a number of seconds, got ${describe(value)}`);
  }
  if (value < 0) {
    throw new RangeError(`${what}: expected a non-negative number of seconds, got ${describe(value)}`);
  }
  return value;
}

/** Checks a deadline: any number but NaN (`-Infinity` and `Infinity` allowed). */
export function checkDeadline(value: unknown, what: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${what}: expected a deadline in seconds on the run's clock, got ${describe(value)}`);
  }
  return value;
}

/** Checks that `fn` is a function, with the usual mistake spelled out. */
export function checkAsyncFunction(fn: unknown, what: string): asserts fn is (...args: never[]) => unknown {
  if (typeof fn === "function") return;
  const hint =
    fn !== null && typeof fn === "object" && typeof (fn as { then?: unknown }).then === "function"
      ? ` — did you write ${what}(f()) instead of ${what}(f)? Pass the function and its arguments, not the promise it returned`
      : "";
  throw new TypeError(`${what}: expected an async function, got ${describe(fn)}${hint}`);
}
