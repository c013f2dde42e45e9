import type { CancelScope } from "./cancel-scope.ts";
import type { Instrument } from "./instrument.ts";
import type { Nursery } from "./nursery.ts";
import type { Outcome } from "./outcome.ts";
import type { Task } from "./task.ts";
import { TaskState } from "./task.ts";

// Only types and the TaskState enum (plain numbers) come from the runtime: a session process
// bundles this file apart from the runtime it loads, so it must not rely on class identity.

/** What a task waits on when it ends a step. */
export type TraceWait =
  | { kind: "sleep"; until: number | null }
  | { kind: "lot" }
  | { kind: "send" | "receive" }
  | { kind: "nursery"; scope: number }
  | { kind: "foreign" }
  | { kind: "yield" }
  | { kind: "wait"; what: string };

/** An error, as far as a picture needs it. `id` is the same wherever the same error object goes. */
export interface TraceError {
  id: number;
  name: string;
  message: string;
  /** The ids of the errors inside an `ExceptionGroup`. */
  parts?: number[];
}

/** Why a scope was cancelled. */
export type TraceCancelCause =
  | { kind: "cancel"; task: number | null }
  | { kind: "deadline" }
  | { kind: "error"; task: number };

/**
 * One event of a run, in the order the runtime saw them. `t` is seconds on the run's clock
 * since the run started (virtual seconds under a `MockClock`). Task ids count from 1 in spawn
 * order; the runtime's own `<init>` task is left out and the main task has no parent.
 */
export type TraceEvent =
  | { k: "spawn"; t: number; task: number; name: string; parent: number | null; scope: number | null; system?: true }
  | { k: "scope"; t: number; scope: number; task: number; parent: number | null; deadline: number | null; shield?: true }
  | { k: "nursery"; t: number; scope: number; task: number }
  | { k: "sched"; t: number; task: number }
  | { k: "step"; t: number; task: number }
  | { k: "block"; t: number; task: number; on: TraceWait }
  | { k: "cancel"; t: number; scope: number; cause: TraceCancelCause; reached: number[] }
  | { k: "cancelled"; t: number; task: number }
  | { k: "scope-exit"; t: number; scope: number; task: number; caught: boolean; error?: TraceError }
  | { k: "exit"; t: number; task: number; error?: TraceError }
  | { k: "truncated"; t: number; after: number }
  | { k: "end"; t: number };

/** Options of {@link TraceRecorder}. */
export interface TraceRecorderOptions {
  /** Called with each event as it happens. @default none: read {@link TraceRecorder.events} */
  onEvent?: (event: TraceEvent) => void;
  /** Keep `sched` events (a task became runnable). @default true */
  scheduled?: boolean;
  /** Events after which the recorder stops (it says so with one `truncated` event). @default 20000 */
  limit?: number;
}

/** Events a recording keeps at most, by default: enough for a slide, bounded for a runaway loop. */
const DEFAULT_LIMIT = 20_000;
const MAX_MESSAGE = 120;

interface RunnerLike {
  initTask: Task | null;
  systemNursery: Nursery | null;
  clock: { currentTime(): number };
}

/**
 * An instrument that turns a run into a serialisable stream of {@link TraceEvent}s: who
 * spawned whom in which nursery, when each task ran and what it then waited on, which scope
 * was cancelled and whom the cancellation reached, and where errors rose and where they went.
 * The runner's slides draw the task tree and the timeline from it.
 *
 * @example
 * ```ts
 * const trace = new TraceRecorder();
 * await trio.run({ instruments: [trace] }, main);
 * console.log(JSON.stringify(trace.events));
 * ```
 */
export class TraceRecorder implements Instrument {
  /** The events so far (empty when `onEvent` is given). */
  readonly events: TraceEvent[] = [];
  readonly #onEvent: ((event: TraceEvent) => void) | null;
  readonly #scheduled: boolean;
  readonly #limit: number;
  #count = 0;
  #runner: RunnerLike | null = null;
  #t0 = 0;
  #ids = new WeakMap<Task, number>();
  #nextTask = 1;
  #scopes = new WeakMap<CancelScope, number>();
  #nurseries = new WeakSet<CancelScope>();
  #nextScope = 1;
  #errors = new WeakMap<object, number>();
  #nextError = 1;
  #stepping: Task | null = null;
  #exiting: { task: Task; failed: boolean } | null = null;
  #waits = new WeakMap<Task, TraceWait>();

  constructor(options: TraceRecorderOptions = {}) {
    this.#onEvent = options.onEvent ?? null;
    this.#scheduled = options.scheduled ?? true;
    this.#limit = options.limit ?? DEFAULT_LIMIT;
  }

  taskSpawned(task: Task): void {
    const runner = task.runner as unknown as RunnerLike;
    if (this.#runner === null) {
      this.#runner = runner;
      this.#t0 = runner.clock.currentTime();
    }
    if (task === runner.initTask || task.name === "<init>") return;
    const id = this.#nextTask++;
    this.#ids.set(task, id);
    const nursery = task.parentNursery;
    const visible = nursery !== null && nursery !== runner.systemNursery;
    let scope: number | null = null;
    if (visible) {
      scope = this.#scopeId(nursery.cancelScope);
      if (!this.#nurseries.has(nursery.cancelScope)) {
        this.#nurseries.add(nursery.cancelScope);
        this.#emit({ k: "nursery", t: this.#now(), scope, task: this.#ids.get(nursery.parentTask) ?? 0 });
      }
    }
    const event: TraceEvent = {
      k: "spawn",
      t: this.#now(),
      task: id,
      name: task.name,
      parent: visible ? (this.#ids.get(nursery.parentTask) ?? null) : null,
      scope,
    };
    if (!visible && id !== 1) event.system = true;
    this.#emit(event);
  }

  taskScheduled(task: Task): void {
    if (!this.#scheduled) return;
    const id = this.#ids.get(task);
    if (id !== undefined) this.#emit({ k: "sched", t: this.#now(), task: id });
  }

  beforeTaskStep(task: Task): void {
    this.#stepping = task;
    this.#waits.delete(task);
    const id = this.#ids.get(task);
    if (id !== undefined) this.#emit({ k: "step", t: this.#now(), task: id });
  }

  taskBlocked(task: Task, on: unknown, deadline: number): void {
    if (this.#ids.has(task)) this.#waits.set(task, this.#describeWait(task, on, deadline));
  }

  afterTaskStep(task: Task): void {
    if (this.#stepping === task) this.#stepping = null;
    const id = this.#ids.get(task);
    if (id === undefined || task.state === TaskState.Done) return;
    let on: TraceWait;
    if (task.state === TaskState.Foreign) on = { kind: "foreign" };
    else if (task.state === TaskState.Blocked) on = this.#waits.get(task) ?? { kind: "wait", what: "blocked" };
    else on = { kind: "yield" };
    this.#emit({ k: "block", t: this.#now(), task: id, on });
  }

  taskCancelled(task: Task): void {
    const id = this.#ids.get(task);
    if (id !== undefined) this.#emit({ k: "cancelled", t: this.#now(), task: id });
  }

  taskExited(task: Task, outcome: Outcome): void {
    const failed = outcome !== undefined && "error" in outcome;
    this.#exiting = { task, failed };
    const id = this.#ids.get(task);
    if (id === undefined) return;
    const event: TraceEvent = { k: "exit", t: this.#now(), task: id };
    if (failed) event.error = this.#describeError(outcome.error);
    this.#emit(event);
  }

  scopeEntered(scope: CancelScope, task: Task): void {
    const id = this.#ids.get(task);
    if (id === undefined) return;
    const parent = scope.parent === null ? null : (this.#scopes.get(scope.parent) ?? null);
    const event: TraceEvent = {
      k: "scope",
      t: this.#now(),
      scope: this.#scopeId(scope),
      task: id,
      parent,
      deadline: scope.deadline === Infinity ? null : this.#rel(scope.deadline),
    };
    if (scope.shield) event.shield = true;
    this.#emit(event);
  }

  scopeExited(scope: CancelScope, task: Task, outcome: Outcome): void {
    const id = this.#ids.get(task);
    const scopeId = this.#scopes.get(scope);
    if (id === undefined || scopeId === undefined) return;
    const event: TraceEvent = { k: "scope-exit", t: this.#now(), scope: scopeId, task: id, caught: scope.cancelledCaught };
    if ("error" in outcome) event.error = this.#describeError(outcome.error);
    this.#emit(event);
  }

  scopeCancelled(scope: CancelScope): void {
    const scopeId = this.#scopes.get(scope);
    if (scopeId === undefined) return;
    const now = this.#runner?.clock.currentTime() ?? 0;
    let cause: TraceCancelCause;
    const exiting = this.#exiting;
    if (scope.deadline <= now) cause = { kind: "deadline" };
    else if (this.#stepping !== null) cause = { kind: "cancel", task: this.#ids.get(this.#stepping) ?? null };
    else if (exiting !== null && exiting.failed && exiting.task.parentNursery?.cancelScope === scope) {
      cause = { kind: "error", task: this.#ids.get(exiting.task) ?? 0 };
    } else cause = { kind: "cancel", task: null };
    this.#emit({ k: "cancel", t: this.#now(), scope: scopeId, cause, reached: this.#reached(scope) });
  }

  afterRun(): void {
    this.#emit({ k: "end", t: this.#now() }, true);
  }

  // ------------------------------------------------------------------ helpers

  #emit(event: TraceEvent, always = false): void {
    if (this.#count > this.#limit) {
      if (!always) return;
    } else if (this.#count === this.#limit && !always) {
      this.#count++;
      event = { k: "truncated", t: event.t, after: this.#limit };
    } else this.#count++;
    if (this.#onEvent !== null) this.#onEvent(event);
    else this.events.push(event);
  }

  #now(): number {
    return this.#rel(this.#runner?.clock.currentTime() ?? 0);
  }

  #rel(time: number): number {
    return Math.round((time - this.#t0) * 1e6) / 1e6;
  }

  #scopeId(scope: CancelScope): number {
    let id = this.#scopes.get(scope);
    if (id === undefined) {
      id = this.#nextScope++;
      this.#scopes.set(scope, id);
    }
    return id;
  }

  /** The visible tasks a cancellation of `scope` reaches: inside it, not behind a shield. */
  #reached(scope: CancelScope): number[] {
    const ids: number[] = [];
    const stack = [scope];
    while (stack.length) {
      const s = stack.pop()!;
      for (const task of s.tasks.toArray()) {
        const id = this.#ids.get(task);
        if (id !== undefined) ids.push(id);
      }
      for (const child of s.children) if (!child.shield) stack.push(child);
    }
    return ids.sort((a, b) => a - b);
  }

  #describeWait(task: Task, on: unknown, deadline: number): TraceWait {
    if (on === "sleep") return { kind: "sleep", until: deadline === deadline ? this.#rel(deadline) : null };
    if (on === "foreign") return { kind: "foreign" };
    if (typeof on === "string") return { kind: "wait", what: on };
    if (on !== null && typeof on === "object") {
      const name = (on as { constructor?: { name?: string } }).constructor?.name ?? "";
      if (/ParkingLot/.test(name)) return { kind: "lot" };
      if (/SendChannel/.test(name)) return { kind: "send" };
      if (/ReceiveChannel/.test(name)) return { kind: "receive" };
      return { kind: "wait", what: name || "object" };
    }
    const nurseries = task.childNurseries;
    const top = nurseries[nurseries.length - 1];
    if (top !== undefined && top.parentWaiting) return { kind: "nursery", scope: this.#scopeId(top.cancelScope) };
    return { kind: "wait", what: "blocked" };
  }

  #describeError(error: unknown): TraceError {
    const described: TraceError = { id: 0, name: "Error", message: "" };
    if (error !== null && (typeof error === "object" || typeof error === "function")) {
      let id = this.#errors.get(error);
      if (id === undefined) {
        id = this.#nextError++;
        this.#errors.set(error, id);
      }
      described.id = id;
      const e = error as { name?: unknown; message?: unknown; errors?: unknown };
      described.name = typeof e.name === "string" ? e.name : "Error";
      described.message = typeof e.message === "string" ? e.message.split("\n")[0]!.slice(0, MAX_MESSAGE) : "";
      if (Array.isArray(e.errors)) described.parts = e.errors.map((part) => this.#describeError(part).id);
    } else {
      described.message = String(error).slice(0, MAX_MESSAGE);
    }
    return described;
  }
}
