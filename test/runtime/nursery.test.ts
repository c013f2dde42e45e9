// Nurseries: startSoon, start + taskStatus, error propagation, exception groups,
// strict mode, closed nurseries, the task tree. Ported in our own words from the
// behaviours Trio's test_run.py asserts.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  return (async () => fn())();
}

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

class KeyError extends Error {}
class ValueError extends Error {}

/** Runs `main` on an autojumping mock clock; a deadlock becomes a TooSlowError at t=1000. */
function runMocked<R>(main: () => Promise<R>, options: { strictExceptionGroups?: boolean } = {}): Promise<R> {
  return trio.run({ clock: autojump(), ...options }, () => trio.failAfter(1000, main));
}

describe("openNursery", () => {
  it("waits for every child, so two one-second children finish together after one second", async () => {
    await runMocked(async () => {
      const done: number[] = [];
      await trio.openNursery(async (n) => {
        for (let i = 0; i < 2; i++) {
          n.startSoon(async () => {
            await trio.sleep(1);
            done.push(trio.currentTime());
          });
        }
      });
      expect(done).toEqual([1, 1]);
      expect(trio.currentTime()).toBe(1);
    });
  });

  it("resolves with the body's result once the children are done", async () => {
    await runMocked(async () => {
      const result = await trio.openNursery(async (n) => {
        n.startSoon(trio.sleep, 3);
        return "body result";
      });
      expect(result).toBe("body result");
      expect(trio.currentTime()).toBe(3);
    });
  });

  it("rejects with the child's very error when one child throws", async () => {
    const err = new ValueError("argh");
    await runMocked(async () => {
      await expect(
        trio.openNursery(async (n) => {
          n.startSoon(async () => {
            throw err;
          });
        }),
      ).rejects.toBe(err);
    });
  });

  it("cancels siblings when one child throws", async () => {
    const looperRecord: string[] = [];
    await expect(
      runMocked(async () => {
        await trio.openNursery(async (n) => {
          n.startSoon(async () => {
            try {
              for (;;) await trio.lowlevel.checkpoint();
            } catch (e) {
              if (e instanceof trio.Cancelled) looperRecord.push("cancelled");
              throw e;
            }
          });
          n.startSoon(async () => {
            throw new ValueError("argh");
          });
        });
      }),
    ).rejects.toThrow(/^argh$/);
    expect(looperRecord).toEqual(["cancelled"]);
  });

  it("wakes a parent blocked in its body when a child crashes", async () => {
    await runMocked(async () => {
      await expect(
        trio.openNursery(async (n) => {
          n.startSoon(async () => {
            throw new ValueError("crash");
          });
          await trio.sleepForever();
        }),
      ).rejects.toBeInstanceOf(ValueError);
      expect(trio.currentTime()).toBe(0);
    });
  });

  it("cancels the children when the body throws, and rejects with the body's error", async () => {
    const record: string[] = [];
    await runMocked(async () => {
      const err = new KeyError("body failed");
      await expect(
        trio.openNursery(async (n) => {
          n.startSoon(async () => {
            try {
              await trio.sleep(100);
            } catch (e) {
              record.push(e instanceof trio.Cancelled ? "child cancelled" : "other");
              throw e;
            }
          });
          await trio.sleep(1);
          throw err;
        }),
      ).rejects.toBe(err);
      expect(trio.currentTime()).toBe(1);
    });
    expect(record).toEqual(["child cancelled"]);
  });

  it("never loses a child's error raised after the body has returned", async () => {
    await runMocked(async () => {
      let bodyReturned = false;
      await expect(
        trio.openNursery(async (n) => {
          n.startSoon(async () => {
            await trio.sleep(5);
            throw new ValueError("late failure");
          });
          bodyReturned = true;
        }),
      ).rejects.toThrow(/late failure/);
      expect(bodyReturned).toBe(true);
      expect(trio.currentTime()).toBe(5);
    });
  });

  it("starts a task spawned into an already cancelled nursery, then cancels it at its first checkpoint", async () => {
    const record: string[] = [];
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        n.cancelScope.cancel();
        n.startSoon(async () => {
          record.push("started");
          await trio.sleepForever();
          record.push("not reached");
        });
      });
    });
    expect(record).toEqual(["started"]);
  });

  it("cancels the body and every child through nursery.cancelScope.cancel()", async () => {
    await runMocked(async () => {
      const cancelled: string[] = [];
      await trio.openNursery(async (n) => {
        for (const name of ["a", "b"]) {
          n.startSoon(async () => {
            try {
              await trio.sleepForever();
            } catch (e) {
              if (e instanceof trio.Cancelled) cancelled.push(name);
              throw e;
            }
          });
        }
        await trio.testing.waitAllTasksBlocked();
        n.cancelScope.cancel();
        await trio.sleep(10); // raises Cancelled, absorbed by the nursery's own scope
        cancelled.push("body not cancelled");
      });
      expect(cancelled.sort()).toEqual(["a", "b"]);
      expect(trio.currentTime()).toBe(0);
    });
  });

  it("lets a child spawn more children into the nursery after the body has returned", async () => {
    await runMocked(async () => {
      const record: string[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await trio.sleep(1);
          n.startSoon(async () => {
            await trio.sleep(1);
            record.push(`grandchild at ${trio.currentTime()}`);
          });
          record.push("spawner done");
        });
      });
      expect(record).toEqual(["spawner done", "grandchild at 2"]);
    });
  });
});

describe("closed nurseries", () => {
  it("throws an error saying the nursery is closed when startSoon is called after it exited", async () => {
    await runMocked(async () => {
      let saved: trio.Nursery | undefined;
      await trio.openNursery(async (n) => {
        saved = n;
      });
      expect(() => saved!.startSoon(trio.sleep, 1)).toThrow(/closed/);
    });
  });

  it("rejects start() on a closed nursery at once, without running the task", async () => {
    await runMocked(async () => {
      let saved: trio.Nursery | undefined;
      await trio.openNursery(async (n) => {
        saved = n;
      });
      let ran = false;
      await expect(
        attempt(() =>
          saved!.start(async (status: trio.TaskStatus<void>) => {
            ran = true;
            await trio.sleep(7);
            status.started();
          }),
        ),
      ).rejects.toThrow(/closed/);
      expect(ran).toBe(false);
      expect(trio.currentTime()).toBe(0);
    });
  });
});

describe("exception groups", () => {
  it("gathers two crashing children into an ExceptionGroup", async () => {
    await runMocked(async () => {
      const a = new ValueError("a");
      const b = new KeyError("b");
      const caught = await trio
        .openNursery(async (n) => {
          n.startSoon(async () => {
            throw a;
          });
          n.startSoon(async () => {
            throw b;
          });
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(trio.ExceptionGroup);
      expect(caught).toBeInstanceOf(AggregateError);
      expect(new Set((caught as trio.ExceptionGroup).errors)).toEqual(new Set([a, b]));
    });
  });

  it("gathers the body's error with a child that crashes after the body failed", async () => {
    // The child has not run yet when the body throws; it still starts, in a
    // cancelled nursery, and its error is kept.
    await runMocked(async () => {
      const caught = await trio
        .openNursery(async (n) => {
          n.startSoon(async () => {
            throw new ValueError("child");
          });
          throw new KeyError("body");
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(trio.ExceptionGroup);
      const errors = (caught as trio.ExceptionGroup).errors;
      expect(errors).toHaveLength(2);
      expect(errors.some((e) => e instanceof ValueError)).toBe(true);
      expect(errors.some((e) => e instanceof KeyError)).toBe(true);
    });
  });

  it("raises a single error bare in the default loose mode, even with cancelled siblings", async () => {
    await runMocked(async () => {
      const caught = await trio
        .openNursery(async (n) => {
          n.startSoon(trio.sleepForever);
          n.startSoon(trio.sleepForever);
          n.startSoon(async () => {
            throw new ValueError("only one");
          });
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(ValueError);
      expect(caught).not.toBeInstanceOf(trio.ExceptionGroup);
    });
  });

  it("wraps even a single error in a group when the nursery is strict", async () => {
    await runMocked(async () => {
      const err = new Error("foo");
      const caught = await trio
        .openNursery({ strictExceptionGroups: true }, async () => {
          throw err;
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(trio.ExceptionGroup);
      expect((caught as trio.ExceptionGroup).errors).toEqual([err]);
    });
  });

  it("makes every nursery strict when run is given strictExceptionGroups", async () => {
    const caught = await runMocked(
      async () => {
        await trio.openNursery(async () => {
          throw new Error("foo");
        });
      },
      { strictExceptionGroups: true },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(trio.ExceptionGroup);
    const errors = (caught as trio.ExceptionGroup).errors;
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("foo");
  });

  it("lets a nursery's own option override the run's strict mode", async () => {
    const caught = await runMocked(
      async () => {
        await trio.openNursery({ strictExceptionGroups: false }, async () => {
          throw new Error("foo");
        });
      },
      { strictExceptionGroups: true },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).not.toBeInstanceOf(trio.ExceptionGroup);
    expect((caught as Error).message).toBe("foo");
  });

  it("does not collapse a strict inner nursery's group of one when its Cancelled siblings are dropped", async () => {
    await runMocked(async () => {
      const caught = await trio
        .openNursery(async (outer) => {
          outer.startSoon(trio.sleepForever);
          outer.startSoon(async () => {
            throw new ValueError("outer child");
          });
          await trio.openNursery({ strictExceptionGroups: true }, async (inner) => {
            inner.startSoon(trio.sleepForever);
            inner.startSoon(async () => {
              throw new ValueError("inner child");
            });
            outer.cancelScope.cancel();
          });
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(trio.ExceptionGroup);
      const errors = (caught as trio.ExceptionGroup).errors;
      expect(errors).toHaveLength(2);
      const bare = errors.find((e) => !(e instanceof trio.ExceptionGroup));
      const group = errors.find((e) => e instanceof trio.ExceptionGroup) as trio.ExceptionGroup | undefined;
      expect(bare).toBeInstanceOf(ValueError);
      expect((bare as Error).message).toBe("outer child");
      expect(group).toBeDefined();
      expect(group!.errors).toHaveLength(1);
      expect((group!.errors[0] as Error).message).toBe("inner child");
    });
  });

  it("describes only the errors a group still holds once its Cancelled errors were dropped", async () => {
    await runMocked(async () => {
      const caught = await trio
        .openNursery(async (outer) => {
          await trio.openNursery({ strictExceptionGroups: true }, async (inner) => {
            inner.startSoon(trio.sleepForever);
            inner.startSoon(trio.sleepForever);
            inner.startSoon(async () => {
              throw new ValueError("inner child");
            });
            outer.cancelScope.cancel();
          });
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(trio.ExceptionGroup);
      const group = caught as trio.ExceptionGroup;
      expect(group.errors).toHaveLength(1);
      expect(group.errors[0]).toBeInstanceOf(ValueError);
      // A message still counting or naming the dropped Cancelled errors would mislead.
      expect(group.message).not.toMatch(/Cancelled/);
      expect(group.message).not.toMatch(/3 errors/);
    });
  });

  it("collapses a loose inner nursery's single error to the bare error once its Cancelled siblings are dropped", async () => {
    await runMocked(async () => {
      const caught = await trio
        .openNursery(async (outer) => {
          outer.startSoon(trio.sleepForever);
          outer.startSoon(async () => {
            throw new ValueError("outer child");
          });
          await trio.openNursery({ strictExceptionGroups: false }, async (inner) => {
            inner.startSoon(trio.sleepForever);
            inner.startSoon(async () => {
              throw new ValueError("inner child");
            });
            outer.cancelScope.cancel();
          });
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(caught).toBeInstanceOf(trio.ExceptionGroup);
      const errors = (caught as trio.ExceptionGroup).errors;
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).toBeInstanceOf(ValueError);
      expect(errors.map((e) => (e as Error).message).sort()).toEqual(["inner child", "outer child"]);
    });
  });

  it("lets a cancelled scope absorb the Cancelled errors of a strict nursery's children", async () => {
    await runMocked(
      async () => {
        const scope = await trio.moveOnAfter(1, async () => {
          await trio.openNursery(async (n) => {
            n.startSoon(trio.sleepForever);
            n.startSoon(trio.sleepForever);
            await trio.sleepForever();
          });
        });
        expect(scope.cancelledCaught).toBe(true);
        expect(trio.currentTime()).toBe(1);
      },
      { strictExceptionGroups: true },
    );
  });
});

describe("nursery.start", () => {
  async function sleepThenStart(seconds: number, status: trio.TaskStatus<number>) {
    await trio.sleep(seconds);
    status.started(seconds);
    await trio.sleep(seconds);
  }

  it("waits for started(), passes back its value, and the nursery then waits for the task", async () => {
    await runMocked(async () => {
      for (const seconds of [1, 2]) {
        const t0 = trio.currentTime();
        await trio.openNursery(async (n) => {
          expect([...n.childTasks]).toHaveLength(0);
          await expect(n.start(sleepThenStart, seconds)).resolves.toBe(seconds);
          expect(trio.currentTime() - t0).toBe(seconds);
          expect([...n.childTasks]).toHaveLength(1);
        });
        expect(trio.currentTime() - t0).toBe(2 * seconds);
      }
    });
  });

  it("throws a clear error when started() is called twice", async () => {
    await runMocked(async () => {
      let second: unknown;
      await trio.openNursery(async (n) => {
        await n.start(async (status: trio.TaskStatus<void>) => {
          status.started();
          try {
            status.started();
          } catch (e) {
            second = e;
          }
        });
      });
      expect(second).toBeInstanceOf(Error);
      expect((second as Error).message).toMatch(/twice|already/);
    });
  });

  it("rejects start() with the error a task throws before calling started()", async () => {
    await runMocked(async () => {
      const err = new KeyError("oops");
      let siblingFinished = false;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await trio.sleep(1);
          siblingFinished = true;
        });
        await expect(
          n.start(async (_status: trio.TaskStatus<void>) => {
            throw err;
          }),
        ).rejects.toBe(err);
      });
      // The failed start() did not cancel the nursery it was aimed at.
      expect(siblingFinished).toBe(true);
    });
  });

  it("rejects start() clearly when the task exits without calling started()", async () => {
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        await expect(n.start(async (_status: trio.TaskStatus<void>) => {})).rejects.toThrow(
          /without calling.*started|started\(\).*never/,
        );
      });
    });
  });

  it("rejects start() with Cancelled when the call itself is cancelled, ignoring the started value", async () => {
    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        const scope = new trio.CancelScope();
        let value: unknown = "untouched";
        await scope.run(async () => {
          scope.cancel();
          value = await n.start(async (status: trio.TaskStatus<string>) => {
            status.started("hi");
            await trio.lowlevel.checkpoint();
          });
        });
        expect(scope.cancelledCaught).toBe(true);
        expect(value).toBe("untouched");
      });
    });
  });

  it("keeps the target nursery open while a start() aimed at it is still pending", async () => {
    async function sleepABit(status: trio.TaskStatus<void>) {
      await trio.sleep(2);
      status.started();
      await trio.sleep(3);
    }
    await runMocked(async () => {
      await trio.openNursery(async (nursery1) => {
        const t0 = trio.currentTime();
        await trio.openNursery(async (nursery2) => {
          nursery1.startSoon(() => nursery2.start(sleepABit));
          await trio.sleep(1);
          nursery1.startSoon(() => nursery2.start(sleepABit));
          // Nothing is in nursery2 yet: only the pending start() calls keep it open.
        });
        expect(trio.currentTime() - t0).toBe(6);
      });
    });
  });

  it("keeps the target nursery open even when the pending task crashes before started()", async () => {
    let caught: unknown;
    await runMocked(async () => {
      await trio.openNursery(async (nursery1) => {
        const t0 = trio.currentTime();
        await trio.openNursery(async (nursery2) => {
          nursery1.startSoon(async () => {
            try {
              await nursery2.start(async (_status: trio.TaskStatus<void>) => {
                await trio.sleep(7);
                throw new KeyError("crash");
              });
            } catch (e) {
              caught = e;
            }
          });
          await trio.sleep(1);
        });
        expect(trio.currentTime() - t0).toBe(7);
      });
    });
    expect(caught).toBeInstanceOf(KeyError);
  });

  it("cancels sleeping grandchildren when their task moves into a cancelled nursery", async () => {
    async function setupNursery(status: trio.TaskStatus<trio.Nursery>) {
      await trio.openNursery(async (n) => {
        status.started(n);
        await trio.sleepForever();
      });
    }
    async function sleepingChildren(fn: () => void, status: trio.TaskStatus<void>) {
      await trio.openNursery(async (n) => {
        n.startSoon(trio.sleepForever);
        n.startSoon(trio.sleepForever);
        await trio.testing.waitAllTasksBlocked();
        fn();
        status.started();
      });
    }
    await runMocked(async () => {
      // Cancel just before started().
      await trio.openNursery(async (n) => {
        const target = await n.start(setupNursery);
        await target.start(sleepingChildren, () => target.cancelScope.cancel());
      });
      // Cancel just after started().
      await trio.openNursery(async (n) => {
        const target = await n.start(setupNursery);
        await target.start(sleepingChildren, () => {});
        target.cancelScope.cancel();
      });
      // Neither nursery hung: failAfter(1000) did not fire.
      expect(trio.currentTime()).toBe(0);
    });
  });
});

describe("the task tree", () => {
  it("names a task after its function, or after the name option", async () => {
    await runMocked(async () => {
      const names: string[] = [];
      async function worker() {
        names.push(trio.lowlevel.currentTask().name);
      }
      await trio.openNursery(async (n) => {
        n.startSoon(worker);
        await trio.sleep(0);
        n.startSoon({ name: "worker-1" }, worker);
        await trio.sleep(0);
        await n.start({ name: "started-one" }, async (status: trio.TaskStatus<void>) => {
          names.push(trio.lowlevel.currentTask().name);
          status.started();
        });
      });
      expect(names).toEqual(["worker", "worker-1", "started-one"]);
    });
  });

  it("links tasks and nurseries both ways, and keeps the upward links after they exit", async () => {
    const tasks: Record<string, trio.lowlevel.Task> = {};
    const nurseries: Record<string, trio.Nursery> = {};

    async function child2() {
      tasks.child2 = trio.lowlevel.currentTask();
      expect(tasks.parent!.childNurseries).toEqual([nurseries.parent]);
      expect([...nurseries.parent!.childTasks]).toEqual([tasks.child1]);
      expect(tasks.child1!.childNurseries).toEqual([nurseries.child1]);
      expect([...nurseries.child1!.childTasks]).toEqual([tasks.child2]);
      expect(tasks.child2.childNurseries).toEqual([]);
    }

    async function child1(status: trio.TaskStatus<void>) {
      const me = (tasks.child1 = trio.lowlevel.currentTask());
      // Until started(), the task lives under start()'s caller, not the target nursery.
      expect(me.parentNursery?.parentTask).toBe(tasks.parent);
      expect(me.parentNursery).not.toBe(nurseries.parent);
      expect(me.eventualParentNursery).toBe(nurseries.parent);
      status.started();
      expect(me.parentNursery).toBe(nurseries.parent);
      expect(me.eventualParentNursery ?? null).toBe(null);
      await trio.testing.waitAllTasksBlocked();
      await trio.openNursery(async (n) => {
        nurseries.child1 = n;
        n.startSoon(child2);
      });
    }

    async function parent() {
      tasks.parent = trio.lowlevel.currentTask();
      expect(tasks.parent.childNurseries).toEqual([]);
      await trio.openNursery(async (n1) => {
        await trio.openNursery(async (n2) => {
          expect(tasks.parent!.childNurseries).toEqual([n1, n2]);
        });
      });
      expect(tasks.parent.childNurseries).toEqual([]);
      await trio.openNursery(async (n) => {
        nurseries.parent = n;
        await n.start(child1);
      });
      expect(nurseries.parent!.parentTask).toBe(tasks.parent);
      expect(tasks.child1!.parentNursery).toBe(nurseries.parent);
      expect(nurseries.child1!.parentTask).toBe(tasks.child1);
      expect(tasks.child2!.parentNursery).toBe(nurseries.child1);
      // Following the chain upward ends cleanly, at the root task.
      let nursery = trio.lowlevel.currentTask().parentNursery;
      let last: trio.lowlevel.Task = trio.lowlevel.currentTask();
      while (nursery) {
        last = nursery.parentTask;
        nursery = last.parentNursery;
      }
      expect(last).toBe(trio.lowlevel.currentRootTask());
    }

    await runMocked(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(parent);
      });
    });
    expect(Object.keys(tasks).sort()).toEqual(["child1", "child2", "parent"]);
  });
});
