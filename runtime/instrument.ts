import type { CancelScope } from "./cancel-scope.ts";
import { runAs } from "./current.ts";
import type { Outcome } from "./outcome.ts";
import type { Task } from "./task.ts";

/**
 * Hooks into the run loop, for tracing, statistics and pictures. Every hook is
 * optional. A hook that throws is removed and reported on stderr; it never
 * breaks the run.
 *
 * @example
 * ```ts
 * const tracer: trio.abc.Instrument = {
 *   beforeTaskStep: (task) => console.log(`about to run one step of ${task.name}`),
 * };
 * await trio.run({ instruments: [tracer] }, main);
 * ```
 */
export interface Instrument {
  /** The run is starting. */
  beforeRun?(): void;
  /** The run has finished. */
  afterRun?(): void;
  /** A task was created (it has not run yet). */
  taskSpawned?(task: Task): void;
  /** A task became runnable. */
  taskScheduled?(task: Task): void;
  /** The run loop is about to run one step of `task`. */
  beforeTaskStep?(task: Task): void;
  /** `task` finished one step: it blocked, or awaited something the runtime did not make. */
  afterTaskStep?(task: Task): void;
  /** A task exited, with a value or an error (`outcome`). */
  taskExited?(task: Task, outcome: Outcome): void;
  /** The run loop is about to wait up to `timeout` real seconds for timers and I/O. */
  beforeIoWait?(timeout: number): void;
  /** The wait for timers and I/O is over. */
  afterIoWait?(timeout: number): void;
  /**
   * `task` parked in the runtime (it ends its step next). `on` is what the
   * blocking primitive says it waits on (`"sleep"`, a `ParkingLot`, a channel
   * handle, or `undefined`), `deadline` its wake-up time or `NaN`.
   * Not in Trio: for pictures of the run (see `runtime/trace.ts`).
   */
  taskBlocked?(task: Task, on: unknown, deadline: number): void;
  /** A `Cancelled` is about to be raised in `task` (its wait was aborted, or its checkpoint saw the cancellation). */
  taskCancelled?(task: Task): void;
  /** `task` entered `scope` (a `CancelScope.run`, `moveOnAfter`..., or a nursery's scope). */
  scopeEntered?(scope: CancelScope, task: Task): void;
  /** `task` left `scope`; `outcome` is what leaves it (an error the scope did not catch, or a value). */
  scopeExited?(scope: CancelScope, task: Task, outcome: Outcome): void;
  /** An active `scope` was cancelled, by `cancel()` or because its deadline passed. */
  scopeCancelled?(scope: CancelScope): void;
}

/** The names of {@link Instrument}'s hooks. */
export type HookName = keyof Instrument;

const HOOKS: readonly HookName[] = [
  "beforeRun",
  "afterRun",
  "taskSpawned",
  "taskScheduled",
  "beforeTaskStep",
  "afterTaskStep",
  "taskExited",
  "beforeIoWait",
  "afterIoWait",
  "taskBlocked",
  "taskCancelled",
  "scopeEntered",
  "scopeExited",
  "scopeCancelled",
];

/**
 * The instruments of one run, kept as one list per hook so that a hook nobody
 * implements costs a length check and nothing more.
 */
export class InstrumentSet {
  readonly all: Instrument[] = [];
  readonly byHook: { [K in HookName]: Instrument[] } = Object.fromEntries(
    HOOKS.map((h) => [h, [] as Instrument[]]),
  ) as { [K in HookName]: Instrument[] };

  add(instrument: Instrument): void {
    if (this.all.includes(instrument)) return;
    this.all.push(instrument);
    for (const hook of HOOKS) if (typeof instrument[hook] === "function") this.byHook[hook].push(instrument);
  }

  /** @returns whether it was there. */
  remove(instrument: Instrument): boolean {
    const i = this.all.indexOf(instrument);
    if (i < 0) return false;
    this.all.splice(i, 1);
    for (const hook of HOOKS) {
      const list = this.byHook[hook];
      const j = list.indexOf(instrument);
      if (j >= 0) list.splice(j, 1);
    }
    return true;
  }

  /**
   * Calls `hook` on each instrument that has it; callers check the list's
   * length first. Hooks run as if inside `context` (a task of the run), so
   * they can call `trio.currentTime()` and the like.
   */
  call(hook: HookName, context: Task, arg?: unknown, arg2?: unknown, arg3?: unknown): void {
    // No closure per call: with a tracing instrument this runs several times per task step.
    runAs(context, callAll as (...args: never[]) => void, this, hook, arg, arg2, arg3);
  }

  /** @internal */
  callAll(hook: HookName, arg: unknown, arg2: unknown, arg3: unknown): void {
    const list = this.byHook[hook];
    // A hook that throws is removed from the list: iterate over a copy only when there are several.
    for (const instrument of list.length === 1 ? list : [...list]) {
      try {
        (instrument[hook] as (a?: unknown, b?: unknown, c?: unknown) => void).call(instrument, arg, arg2, arg3);
      } catch (error) {
        this.remove(instrument);
        console.error(`trio: instrument ${describeInstrument(instrument)} raised in ${hook}() and was removed:`, error);
      }
    }
  }
}

function callAll(set: InstrumentSet, hook: HookName, arg: unknown, arg2: unknown, arg3: unknown): void {
  set.callAll(hook, arg, arg2, arg3);
}

function describeInstrument(instrument: Instrument): string {
  const name = (instrument as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? name : "(object)";
}
