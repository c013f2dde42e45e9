import { maybeCurrentTask } from "./current.ts";
import { describe, TrioRuntimeError } from "./errors.ts";
import { outsideContext } from "./context-var.ts";
import { interruptOnSigint } from "./keyboard-interrupt.ts";
import { Runner, type RunOptions } from "./runner.ts";
import { checkAsyncFunction } from "./validate.ts";

/** Options of {@link run}, with the main task's name. */
export interface RunCallOptions extends RunOptions {
  /** The main task's name. @default the function's name */
  name?: string;
}

/**
 * Runs `fn(...args)` as the main task of a new run loop, and resolves with
 * its result once it and every task it started have exited.
 *
 * An optional first argument holds run-wide options: `clock`,
 * `instruments`, `strictExceptionGroups`.
 *
 * @throws (rejects) TrioRuntimeError when called inside a run: await the
 * function directly, or start it in a nursery.
 * @example
 * ```ts
 * async function double(x: number) { return 2 * x; }
 * await trio.run(double, 3); // 6
 * await trio.run({ clock: new trio.testing.MockClock({ autojumpThreshold: 0 }) }, main);
 * ```
 */
export function run<R, A extends unknown[]>(fn: (...args: A) => Promise<R> | R, ...args: A): Promise<R>;
export function run<R, A extends unknown[]>(options: RunCallOptions, fn: (...args: A) => Promise<R> | R, ...args: A): Promise<R>;
export function run(...input: unknown[]): Promise<unknown> {
  try {
    const inside = maybeCurrentTask();
    if (inside !== undefined && !inside.runner.finished) {
      throw new TrioRuntimeError(
        `trio.run() was called inside a run (from task ${inside.name}); ` +
          "await the function directly, or start it as a task with nursery.startSoon()",
      );
    }
    let options: RunCallOptions = {};
    let i = 0;
    if (input[0] !== null && typeof input[0] === "object" && typeof (input[0] as { then?: unknown }).then !== "function") {
      options = input[0] as RunCallOptions;
      i = 1;
      checkOptions(options);
    }
    const fn = input[i];
    checkAsyncFunction(fn, "trio.run");
    const runner = new Runner(options, outsideContext());
    const done = runner.start(fn, input.slice(i + 1), options.name);
    const uninstall = interruptOnSigint(runner);
    done.then(uninstall, uninstall);
    return done;
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkOptions(options: RunCallOptions): void {
  const { clock, instruments } = options;
  if (clock !== undefined) {
    for (const method of ["startClock", "currentTime", "deadlineToSleepTime"] as const) {
      if (typeof clock?.[method] !== "function") {
        throw new TypeError(`trio.run(): options.clock must implement abc.Clock (missing ${method}()), got ${describe(clock)}`);
      }
    }
  }
  if (instruments !== undefined && !Array.isArray(instruments)) {
    throw new TypeError(`trio.run(): options.instruments must be an array of instruments, got ${describe(instruments)}`);
  }
}
