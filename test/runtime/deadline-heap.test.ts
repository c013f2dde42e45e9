// The run loop's deadline heap: earliest first, insertion order among equal deadlines (which is
// what makes tasks woken together run in a reproducible order), removals never popped.
import { describe, expect, it } from "vitest";
import { DeadlineHeap } from "../../runtime/deadline-heap.ts";

interface Item {
  heapGen: number;
  id: number;
  deadline: number;
}

/** A small deterministic pseudo-random sequence. */
function numbers(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe("DeadlineHeap", () => {
  it("pops by deadline, equal deadlines in insertion order, skipping removed entries", () => {
    const heap = new DeadlineHeap();
    const next = numbers(7);
    const items: Item[] = Array.from({ length: 3000 }, (_, id) => ({ heapGen: 0, id, deadline: Math.floor(next() * 50) }));
    for (const item of items) heap.add(item.deadline, item);
    const removed = new Set(items.filter((_, i) => i % 5 === 0));
    for (const item of removed) heap.remove(item);
    expect(heap.size).toBe(items.length - removed.size);
    const popped: Item[] = [];
    for (let item = heap.popExpired(Infinity); item; item = heap.popExpired(Infinity)) popped.push(item as Item);
    const expected = items.filter((i) => !removed.has(i)).sort((a, b) => a.deadline - b.deadline || a.id - b.id);
    expect(popped.map((i) => i.id)).toEqual(expected.map((i) => i.id));
    expect(heap.size).toBe(0);
    expect(heap.peekDeadline()).toBe(Infinity);
  });

  it("pops only what has expired, and takes an entry added again after removal once", () => {
    const heap = new DeadlineHeap();
    const a: Item = { heapGen: 0, id: 1, deadline: 5 };
    const b: Item = { heapGen: 0, id: 2, deadline: 10 };
    heap.add(5, a);
    heap.add(10, b);
    heap.remove(a);
    heap.add(3, a);
    expect(heap.peekDeadline()).toBe(3);
    expect(heap.popExpired(2)).toBeUndefined();
    expect(heap.popExpired(4)).toBe(a);
    expect(heap.popExpired(4)).toBeUndefined();
    expect(heap.popExpired(10)).toBe(b);
    expect(heap.popExpired(100)).toBeUndefined();
  });
});
