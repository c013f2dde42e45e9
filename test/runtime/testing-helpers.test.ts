// Behaviours of trio.testing's Sequencer, assertCheckpoints, assertNoCheckpoints
// and trioTest, after Trio's test_testing.py, in our words.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });
const runTest = <R>(fn: () => Promise<R>) => trio.run({ clock: autojump() }, fn);
const { assertCheckpoints, assertNoCheckpoints, Sequencer } = trio.testing;

describe("assertCheckpoints", () => {
  it("passes for a block that checkpoints, and returns its result", async () => {
    await runTest(async () => {
      expect(await assertCheckpoints(async () => {
        await trio.sleep(0);
        return 42;
      })).toBe(42);
      await assertCheckpoints(() => trio.sleep(1));
      await assertCheckpoints(() => trio.lowlevel.checkpoint());
    });
  });

  it("fails for a block that does not checkpoint, or only half of one", async () => {
    await runTest(async () => {
      await expect(assertCheckpoints(async () => 1)).rejects.toThrow(/did not checkpoint: it neither/);
      await expect(assertCheckpoints(() => trio.lowlevel.checkpointIfCancelled())).rejects.toThrow(/never let other tasks run/);
      await expect(assertCheckpoints(() => trio.lowlevel.cancelShieldedCheckpoint())).rejects.toThrow(/never checked for cancellation/);
    });
  });

  it("lets the block's own error through without judging it", async () => {
    await runTest(async () => {
      await expect(assertCheckpoints(async () => {
        throw new Error("mine");
      })).rejects.toThrow("mine");
    });
  });
});

describe("assertNoCheckpoints", () => {
  it("passes for a block that never yields, and returns its result", async () => {
    await runTest(async () => {
      expect(await assertNoCheckpoints(() => "sync")).toBe("sync");
      expect(await assertNoCheckpoints(async () => 1 + 1)).toBe(2);
    });
  });

  it("fails for a block that yields, even if the block then throws", async () => {
    await runTest(async () => {
      await expect(assertNoCheckpoints(() => trio.sleep(0))).rejects.toThrow(/the block checkpointed/);
      await expect(assertNoCheckpoints(() => trio.lowlevel.cancelShieldedCheckpoint())).rejects.toThrow(/checkpointed/);
      await expect(assertNoCheckpoints(async () => {
        await trio.sleep(0);
        throw new Error("mine");
      })).rejects.toThrow(/the block checkpointed/);
    });
  });
});

describe("Sequencer", () => {
  it("runs the steps of several tasks in the order of their positions", async () => {
    const log: string[] = [];
    await runTest(async () => {
      const seq = new Sequencer();
      const first = async () => {
        await seq.at(1, () => log.push("first @1"));
        await seq.at(3, async () => {
          await trio.sleep(1); // the next step waits even while this one sleeps
          log.push("first @3");
        });
        await seq.at(4, () => log.push("first @4"));
      };
      const second = async () => {
        await seq.at(0, () => log.push("second @0"));
        await seq.at(2, () => log.push("second @2"));
      };
      await trio.openNursery(async (n) => {
        n.startSoon(first);
        n.startSoon(second);
        await seq.at(5, () => trio.testing.waitAllTasksBlocked());
      });
    });
    expect(log).toEqual(["second @0", "first @1", "second @2", "first @3", "first @4"]);
  });

  it("refuses to reuse a position, and bad positions", async () => {
    await runTest(async () => {
      const seq = new Sequencer();
      expect(await seq.at(0, () => "ran")).toBe("ran");
      await expect(seq.at(0, () => "again")).rejects.toThrow(/position 0 was already used/);
      await expect(seq.at(-1, () => 0)).rejects.toThrow(TypeError);
      await expect(seq.at(1.5, () => 0)).rejects.toThrow(TypeError);
    });
  });

  it("breaks the whole sequence when a waiting task is cancelled, instead of hanging", async () => {
    const log: string[] = [];
    await runTest(async () => {
      const seq = new Sequencer();
      const child = async (i: number) => {
        await new trio.CancelScope().run(async (scope) => {
          if (i === 1) scope.cancel();
          try {
            await seq.at(i, () => log.push(`ran ${i}`));
          } catch (error) {
            if (!(error instanceof trio.TrioRuntimeError)) throw error;
            log.push(`seq ${i}: ${error.message.includes("broken") ? "broken" : error.message}`);
          }
        });
      };
      await trio.openNursery(async (n) => {
        n.startSoon(child, 1);
        n.startSoon(child, 2);
      });
      await expect(seq.at(3, () => 0)).rejects.toThrow(/broken/);
    });
    expect(log).toEqual(["seq 1: broken", "seq 2: broken"]);
  });
});

describe("trioTest", () => {
  it(
    "runs the body in a fresh run on an autojumping mock clock",
    trio.testing.trioTest(async (clock) => {
      expect(clock).toBeInstanceOf(trio.testing.MockClock);
      expect(trio.lowlevel.currentClock()).toBe(clock);
      const before = performance.now();
      await trio.sleep(3600);
      expect(trio.currentTime()).toBe(3600);
      expect(performance.now() - before).toBeLessThan(1000); // an hour of virtual time, at once
    }),
  );

  it("resolves with the body's result and rejects with its error", async () => {
    await expect(trio.testing.trioTest(async () => 7)()).resolves.toBe(7);
    await expect(trio.testing.trioTest(async () => {
      throw new Error("failed test");
    })()).rejects.toThrow("failed test");
    expect(() => trio.testing.trioTest(42 as never)).toThrow(TypeError);
  });

  it("passes clock options through (no autojump: the test jumps by hand)", async () => {
    const result = await trio.testing.trioTest(async (clock) => {
      expect(clock.autojumpThreshold).toBe(Infinity);
      await trio.openNursery(async (n) => {
        n.startSoon(() => trio.sleep(10));
        await trio.testing.waitAllTasksBlocked();
        clock.jump(10);
      });
      return trio.currentTime();
    }, {})();
    expect(result).toBe(10);
  });
});
