// trio.toThread.runSync: functions on pooled worker threads, bounded by a
// CapacityLimiter, with Trio's two cancellation behaviours.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

/** Blocks the worker until slot `index` of the shared array is non-zero (set by the test). */
function waitForGate(shared: SharedArrayBuffer, index: number): string {
  const cells = new Int32Array(shared);
  while (Atomics.load(cells, index) === 0) Atomics.wait(cells, index, 0, 1000);
  return "released";
}

function openGate(shared: SharedArrayBuffer, index: number): void {
  const cells = new Int32Array(shared);
  Atomics.store(cells, index, 1);
  Atomics.notify(cells, index);
}

describe("toThread.runSync", () => {
  it("runs a function with its arguments on a worker thread and returns its result", async () => {
    await trio.run(async () => {
      expect(await trio.toThread.runSync((a: number, b: number) => a + b, 2, 3)).toBe(5);
      const isMain = await trio.toThread.runSync(() => require("node:worker_threads").isMainThread as boolean);
      expect(isMain).toBe(false);
      expect(await trio.toThread.runSync((m: Map<string, number[]>) => [...m.keys()], new Map([["k", [1]]]))).toEqual(["k"]);
      expect(await trio.toThread.runSync(async (x: number) => x * 2, 21)).toBe(42);
    });
  });

  it("accepts a function declaration and a method", async () => {
    function square(x: number): number {
      return x * x;
    }
    const holder = {
      cube(x: number): number {
        return x * x * x;
      },
    };
    await trio.run(async () => {
      expect(await trio.toThread.runSync(square, 4)).toBe(16);
      expect(await trio.toThread.runSync(holder.cube, 2)).toBe(8);
    });
  });

  it("re-raises the worker's error with its class, message, code and stack", async () => {
    await trio.run(async () => {
      const error = await trio.toThread
        .runSync(() => {
          throw Object.assign(new RangeError("out of range in the worker"), { code: "E_RANGE" });
        })
        .catch((e: unknown) => e as RangeError & { code: string });
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe("out of range in the worker");
      expect(error.code).toBe("E_RANGE");
      expect(error.stack).toMatch(/toThread\.runSync \(worker thread\)/);
    });
  });

  it("says so when the function uses a variable from outside itself", async () => {
    const outside = 5;
    await trio.run(async () => {
      await expect(trio.toThread.runSync(() => outside)).rejects.toThrow(/outside is not defined .*pass them as arguments/);
    });
  });

  it("refuses built-in functions, and arguments or results that cannot be cloned", async () => {
    await trio.run(async () => {
      await expect(trio.toThread.runSync(Math.sqrt, 4)).rejects.toThrow(/no source text/);
      await expect(trio.toThread.runSync((f: unknown) => typeof f, () => 1)).rejects.toThrow(/arguments cannot be sent/);
      await expect(trio.toThread.runSync(() => () => 1)).rejects.toThrow(/result cannot be sent back/);
    });
  });

  it("reports a worker that exits mid-call", async () => {
    await trio.run(async () => {
      await expect(trio.toThread.runSync(() => process.exit(3))).rejects.toThrow(/worker thread exited \(code 3\)/);
      expect(await trio.toThread.runSync(() => "the pool recovers")).toBe("the pool recovers");
    });
  });

  it("uses a default limiter of 40 per run", async () => {
    const limiters: trio.CapacityLimiter[] = [];
    for (let i = 0; i < 2; i++) {
      await trio.run(async () => {
        limiters.push(trio.toThread.currentDefaultThreadLimiter());
        expect(trio.toThread.currentDefaultThreadLimiter()).toBe(limiters[i]);
      });
    }
    expect(limiters[0]!.totalTokens).toBe(40);
    expect(limiters[0]).not.toBe(limiters[1]);
  });

  it("runs at most as many calls at once as its limiter has tokens", async () => {
    // cells: [0] running now, [1] most at once, [2] gate
    const shared = new SharedArrayBuffer(12);
    const cells = new Int32Array(shared);
    const limiter = new trio.CapacityLimiter(2);
    const job = (sab: SharedArrayBuffer): number => {
      const c = new Int32Array(sab);
      const now = Atomics.add(c, 0, 1) + 1;
      for (let most = Atomics.load(c, 1); most < now; most = Atomics.load(c, 1)) Atomics.compareExchange(c, 1, most, now);
      while (Atomics.load(c, 2) === 0) Atomics.wait(c, 2, 0, 1000);
      Atomics.sub(c, 0, 1);
      return now;
    };
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        for (let i = 0; i < 5; i++) n.startSoon(() => trio.toThread.runSync({ limiter }, job, shared));
        while (Atomics.load(cells, 0) < 2) await trio.sleep(0.01);
        await trio.sleep(0.05); // room for a third to start, if the limiter let it
        expect(limiter.statistics()).toMatchObject({ borrowedTokens: 2, tasksWaiting: 3 });
        openGate(shared, 2);
      });
    });
    expect(Atomics.load(cells, 1)).toBe(2);
    expect(Atomics.load(cells, 0)).toBe(0);
  });
});

describe("toThread.runSync and cancellation", () => {
  it("waits for the function by default: a cancelled call still returns its result", async () => {
    const shared = new SharedArrayBuffer(4);
    await trio.run({ clock: autojump() }, async () => {
      let result: string | undefined;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          const scope = await trio.moveOnAfter(1, async () => {
            result = await trio.toThread.runSync(waitForGate, shared, 0);
          });
          expect(scope.cancelCalled).toBe(true);
        });
        await trio.sleep(2); // the deadline has passed; the call is still running
        expect(result).toBeUndefined();
        openGate(shared, 0);
      });
      expect(result).toBe("released");
    });
  });

  it("with cancellable: true, stops waiting at once and terminates the worker", async () => {
    const shared = new SharedArrayBuffer(4);
    const limiter = new trio.CapacityLimiter(1);
    await trio.run({ clock: autojump() }, async () => {
      const scope = await trio.moveOnAfter(1, () => trio.toThread.runSync({ limiter, cancellable: true }, waitForGate, shared, 0));
      expect(scope.cancelledCaught).toBe(true);
      expect(limiter.borrowedTokens).toBe(0);
      // The gate was never opened: only a terminated worker lets this next call have the token.
      expect(await trio.toThread.runSync({ limiter }, (x: number) => x + 1, 1)).toBe(2);
    });
  });

  it("is cancellable while it waits for a token, and then never runs", async () => {
    const shared = new SharedArrayBuffer(8);
    const limiter = new trio.CapacityLimiter(1);
    await trio.run({ clock: autojump() }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(() => trio.toThread.runSync({ limiter }, waitForGate, shared, 0));
        await trio.testing.waitAllTasksBlocked();
        const scope = await trio.moveOnAfter(1, () =>
          trio.toThread.runSync({ limiter }, (sab: SharedArrayBuffer) => Atomics.store(new Int32Array(sab), 1, 1), shared),
        );
        expect(scope.cancelledCaught).toBe(true);
        openGate(shared, 0);
      });
    });
    expect(new Int32Array(shared)[1]).toBe(0);
  });
});
