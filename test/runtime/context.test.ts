// Task-local state: ContextVar values inherited by children, and the current
// task surviving awaits of promises the runtime did not make. Ported in our
// own words from Trio's contextvars tests in test_run.py, plus the rule
// about foreign awaits.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const { lowlevel } = trio;

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

function runMocked<R>(main: () => Promise<R>): Promise<R> {
  return trio.run({ clock: autojump() }, () => trio.failAfter(1000, main));
}

/** A promise the runtime did not make, settled by a host macrotask. */
const hostTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("ContextVar", () => {
  it("gives each child a copy of its parent's values taken at spawn time", async () => {
    const v = new lowlevel.ContextVar("test", { default: "hmmm" });
    await runMocked(async () => {
      const seen: string[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          seen.push(`t1 sees ${v.get()}`);
          v.set("set by t1");
          seen.push(`t1 now ${v.get()}`);
        });
        await trio.testing.waitAllTasksBlocked();
        // The child's set() did not leak into the parent.
        expect(v.get()).toBe("hmmm");
        v.set("set by parent");
        n.startSoon(async () => {
          seen.push(`t2 sees ${v.get()}`);
        });
        await trio.testing.waitAllTasksBlocked();
      });
      expect(seen).toEqual(["t1 sees hmmm", "t1 now set by t1", "t2 sees set by parent"]);
    });
  });

  it("does not show a child the parent's changes made after the child was spawned", async () => {
    const v = new lowlevel.ContextVar("late", { default: 0 });
    await runMocked(async () => {
      let seen = -1;
      await trio.openNursery(async (n) => {
        v.set(1);
        n.startSoon(async () => {
          await trio.sleep(1);
          seen = v.get();
        });
        v.set(2);
      });
      expect(seen).toBe(1);
      expect(v.get()).toBe(2);
    });
  });

  it("gives a task started with nursery.start a copy of the caller's values", async () => {
    const v = new lowlevel.ContextVar<string>("start", { default: "none" });
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        v.set("from the caller of start");
        const seen = await n.start(async (status: trio.TaskStatus<string>) => {
          status.started(v.get());
        });
        expect(seen).toBe("from the caller of start");
      });
    });
  });

  it("keeps each task's value across awaits while tasks interleave", async () => {
    const v = new lowlevel.ContextVar<string>("interleave", { default: "" });
    await runMocked(async () => {
      const wrong: string[] = [];
      async function worker(name: string) {
        v.set(name);
        for (let i = 0; i < 5; i++) {
          await trio.sleep(0);
          if (v.get() !== name) wrong.push(`${name} saw ${v.get()} after sleep`);
          await hostTick();
          if (v.get() !== name) wrong.push(`${name} saw ${v.get()} after a host promise`);
        }
      }
      await trio.openNursery(async (n) => {
        n.startSoon(worker, "a");
        n.startSoon(worker, "b");
      });
      expect(wrong).toEqual([]);
    });
  });

  it("restores the previous value with reset(token), and refuses a get() without value or default", async () => {
    const v = new lowlevel.ContextVar<number>("resettable");
    await runMocked(async () => {
      expect(() => v.get()).toThrow(/resettable/);
      const t1 = v.set(1);
      const t2 = v.set(2);
      v.reset(t2);
      expect(v.get()).toBe(1);
      v.reset(t1);
      expect(() => v.get()).toThrow(/resettable/);
    });
  });

  it("refuses a token that was already used, as Python's contextvars do", async () => {
    const v = new lowlevel.ContextVar<string>("once", { default: "start" });
    await runMocked(async () => {
      v.set("one");
      const t2 = v.set("two");
      v.reset(t2);
      expect(v.get()).toBe("one");
      expect(() => v.reset(t2)).toThrow(/token|used|already/i);
      expect(v.get()).toBe("one");
    });
  });
});

describe("the current task across foreign awaits", () => {
  it("keeps each of two tasks current while they interleave awaits of host promises", async () => {
    await runMocked(async () => {
      const wrong: string[] = [];
      async function worker(name: string) {
        const me = lowlevel.currentTask();
        for (let i = 0; i < 5; i++) {
          await hostTick();
          if (lowlevel.currentTask() !== me) wrong.push(`${name}: wrong task after setImmediate`);
          await Promise.resolve();
          if (lowlevel.currentTask() !== me) wrong.push(`${name}: wrong task after Promise.resolve`);
          await trio.sleep(0);
          if (lowlevel.currentTask() !== me) wrong.push(`${name}: wrong task after sleep(0)`);
        }
      }
      await trio.openNursery(async (n) => {
        n.startSoon({ name: "a" }, worker, "a");
        n.startSoon({ name: "b" }, worker, "b");
      });
      expect(wrong).toEqual([]);
    });
  });

  it("lets other tasks run while one awaits a host promise that one of them settles", async () => {
    await runMocked(async () => {
      const record: string[] = [];
      let release!: (v: string) => void;
      const foreign = new Promise<string>((resolve) => {
        release = resolve;
      });
      await trio.openNursery(async (n) => {
        n.startSoon(async function waiter() {
          const me = lowlevel.currentTask();
          const v = await foreign;
          record.push(`waiter got ${v}`);
          expect(lowlevel.currentTask()).toBe(me);
          expect(me.name).toBe("waiter");
        });
        n.startSoon(async function releaser() {
          const me = lowlevel.currentTask();
          await trio.sleep(0);
          await trio.sleep(0);
          record.push("releaser releasing");
          release("the value");
          await trio.sleep(0);
          expect(lowlevel.currentTask()).toBe(me);
        });
      });
      expect(record).toEqual(["releaser releasing", "waiter got the value"]);
    });
  });

  it("counts a task awaiting a host promise in tasksAwaitingForeign", async () => {
    // Not in Trio (Python has no foreign awaits); the README lists the counter.
    await runMocked(async () => {
      let release!: () => void;
      const foreign = new Promise<void>((resolve) => {
        release = resolve;
      });
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await foreign;
        });
        await trio.sleep(0);
        await trio.sleep(0);
        expect(lowlevel.currentStatistics().tasksAwaitingForeign).toBe(1);
        release();
      });
      expect(lowlevel.currentStatistics().tasksAwaitingForeign).toBe(0);
    });
  });

  it("delivers a cancellation at the first checkpoint after a foreign await", async () => {
    // A foreign await is not a checkpoint: the cancel waits for the next one.
    await runMocked(async () => {
      const record: string[] = [];
      const scope = new trio.CancelScope();
      await scope.run(async () => {
        scope.cancel();
        await hostTick();
        record.push("foreign await finished");
        await trio.sleep(0);
        record.push("not reached");
      });
      expect(record).toEqual(["foreign await finished"]);
      expect(scope.cancelledCaught).toBe(true);
    });
  });
});

describe("waitAllTasksBlocked from a task running after a foreign await", () => {
  it("wakes once everything is blocked, even when the loop was already idle", async () => {
    // The task's step is stuck on a host timer, so the loop goes idle without it;
    // when it then asks to wait, the loop must take its cushion into account.
    const record: string[] = [];
    await trio.run(async () => {
      await trio.failAfter(10, async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        record.push(`foreign: ${trio.lowlevel.currentStatistics().tasksAwaitingForeign}`);
        await trio.testing.waitAllTasksBlocked();
        record.push("woken");
      });
    });
    expect(record).toEqual(["foreign: 1", "woken"]);
  });
});
