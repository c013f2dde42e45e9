import { performance } from "node:perf_hooks";
import { CancelScope, isScopeCancelled, isTaskCancelled } from "./cancel-scope.ts";
import { SystemClock, type Clock, type ClockWithRunHooks } from "./clock.ts";
import { maybeCurrentTask, runAs, trackRunFinished, trackRunStarted } from "./current.ts";
import { DeadlineHeap } from "./deadline-heap.ts";
import { Cancelled, describe, internalError, TrioInternalError, TrioRuntimeError } from "./errors.ts";
import { InstrumentSet, type Instrument } from "./instrument.ts";
import { KeyboardInterrupt } from "./keyboard-interrupt.ts";
import { openNursery, type Nursery } from "./nursery.ts";
import { isError, type Outcome } from "./outcome.ts";
import { Abort, Task, TaskState, type AbortFn } from "./task.ts";

/** Options of `trio.run`. */
export interface RunOptions {
  /** The clock for this run. @default a new `SystemClock` */
  clock?: Clock;
  /** Instruments active from the start of the run. */
  instruments?: Instrument[];
  /** Make every nursery raise an `ExceptionGroup`, even for one error. @default false */
  strictExceptionGroups?: boolean;
}

/** Counts from `lowlevel.currentStatistics()`. */
export interface RunStatistics {
  /** Tasks alive, the runtime's own included. */
  tasksLiving: number;
  /** Tasks waiting in the run queue for their next step. */
  tasksRunnable: number;
  /** Seconds on the run's clock until the next deadline (`Infinity`: none). */
  secondsToNextDeadline: number;
  /** Tasks awaiting a promise the runtime did not make. */
  tasksAwaitingForeign: number;
}

/**
 * How long the loop may run batches back to back before it lets Node's event
 * loop run timers and I/O callbacks. Short enough that a task spinning on
 * `sleep(0)` cannot starve a socket; long enough that the hop costs nothing.
 */
const YIELD_INTERVAL_MS = 1;

const RESOLVED = Promise.resolve();

/** Why the loop is idle: what its timer waits for. */
type IdleKind = "none" | "deadline" | "blocked" | "autojump";

/** What `Task.nextValue` holds when the next step raises instead of returning (rare: no field for it). */
class ErrorToRaise {
  constructor(readonly error: unknown) {}
}

function raiseCancel(): never {
  throw new Cancelled();
}

/**
 * One run: the scheduler, the clock, the deadlines and the tasks.
 *
 * Tasks are stepped one at a time, in batches: every task runnable when a
 * batch starts runs one step (until it blocks in the runtime again), then
 * deadlines are checked, and every millisecond or so Node's event loop gets a
 * turn. A step that awaits a promise the runtime did not make is noticed at
 * the end of the current turn of the event loop; the task then runs on its
 * own until it blocks in the runtime again, and the others carry on.
 */
export class Runner {
  readonly clock: ClockWithRunHooks;
  readonly instruments = new InstrumentSet();
  readonly strictExceptionGroups: boolean;
  readonly deadlines = new DeadlineHeap();
  /** How many tasks are alive. */
  tasksLiving = 0;
  /** Values of `RunVar`s in this run. */
  readonly runVars = new Map<unknown, unknown>();
  /** The scope above every other. */
  readonly rootScope = CancelScope.root();
  initTask: Task | null = null;
  mainTask: Task | null = null;
  systemNursery: Nursery | null = null;
  finished = false;
  /** SIGINT arrived during the run: it was cancelled and rejects with `KeyboardInterrupt`. */
  interrupted = false;
  foreignCount = 0;
  /** Context values as they were where `run` was called; the main and system tasks start from them. */
  readonly outsideContext: Map<unknown, unknown>;

  // Invariant: a task is in #runQueue or in #batch after #batchIndex exactly
  // when its state is New or Runnable.
  #runQueue: Task[] = [];
  #batch: Task[] = [];
  #batchIndex = 0;
  /** The task being stepped; `null` between steps. */
  #stepping: Task | null = null;
  #inRunSteps = false;
  #deferred = false;
  #tickArmed = false;
  #yielded = false;
  #lastYield = performance.now();
  #idle = false;
  #idleTimer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;
  #idleTimerIsImmediate = false;
  #idleTimeout = Infinity;
  #idleKind: IdleKind = "none";
  /** Tasks in `testing.waitAllTasksBlocked`, in arrival order. */
  #waitingForBlocked: { cushion: number; task: Task }[] = [];
  #main: { failed: boolean; value: unknown } = { failed: false, value: undefined };
  #settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | null = null;

  constructor(options: RunOptions, outsideContext: Map<unknown, unknown>) {
    this.clock = (options.clock ?? new SystemClock()) as ClockWithRunHooks;
    this.strictExceptionGroups = options.strictExceptionGroups ?? false;
    for (const instrument of options.instruments ?? []) this.instruments.add(instrument);
    this.outsideContext = outsideContext;
  }

  /** Starts the run; resolves with the main function's result. */
  start(fn: (...args: never[]) => unknown, args: unknown[], name: string | undefined): Promise<unknown> {
    const done = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
    trackRunStarted();
    this.clock.startClock();
    this.clock.onChange = () => this.#clockChanged();
    const init = async () => {
      await openNursery(async (system) => {
        this.systemNursery = system;
        this.mainTask = this.spawn(fn, args, system, name, this.outsideContext);
      });
    };
    const task = new Task(this, "<init>", null, this.rootScope, init, [], this.outsideContext);
    this.initTask = task;
    this.rootScope.tasks.add(task);
    this.tasksLiving++;
    if (this.instruments.byHook.beforeRun.length) this.instruments.call("beforeRun", task);
    if (this.instruments.byHook.taskSpawned.length) this.instruments.call("taskSpawned", task, task);
    this.#enqueue(task);
    this.#defer();
    return done;
  }

  // ---------------------------------------------------------------- spawning

  /** Creates a task in `nursery`; it runs from the next batch on. */
  spawn(
    fn: (...args: never[]) => unknown,
    args: unknown[],
    nursery: Nursery,
    name: string | undefined,
    context?: Map<unknown, unknown>,
  ): Task {
    if (this.finished) throw new TrioRuntimeError("cannot start a task: the run has finished");
    let ctx = context;
    if (ctx === undefined) {
      // Children start from a copy of the spawner's context values, shared until either writes.
      const spawner = maybeCurrentTask();
      if (spawner !== undefined && spawner.runner === this) {
        ctx = spawner.context;
        spawner.contextShared = true;
      } else ctx = this.outsideContext;
    }
    const task = new Task(this, name ?? (fn.name || "<anonymous>"), nursery, nursery.cancelScope, fn, args, ctx);
    nursery.children.add(task);
    nursery.cancelScope.tasks.add(task);
    this.tasksLiving++;
    if (this.instruments.byHook.taskSpawned.length) this.instruments.call("taskSpawned", task, task);
    this.#enqueue(task);
    return task;
  }

  // ----------------------------------------------------- parking and waking

  /**
   * Parks `task` until `reschedule`; see `lowlevel.waitTaskRescheduled`.
   * `on` says what it waits on, for instruments (`taskBlocked`).
   */
  park(task: Task, abortFn: AbortFn | null, sleepUntil = NaN, on?: unknown): Promise<unknown> {
    const wake = this.#suspend<unknown>(task);
    if (wake === null) return Promise.reject(alreadyWaiting(task));
    task.state = TaskState.Blocked;
    task.abortFn = abortFn;
    task.schedulePoints++;
    if (abortFn !== null) task.cancelPoints++;
    if (this.instruments.byHook.taskBlocked.length) this.instruments.call("taskBlocked", task, task, on, sleepUntil);
    if (sleepUntil === sleepUntil) {
      this.deadlines.add(sleepUntil, task);
      if (this.#idle) this.#wake();
    }
    if (abortFn !== null && isTaskCancelled(task)) this.#attemptAbort(task);
    if (this.#stepping === task) this.#endStep(task);
    return wake;
  }

  /**
   * Yields to the scheduler and queues `task` again at once: the fast path
   * of a checkpoint. With `checkCancel`, the next step raises `Cancelled` if
   * the task is cancelled by then (deadlines are processed in between).
   * Otherwise the wake resolves with `value` (a channel's fast path hands
   * its received value through here instead of wrapping it in another promise).
   */
  yieldNow<V = void>(task: Task, checkCancel: boolean, value?: V): Promise<V> {
    const wake = this.#suspend<V>(task);
    if (wake === null) return Promise.reject(alreadyWaiting(task));
    task.schedulePoints++;
    task.checkCancelOnWake = checkCancel;
    task.nextValue = value;
    this.#enqueue(task);
    if (this.#stepping === task) this.#endStep(task);
    return wake;
  }

  /**
   * The promise a running task awaits until its next step, or `null` when the
   * task is already waiting (a task waits for one thing at a time).
   */
  #suspend<V>(task: Task): Promise<V> | null {
    const state = task.state;
    if (state !== TaskState.Running && state !== TaskState.Foreign) return null;
    if (state === TaskState.Foreign) this.foreignCount--;
    // Only `resolve` is kept: a parked task holding both resolving functions
    // costs ~70 bytes more, and 100,000 sleeping tasks are a workload we
    // measure. Errors are delivered as a rejected promise to resolve with.
    return new Promise<V>((resolve) => {
      task.resolveWake = resolve as (v: unknown) => void;
    });
  }

  /** Wakes a blocked task with `outcome`; see `lowlevel.reschedule`. */
  reschedule(task: Task, outcome: Outcome = { value: undefined }): void {
    if (task.state !== TaskState.Blocked) {
      throw new TrioRuntimeError(
        `reschedule(): task ${task.name} is not blocked in waitTaskRescheduled() (a task can be rescheduled once per wait)`,
      );
    }
    task.abortFn = null;
    this.deadlines.remove(task);
    task.nextValue = isError(outcome) ? new ErrorToRaise(outcome.error) : outcome.value;
    this.#enqueue(task);
  }

  /** `reschedule(task)` for a task whose sleep just expired (it is out of the heap already). */
  #wakeSleeper(task: Task): void {
    task.abortFn = null;
    task.nextValue = undefined;
    this.#enqueue(task);
  }

  #enqueue(task: Task): void {
    if (task.state !== TaskState.New) task.state = TaskState.Runnable;
    this.#runQueue.push(task);
    if (this.instruments.byHook.taskScheduled.length) this.instruments.call("taskScheduled", task, task);
    if (this.#idle) this.#wake();
  }

  #attemptAbort(task: Task): void {
    const abortFn = task.abortFn;
    if (abortFn === null || task.state !== TaskState.Blocked) return;
    // One attempt per wait, as in Trio: an abort that FAILED is not retried.
    task.abortFn = null;
    let result: unknown;
    try {
      result = abortFn(raiseCancel);
    } catch (error) {
      result = error;
    }
    if (result === Abort.SUCCEEDED) {
      if (this.instruments.byHook.taskCancelled.length) this.instruments.call("taskCancelled", task, task);
      this.reschedule(task, { error: new Cancelled() });
    }
    else if (result !== Abort.FAILED) {
      this.reschedule(task, {
        error: new TrioInternalError(
          `the abort function of task ${task.name} returned ${describe(result)} instead of Abort.SUCCEEDED or Abort.FAILED`,
          { cause: result },
        ),
      });
    }
  }

  /** Wakes every blocked task that `scope`'s cancellation now reaches. */
  deliverCancellation(scope: CancelScope): void {
    if (!isScopeCancelled(scope)) return;
    const stack = [scope];
    while (stack.length) {
      const s = stack.pop()!;
      s.abortSignal();
      for (const task of s.tasks.toArray()) if (task.abortFn !== null) this.#attemptAbort(task);
      for (const child of s.children) if (!child.shield) stack.push(child);
    }
  }

  // --------------------------------------------------------------- deadlines

  scheduleScopeDeadline(scope: CancelScope): void {
    this.unscheduleScopeDeadline(scope);
    if (scope.cancelCalled || scope.deadline === Infinity) return;
    this.deadlines.add(scope.deadline, scope);
    if (this.#idle) this.#wake();
  }

  unscheduleScopeDeadline(scope: CancelScope): void {
    this.deadlines.remove(scope);
  }

  #processDeadlines(): void {
    const now = this.clock.currentTime();
    for (let target = this.deadlines.popExpired(now); target; target = this.deadlines.popExpired(now)) {
      if (target instanceof Task) this.#wakeSleeper(target);
      else (target as CancelScope).cancel();
    }
  }

  // --------------------------------------------------------------- the loop

  #runSteps = (): void => {
    if (this.#inRunSteps || this.finished) return;
    this.#inRunSteps = true;
    try {
      if (!this.#tickArmed) this.#armTick();
      while (this.#stepping === null) {
        if (this.#batchIndex >= this.#batch.length && !this.#nextBatch()) return;
        this.#step(this.#batch[this.#batchIndex++]!);
      }
    } finally {
      this.#inRunSteps = false;
    }
  };

  /** Starts the next batch; `false` when there is nothing to run now or Node's loop gets a turn first. */
  #nextBatch(): boolean {
    if (this.deadlines.size) this.#processDeadlines();
    if (this.#runQueue.length === 0) {
      this.#goIdle();
      return false;
    }
    if (performance.now() - this.#lastYield > YIELD_INTERVAL_MS) {
      // The tick armed at the start of this turn continues after timers and I/O.
      this.#yielded = true;
      if (this.instruments.byHook.beforeIoWait.length) this.instruments.call("beforeIoWait", this.initTask!, 0);
      return false;
    }
    const batch = this.#batch;
    batch.length = 0;
    this.#batch = this.#runQueue;
    this.#runQueue = batch;
    this.#batchIndex = 0;
    return true;
  }

  #step(task: Task): void {
    this.#stepping = task;
    const isNew = task.state === TaskState.New;
    task.state = TaskState.Running;
    if (this.instruments.byHook.beforeTaskStep.length) this.instruments.call("beforeTaskStep", task, task);
    if (isNew) {
      const fn = task.fn!;
      const args = task.args!;
      task.fn = null;
      task.args = null;
      let promise: unknown;
      try {
        promise = runAs(task, fn, ...args);
      } catch (error) {
        this.taskFinished(task, true, error);
        return;
      }
      if (promise instanceof Promise) {
        // Attached as the task, so the handlers find it as the current task
        // (see current.ts): no closure per task.
        runAs(task, attachExitHandlers, promise);
      } else if (promise !== null && typeof promise === "object" && typeof (promise as PromiseLike<unknown>).then === "function") {
        (promise as PromiseLike<unknown>).then(
          (value) => this.taskFinished(task, false, value),
          (error) => this.taskFinished(task, true, error),
        );
      } else {
        this.taskFinished(
          task,
          true,
          new TypeError(
            `task ${task.name}: expected an async function, but it returned ${describe(promise)}; ` +
              "declare it `async function` (or return a Promise)",
          ),
        );
      }
      return;
    }
    let value = task.nextValue;
    task.nextValue = undefined;
    let isError = value instanceof ErrorToRaise;
    if (isError) value = (value as ErrorToRaise).error;
    if (task.checkCancelOnWake) {
      task.checkCancelOnWake = false;
      task.cancelPoints++;
      if (isTaskCancelled(task)) {
        isError = true;
        value = new Cancelled();
        if (this.instruments.byHook.taskCancelled.length) this.instruments.call("taskCancelled", task, task);
      }
    }
    const resolve = task.resolveWake!;
    task.resolveWake = null;
    resolve(isError ? Promise.reject(value) : value);
  }

  #endStep(task: Task): void {
    this.#stepping = null;
    if (this.instruments.byHook.afterTaskStep.length) this.instruments.call("afterTaskStep", task, task);
    if (this.#inRunSteps) return;
    // Starting a new task runs its code synchronously, which must not happen in
    // the middle of another task's call into the runtime: defer it a microtask.
    const next = this.#batchIndex < this.#batch.length ? this.#batch[this.#batchIndex] : this.#runQueue[0];
    if (next !== undefined && next.state === TaskState.New) this.#defer();
    else this.#runSteps();
  }

  #defer(): void {
    if (this.#deferred) return;
    this.#deferred = true;
    RESOLVED.then(this.#runDeferred);
  }

  #runDeferred = (): void => {
    this.#deferred = false;
    this.#runSteps();
  };

  #armTick(): void {
    this.#tickArmed = true;
    setImmediate(this.#tick);
  }

  /** Once per turn of Node's event loop, after every microtask of the turn has run. */
  #tick = (): void => {
    this.#tickArmed = false;
    if (this.finished) return;
    this.#lastYield = performance.now();
    if (this.#yielded) {
      this.#yielded = false;
      if (this.instruments.byHook.afterIoWait.length) this.instruments.call("afterIoWait", this.initTask!, 0);
    }
    const stuck = this.#stepping;
    if (stuck !== null && !this.#inRunSteps) {
      // The microtasks ran out mid-step: the task awaits a promise the runtime
      // did not make. It goes on by itself when that settles; others run meanwhile.
      stuck.state = TaskState.Foreign;
      this.foreignCount++;
      this.#stepping = null;
      if (this.instruments.byHook.afterTaskStep.length) this.instruments.call("afterTaskStep", stuck, stuck);
    }
    if (!this.#idle) this.#runSteps();
  };

  #goIdle(): void {
    if (this.finished) return;
    this.#idle = true;
    let timeout = Infinity;
    let kind: IdleKind = "none";
    const next = this.deadlines.peekDeadline();
    if (next !== Infinity) {
      timeout = Math.max(0, this.clock.deadlineToSleepTime(next));
      kind = "deadline";
    }
    if (this.#waitingForBlocked.length) {
      const cushion = Math.min(...this.#waitingForBlocked.map((w) => w.cushion));
      if (cushion < timeout) {
        timeout = cushion;
        kind = "blocked";
      }
    }
    const threshold = this.clock.autojumpThreshold;
    if (threshold !== undefined && next !== Infinity && threshold < timeout) {
      timeout = threshold;
      kind = "autojump";
    }
    this.#idleTimeout = timeout;
    this.#idleKind = kind;
    if (this.instruments.byHook.beforeIoWait.length) this.instruments.call("beforeIoWait", this.initTask!, timeout);
    this.#clearIdleTimer();
    if (timeout === 0) {
      this.#idleTimer = setImmediate(this.#onIdleTimer);
      this.#idleTimerIsImmediate = true;
    } else {
      // With no deadline the timer still holds Node's event loop open: a run whose tasks
      // all wait (for an Event nobody sets, say) waits on, as Trio does, until Ctrl-C.
      this.#idleTimer = setTimeout(this.#onIdleTimer, Math.min(Math.ceil(timeout * 1000), 2 ** 31 - 1));
      this.#idleTimerIsImmediate = false;
    }
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer === null) return;
    if (this.#idleTimerIsImmediate) clearImmediate(this.#idleTimer as ReturnType<typeof setImmediate>);
    else clearTimeout(this.#idleTimer as ReturnType<typeof setTimeout>);
    this.#idleTimer = null;
  }

  #onIdleTimer = (): void => {
    this.#idleTimer = null;
    if (!this.#idle || this.finished) return;
    this.#idle = false;
    if (this.instruments.byHook.afterIoWait.length) this.instruments.call("afterIoWait", this.initTask!, this.#idleTimeout);
    this.#lastYield = performance.now();
    if (this.#idleKind === "blocked") {
      const cushion = Math.min(...this.#waitingForBlocked.map((w) => w.cushion));
      const woken = this.#waitingForBlocked.filter((w) => w.cushion === cushion);
      this.#waitingForBlocked = this.#waitingForBlocked.filter((w) => w.cushion !== cushion);
      for (const w of woken) this.reschedule(w.task);
    } else if (this.#idleKind === "autojump") {
      this.clock.autojumpTo?.(this.deadlines.peekDeadline());
    }
    this.#runSteps();
  };

  /** Something became runnable (or a deadline moved) while the loop was idle. */
  #wake(): void {
    this.#idle = false;
    this.#clearIdleTimer();
    if (this.instruments.byHook.afterIoWait.length) this.instruments.call("afterIoWait", this.initTask!, this.#idleTimeout);
    this.#defer();
  }

  #clockChanged(): void {
    if (this.#idle) this.#wake();
  }

  /** Parks the current task until every other task has been blocked for `cushion` real seconds. */
  waitAllTasksBlocked(task: Task, cushion: number): Promise<unknown> {
    if (task.state !== TaskState.Running && task.state !== TaskState.Foreign) return this.park(task, null);
    // Registered before parking: parking may end the step and idle the loop at once.
    const entry = { cushion, task };
    this.#waitingForBlocked.push(entry);
    const remove = () => (this.#waitingForBlocked = this.#waitingForBlocked.filter((w) => w !== entry));
    const wait = this.park(task, () => {
      remove();
      return Abort.SUCCEEDED;
    }, NaN, "waitAllTasksBlocked");
    // A task running on its own after a foreign await may ask while the loop is idle:
    // the idle timer was set without this waiter's cushion, so set it again.
    if (this.#idle) this.#wake();
    return wait;
  }

  // ------------------------------------------------------------------ exits

  /** @internal A task's function settled (or threw). */
  taskFinished(task: Task, failed: boolean, value: unknown): void {
    if (task.state === TaskState.Done) internalError(`task ${task.name} exited twice`);
    const wasStepping = this.#stepping === task;
    if (task.state === TaskState.Foreign) this.foreignCount--;
    task.state = TaskState.Done;
    task.scope.tasks.remove(task);
    this.tasksLiving--;
    if (wasStepping) {
      this.#stepping = null;
      if (this.instruments.byHook.afterTaskStep.length) this.instruments.call("afterTaskStep", task, task);
    }
    if (task.onExit !== null) for (const hook of task.onExit.splice(0)) hook();
    if (this.instruments.byHook.taskExited.length) {
      this.instruments.call("taskExited", task, task, failed ? { error: value } : { value });
    }
    if (task === this.initTask) {
      this.#finishRun(failed, value);
      return;
    }
    if (task === this.mainTask) {
      // The main task's outcome is the run's result; it is not a system failure.
      this.#main = { failed, value };
      task.parentNursery!.childFinished(task, false, undefined);
      this.systemNursery!.cancelScope.cancel();
    } else {
      task.parentNursery!.childFinished(task, failed, value);
    }
    if (wasStepping && !this.#inRunSteps) this.#runSteps();
  }

  /** Cancels the whole run because of SIGINT; see `keyboard-interrupt.ts`. */
  interrupt(): void {
    if (this.finished || this.interrupted || this.systemNursery === null) return;
    this.interrupted = true;
    this.systemNursery.cancelScope.cancel();
  }

  #finishRun(failed: boolean, error: unknown): void {
    if (this.instruments.byHook.afterRun.length) this.instruments.call("afterRun", this.initTask!);
    this.finished = true;
    trackRunFinished();
    this.#clearIdleTimer();
    this.clock.onChange = undefined;
    const settle = this.#settle!;
    if (failed) {
      settle.reject(new TrioInternalError(`a system task raised an error and the run was cancelled: ${String(error)}`, { cause: error }));
    } else if (this.interrupted) settle.reject(new KeyboardInterrupt({ cause: this.#main.value }));
    else if (this.#main.failed) settle.reject(this.#main.value);
    else settle.resolve(this.#main.value);
  }

  // ------------------------------------------------------------- statistics

  statistics(): RunStatistics {
    const next = this.deadlines.peekDeadline();
    return {
      tasksLiving: this.tasksLiving,
      tasksRunnable: this.#runQueue.length + this.#batch.length - this.#batchIndex,
      secondsToNextDeadline: next === Infinity ? Infinity : next - this.clock.currentTime(),
      tasksAwaitingForeign: this.foreignCount,
    };
  }
}

function attachExitHandlers(promise: Promise<unknown>): void {
  promise.then(taskReturned, taskRaised);
}

function taskReturned(value: unknown): void {
  const task = maybeCurrentTask()!;
  task.runner.taskFinished(task, false, value);
}

function taskRaised(error: unknown): void {
  const task = maybeCurrentTask()!;
  task.runner.taskFinished(task, true, error);
}

function alreadyWaiting(task: Task): TrioRuntimeError {
  return new TrioRuntimeError(
    `task ${task.name} is already waiting on the runtime; a task waits for one thing at a time. ` +
      "To wait for several, start each in its own task with nursery.startSoon() instead of Promise.all()/race()",
  );
}
