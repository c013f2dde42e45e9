import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { both } from "./two-tasks.ts";

/** Runs a test on the mock clock; a deadlock fails after 1000 virtual seconds instead of hanging. */
const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

describe("01 · both(first, second)", () => {
  it("resolves with both results in argument order", trioTest(async () => {
    const result = await both(
      async () => {
        await trio.sleep(2);
        return "slow";
      },
      async () => {
        await trio.sleep(1);
        return 42;
      },
    );
    expect(result).toEqual(["slow", 42]);
  }));

  it("runs the two tasks at the same time: 1 s + 1 s takes 1 s", trioTest(async () => {
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} started at ${trio.currentTime()}`);
      await trio.sleep(1);
      log.push(`${name} done at ${trio.currentTime()}`);
      return name;
    };
    await both(task("a"), task("b"));
    expect(trio.currentTime()).toBe(1);
    expect(log).toEqual(["a started at 0", "b started at 0", "a done at 1", "b done at 1"]);
  }));

  it("raises the failing task's own error and cancels the other task", trioTest(async () => {
    const boom = new Error("boom");
    let otherCancelled = false;
    let otherFinished = false;
    const failing = async () => {
      await trio.sleep(1);
      throw boom;
    };
    const other = async () => {
      try {
        await trio.sleep(10);
        otherFinished = true;
      } catch (error) {
        otherCancelled = error instanceof trio.Cancelled;
        throw error;
      }
    };
    await expect(both(failing, other)).rejects.toBe(boom);
    expect(otherCancelled).toBe(true);
    expect(otherFinished).toBe(false);
    expect(trio.currentTime()).toBe(1);
  }));

  it("raises the second task's error too", trioTest(async () => {
    const boom = new TypeError("second failed");
    await expect(both(() => trio.sleep(5), async () => { throw boom; })).rejects.toBe(boom);
    expect(trio.currentTime()).toBe(0);
  }));

  it("cancels both tasks when the caller is cancelled", trioTest(async () => {
    const cancelled: string[] = [];
    const sleeper = (name: string) => async () => {
      try {
        await trio.sleep(10);
      } catch (error) {
        if (error instanceof trio.Cancelled) cancelled.push(name);
        throw error;
      }
    };
    const scope = await trio.moveOnAfter(3, () => both(sleeper("a"), sleeper("b")));
    expect(scope.cancelledCaught).toBe(true);
    expect(cancelled.sort()).toEqual(["a", "b"]);
    expect(trio.currentTime()).toBe(3);
  }));
});
