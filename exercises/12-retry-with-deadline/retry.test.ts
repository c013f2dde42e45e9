import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { retry } from "./retry.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** An operation that fails `failures` times (after `seconds` each), then succeeds. Logs attempt times. */
function flaky(failures: number, seconds = 0) {
  const log: string[] = [];
  const errors: Error[] = [];
  const operation = async (attempt: number) => {
    log.push(`attempt ${attempt} at ${trio.currentTime()}`);
    await trio.sleep(seconds);
    if (attempt <= failures) {
      const error = new Error(`failure ${attempt}`);
      errors.push(error);
      throw error;
    }
    return `ok after ${attempt}`;
  };
  return { operation, log, errors };
}

describe("12 · retry(operation, { attempts, baseDelay, deadline })", () => {
  it("returns the first success without waiting", trioTest(async () => {
    const op = flaky(0);
    expect(await retry(op.operation, { attempts: 3, baseDelay: 1, deadline: 100 })).toBe("ok after 1");
    expect(op.log).toEqual(["attempt 1 at 0"]);
    expect(trio.currentTime()).toBe(0);
  }));

  it("retries with exponential backoff: waits of 1, 2, 4 s", trioTest(async () => {
    const op = flaky(3);
    expect(await retry(op.operation, { attempts: 5, baseDelay: 1, deadline: 100 })).toBe("ok after 4");
    expect(op.log).toEqual(["attempt 1 at 0", "attempt 2 at 1", "attempt 3 at 3", "attempt 4 at 7"]);
  }));

  it("counts the backoff from the end of the failed attempt", trioTest(async () => {
    const op = flaky(2, 0.5);
    await retry(op.operation, { attempts: 3, baseDelay: 2, deadline: 100 });
    expect(op.log).toEqual(["attempt 1 at 0", "attempt 2 at 2.5", "attempt 3 at 7"]);
  }));

  it("rejects with the last error after `attempts` failures, without a useless last wait", trioTest(async () => {
    const op = flaky(10);
    const error = await retry(op.operation, { attempts: 3, baseDelay: 1, deadline: 100 }).catch((e: unknown) => e);
    expect(error).toBe(op.errors[2]);
    expect(op.log.length).toBe(3);
    expect(trio.currentTime()).toBe(3);
  }));

  it("rejects with TooSlowError at the deadline, even in the middle of a wait", trioTest(async () => {
    const op = flaky(10);
    await expect(retry(op.operation, { attempts: 10, baseDelay: 1, deadline: 5 })).rejects.toBeInstanceOf(trio.TooSlowError);
    expect(trio.currentTime()).toBe(5);
    expect(op.log).toEqual(["attempt 1 at 0", "attempt 2 at 1", "attempt 3 at 3"]);
  }));

  it("cancels an attempt in flight at the deadline", trioTest(async () => {
    let cancelled = false;
    const slow = async () => {
      try {
        await trio.sleep(60);
      } catch (error) {
        cancelled = error instanceof trio.Cancelled;
        throw error;
      }
    };
    await expect(retry(slow, { attempts: 3, baseDelay: 1, deadline: 10 })).rejects.toBeInstanceOf(trio.TooSlowError);
    expect(cancelled).toBe(true);
    expect(trio.currentTime()).toBe(10);
  }));

  it("never retries a cancellation: the caller's timeout stops it at once", trioTest(async () => {
    const op = flaky(0, 30);
    const scope = await trio.moveOnAfter(2, () => retry(op.operation, { attempts: 5, baseDelay: 1, deadline: 100 }));
    expect(scope.cancelledCaught).toBe(true);
    expect(op.log).toEqual(["attempt 1 at 0"]);
    expect(trio.currentTime()).toBe(2);
  }));
});
