import type { CancelScope } from "./cancel-scope.ts";
import type { Task } from "./task.ts";

/**
 * One deadline the run loop watches: a sleeping task to wake, or a cancel
 * scope to cancel. Entries are never removed from the middle of the heap;
 * they are deactivated and dropped when they reach the top.
 */
export class DeadlineEntry {
  active = true;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly task: Task | null,
    readonly scope: CancelScope | null,
  ) {}
}

/** A binary min-heap of {@link DeadlineEntry}, ordered by deadline then insertion. */
export class DeadlineHeap {
  #items: DeadlineEntry[] = [];
  #seq = 0;
  #inactive = 0;

  /** Active entries (deactivated ones still stored are not counted). */
  get size(): number {
    return this.#items.length - this.#inactive;
  }

  add(deadline: number, task: Task | null, scope: CancelScope | null): DeadlineEntry {
    const entry = new DeadlineEntry(deadline, this.#seq++, task, scope);
    const items = this.#items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(entry, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
    return entry;
  }

  deactivate(entry: DeadlineEntry): void {
    if (!entry.active) return;
    entry.active = false;
    this.#inactive++;
    // Lazy deletion leaves dead entries behind; rebuild when they dominate, so
    // a loop of short-lived scopes with far deadlines cannot grow the heap forever.
    if (this.#inactive > 64 && this.#inactive > this.#items.length / 2) this.#rebuild();
  }

  /** The earliest active deadline, or `Infinity`. */
  peekDeadline(): number {
    this.#dropInactiveTop();
    return this.#items.length ? this.#items[0]!.deadline : Infinity;
  }

  /** Removes and returns the earliest active entry whose deadline is `<= now`. */
  popExpired(now: number): DeadlineEntry | undefined {
    this.#dropInactiveTop();
    const top = this.#items[0];
    if (!top || top.deadline > now) return undefined;
    this.#pop();
    top.active = false;
    return top;
  }

  #dropInactiveTop(): void {
    while (this.#items.length && !this.#items[0]!.active) {
      this.#pop();
      this.#inactive--;
    }
  }

  #pop(): void {
    const items = this.#items;
    const last = items.pop()!;
    if (!items.length) return;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && less(items[r]!, items[l]!) ? r : l;
      if (!less(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
  }

  #rebuild(): void {
    const live = this.#items.filter((e) => e.active).sort((a, b) => (less(a, b) ? -1 : 1));
    this.#items = live; // a sorted array is a valid heap
    this.#inactive = 0;
  }
}

function less(a: DeadlineEntry, b: DeadlineEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}
