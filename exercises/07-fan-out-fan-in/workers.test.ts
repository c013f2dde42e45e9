import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { mapWithWorkers } from "./workers.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** An fn that takes `seconds(item)` and tracks how many calls run at once. */
function tracked<T>(seconds: (item: T) => number, result: (item: T) => unknown = (x) => x) {
  const state = { running: 0, maxRunning: 0, calls: 0, cancelled: 0 };
  const fn = async (item: T) => {
    state.calls++;
    state.running++;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    try {
      await trio.sleep(seconds(item));
      return result(item);
    } catch (error) {
      if (error instanceof trio.Cancelled) state.cancelled++;
      throw error;
    } finally {
      state.running--;
    }
  };
  return { fn, state };
}

describe("07 · mapWithWorkers(items, fn, workers)", () => {
  it("returns the results in the order of the items, whatever order they finish in", trioTest(async () => {
    const { fn } = tracked((x: number) => 10 - x, (x) => x * x);
    expect(await mapWithWorkers([1, 2, 3, 4, 5], fn, 5)).toEqual([1, 4, 9, 16, 25]);
  }));

  it("keeps exactly `workers` calls running at a time", trioTest(async () => {
    const { fn, state } = tracked(() => 1);
    await mapWithWorkers([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], fn, 3);
    expect(state.maxRunning).toBe(3);
    expect(state.calls).toBe(10);
  }));

  it("takes the time of the work divided among the workers: 6 jobs of 1 s on 3 workers take 2 s", trioTest(async () => {
    const { fn } = tracked(() => 1);
    await mapWithWorkers(["a", "b", "c", "d", "e", "f"], fn, 3);
    expect(trio.currentTime()).toBe(2);
  }));

  it("gives the next job to whichever worker is free first", trioTest(async () => {
    // One long job must not hold up the rest: the other worker takes them all.
    const { fn } = tracked((x: number) => (x === 0 ? 10 : 1));
    expect(await mapWithWorkers([0, 1, 2, 3, 4], fn, 2)).toEqual([0, 1, 2, 3, 4]);
    expect(trio.currentTime()).toBe(10);
  }));

  it("runs one job at a time with one worker", trioTest(async () => {
    const { fn, state } = tracked(() => 2);
    await mapWithWorkers([1, 2, 3], fn, 1);
    expect(state.maxRunning).toBe(1);
    expect(trio.currentTime()).toBe(6);
  }));

  it("cancels every other worker and raises fn's error", trioTest(async () => {
    const boom = new Error("job 2 failed");
    const { fn, state } = tracked((x: number) => (x === 2 ? 1 : 5), (x) => x);
    const failing = async (x: number) => {
      const r = await fn(x);
      if (x === 2) throw boom;
      return r;
    };
    await expect(mapWithWorkers([1, 2, 3, 4], failing, 3)).rejects.toBe(boom);
    expect(state.cancelled).toBe(2);
    expect(trio.currentTime()).toBe(1);
  }));

  it("resolves at once with no items", trioTest(async () => {
    const { fn, state } = tracked(() => 1);
    expect(await mapWithWorkers([], fn, 4)).toEqual([]);
    expect(state.calls).toBe(0);
    expect(trio.currentTime()).toBe(0);
  }));
});
