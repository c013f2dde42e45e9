import type { Clock } from "./clock.ts";
import { currentRunnerFor, currentTaskFor } from "./current.ts";
import { TrioRuntimeError } from "./errors.ts";
import type { Instrument } from "./instrument.ts";
import type { RunStatistics } from "./runner.ts";
import { spawnArgs, type SpawnOptions } from "./spawn-args.ts";
import type { Task } from "./task.ts";

/** The task running this code. */
export function currentTask(): Task {
  return currentTaskFor("lowlevel.currentTask()");
}

/** The run's root task, the ancestor of every other task. */
export function currentRootTask(): Task {
  return currentRunnerFor("lowlevel.currentRootTask()").initTask!;
}

/** The clock of the current run. */
export function currentClock(): Clock {
  return currentRunnerFor("lowlevel.currentClock()").clock;
}

/** Counts of the current run: tasks living and runnable, the next deadline, foreign awaits. */
export function currentStatistics(): RunStatistics {
  return currentRunnerFor("lowlevel.currentStatistics()").statistics();
}

/** Adds an instrument to the current run (adding one twice does nothing). */
export function addInstrument(instrument: Instrument): void {
  currentRunnerFor("lowlevel.addInstrument()").instruments.add(instrument);
}

/** Removes an instrument from the current run. @throws TrioRuntimeError when it is not there. */
export function removeInstrument(instrument: Instrument): void {
  if (!currentRunnerFor("lowlevel.removeInstrument()").instruments.remove(instrument)) {
    throw new TrioRuntimeError("removeInstrument(): this instrument is not active in the current run");
  }
}

/**
 * Starts a system task: it lives beside the main task rather than under it,
 * is cancelled when the main task exits, and an error in it crashes the run
 * (with `TrioInternalError`).
 */
export function spawnSystemTask<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Task;
export function spawnSystemTask<A extends unknown[]>(options: SpawnOptions, fn: (...args: A) => unknown, ...args: A): Task;
export function spawnSystemTask(...input: unknown[]): Task {
  const { options, fn, args } = spawnArgs("lowlevel.spawnSystemTask", input);
  const runner = currentRunnerFor("lowlevel.spawnSystemTask()");
  return runner.spawn(fn, args, runner.systemNursery!, options.name, runner.outsideContext);
}

/**
 * The `AbortSignal` of the current task's innermost cancel scope: it aborts
 * when the task is cancelled. Hand it to APIs that take a signal (`fetch`,
 * `setTimeout` from `node:timers/promises`, `events.once`).
 * @example
 * const response = await fetch(url, { signal: trio.lowlevel.currentCancelSignal() });
 */
export function currentCancelSignal(): AbortSignal {
  return currentTaskFor("lowlevel.currentCancelSignal()").scope.signal;
}
