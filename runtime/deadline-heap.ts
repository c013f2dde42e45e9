/**
 * Something with a deadline the run loop watches: a sleeping task to wake or
 * a cancel scope to cancel. It is in the heap at most once at a time.
 */
export interface DeadlineTarget {
  /**
   * @internal bumped when the target enters the heap and when it leaves it: odd
   * while it has an active entry, and an entry whose generation differs is stale.
   */
  heapGen: number;
}

/** Whether `target` has an active entry. */
function inHeap(target: DeadlineTarget): boolean {
  return (target.heapGen & 1) === 1;
}

/**
 * A binary min-heap of deadlines, ordered by deadline then insertion.
 *
 * Stored as parallel arrays rather than one object per entry: with 100,000
 * sleeping tasks, an entry object each is 100,000 more objects for the
 * garbage collector to move. Entries are never removed from the middle; a
 * removal bumps the target's generation and the stale entry is dropped when
 * it reaches the top.
 */
export class DeadlineHeap {
  #deadlines: number[] = [];
  #seqs: number[] = [];
  #gens: number[] = [];
  #targets: DeadlineTarget[] = [];
  #seq = 0;
  #inactive = 0;

  /** Active entries. */
  get size(): number {
    return this.#targets.length - this.#inactive;
  }

  /** Watches `deadline` for `target`, which must not be in the heap already. */
  add(deadline: number, target: DeadlineTarget): void {
    this.remove(target); // keeps the generation odd exactly while in the heap
    target.heapGen++;
    this.#push(deadline, this.#seq++, target.heapGen, target);
  }

  /** Stops watching `target`'s deadline (a no-op when it has none). */
  remove(target: DeadlineTarget): void {
    if (!inHeap(target)) return;
    target.heapGen++;
    this.#inactive++;
    // Stale entries pile up when scopes with far deadlines come and go in a
    // loop; rebuild once they are the majority.
    if (this.#inactive > 64 && this.#inactive > this.#targets.length / 2) this.#rebuild();
  }

  /** The earliest active deadline, or `Infinity`. */
  peekDeadline(): number {
    this.#dropStaleTop();
    return this.#targets.length ? this.#deadlines[0]! : Infinity;
  }

  /** Removes and returns the target of the earliest deadline if it is `<= now`. */
  popExpired(now: number): DeadlineTarget | undefined {
    this.#dropStaleTop();
    if (!this.#targets.length || this.#deadlines[0]! > now) return undefined;
    const target = this.#targets[0]!;
    this.#popTop();
    target.heapGen++;
    return target;
  }

  #isStale(i: number): boolean {
    const target = this.#targets[i]!;
    return target.heapGen !== this.#gens[i];
  }

  #dropStaleTop(): void {
    while (this.#targets.length && this.#isStale(0)) {
      this.#popTop();
      this.#inactive--;
    }
  }

  /** Whether (deadline, seq) comes before the entry at `i` (or before (d, s) when `i` is -1). */
  #less(deadline: number, seq: number, i: number, d = this.#deadlines[i]!, s = this.#seqs[i]!): boolean {
    return deadline < d || (deadline === d && seq < s);
  }

  #set(i: number, deadline: number, seq: number, gen: number, target: DeadlineTarget): void {
    this.#deadlines[i] = deadline;
    this.#seqs[i] = seq;
    this.#gens[i] = gen;
    this.#targets[i] = target;
  }

  #move(from: number, to: number): void {
    this.#set(to, this.#deadlines[from]!, this.#seqs[from]!, this.#gens[from]!, this.#targets[from]!);
  }

  #push(deadline: number, seq: number, gen: number, target: DeadlineTarget): void {
    let i = this.#targets.length;
    this.#set(i, deadline, seq, gen, target);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(deadline, seq, parent)) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#set(i, deadline, seq, gen, target);
  }

  #popTop(): void {
    const n = this.#targets.length - 1;
    const deadline = this.#deadlines[n]!;
    const seq = this.#seqs[n]!;
    const gen = this.#gens[n]!;
    const target = this.#targets[n]!;
    this.#deadlines.pop();
    this.#seqs.pop();
    this.#gens.pop();
    this.#targets.pop();
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.#less(this.#deadlines[r]!, this.#seqs[r]!, l) ? r : l;
      if (!this.#less(this.#deadlines[child]!, this.#seqs[child]!, -1, deadline, seq)) break;
      this.#move(child, i);
      i = child;
    }
    this.#set(i, deadline, seq, gen, target);
  }

  #rebuild(): void {
    const live: [number, number, number, DeadlineTarget][] = [];
    for (let i = 0; i < this.#targets.length; i++) {
      if (!this.#isStale(i)) live.push([this.#deadlines[i]!, this.#seqs[i]!, this.#gens[i]!, this.#targets[i]!]);
    }
    live.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // a sorted array is a valid heap
    this.#deadlines = live.map((e) => e[0]);
    this.#seqs = live.map((e) => e[1]);
    this.#gens = live.map((e) => e[2]);
    this.#targets = live.map((e) => e[3]);
    this.#inactive = 0;
  }
}
