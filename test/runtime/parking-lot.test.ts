// Behaviours of trio.lowlevel.ParkingLot (Trio's test_parking_lot.py), in our words.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const { ParkingLot } = trio.lowlevel;
const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });
const runTest = <R>(fn: () => Promise<R>) => trio.run({ clock: autojump() }, fn);

describe("ParkingLot", () => {
  it("wakes parked tasks in the order they parked, as many as asked", async () => {
    const woken: string[] = [];
    await runTest(async () => {
      const lot = new ParkingLot();
      await trio.openNursery(async (n) => {
        for (const name of ["a", "b", "c", "d"]) {
          n.startSoon({ name }, async () => {
            await lot.park();
            woken.push(name);
          });
          await trio.testing.waitAllTasksBlocked();
        }
        expect(lot.statistics()).toEqual({ tasksWaiting: 4 });
        expect(lot.size).toBe(4);
        const first = lot.unpark();
        expect(first.map((t) => t.name)).toEqual(["a"]);
        await trio.testing.waitAllTasksBlocked();
        expect(woken).toEqual(["a"]);
        expect(lot.unpark({ count: 2 }).map((t) => t.name)).toEqual(["b", "c"]);
        await trio.testing.waitAllTasksBlocked();
        expect(woken).toEqual(["a", "b", "c"]);
        expect(lot.unparkAll().map((t) => t.name)).toEqual(["d"]);
      });
      expect(lot.unpark()).toEqual([]);
    });
    expect(woken).toEqual(["a", "b", "c", "d"]);
  });

  it("removes a cancelled task from the lot, which then skips it", async () => {
    await runTest(async () => {
      const lot = new ParkingLot();
      const woken: string[] = [];
      await trio.openNursery(async (n) => {
        const scope = new trio.CancelScope();
        n.startSoon({ name: "cancelled" }, async () => {
          await scope.run(() => lot.park());
          woken.push(scope.cancelledCaught ? "cancelled:caught" : "cancelled:woken");
        });
        await trio.testing.waitAllTasksBlocked();
        n.startSoon({ name: "second" }, async () => {
          await lot.park();
          woken.push("second");
        });
        await trio.testing.waitAllTasksBlocked();
        scope.cancel();
        await trio.testing.waitAllTasksBlocked();
        expect(lot.statistics().tasksWaiting).toBe(1);
        expect(lot.unpark().map((t) => t.name)).toEqual(["second"]);
      });
      expect(woken).toEqual(["cancelled:caught", "second"]);
    });
  });

  it("reparks tasks to the back of another lot without waking them", async () => {
    await runTest(async () => {
      const lot1 = new ParkingLot();
      const lot2 = new ParkingLot();
      const woken: string[] = [];
      await trio.openNursery(async (n) => {
        const park = (lot: InstanceType<typeof ParkingLot>, name: string) =>
          n.startSoon({ name }, async () => {
            await lot.park();
            woken.push(name);
          });
        park(lot2, "x");
        park(lot1, "a");
        park(lot1, "b");
        park(lot1, "c");
        await trio.testing.waitAllTasksBlocked();
        lot1.repark(lot2, { count: 2 });
        expect([lot1.size, lot2.size]).toEqual([1, 3]);
        await trio.testing.waitAllTasksBlocked();
        expect(woken).toEqual([]);
        lot1.reparkAll(lot2);
        expect(lot2.unpark({ count: Infinity }).map((t) => t.name)).toEqual(["x", "a", "b", "c"]);
      });
      expect(woken).toEqual(["x", "a", "b", "c"]);
    });
  });

  it("lets a reparked task be cancelled out of its new lot", async () => {
    await runTest(async () => {
      const lot1 = new ParkingLot();
      const lot2 = new ParkingLot();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await lot1.park();
        });
        await trio.testing.waitAllTasksBlocked();
        lot1.repark(lot2);
        n.cancelScope.cancel();
      });
      expect([lot1.size, lot2.size]).toEqual([0, 0]);
    });
  });

  it("rejects counts that are not whole non-negative numbers", async () => {
    await runTest(async () => {
      const lot = new ParkingLot();
      expect(() => lot.unpark({ count: -1 })).toThrow(RangeError);
      expect(() => lot.unpark({ count: 1.5 })).toThrow(TypeError);
      expect(() => lot.unpark({ count: Number.NaN })).toThrow(TypeError);
      expect(() => lot.repark({} as never)).toThrow(/expected a ParkingLot/);
      expect(lot.unpark({ count: 0 })).toEqual([]);
    });
  });

  it("fails parked and later parkers with BrokenResourceError once broken", async () => {
    await runTest(async () => {
      const lot = new ParkingLot();
      const errors: unknown[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await lot.park().catch((e) => errors.push(e));
        });
        await trio.testing.waitAllTasksBlocked();
        lot.breakLot();
      });
      await lot.park().catch((e) => errors.push(e));
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).toBeInstanceOf(trio.BrokenResourceError);
      expect(lot.brokenBy.map((t) => t.name)).toEqual([trio.lowlevel.currentTask().name]);
    });
  });

  it("breaks a lot when a registered breaker task exits, and not after it was removed", async () => {
    await runTest(async () => {
      const broken = new ParkingLot();
      const spared = new ParkingLot();
      await trio.openNursery(async (n) => {
        n.startSoon({ name: "breaker" }, async () => {
          const me = trio.lowlevel.currentTask();
          trio.lowlevel.addParkingLotBreaker(me, broken);
          trio.lowlevel.addParkingLotBreaker(me, spared);
          trio.lowlevel.removeParkingLotBreaker(me, spared);
          expect(() => trio.lowlevel.removeParkingLotBreaker(me, spared)).toThrow(TypeError);
        });
      });
      expect(broken.brokenBy.map((t) => t.name)).toEqual(["breaker"]);
      expect(spared.brokenBy).toEqual([]);
    });
  });

  it("counts park() as a checkpoint", async () => {
    await runTest(async () => {
      const lot = new ParkingLot();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await trio.testing.assertCheckpoints(() => lot.park());
        });
        await trio.testing.waitAllTasksBlocked();
        lot.unpark();
      });
    });
  });
});
