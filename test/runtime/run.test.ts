// The run loop: trio.run, checkpoints, scheduling, bad input, error classes.
// Ported in our own words from the behaviours Trio's test_run.py asserts.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

/** Turns a synchronous throw into a rejection, so either form can be asserted. */
function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  return (async () => fn())();
}

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

class BoomError extends Error {}

describe("trio.run", () => {
  it("returns the main function's result and passes it the extra arguments", async () => {
    async function double(x: number) {
      return 2 * x;
    }
    await expect(trio.run(double, 3)).resolves.toBe(6);
    await expect(trio.run(async (a: string, b: string) => a + b, "x", "y")).resolves.toBe("xy");
  });

  it("accepts a leading options object with a clock", async () => {
    const clock = autojump();
    const seen = await trio.run({ clock }, async () => {
      expect(trio.lowlevel.currentClock()).toBe(clock);
      await trio.sleep(5);
      return trio.currentTime();
    });
    expect(seen).toBe(5);
  });

  it("rejects with the very error the main function threw", async () => {
    const err = new BoomError("main failed");
    await expect(
      trio.run(async () => {
        throw err;
      }),
    ).rejects.toBe(err);
  });

  it("rejects with an error whose message says so when called inside a run", async () => {
    await trio.run(async () => {
      await expect(attempt(() => trio.run(async () => 1))).rejects.toThrow(/inside|nested|already|within/i);
      // The outer run is not damaged by the refused attempt.
      await trio.sleep(0);
    });
  });

  it("lets several independent runs be active at once, each with its own clock and tasks", async () => {
    const clockA = autojump();
    const clockB = autojump();
    const [a, b] = await Promise.all([
      trio.run({ clock: clockA }, async () => {
        const me = trio.lowlevel.currentTask();
        await trio.sleep(10);
        expect(trio.lowlevel.currentTask()).toBe(me);
        expect(trio.lowlevel.currentClock()).toBe(clockA);
        return trio.currentTime();
      }),
      trio.run({ clock: clockB }, async () => {
        const me = trio.lowlevel.currentTask();
        for (let i = 0; i < 3; i++) await trio.sleep(1);
        expect(trio.lowlevel.currentTask()).toBe(me);
        expect(trio.lowlevel.currentClock()).toBe(clockB);
        return trio.currentTime();
      }),
    ]);
    expect(a).toBe(10);
    expect(b).toBe(3);
  });

  it("reports a mock clock's time, starting at zero", async () => {
    await trio.run({ clock: autojump() }, async () => {
      expect(trio.currentTime()).toBe(0);
      await trio.sleep(1.5);
      expect(trio.currentTime()).toBe(1.5);
      await trio.sleepUntil(4);
      expect(trio.currentTime()).toBe(4);
    });
  });
});

describe("bad input", () => {
  it("refuses runtime calls made outside of a run with a clear message", async () => {
    const outside = /outside|inside|no (active|current)|not (in|inside|within)|must be called|trio\.run/i;
    expect(() => trio.currentTime()).toThrow(outside);
    expect(() => trio.lowlevel.currentTask()).toThrow(outside);
    expect(() => trio.currentEffectiveDeadline()).toThrow(outside);
    await expect(attempt(() => trio.sleep(1))).rejects.toThrow(outside);
    await expect(attempt(() => trio.lowlevel.checkpoint())).rejects.toThrow(outside);
    await expect(attempt(() => trio.openNursery(async () => {}))).rejects.toThrow(outside);
  });

  it("refuses a non-function passed to run, naming what it got", async () => {
    await expect(attempt(() => trio.run(42 as unknown as () => Promise<void>))).rejects.toThrow(TypeError);
    await expect(attempt(() => trio.run(42 as unknown as () => Promise<void>))).rejects.toThrow(/function/);
    // The classic slip: calling the async function instead of passing it.
    const promise = (async () => 1)();
    await expect(attempt(() => trio.run(promise as unknown as () => Promise<number>))).rejects.toThrow(/function/);
  });

  it("refuses a non-function passed to startSoon with a TypeError that says a function was expected", async () => {
    // Trio raises TypeError("... expecting an async function ..."); the README is silent on the class.
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        expect(() => n.startSoon(42 as unknown as () => Promise<void>)).toThrow(TypeError);
        const promise = (async () => {})();
        expect(() => n.startSoon(promise as unknown as () => Promise<void>)).toThrow(/function/);
      });
    });
  });

  it("refuses a non-function passed to start or spawnSystemTask", async () => {
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        await expect(attempt(() => n.start(7 as unknown as () => Promise<void>))).rejects.toThrow(/function/);
      });
      expect(() => trio.lowlevel.spawnSystemTask("nope" as unknown as () => Promise<void>)).toThrow(/function/);
    });
  });

  it("refuses negative and NaN durations for sleep and sleepUntil", async () => {
    await trio.run({ clock: autojump() }, async () => {
      await expect(attempt(() => trio.sleep(-1))).rejects.toThrow(/-1|negative/);
      await expect(attempt(() => trio.sleep(NaN))).rejects.toThrow(/NaN/);
      await expect(attempt(() => trio.sleepUntil(NaN))).rejects.toThrow(/NaN/);
      // Neither refusal consumed time.
      expect(trio.currentTime()).toBe(0);
    });
  });
});

describe("checkpoints and scheduling", () => {
  it("interleaves two looping tasks one checkpoint at a time", async () => {
    const record: string[] = [];
    async function looper(who: string) {
      for (let i = 0; i < 3; i++) {
        record.push(`${who}${i}`);
        await trio.lowlevel.checkpoint();
      }
    }
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(looper, "a");
        n.startSoon(looper, "b");
      });
    });
    // Within one batch the order is free; across batches it is not.
    expect(record).toHaveLength(6);
    for (let round = 0; round < 3; round++) {
      expect(new Set(record.slice(2 * round, 2 * round + 2))).toEqual(new Set([`a${round}`, `b${round}`]));
    }
  });

  it("does not start a spawned child until the parent reaches a checkpoint", async () => {
    const record: string[] = [];
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          record.push("child");
        });
        record.push("parent before checkpoint");
        await trio.sleep(0);
        record.push("parent after checkpoint");
      });
    });
    expect(record).toEqual(["parent before checkpoint", "child", "parent after checkpoint"]);
  });

  it("treats sleep(0) as a checkpoint that sees a pending cancellation", async () => {
    await trio.run(async () => {
      const scope = new trio.CancelScope();
      let reached = false;
      await scope.run(async () => {
        scope.cancel();
        await trio.sleep(0);
        reached = true;
      });
      expect(reached).toBe(false);
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("checks an expired deadline at the very next checkpoint", async () => {
    // Manual jumps: no autojump, so time moves only when the test says so.
    const clock = new trio.testing.MockClock();
    await trio.run({ clock }, async () => {
      const scope = new trio.CancelScope({ deadline: trio.currentTime() + 5 });
      let raised: unknown;
      await scope.run(async () => {
        await trio.lowlevel.checkpoint();
        clock.jump(10);
        try {
          await trio.lowlevel.checkpoint();
        } catch (e) {
          raised = e;
          throw e;
        }
      });
      expect(raised).toBeInstanceOf(trio.Cancelled);
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("does not let a task looping on sleep(0) starve a host timer", async () => {
    let fired = false;
    let iterations = 0;
    await trio.run(async () => {
      setTimeout(() => {
        fired = true;
      }, 0);
      while (!fired && iterations < 200_000) {
        await trio.sleep(0);
        iterations++;
      }
    });
    expect(fired).toBe(true);
    expect(iterations).toBeLessThan(200_000);
  });

  it("does not let a task looping on sleep(0) starve a deadline", async () => {
    const clock = new trio.testing.MockClock();
    let iterations = 0;
    await trio.run({ clock }, async () => {
      // A host timer moves the mock clock past the deadline; the busy loop must
      // then be cancelled, which needs the loop to yield to timers and deadlines.
      setTimeout(() => clock.jump(5), 0);
      const scope = await trio.moveOnAfter(1, async () => {
        while (iterations < 200_000) {
          await trio.sleep(0);
          iterations++;
        }
      });
      expect(scope.cancelledCaught).toBe(true);
    });
    expect(iterations).toBeLessThan(200_000);
  });

  it("keeps every runtime async function a checkpoint even when it returns at once", async () => {
    // sleep(0), sleepUntil(past) and checkpoint() all let a sibling run.
    // Assumption: a batch runs tasks in the order they became runnable (FIFO);
    // Trio may shuffle a batch, this runtime is expected to be deterministic.
    const record: string[] = [];
    await trio.run({ clock: autojump() }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          for (let i = 0; i < 3; i++) {
            record.push("sibling");
            await trio.lowlevel.checkpoint();
          }
        });
        await trio.sleep(0);
        record.push("after sleep(0)");
        await trio.sleepUntil(trio.currentTime() - 1);
        record.push("after sleepUntil(past)");
        await trio.lowlevel.checkpoint();
        record.push("after checkpoint()");
      });
    });
    expect(record).toEqual([
      "sibling",
      "after sleep(0)",
      "sibling",
      "after sleepUntil(past)",
      "sibling",
      "after checkpoint()",
    ]);
  });
});

describe("error classes", () => {
  const classes = {
    Cancelled: trio.Cancelled,
    TooSlowError: trio.TooSlowError,
    EndOfChannel: trio.EndOfChannel,
    ClosedResourceError: trio.ClosedResourceError,
    BrokenResourceError: trio.BrokenResourceError,
    BusyResourceError: trio.BusyResourceError,
    WouldBlock: trio.WouldBlock,
    RunFinishedError: trio.RunFinishedError,
    TrioInternalError: trio.TrioInternalError,
    TrioRuntimeError: trio.TrioRuntimeError,
  };

  it("exports every error class as a subclass of Error named after itself", () => {
    // `name` matters: it is what stack traces and `${err}` show.
    for (const [name, cls] of Object.entries(classes)) {
      const err = new (cls as unknown as new (message?: string) => Error)("x");
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
    }
  });

  it("makes ExceptionGroup an AggregateError that keeps its errors", () => {
    const a = new Error("a");
    const b = new Error("b");
    const group = new trio.ExceptionGroup([a, b]);
    expect(group).toBeInstanceOf(AggregateError);
    expect(group).toBeInstanceOf(Error);
    expect(group.errors).toEqual([a, b]);
  });
});
