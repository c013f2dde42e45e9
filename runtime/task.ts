import type { CancelScope } from "./cancel-scope.ts";
import type { DeadlineTarget } from "./deadline-heap.ts";
import type { Nursery } from "./nursery.ts";
import type { Runner } from "./runner.ts";

/** Where a task is in its life. */
export enum TaskState {
  /** Spawned; its function has not been called yet. */
  New,
  /** Waiting in the run queue for its next step. */
  Runnable,
  /** The task the run loop is stepping now. */
  Running,
  /** Parked in `waitTaskRescheduled`, until `reschedule`. */
  Blocked,
  /** Awaiting a promise the runtime did not make; it runs again when that settles. */
  Foreign,
  /** Exited. */
  Done,
}

/** Called when a blocked task's cancel scope is cancelled; see `lowlevel.waitTaskRescheduled`. */
export type AbortFn = (raiseCancel: () => never) => Abort;

/** What an {@link AbortFn} did. */
export enum Abort {
  /** The wait was undone; the task is woken with `Cancelled`. */
  SUCCEEDED = "SUCCEEDED",
  /** The wait could not be undone now; whoever wakes the task later must `reschedule` it. */
  FAILED = "FAILED",
}

/**
 * A task: one async function running under the run loop, the unit that
 * nurseries start, cancel scopes cancel and instruments observe.
 */
export class Task implements DeadlineTarget {
  /** The task's name: its function's name unless given at spawn. */
  readonly name: string;
  /** The nursery this task belongs to (`null` for the root task). */
  parentNursery: Nursery | null;
  /** What few tasks need, in one object made on first use: 100,000 sleeping tasks should stay small. */
  #rare: RareTaskFields | null = null;
  /** Free for blocking primitives to note why the task is blocked (Trio's `custom_sleep_data`). */
  customSleepData: unknown = undefined;

  /** @internal */ readonly runner: Runner;
  /** @internal */ state: TaskState = TaskState.New;
  /** @internal the function and arguments, until the first step calls them */
  fn: ((...args: never[]) => unknown) | null;
  /** @internal */ args: unknown[] | null;
  /** @internal the innermost cancel scope the task is in */
  scope: CancelScope;
  /** @internal resolves the promise the task is parked on */
  resolveWake: ((value: unknown) => void) | null = null;
  /** @internal what the next step delivers: a value, or an error to raise (boxed by the runner) */
  nextValue: unknown = undefined;
  /** @internal the checkpoint that queued this step still has to check for cancellation */
  checkCancelOnWake = false;
  /** @internal */ abortFn: AbortFn | null = null;
  /** @internal see DeadlineTarget: odd while in `sleepUntil` */
  heapGen = 0;
  /** @internal links in the parent nursery's list of children */
  siblingPrev: Task | null = null;
  /** @internal */ siblingNext: Task | null = null;
  /** @internal links in the innermost cancel scope's list of tasks */
  scopePrev: Task | null = null;
  /** @internal */ scopeNext: Task | null = null;
  /** @internal task-local context values; shared with the parent until the first write */
  context: Map<unknown, unknown>;
  /** @internal */ contextShared: boolean;
  /** @internal counters for testing.assertCheckpoints */
  cancelPoints = 0;
  /** @internal */ schedulePoints = 0;

  constructor(
    runner: Runner,
    name: string,
    parentNursery: Nursery | null,
    scope: CancelScope,
    fn: (...args: never[]) => unknown,
    args: unknown[],
    context: Map<unknown, unknown>,
  ) {
    this.runner = runner;
    this.name = name;
    this.parentNursery = parentNursery;
    this.scope = scope;
    this.fn = fn;
    this.args = args;
    this.context = context;
    this.contextShared = true;
  }

  /** Nurseries this task has open, outermost first. */
  get childNurseries(): Nursery[] {
    return ((this.#rare ??= new RareTaskFields()).childNurseries ??= []);
  }

  /** During `nursery.start`, the nursery the task will move to once it calls `started()`. */
  get eventualParentNursery(): Nursery | null {
    return this.#rare?.eventualParentNursery ?? null;
  }
  set eventualParentNursery(nursery: Nursery | null) {
    (this.#rare ??= new RareTaskFields()).eventualParentNursery = nursery;
  }

  /** @internal called once when the task exits (e.g. to break the parking lots of locks it still holds) */
  get onExit(): (() => void)[] | null {
    return this.#rare?.onExit ?? null;
  }
  set onExit(hooks: (() => void)[] | null) {
    (this.#rare ??= new RareTaskFields()).onExit = hooks;
  }

  toString(): string {
    return `<Task ${this.name}>`;
  }
}

/** The fields of {@link Task} that most tasks never use. */
class RareTaskFields {
  childNurseries: Nursery[] | null = null;
  eventualParentNursery: Nursery | null = null;
  onExit: (() => void)[] | null = null;
}
