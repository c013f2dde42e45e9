// lowlevel: checkpoints, current/root task, system tasks, waitTaskRescheduled /
// reschedule, statistics, RunVar. Ported in our own words from the behaviours
// Trio's test_run.py asserts about these parts.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const { lowlevel } = trio;
type Task = trio.lowlevel.Task;

function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  return (async () => fn())();
}

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

function runMocked<R>(main: () => Promise<R>): Promise<R> {
  return trio.run({ clock: autojump() }, () => trio.failAfter(1000, main));
}

describe("checkpoints", () => {
  it("does not yield from checkpointIfCancelled when nothing is cancelled", async () => {
    const record: string[] = [];
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          record.push("child");
        });
        await lowlevel.checkpointIfCancelled();
        await lowlevel.checkpointIfCancelled();
        record.push("parent");
      });
    });
    expect(record).toEqual(["parent", "child"]);
  });

  it("yields from cancelShieldedCheckpoint even when nothing is cancelled", async () => {
    const record: string[] = [];
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          record.push("child");
        });
        await lowlevel.cancelShieldedCheckpoint();
        record.push("parent");
      });
    });
    expect(record).toEqual(["child", "parent"]);
  });

  it("raises Cancelled from checkpointIfCancelled in a cancelled scope", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await scope.run(async () => {
        await lowlevel.checkpointIfCancelled();
        scope.cancel();
        await expect(lowlevel.checkpointIfCancelled()).rejects.toBeInstanceOf(trio.Cancelled);
      });
    });
  });
});

describe("currentTask and currentRootTask", () => {
  it("gives each task its own Task, the same object across checkpoints", async () => {
    await runMocked(async () => {
      const main = lowlevel.currentTask();
      expect(main).toBeInstanceOf(lowlevel.Task);
      let child: Task | undefined;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          const me = lowlevel.currentTask();
          await trio.sleep(1);
          expect(lowlevel.currentTask()).toBe(me);
          child = me;
        });
        await trio.sleep(2);
        expect(lowlevel.currentTask()).toBe(main);
      });
      expect(child).toBeDefined();
      expect(child).not.toBe(main);
      expect(child!.parentNursery?.parentTask).toBe(main);
    });
  });

  it("returns the same root task from every task, at the top of the tree", async () => {
    await runMocked(async () => {
      const root = lowlevel.currentRootTask();
      expect(root).toBeInstanceOf(lowlevel.Task);
      expect(root.parentNursery ?? null).toBe(null);
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          expect(lowlevel.currentRootTask()).toBe(root);
          expect(lowlevel.currentTask()).not.toBe(root);
        });
      });
    });
  });
});

describe("spawnSystemTask", () => {
  it("runs a system task outside the main task's nurseries and names it", async () => {
    await runMocked(async () => {
      let seen: Task | undefined;
      const returned = lowlevel.spawnSystemTask({ name: "janitor" }, async () => {
        seen = lowlevel.currentTask();
      });
      await trio.sleep(1);
      expect(seen).toBe(returned);
      expect(returned.name).toBe("janitor");
      const main = lowlevel.currentTask();
      expect(main.childNurseries).not.toContain(returned.parentNursery);
      expect(returned.parentNursery?.parentTask).toBe(lowlevel.currentRootTask());
    });
  });

  it("passes extra arguments and names the task after its function by default", async () => {
    await runMocked(async () => {
      const got: unknown[] = [];
      const task = lowlevel.spawnSystemTask(async function housekeeping(a: number, b: string) {
        got.push(a, b);
      }, 1, "two");
      await trio.sleep(0);
      expect(got).toEqual([1, "two"]);
      expect(task.name).toBe("housekeeping");
    });
  });

  it("cancels system tasks when the main task returns, and resolves with main's result", async () => {
    const record: string[] = [];
    const result = await trio.run({ clock: autojump() }, async () => {
      lowlevel.spawnSystemTask(async () => {
        try {
          await trio.sleepForever();
        } catch (e) {
          record.push(e instanceof trio.Cancelled ? "system task cancelled" : "other");
          throw e;
        }
      });
      await trio.sleep(1);
      return "main result";
    });
    expect(result).toBe("main result");
    expect(record).toEqual(["system task cancelled"]);
  });

  it("is not cancelled by the main task's own cancel scopes", async () => {
    await runMocked(async () => {
      const record: string[] = [];
      const scope = await trio.moveOnAfter(1, async () => {
        lowlevel.spawnSystemTask(async () => {
          await trio.sleep(5);
          record.push(`system task done at ${trio.currentTime()}`);
        });
        await trio.sleepForever();
      });
      expect(scope.cancelledCaught).toBe(true);
      await trio.sleep(10);
      expect(record).toEqual(["system task done at 5"]);
    });
  });

  it("turns a crashing system task into a TrioInternalError from run", async () => {
    // Trio: a system task must not raise; if it does, the whole run is torn
    // down and run() raises TrioInternalError (with the error as its cause).
    const err = new Error("system task broke");
    const caught = await trio
      .run({ clock: autojump() }, async () => {
        lowlevel.spawnSystemTask(async () => {
          await trio.sleep(1);
          throw err;
        });
        await trio.sleepForever();
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(caught).toBeInstanceOf(trio.TrioInternalError);
    expect((caught as Error).cause).toBe(err);
  });
});

describe("waitTaskRescheduled and reschedule", () => {
  it("parks a task until reschedule delivers a value or an error", async () => {
    await runMocked(async () => {
      const tasks: Record<string, Task> = {};
      const record: string[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          tasks.t1 = lowlevel.currentTask();
          const x = await lowlevel.waitTaskRescheduled(() => lowlevel.Abort.SUCCEEDED);
          record.push(`t1 woke with ${String(x)}`);
          lowlevel.reschedule(tasks.t2!, { error: new RangeError("wake up") });
        });
        await lowlevel.checkpoint(); // t1 runs and parks
        n.startSoon(async () => {
          tasks.t2 = lowlevel.currentTask();
          lowlevel.reschedule(tasks.t1!, { value: 0 });
          await expect(lowlevel.waitTaskRescheduled(() => lowlevel.Abort.SUCCEEDED)).rejects.toThrow("wake up");
          record.push("t2 woke with its error");
        });
      });
      expect(record).toEqual(["t1 woke with 0", "t2 woke with its error"]);
    });
  });

  it("resolves with undefined when reschedule is given no outcome", async () => {
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        const main = lowlevel.currentTask();
        n.startSoon(async () => {
          lowlevel.reschedule(main);
        });
        await expect(lowlevel.waitTaskRescheduled(() => lowlevel.Abort.SUCCEEDED)).resolves.toBeUndefined();
      });
    });
  });

  it("accepts a reschedule from a host callback outside any task", async () => {
    await runMocked(async () => {
      const me = lowlevel.currentTask();
      setImmediate(() => lowlevel.reschedule(me, { value: "from the host" }));
      await expect(lowlevel.waitTaskRescheduled(() => lowlevel.Abort.FAILED)).resolves.toBe("from the host");
      expect(lowlevel.currentTask()).toBe(me);
    });
  });

  it("calls the abort function on cancellation, and Abort.SUCCEEDED wakes the task with Cancelled", async () => {
    await runMocked(async () => {
      const aborts: unknown[] = [];
      const scope = await trio.moveOnAfter(2, async () => {
        await lowlevel.waitTaskRescheduled((raiseCancel) => {
          aborts.push(typeof raiseCancel);
          return lowlevel.Abort.SUCCEEDED;
        });
      });
      expect(aborts).toEqual(["function"]);
      expect(scope.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(2);
    });
  });

  it("leaves the task parked when the abort function fails, until someone reschedules it", async () => {
    await runMocked(async () => {
      const record: string[] = [];
      await trio.openNursery(async (n) => {
        let parked: Task | undefined;
        const scope = new trio.CancelScope();
        n.startSoon(() =>
          scope.run(async () => {
            parked = lowlevel.currentTask();
            const v = await lowlevel.waitTaskRescheduled(() => {
              record.push("abort refused");
              return lowlevel.Abort.FAILED;
            });
            record.push(`woke with ${String(v)} at ${trio.currentTime()}`);
            await lowlevel.checkpoint(); // still cancelled: raises here
            record.push("not reached");
          }),
        );
        await trio.testing.waitAllTasksBlocked();
        scope.cancel();
        await trio.sleep(3);
        expect(record).toEqual(["abort refused"]);
        lowlevel.reschedule(parked!, { value: "late" });
        await trio.sleep(0);
        await trio.testing.waitAllTasksBlocked();
        expect(scope.cancelledCaught).toBe(true);
      });
      expect(record).toEqual(["abort refused", "woke with late at 3"]);
    });
  });

  it("lets raiseCancel deliver the Cancelled later, through reschedule", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      let parked: Task | undefined;
      let raiseLater: (() => never) | undefined;
      await trio.openNursery(async (n) => {
        n.startSoon(() =>
          scope.run(async () => {
            parked = lowlevel.currentTask();
            await lowlevel.waitTaskRescheduled((raiseCancel) => {
              raiseLater = raiseCancel;
              return lowlevel.Abort.FAILED;
            });
          }),
        );
        await trio.testing.waitAllTasksBlocked();
        scope.cancel();
        await trio.sleep(1);
        let error: unknown;
        try {
          raiseLater!();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(trio.Cancelled);
        lowlevel.reschedule(parked!, { error });
      });
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("tears the run down with TrioInternalError when an abort function throws", async () => {
    // Trio: an abort_fn must not raise; if it does, run() raises TrioInternalError.
    const err = new Error("broken abort");
    const caught = await trio
      .run({ clock: autojump() }, async () => {
        await trio.moveOnAfter(1, () =>
          lowlevel.waitTaskRescheduled(() => {
            throw err;
          }),
        );
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(caught).toBeInstanceOf(trio.TrioInternalError);
    expect((caught as Error).cause).toBe(err);
  });

  it("refuses to reschedule a task that is not parked, saying so", async () => {
    // Trio treats this as a bug in the caller (an assertion); a clear error is the JS equivalent.
    await runMocked(async () => {
      expect(() => lowlevel.reschedule(lowlevel.currentTask(), { value: 1 })).toThrow(/not (parked|blocked|waiting)/i);
    });
  });
});

describe("currentStatistics", () => {
  it("counts living and runnable tasks and the time to the next deadline", async () => {
    await runMocked(async () => {
      await trio.testing.waitAllTasksBlocked();
      const base = lowlevel.currentStatistics();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await trio.sleepForever().catch(() => {});
        });
        await trio.testing.waitAllTasksBlocked();
        let stats = lowlevel.currentStatistics();
        expect(stats.tasksLiving).toBe(base.tasksLiving + 1);
        expect(stats.tasksRunnable).toBe(0);
        // As in Trio, cancel() aborts the child's wait at once, so it is runnable right away.
        n.cancelScope.cancel();
        stats = lowlevel.currentStatistics();
        expect(stats.tasksRunnable).toBe(1);
      });
      await lowlevel.checkpoint();
      expect(lowlevel.currentStatistics().tasksLiving).toBe(base.tasksLiving);

      // failAfter(1000) from runMocked is the only deadline outside this scope.
      const t = trio.currentTime();
      await new trio.CancelScope({ deadline: t + 5 }).run(async () => {
        expect(lowlevel.currentStatistics().secondsToNextDeadline).toBe(5);
      });
      expect(lowlevel.currentStatistics().secondsToNextDeadline).toBe(1000 - t);
    });
  });

  it("reports Infinity seconds to the next deadline when there is none", async () => {
    await trio.run(async () => {
      expect(lowlevel.currentStatistics().secondsToNextDeadline).toBe(Infinity);
      expect(lowlevel.currentStatistics().tasksAwaitingForeign).toBe(0);
    });
  });
});

describe("RunVar", () => {
  it("returns its default, or refuses get() clearly when it has none and was never set", async () => {
    const withDefault = new lowlevel.RunVar("with-default", 7);
    const without = new lowlevel.RunVar<number>("without");
    await trio.run(async () => {
      expect(withDefault.get()).toBe(7);
      expect(() => without.get()).toThrow(/without/);
    });
  });

  it("is shared by every task of one run, and starts fresh in the next run", async () => {
    const v = new lowlevel.RunVar("shared", "default");
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          v.set("set by a child");
        });
      });
      expect(v.get()).toBe("set by a child");
    });
    await trio.run(async () => {
      expect(v.get()).toBe("default");
    });
  });

  it("keeps separate values in two runs active at once", async () => {
    const v = new lowlevel.RunVar("per-run", 0);
    const [a, b] = await Promise.all([
      trio.run({ clock: autojump() }, async () => {
        v.set(1);
        await trio.sleep(2);
        return v.get();
      }),
      trio.run({ clock: autojump() }, async () => {
        await trio.sleep(1);
        v.set(2);
        await trio.sleep(2);
        return v.get();
      }),
    ]);
    expect([a, b]).toEqual([1, 2]);
  });

  it("restores the previous value with reset(token), once per token", async () => {
    const v = new lowlevel.RunVar("resettable", "start");
    const other = new lowlevel.RunVar("other", "x");
    await trio.run(async () => {
      const t1 = v.set("one");
      const t2 = v.set("two");
      expect(v.get()).toBe("two");
      v.reset(t2);
      expect(v.get()).toBe("one");
      expect(() => v.reset(t2)).toThrow(/token|used|already/i);
      expect(() => other.reset(t1 as unknown as Parameters<typeof other.reset>[0])).toThrow();
      v.reset(t1);
      expect(v.get()).toBe("start");
    });
  });

  it("refuses to be used outside a run", async () => {
    // Trio: RuntimeError("Cannot be used outside of a run context").
    const v = new lowlevel.RunVar("outside", 1);
    expect(() => v.get()).toThrow(/run/);
    expect(() => v.set(2)).toThrow(/run/);
    await expect(attempt(() => trio.run(async () => v.get()))).resolves.toBe(1);
  });
});
