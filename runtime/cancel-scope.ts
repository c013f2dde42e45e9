import { currentTaskFor, maybeCurrentTask } from "./current.ts";
import type { DeadlineTarget } from "./deadline-heap.ts";
import { Cancelled, TrioRuntimeError } from "./errors.ts";
import { withoutCancelled } from "./exception-group.ts";
import type { Runner } from "./runner.ts";
import type { Task } from "./task.ts";
import { ScopeTaskList } from "./task-list.ts";
import { checkDeadline } from "./validate.ts";

/** Options of {@link CancelScope}. */
export interface CancelScopeOptions {
  /** Cancel automatically at this time on the run's clock. @default Infinity */
  deadline?: number;
  /** Protect the body from cancellations of outer scopes. @default false */
  shield?: boolean;
}

/**
 * A region of code that can be cancelled, by a call to {@link cancel} or when
 * its {@link deadline} passes. Cancellation is level-triggered: once the scope
 * is cancelled, every checkpoint inside raises `Cancelled` until the body has
 * left the scope, which then catches that `Cancelled`.
 *
 * Scopes form a tree across tasks: a nursery's children live inside the scope
 * that was current where the nursery was opened, so cancelling an outer scope
 * reaches them too, unless a scope in between is shielded.
 *
 * @example
 * ```ts
 * const scope = new trio.CancelScope({ deadline: trio.currentTime() + 5 });
 * await scope.run(async () => { await fetchSlowly(); });
 * if (scope.cancelledCaught) console.log("gave up after 5 s");
 * ```
 */
export class CancelScope implements DeadlineTarget {
  #deadline: number;
  #shield: boolean;
  #cancelCalled = false;
  #cancelledCaught = false;
  #state: "new" | "active" | "exited" = "new";

  /** @internal */ runner: Runner | null = null;
  /** @internal the enclosing scope while this one is active */
  parent: CancelScope | null = null;
  /** @internal scopes directly inside this one */
  readonly children = new Set<CancelScope>();
  /** @internal tasks whose innermost scope is this one */
  readonly tasks = new ScopeTaskList();
  /** @internal see DeadlineTarget */ heapGen = 0;
  #abortController: AbortController | null = null;

  constructor(options: CancelScopeOptions = {}) {
    this.#deadline = options.deadline === undefined ? Infinity : checkDeadline(options.deadline, "CancelScope deadline");
    this.#shield = options.shield ?? false;
  }

  /** When the scope cancels itself, on the run's clock (`Infinity`: never). Can be changed while it runs. */
  get deadline(): number {
    return this.#deadline;
  }
  set deadline(value: number) {
    this.#deadline = checkDeadline(value, "CancelScope.deadline");
    if (this.#state === "active") this.runner!.scheduleScopeDeadline(this);
  }

  /** Whether cancellations of outer scopes are kept out. Can be changed while it runs. */
  get shield(): boolean {
    return this.#shield;
  }
  set shield(value: boolean) {
    if (typeof value !== "boolean") throw new TypeError(`CancelScope.shield: expected a boolean, got ${typeof value}`);
    this.#shield = value;
    // Lowering a shield exposes the body to an outer cancellation that was held off.
    if (!value && this.#state === "active") this.runner!.deliverCancellation(this);
  }

  /** Whether `cancel()` was called, or the deadline passed. */
  get cancelCalled(): boolean {
    // A deadline that passed counts even before the run loop noticed it, as in Trio.
    if (!this.#cancelCalled && this.#deadline !== Infinity && this.#state !== "exited") {
      const runner = this.runner ?? maybeCurrentTask()?.runner;
      if (runner !== undefined && !runner.finished && runner.clock.currentTime() >= this.#deadline) this.cancel();
    }
    return this.#cancelCalled;
  }

  /** @internal `cancelCalled` without the deadline check, for the hot path: the loop applies deadlines itself. */
  get cancelFlag(): boolean {
    return this.#cancelCalled;
  }

  /** Whether this scope caught a `Cancelled` on exit: the body was actually interrupted. */
  get cancelledCaught(): boolean {
    return this.#cancelledCaught;
  }

  /**
   * An `AbortSignal` that aborts (with a `Cancelled` as its reason) when code
   * in this scope is cancelled, by this scope or by an outer one that is not
   * shielded off. Pass it to `fetch` and other Node APIs that take a signal,
   * so that awaiting them is cancellable too.
   * @example
   * await trio.moveOnAfter(5, (scope) => fetch(url, { signal: scope.signal }));
   */
  get signal(): AbortSignal {
    if (this.#abortController === null) {
      this.#abortController = new AbortController();
      if (this.#state === "active" ? isScopeCancelled(this) : this.#cancelCalled) this.abortSignal();
    }
    return this.#abortController.signal;
  }

  /** @internal Aborts the signal, if anyone asked for it. */
  abortSignal(): void {
    const controller = this.#abortController;
    if (controller !== null && !controller.signal.aborted) controller.abort(new Cancelled("the cancel scope was cancelled"));
  }

  /**
   * Cancels the scope: blocked tasks inside wake with `Cancelled`, and every
   * later checkpoint inside raises it. Idempotent; not a checkpoint.
   */
  cancel(): void {
    if (this.#cancelCalled) return;
    this.#cancelCalled = true;
    this.abortSignal();
    if (this.#state === "active") {
      const runner = this.runner!;
      runner.unscheduleScopeDeadline(this);
      if (runner.instruments.byHook.scopeCancelled.length && runner.initTask !== null) {
        runner.instruments.call("scopeCancelled", runner.initTask, this);
      }
      runner.deliverCancellation(this);
    }
  }

  /**
   * Runs `body` inside the scope, in the current task.
   * @returns the body's result, or `undefined` when the scope caught a cancellation.
   * @throws TrioRuntimeError when the scope was already used: a scope runs once.
   */
  async run<R>(body: (scope: CancelScope) => Promise<R> | R): Promise<R | undefined> {
    const task = currentTaskFor("CancelScope.run()");
    this.enter(task);
    let result: R | undefined;
    let error: unknown;
    let failed = false;
    try {
      result = await body(this);
    } catch (e) {
      error = e;
      failed = true;
    }
    const rest = this.exit(task, failed, error);
    if (rest.failed) throw rest.error;
    return failed ? undefined : result;
  }

  /** @internal Makes this the task's innermost scope. */
  enter(task: Task): void {
    if (this.#state !== "new") {
      throw new TrioRuntimeError(
        "this CancelScope was already run; a scope can be used for one block only — create a new CancelScope",
      );
    }
    this.#state = "active";
    this.runner = task.runner;
    const parent = task.scope;
    this.parent = parent;
    parent.children.add(this);
    parent.tasks.remove(task);
    this.tasks.add(task);
    task.scope = this;
    if (task.runner.instruments.byHook.scopeEntered.length) task.runner.instruments.call("scopeEntered", task, this, task);
    if (this.#cancelCalled) return;
    if (this.#deadline !== Infinity) task.runner.scheduleScopeDeadline(this);
  }

  /**
   * @internal Leaves the scope and decides whether it catches the error the
   * body raised: it does when the error is (or contains) `Cancelled` and this
   * scope is the outermost cancelled one the task can see, that is, the
   * cancellation came from here and not from further out.
   */
  exit(task: Task, failed: boolean, error: unknown): { failed: boolean; error: unknown } {
    if (task.scope !== this) {
      // Bodies are callbacks, so this only happens when a scope's run() was not awaited.
      throw new TrioRuntimeError(
        "cancel scopes were exited out of order in task " +
          task.name +
          ": a CancelScope.run(), moveOnAfter() or openNursery() was probably not awaited",
      );
    }
    this.tasks.remove(task);
    const parent = this.parent!;
    parent.children.delete(this);
    parent.tasks.add(task);
    task.scope = parent;
    this.#state = "exited";
    this.runner!.unscheduleScopeDeadline(this);
    const rest = this.#catch(parent, failed, error);
    const instruments = this.runner!.instruments;
    if (instruments.byHook.scopeExited.length) {
      instruments.call("scopeExited", task, this, task, rest.failed ? { error: rest.error } : { value: undefined });
    }
    return rest;
  }

  #catch(parent: CancelScope, failed: boolean, error: unknown): { failed: boolean; error: unknown } {
    if (!failed) return { failed, error };
    const catches = this.#cancelCalled && (this.#shield || !isScopeCancelled(parent));
    if (!catches) return { failed, error };
    const split = withoutCancelled(error);
    if (split.hadCancelled) this.#cancelledCaught = true;
    return split.empty ? { failed: false, error: undefined } : { failed: true, error: split.rest };
  }

  /** @internal the root scope of a task tree */
  static root(): CancelScope {
    const scope = new CancelScope();
    scope.#state = "active";
    return scope;
  }
}

/** Whether code inside `scope` sees a cancellation (its own or an outer one not shielded off). */
export function isScopeCancelled(scope: CancelScope | null): boolean {
  for (let s = scope; s !== null; s = s.parent) {
    if (s.cancelFlag) return true;
    if (s.shield) return false;
  }
  return false;
}

/** Whether `task`'s next checkpoint raises `Cancelled`. */
export function isTaskCancelled(task: Task): boolean {
  return isScopeCancelled(task.scope);
}
