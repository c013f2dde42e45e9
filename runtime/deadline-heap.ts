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

  #push(deadline: number, seq: number, gen: number, target: DeadlineTarget): void {
    const deadlines = this.#deadlines;
    const seqs = this.#seqs;
    const gens = this.#gens;
    const targets = this.#targets;
    let i = targets.length;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const d = deadlines[parent]!;
      if (deadline > d || (deadline === d && seq > seqs[parent]!)) break;
      deadlines[i] = d;
      seqs[i] = seqs[parent]!;
      gens[i] = gens[parent]!;
      targets[i] = targets[parent]!;
      i = parent;
    }
    deadlines[i] = deadline;
    seqs[i] = seq;
    gens[i] = gen;
    targets[i] = target;
  }

  #popTop(): void {
    const deadlines = this.#deadlines;
    const seqs = this.#seqs;
    const gens = this.#gens;
    const targets = this.#targets;
    // The last entry takes the top's place and sinks to where it belongs.
    const deadline = deadlines.pop()!;
    const seq = seqs.pop()!;
    const gen = gens.pop()!;
    const target = targets.pop()!;
    const n = targets.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (deadlines[right]! < deadlines[child]! || (deadlines[right] === deadlines[child] && seqs[right]! < seqs[child]!))) {
        child = right;
      }
      const d = deadlines[child]!;
      if (d > deadline || (d === deadline && seqs[child]! > seq)) break;
      deadlines[i] = d;
      seqs[i] = seqs[child]!;
      gens[i] = gens[child]!;
      targets[i] = targets[child]!;
      i = child;
    }
    deadlines[i] = deadline;
    seqs[i] = seq;
    gens[i] = gen;
    targets[i] = target;
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
