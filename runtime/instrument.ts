import { runAs } from "./current.ts";
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
  /** A task exited, with a value or an error. */
  taskExited?(task: Task): void;
  /** The run loop is about to wait up to `timeout` real seconds for timers and I/O. */
  beforeIoWait?(timeout: number): void;
  /** The wait for timers and I/O is over. */
  afterIoWait?(timeout: number): void;
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
  call(hook: HookName, context: Task, arg?: unknown): void {
    runAs(context, () => this.#callAll(hook, arg));
  }

  #callAll(hook: HookName, arg: unknown): void {
    for (const instrument of [...this.byHook[hook]]) {
      try {
        (instrument[hook] as (a?: unknown) => void).call(instrument, arg);
      } catch (error) {
        this.remove(instrument);
        console.error(`trio: instrument ${describeInstrument(instrument)} raised in ${hook}() and was removed:`, error);
      }
    }
  }
}

function describeInstrument(instrument: Instrument): string {
  const name = (instrument as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? name : "(object)";
}
