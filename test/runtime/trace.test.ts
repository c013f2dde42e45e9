// The trace instrument: the exact event stream of known programs under a MockClock.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { TraceRecorder, type TraceEvent } from "../../runtime/trace.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

async function traced(main: () => Promise<void>, options: { scheduled?: boolean; limit?: number } = {}): Promise<TraceEvent[]> {
  const trace = new TraceRecorder({ scheduled: false, ...options });
  await trio.run({ clock: autojump(), instruments: [trace] }, main);
  return trace.events;
}

async function child(seconds: number) {
  await trio.sleep(seconds);
}

describe("TraceRecorder", () => {
  it("records a nursery with two children, a time bomb cancelling a sibling, and a deadline", async () => {
    async function bomb() {
      await trio.sleep(1.5);
      throw new Error("boom");
    }
    const events = await traced(async function main() {
      try {
        await trio.openNursery(async (n) => {
          n.startSoon(child, 1);
          n.startSoon(child, 2);
          n.startSoon(bomb);
        });
      } catch {
        // caught in main: the picture marks it there
      }
      await trio.moveOnAfter(0.5, () => trio.sleepForever());
    });
    expect(events).toEqual([
      { k: "spawn", t: 0, task: 1, name: "main", parent: null, scope: null },
      { k: "step", t: 0, task: 1 },
      { k: "scope", t: 0, scope: 1, task: 1, parent: null, deadline: null },
      { k: "nursery", t: 0, scope: 1, task: 1 },
      { k: "spawn", t: 0, task: 2, name: "child", parent: 1, scope: 1 },
      { k: "spawn", t: 0, task: 3, name: "child", parent: 1, scope: 1 },
      { k: "spawn", t: 0, task: 4, name: "bomb", parent: 1, scope: 1 },
      { k: "block", t: 0, task: 1, on: { kind: "nursery", scope: 1 } },
      { k: "step", t: 0, task: 2 },
      { k: "block", t: 0, task: 2, on: { kind: "sleep", until: 1 } },
      { k: "step", t: 0, task: 3 },
      { k: "block", t: 0, task: 3, on: { kind: "sleep", until: 2 } },
      { k: "step", t: 0, task: 4 },
      { k: "block", t: 0, task: 4, on: { kind: "sleep", until: 1.5 } },
      { k: "step", t: 1, task: 2 },
      { k: "exit", t: 1, task: 2 },
      { k: "step", t: 1.5, task: 4 },
      { k: "exit", t: 1.5, task: 4, error: { id: 1, name: "Error", message: "boom" } },
      { k: "cancel", t: 1.5, scope: 1, cause: { kind: "error", task: 4 }, reached: [1, 3] },
      { k: "cancelled", t: 1.5, task: 3 },
      { k: "step", t: 1.5, task: 3 },
      { k: "exit", t: 1.5, task: 3, error: { id: 2, name: "Cancelled", message: "cancelled" } },
      { k: "step", t: 1.5, task: 1 },
      { k: "scope-exit", t: 1.5, scope: 1, task: 1, caught: true, error: { id: 1, name: "Error", message: "boom" } },
      { k: "scope", t: 1.5, scope: 2, task: 1, parent: null, deadline: 2 },
      { k: "block", t: 1.5, task: 1, on: { kind: "sleep", until: null } },
      { k: "cancel", t: 2, scope: 2, cause: { kind: "deadline" }, reached: [1] },
      { k: "cancelled", t: 2, task: 1 },
      { k: "step", t: 2, task: 1 },
      { k: "scope-exit", t: 2, scope: 2, task: 1, caught: true },
      { k: "exit", t: 2, task: 1 },
      { k: "end", t: 2 },
    ]);
  });

  it("says what a task waits on: a lock, a channel, a foreign promise, a yield", async () => {
    const events = await traced(async function main() {
      const lock = new trio.Lock();
      const [send, receive] = trio.openMemoryChannel<number>(0);
      await trio.openNursery(async (n) => {
        n.startSoon(async function holder() {
          await lock.withAcquired(() => trio.sleep(1));
        });
        n.startSoon(async function waiter() {
          await trio.sleep(0.5);
          await lock.withAcquired(async () => {});
        });
        n.startSoon(async function receiver() {
          await receive.receive();
        });
        n.startSoon(async function sender() {
          await trio.sleep(2);
          await send.send(1);
          await trio.lowlevel.checkpoint();
          await new Promise((resolve) => setTimeout(resolve, 20));
        });
      });
    });
    const waits = events.flatMap((e) => (e.k === "block" ? [`${e.task}:${e.on.kind}`] : []));
    expect(waits).toContain("3:lot");
    expect(waits).toContain("4:receive");
    expect(waits).toContain("5:yield");
    expect(waits).toContain("5:foreign");
  });

  it("names the task that called cancel() as the cause, and leaves shielded tasks out of the reach", async () => {
    const events = await traced(async function main() {
      await trio.openNursery(async (n) => {
        n.startSoon(async function sleeper() {
          await trio.sleep(10);
        });
        n.startSoon(async function shielded() {
          await new trio.CancelScope({ shield: true }).run(() => trio.sleep(3));
        });
        n.startSoon(async function canceller() {
          await trio.sleep(1);
          n.cancelScope.cancel();
        });
      });
    });
    const cancel = events.find((e) => e.k === "cancel" && e.scope === 1);
    expect(cancel).toEqual({ k: "cancel", t: 1, scope: 1, cause: { kind: "cancel", task: 4 }, reached: [1, 2, 4] });
    expect(events.filter((e) => e.k === "cancelled").map((e) => (e as { task: number }).task)).toEqual([2]);
  });

  it("describes an ExceptionGroup by the ids of its parts", async () => {
    const events = await traced(async function main() {
      await trio.openNursery(async (n) => {
        for (const name of ["a", "b"]) {
          n.startSoon({ name }, async () => {
            await trio.sleep(1);
            throw new RangeError(name);
          });
        }
      }).catch(() => {});
    });
    const exit = events.find((e) => e.k === "scope-exit" && e.scope === 1) as Extract<TraceEvent, { k: "scope-exit" }>;
    expect(exit.error).toMatchObject({ name: "ExceptionGroup", parts: [1, 2] });
  });

  it("stops after its limit with one truncated event, and still ends", async () => {
    const events = await traced(async function main() {
      for (let i = 0; i < 100; i++) await trio.lowlevel.checkpoint();
    }, { limit: 10 });
    expect(events).toHaveLength(12);
    expect(events[10]).toEqual({ k: "truncated", t: 0, after: 10 });
    expect(events[11]).toEqual({ k: "end", t: 0 });
  });

  it("records sched events when asked", async () => {
    const events = await traced(async function main() {
      await trio.sleep(1);
    }, { scheduled: true });
    expect(events.filter((e) => e.k === "sched")).toEqual([
      { k: "sched", t: 0, task: 1 },
      { k: "sched", t: 1, task: 1 },
    ]);
  });
});
