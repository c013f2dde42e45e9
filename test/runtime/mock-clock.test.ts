// testing.MockClock: jump, rate, autojumpThreshold. Ported in our own words
// from the behaviours Trio's test_mock_clock.py asserts.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as trio from "../../runtime/index.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Freezes the real clock the MockClock reads (performance.now, Node's
 * monotonic clock), so rate tests are exact: Trio's test swaps the clock's
 * real-time source the same way. Returns a function that advances it.
 */
function freezeRealClock(startMs = 1_000_000): (seconds: number) => void {
  let nowMs = startMs;
  vi.spyOn(performance, "now").mockImplementation(() => nowMs);
  return (seconds) => {
    nowMs += seconds * 1000;
  };
}

describe("MockClock outside a run", () => {
  it("starts at zero, stands still by default, and moves only by jump", () => {
    freezeRealClock();
    const c = new trio.testing.MockClock();
    expect(c.rate).toBe(0);
    expect(c.autojumpThreshold).toBe(Infinity);
    expect(c.currentTime()).toBe(0);
    c.jump(1.2);
    expect(c.currentTime()).toBe(1.2);
  });

  it("refuses a negative jump with a clear message and keeps its time", () => {
    const c = new trio.testing.MockClock();
    c.jump(1.2);
    expect(() => c.jump(-1)).toThrow(/-1|negative/);
    expect(c.currentTime()).toBe(1.2);
  });

  it("converts deadlines to real sleep times: zero when past, practically forever when time stands still", () => {
    const c = new trio.testing.MockClock();
    c.jump(1.2);
    expect(c.deadlineToSleepTime(1.1)).toBe(0);
    expect(c.deadlineToSleepTime(1.2)).toBe(0);
    expect(c.deadlineToSleepTime(1.3)).toBeGreaterThan(999_999);
  });

  it("refuses a negative rate and keeps the old one", () => {
    const c = new trio.testing.MockClock();
    expect(() => {
      c.rate = -1;
    }).toThrow(/-1|negative/);
    expect(c.rate).toBe(0);
  });

  it("runs virtual time at its rate against real time, continuously across rate changes", () => {
    const advanceReal = freezeRealClock();
    const c = new trio.testing.MockClock();
    c.jump(1.2);
    c.rate = 2;
    expect(c.currentTime()).toBe(1.2);
    advanceReal(1);
    expect(c.currentTime()).toBeCloseTo(3.2, 9);
    expect(c.deadlineToSleepTime(3.1)).toBe(0);
    expect(c.deadlineToSleepTime(3.2)).toBe(0);
    expect(c.deadlineToSleepTime(4.2)).toBeCloseTo(0.5, 9);

    c.rate = 0.5;
    expect(c.currentTime()).toBeCloseTo(3.2, 9);
    expect(c.deadlineToSleepTime(3.1)).toBe(0);
    expect(c.deadlineToSleepTime(3.2)).toBe(0);
    expect(c.deadlineToSleepTime(4.2)).toBeCloseTo(2, 9);
    advanceReal(2);
    expect(c.currentTime()).toBeCloseTo(4.2, 9);
  });

  it("takes rate and autojumpThreshold in its constructor, and validates them", () => {
    const c = new trio.testing.MockClock({ rate: 3, autojumpThreshold: 0.5 });
    expect(c.rate).toBe(3);
    expect(c.autojumpThreshold).toBe(0.5);
    expect(() => new trio.testing.MockClock({ autojumpThreshold: -1 })).toThrow(/-1|negative/);
    expect(() => new trio.testing.MockClock({ rate: NaN })).toThrow(/NaN/);
  });
});

describe("MockClock in a run", () => {
  it("sleeps an hour in milliseconds of real time with autojumpThreshold 0", async () => {
    const clock = new trio.testing.MockClock({ autojumpThreshold: 0 });
    const realStart = performance.now();
    const end = await trio.run({ clock }, async () => {
      let virtualStart = trio.currentTime();
      for (let i = 0; i < 10; i++) {
        await trio.sleep(10 * i);
        expect(trio.currentTime()).toBe(virtualStart + 10 * i);
        virtualStart = trio.currentTime();
      }
      await trio.sleep(3600);
      return trio.currentTime();
    });
    expect(end).toBe(450 + 3600);
    expect(performance.now() - realStart).toBeLessThan(1000);
  });

  it("picks up an autojumpThreshold set before the run", async () => {
    const clock = new trio.testing.MockClock({ autojumpThreshold: 0.1 });
    clock.autojumpThreshold = 0.01;
    const realStart = performance.now();
    await trio.run({ clock }, trio.sleep, 10_000);
    expect(clock.currentTime()).toBe(10_000);
    expect(performance.now() - realStart).toBeLessThan(1000);
  });

  it("picks up an autojumpThreshold set while the run is already blocked", async () => {
    const clock = new trio.testing.MockClock();
    await trio.run({ clock }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(trio.sleep, 100);
        // Everything but us is blocked, and without autojump nothing moves.
        await trio.testing.waitAllTasksBlocked();
        expect(trio.currentTime()).toBe(0);
        clock.autojumpThreshold = 0;
      });
      expect(trio.currentTime()).toBe(100);
    });
  });

  it("wakes sleepers whose deadline a jump passed", async () => {
    const clock = new trio.testing.MockClock();
    const record: string[] = [];
    await trio.run({ clock }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          record.push("sleeper start");
          await trio.sleep(5);
          record.push(`sleeper woke at ${trio.currentTime()}`);
        });
        await trio.testing.waitAllTasksBlocked();
        expect(record).toEqual(["sleeper start"]);
        clock.jump(3);
        await trio.testing.waitAllTasksBlocked();
        expect(record).toEqual(["sleeper start"]);
        clock.jump(7);
        await trio.testing.waitAllTasksBlocked();
        expect(record).toEqual(["sleeper start", "sleeper woke at 10"]);
      });
    });
  });

  it("does not autojump while a task waits in waitAllTasksBlocked with the default cushion", async () => {
    const clock = new trio.testing.MockClock({ autojumpThreshold: 0 });
    const record: string[] = [];
    await trio.run({ clock }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await trio.sleep(100);
          record.push("yawn");
        });
        n.startSoon(async () => {
          await trio.testing.waitAllTasksBlocked();
          record.push(`waiter woke at ${trio.currentTime()}`);
          await trio.sleep(1000);
          record.push("waiter done");
        });
      });
    });
    expect(record).toEqual(["waiter woke at 0", "yawn", "waiter done"]);
  });

  it("is the clock that currentClock() returns and currentTime() reads", async () => {
    const clock = new trio.testing.MockClock({ autojumpThreshold: 0 });
    clock.jump(50);
    await trio.run({ clock }, async () => {
      expect(trio.lowlevel.currentClock()).toBe(clock);
      expect(trio.currentTime()).toBe(50);
      clock.jump(1);
      expect(trio.currentTime()).toBe(51);
    });
  });

  it("advances with real time at a high rate, without autojump", async () => {
    // The runtime waits on the real clock here (about 20 ms); the test does not.
    const clock = new trio.testing.MockClock({ rate: 100_000 });
    const realStart = performance.now();
    await trio.run({ clock }, async () => {
      await trio.sleep(2000);
      expect(trio.currentTime()).toBeGreaterThanOrEqual(2000);
    });
    expect(performance.now() - realStart).toBeLessThan(5000);
  });
});
