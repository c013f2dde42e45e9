// Timeouts: moveOnAfter / moveOnAt / failAfter / failAt, sleeps,
// currentEffectiveDeadline. Ported in our own words from the behaviours
// Trio's test_timeouts.py (and the deadline parts of test_run.py) assert.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  return (async () => fn())();
}

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

function runMocked<R>(main: () => Promise<R>): Promise<R> {
  return trio.run({ clock: autojump() }, main);
}

describe("sleep, sleepUntil, sleepForever", () => {
  it("sleeps exactly the requested virtual time", async () => {
    await runMocked(async () => {
      await trio.sleep(0.5);
      expect(trio.currentTime()).toBe(0.5);
      await trio.sleepUntil(2);
      expect(trio.currentTime()).toBe(2);
      await trio.sleep(0);
      expect(trio.currentTime()).toBe(2);
    });
  });

  it("returns at once from sleepUntil a deadline in the past", async () => {
    await runMocked(async () => {
      await trio.sleep(3);
      await trio.sleepUntil(1);
      expect(trio.currentTime()).toBe(3);
    });
  });

  it("wakes sleepForever only through cancellation", async () => {
    await runMocked(async () => {
      const scope = await trio.moveOnAfter(100, () => trio.sleepForever());
      expect(scope.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(100);
    });
  });

  it("cancels a sleep in an already expired scope at once", async () => {
    await runMocked(async () => {
      const a = await trio.moveOnAfter(0, () => trio.sleep(10));
      const b = await trio.moveOnAfter(0, () => trio.sleepForever());
      expect(a.cancelledCaught).toBe(true);
      expect(b.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(0);
    });
  });

  it("sleeps an Infinity duration forever, until cancelled", async () => {
    await runMocked(async () => {
      const scope = await trio.moveOnAfter(7, () => trio.sleep(Infinity));
      expect(scope.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(7);
    });
  });
});

describe("moveOnAfter / moveOnAt", () => {
  it("stops the body at the deadline and resolves with a scope that caught the cancellation", async () => {
    await runMocked(async () => {
      let finished = false;
      const scope = await trio.moveOnAfter(1, async () => {
        await trio.sleep(100);
        finished = true;
      });
      expect(scope).toBeInstanceOf(trio.CancelScope);
      expect(finished).toBe(false);
      expect(scope.cancelCalled).toBe(true);
      expect(scope.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(1);
    });
  });

  it("leaves cancelledCaught false when the body finishes in time", async () => {
    await runMocked(async () => {
      const scope = await trio.moveOnAfter(10, () => trio.sleep(2));
      expect(scope.cancelCalled).toBe(false);
      expect(scope.cancelledCaught).toBe(false);
      expect(trio.currentTime()).toBe(2);
    });
  });

  it("sets the scope's deadline from the current time when it is entered", async () => {
    await runMocked(async () => {
      await trio.sleep(5);
      let deadlineInside = NaN;
      const scope = await trio.moveOnAfter(3, async () => {
        deadlineInside = trio.currentEffectiveDeadline();
      });
      expect(deadlineInside).toBe(8);
      expect(scope.deadline).toBe(8);
    });
  });

  it("moves on at an absolute deadline with moveOnAt", async () => {
    await runMocked(async () => {
      await trio.sleep(1);
      const scope = await trio.moveOnAt(4, () => trio.sleep(100));
      expect(scope.cancelledCaught).toBe(true);
      expect(scope.deadline).toBe(4);
      expect(trio.currentTime()).toBe(4);
    });
  });

  it("refuses negative and NaN timeouts with a clear message", async () => {
    await runMocked(async () => {
      const body = async () => {};
      await expect(attempt(() => trio.moveOnAfter(-1, body))).rejects.toThrow(/-1|negative/);
      await expect(attempt(() => trio.moveOnAfter(NaN, body))).rejects.toThrow(/NaN/);
      await expect(attempt(() => trio.moveOnAt(NaN, body))).rejects.toThrow(/NaN/);
      await expect(attempt(() => trio.failAfter(-1, body))).rejects.toThrow(/-1|negative/);
      await expect(attempt(() => trio.failAfter(NaN, body))).rejects.toThrow(/NaN/);
      await expect(attempt(() => trio.failAt(NaN, body))).rejects.toThrow(/NaN/);
    });
  });
});

describe("failAfter / failAt", () => {
  it("rejects with TooSlowError when the deadline hits", async () => {
    await runMocked(async () => {
      const err = await trio.failAfter(2, () => trio.sleep(5)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(trio.TooSlowError);
      expect(err).not.toBeInstanceOf(trio.Cancelled);
      expect(trio.currentTime()).toBe(2);
    });
  });

  it("resolves with the body's result when it finishes in time", async () => {
    await runMocked(async () => {
      await expect(
        trio.failAfter(100, async () => {
          await trio.sleep(1);
          return "done";
        }),
      ).resolves.toBe("done");
      expect(trio.currentTime()).toBe(1);
    });
  });

  it("fails at once with a zero timeout once the body checkpoints", async () => {
    await runMocked(async () => {
      await expect(trio.failAfter(0, () => trio.sleep(1))).rejects.toBeInstanceOf(trio.TooSlowError);
      expect(trio.currentTime()).toBe(0);
    });
  });

  it("fails at an absolute deadline with failAt", async () => {
    await runMocked(async () => {
      await trio.sleep(1);
      await expect(trio.failAt(3, () => trio.sleepForever())).rejects.toBeInstanceOf(trio.TooSlowError);
      expect(trio.currentTime()).toBe(3);
    });
  });

  it("passes the body's own errors through unchanged", async () => {
    await runMocked(async () => {
      const err = new RangeError("mine");
      await expect(
        trio.failAfter(1, async () => {
          throw err;
        }),
      ).rejects.toBe(err);
    });
  });

  it("does not turn an outer cancellation into TooSlowError", async () => {
    await runMocked(async () => {
      let inner: unknown;
      const outer = await trio.moveOnAfter(1, async () => {
        try {
          await trio.failAfter(5, () => trio.sleepForever());
        } catch (e) {
          inner = e;
          throw e;
        }
      });
      expect(inner).toBeInstanceOf(trio.Cancelled);
      expect(outer.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(1);
    });
  });
});

describe("currentEffectiveDeadline", () => {
  it("is Infinity outside any scope and follows nested deadlines, shields and cancels", async () => {
    await runMocked(async () => {
      expect(trio.currentEffectiveDeadline()).toBe(Infinity);
      const scope1 = new trio.CancelScope({ deadline: 5 });
      const scope2 = new trio.CancelScope({ deadline: 10 });
      await scope1.run(async () => {
        await scope2.run(async () => {
          expect(trio.currentEffectiveDeadline()).toBe(5);
          scope2.deadline = 3;
          expect(trio.currentEffectiveDeadline()).toBe(3);
          scope2.deadline = 10;
          expect(trio.currentEffectiveDeadline()).toBe(5);
          scope2.shield = true;
          expect(trio.currentEffectiveDeadline()).toBe(10);
          scope2.shield = false;
          expect(trio.currentEffectiveDeadline()).toBe(5);
          scope1.cancel();
          expect(trio.currentEffectiveDeadline()).toBe(-Infinity);
          scope2.shield = true;
          expect(trio.currentEffectiveDeadline()).toBe(10);
        });
        expect(trio.currentEffectiveDeadline()).toBe(-Infinity);
      });
      expect(trio.currentEffectiveDeadline()).toBe(Infinity);
    });
  });

  it("is inherited by children from their nursery's enclosing scopes", async () => {
    await runMocked(async () => {
      let seen = NaN;
      await trio.moveOnAt(42, () =>
        trio.openNursery(async (n) => {
          n.startSoon(async () => {
            seen = trio.currentEffectiveDeadline();
          });
        }),
      );
      expect(seen).toBe(42);
    });
  });
});

describe("the seed's timeouts talk, in numbers", () => {
  it("moves on after 3 s although the nap would take 4 s", async () => {
    await runMocked(async () => {
      const times: number[] = [];
      const scope = await trio.moveOnAfter(3, async () => {
        times.push(trio.currentTime());
        await trio.sleep(2);
        times.push(trio.currentTime());
        await trio.sleep(2);
        times.push(trio.currentTime());
      });
      expect(times).toEqual([0, 2]);
      expect(scope.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(3);
    });
  });

  it("fails after 2 s when a nursery's children would need 3 s and its body 4 s", async () => {
    await runMocked(async () => {
      await expect(
        trio.failAfter(2, () =>
          trio.openNursery(async (n) => {
            n.startSoon(trio.sleep, 1);
            n.startSoon(trio.sleep, 3);
            await trio.sleep(4);
          }),
        ),
      ).rejects.toBeInstanceOf(trio.TooSlowError);
      expect(trio.currentTime()).toBe(2);
    });
  });
});
