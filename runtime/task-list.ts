import type { Task } from "./task.ts";

/**
 * The tasks of one nursery, or of one cancel scope, as a doubly-linked list
 * threaded through the tasks themselves. A `Set` would do, but 100,000
 * children mean 100,000 hash entries to allocate, grow and collect; the links
 * cost two fields per task and nothing else. Insertion order is kept, so
 * cancellations reach tasks in the order they were started.
 *
 * Which list a task is in is known from the task (`task.parentNursery`,
 * `task.scope`); callers never add a task twice or remove one that is absent.
 */
abstract class TaskList {
  first: Task | null = null;
  last: Task | null = null;
  size = 0;

  protected abstract prev(task: Task): Task | null;
  protected abstract next(task: Task): Task | null;
  protected abstract link(task: Task, prev: Task | null, next: Task | null): void;
  protected abstract setPrev(task: Task, prev: Task | null): void;
  protected abstract setNext(task: Task, next: Task | null): void;

  add(task: Task): void {
    this.link(task, this.last, null);
    if (this.last === null) this.first = task;
    else this.setNext(this.last, task);
    this.last = task;
    this.size++;
  }

  remove(task: Task): void {
    const prev = this.prev(task);
    const next = this.next(task);
    if (prev === null) this.first = next;
    else this.setNext(prev, next);
    if (next === null) this.last = prev;
    else this.setPrev(next, prev);
    this.link(task, null, null);
    this.size--;
  }

  /** A snapshot, safe to use while the list changes. */
  toArray(): Task[] {
    const tasks: Task[] = [];
    for (let t = this.first; t !== null; t = this.next(t)) tasks.push(t);
    return tasks;
  }
}

/** The children of a nursery (links: `task.siblingPrev` / `siblingNext`). */
export class ChildList extends TaskList {
  protected prev(task: Task) {
    return task.siblingPrev;
  }
  protected next(task: Task) {
    return task.siblingNext;
  }
  protected link(task: Task, prev: Task | null, next: Task | null) {
    task.siblingPrev = prev;
    task.siblingNext = next;
  }
  protected setPrev(task: Task, prev: Task | null) {
    task.siblingPrev = prev;
  }
  protected setNext(task: Task, next: Task | null) {
    task.siblingNext = next;
  }
}

/** The tasks whose innermost cancel scope is one scope (links: `task.scopePrev` / `scopeNext`). */
export class ScopeTaskList extends TaskList {
  protected prev(task: Task) {
    return task.scopePrev;
  }
  protected next(task: Task) {
    return task.scopeNext;
  }
  protected link(task: Task, prev: Task | null, next: Task | null) {
    task.scopePrev = prev;
    task.scopeNext = next;
  }
  protected setPrev(task: Task, prev: Task | null) {
    task.scopePrev = prev;
  }
  protected setNext(task: Task, next: Task | null) {
    task.scopeNext = next;
  }
}
