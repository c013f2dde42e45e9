// testing.waitAllTasksBlocked. Ported in our own words from the behaviours
// Trio's test_run.py asserts about wait_all_tasks_blocked.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

describe("waitAllTasksBlocked", () => {
  it("returns only once every other task is blocked", async () => {
    const record: string[] = [];
    async function busyBee() {
      for (let i = 0; i < 10; i++) await trio.lowlevel.checkpoint();
      record.push("busy bee exhausted");
    }
    async function waitingForBeeToLeave() {
      await trio.testing.waitAllTasksBlocked();
      record.push("quiet at last!");
    }
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(busyBee);
        n.startSoon(waitingForBeeToLeave);
        n.startSoon(waitingForBeeToLeave);
      });
    });
    expect(record).toEqual(["busy bee exhausted", "quiet at last!", "quiet at last!"]);
  });

  it("is a cancellation point", async () => {
    const record: string[] = [];
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          try {
            await trio.testing.waitAllTasksBlocked();
          } catch (e) {
            if (e instanceof trio.Cancelled) record.push("ok");
          }
        });
        n.cancelScope.cancel();
      });
    });
    expect(record).toEqual(["ok"]);
  });

  it("counts a sleeping task as blocked, and sees it again after a jump wakes it", async () => {
    const clock = new trio.testing.MockClock();
    const record: string[] = [];
    await trio.run({ clock }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          record.push("tt start");
          await trio.sleep(5);
          record.push("tt finished");
        });
        await trio.testing.waitAllTasksBlocked();
        expect(record).toEqual(["tt start"]);
        clock.jump(10);
        await trio.testing.waitAllTasksBlocked();
        expect(record).toEqual(["tt start", "tt finished"]);
      });
    });
  });

  it("refuses a negative or NaN cushion", async () => {
    await trio.run(async () => {
      await expect((async () => trio.testing.waitAllTasksBlocked(-1))()).rejects.toThrow(/-1|negative/);
      await expect((async () => trio.testing.waitAllTasksBlocked(NaN))()).rejects.toThrow(/NaN/);
    });
  });
});
