import { CancelScope, isScopeCancelled } from "./cancel-scope.ts";
import { currentTaskFor } from "./current.ts";
import { internalError, TrioRuntimeError } from "./errors.ts";
import { combineErrors } from "./exception-group.ts";
import { spawnArgs, type SpawnOptions } from "./spawn-args.ts";
import { Abort, type Task } from "./task.ts";
import { ChildList } from "./task-list.ts";
import { waitTaskRescheduled } from "./park.ts";
import { checkpoint } from "./checkpoints.ts";

/** Options of {@link openNursery}. */
export interface NurseryOptions {
  /**
   * Always raise an `ExceptionGroup`, even for a single error, as Trio's
   * `strict_exception_groups`. @default the run's `strictExceptionGroups` (false)
   */
  strictExceptionGroups?: boolean;
}

/** What a task started with `nursery.start` receives as its last argument. */
export interface TaskStatus<V = unknown> {
  /** Says the task is ready: `start` resolves with `value`, and the task moves to its nursery. */
  started(value?: V): void;
}

/**
 * Where child tasks live. Made by {@link openNursery}, which does not return
 * until every child has exited; an error in any of them, or in the body,
 * cancels the rest and is raised from `openNursery`.
 */
export class Nursery {
  /** The task that opened the nursery. */
  readonly parentTask: Task;
  /** Cancels the body and every child. */
  readonly cancelScope: CancelScope;
  /** @internal */ readonly children = new ChildList();
  /** @internal */ pendingStarts = 0;
  /** @internal */ errors: unknown[] = [];
  /** @internal */ closed = false;
  /** @internal */ bodyRunning = true;
  /** @internal */ parentWaiting = false;
  /** @internal */ readonly strict: boolean;

  /** @internal */
  constructor(parentTask: Task, cancelScope: CancelScope, strict: boolean) {
    this.parentTask = parentTask;
    this.cancelScope = cancelScope;
    this.strict = strict;
  }

  /** The tasks running in this nursery now. */
  get childTasks(): ReadonlySet<Task> {
    return new Set(this.children.toArray());
  }

  /**
   * Starts `fn(...args)` as a child task, which runs from the next scheduler
   * batch on. Not a checkpoint.
   * @param options `{ name }` to name the task (default: the function's name).
   * @throws TrioRuntimeError when the nursery has closed (its body and every child exited).
   * @example
   * nursery.startSoon(child, "child1");
   * nursery.startSoon({ name: "ticker" }, tick, 0.5);
   */
  startSoon<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void;
  startSoon<A extends unknown[]>(options: SpawnOptions, fn: (...args: A) => unknown, ...args: A): void;
  startSoon(...input: unknown[]): void {
    const { options, fn, args } = spawnArgs("nursery.startSoon", input);
    if (this.closed) {
      throw new TrioRuntimeError(
        "nursery.startSoon(): this nursery is closed to new tasks — its body and every child have exited. " +
          "Start the task from inside the openNursery() body or from one of its running children",
      );
    }
    this.parentTask.runner.spawn(fn, args, this, options.name);
  }

  /**
   * Starts `fn(...args, taskStatus)` and waits until it calls
   * `taskStatus.started(value)`; resolves with that value. Until then the
   * task runs under the caller's cancel scopes and its errors reject `start`;
   * afterwards it belongs to this nursery.
   * @throws TrioRuntimeError when the task exits without calling `started()`.
   * @example
   * const port = await nursery.start(serveTcp, handler, 0);
   */
  start<V = unknown, A extends unknown[] = unknown[]>(fn: (...args: [...A, TaskStatus<V>]) => unknown, ...args: A): Promise<V>;
  start<V = unknown, A extends unknown[] = unknown[]>(
    options: SpawnOptions,
    fn: (...args: [...A, TaskStatus<V>]) => unknown,
    ...args: A
  ): Promise<V>;
  async start(...input: unknown[]): Promise<unknown> {
    const { options, fn, args } = spawnArgs("nursery.start", input);
    if (this.closed) {
      throw new TrioRuntimeError("nursery.start(): this nursery is closed to new tasks — its body and every child have exited");
    }
    this.pendingStarts++;
    try {
      const status = new StartStatus(this);
      await openNursery(async (oldNursery) => {
        status.oldNursery = oldNursery;
        const task = oldNursery.parentTask.runner.spawn(fn, [...args, status], oldNursery, options.name);
        task.eventualParentNursery = this;
      });
      if (!status.hasValue) {
        throw new TrioRuntimeError(
          `nursery.start(): task ${fn.name || "<anonymous>"} exited without calling taskStatus.started(); ` +
            "call it once the task is ready (for a server: once it listens)",
        );
      }
      return status.value;
    } finally {
      this.pendingStarts--;
      this.checkClosed();
    }
  }

  /** @internal Records an error and cancels everything in the nursery. */
  addError(error: unknown): void {
    this.errors.push(error);
    this.cancelScope.cancel();
  }

  /** @internal A child exited. */
  childFinished(task: Task, failed: boolean, error: unknown): void {
    if (task.parentNursery !== this) internalError("a task exited from a nursery it was not in");
    this.children.remove(task);
    if (failed) this.addError(error);
    this.checkClosed();
  }

  /** @internal Closes the nursery once nothing can spawn into it, and wakes the parent. */
  checkClosed(): void {
    if (this.bodyRunning || this.children.size || this.pendingStarts) return;
    this.closed = true;
    if (this.parentWaiting) {
      this.parentWaiting = false;
      this.parentTask.runner.reschedule(this.parentTask, { value: undefined });
    }
  }

  /** @internal The body finished: wait for the children and gather every error. */
  async bodyFinished(failed: boolean, error: unknown): Promise<{ failed: boolean; error: unknown }> {
    if (failed) this.addError(error);
    this.bodyRunning = false;
    this.checkClosed();
    if (!this.closed) {
      this.parentWaiting = true;
      // A cancellation while we wait is recorded and we keep waiting: the
      // children are being cancelled too, and the nursery exits only after them.
      await waitTaskRescheduled((raiseCancel) => {
        try {
          raiseCancel();
        } catch (cancelled) {
          this.errors.push(cancelled);
        }
        return Abort.FAILED;
      });
    } else {
      try {
        await checkpoint();
      } catch (e) {
        this.errors.push(e);
      }
    }
    const popped = this.parentTask.childNurseries.pop();
    if (popped !== this) internalError("nurseries exited out of order");
    if (!this.errors.length) return { failed: false, error: undefined };
    return { failed: true, error: combineErrors(this.errors, this.strict) };
  }
}

class StartStatus implements TaskStatus {
  oldNursery: Nursery | null = null;
  hasValue = false;
  value: unknown = undefined;
  constructor(readonly newNursery: Nursery) {}

  started(value?: unknown): void {
    if (this.hasValue) throw new TrioRuntimeError("taskStatus.started() was called twice for the same task");
    this.hasValue = true;
    this.value = value;
    const old = this.oldNursery!;
    // A cancelled start leaves its task where it is: moving a task that may be
    // carrying a Cancelled to a scope that was not cancelled would lose it.
    if (isScopeCancelled(old.cancelScope)) return;
    if (this.newNursery.closed) internalError("start() target nursery closed while a start was pending");
    const target = this.newNursery.cancelScope;
    const oldScope = old.cancelScope;
    for (const task of old.children.toArray()) {
      old.children.remove(task);
      task.parentNursery = this.newNursery;
      task.eventualParentNursery = null;
      this.newNursery.children.add(task);
    }
    const scopes = [...oldScope.children];
    const tasks = oldScope.tasks.toArray().filter((t) => t !== old.parentTask);
    for (const scope of scopes) {
      oldScope.children.delete(scope);
      scope.parent = target;
      target.children.add(scope);
    }
    for (const task of tasks) {
      oldScope.tasks.remove(task);
      task.scope = target;
      target.tasks.add(task);
    }
    if (isScopeCancelled(target)) target.runner!.deliverCancellation(target);
    old.checkClosed();
  }
}

/**
 * Opens a nursery, runs `body` with it, then waits for every child task.
 *
 * If the body or a child raises, everything else in the nursery is cancelled
 * and, once all have exited, `openNursery` rejects with that error, or with an
 * `ExceptionGroup` when there were several (always a group in strict mode).
 * A child that fails after the body returned still reaches it: errors are
 * never lost.
 *
 * @returns the body's result (`undefined` if the nursery's own cancel scope
 * caught a cancellation of the body).
 * @example
 * ```ts
 * await trio.openNursery(async (nursery) => {
 *   nursery.startSoon(child, 1);
 *   nursery.startSoon(child, 2);
 * }); // both children have exited here
 * ```
 */
export function openNursery<R>(body: (nursery: Nursery) => Promise<R> | R): Promise<R>;
export function openNursery<R>(options: NurseryOptions, body: (nursery: Nursery) => Promise<R> | R): Promise<R>;
export async function openNursery<R>(
  a: NurseryOptions | ((nursery: Nursery) => Promise<R> | R),
  b?: (nursery: Nursery) => Promise<R> | R,
): Promise<R> {
  const body = typeof a === "function" ? a : b;
  const options = typeof a === "function" ? {} : (a ?? {});
  if (typeof body !== "function") {
    throw new TypeError(`openNursery(): expected a body function (async (nursery) => { ... }), got ${typeof body}`);
  }
  const task = currentTaskFor("openNursery()");
  const scope = new CancelScope();
  scope.enter(task);
  const nursery = new Nursery(task, scope, options.strictExceptionGroups ?? task.runner.strictExceptionGroups);
  task.childNurseries.push(nursery);
  let result: R | undefined;
  let failed = false;
  let error: unknown;
  try {
    result = await body(nursery);
  } catch (e) {
    failed = true;
    error = e;
  }
  const gathered = await nursery.bodyFinished(failed, error);
  const rest = scope.exit(task, gathered.failed, gathered.error);
  if (rest.failed) throw rest.error;
  return result as R;
}
