// CancelScope: level-triggered cancellation, shields, cancelCalled /
// cancelledCaught, nesting, single use. Ported in our own words from the
// behaviours Trio's test_run.py asserts about cancel scopes.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  return (async () => fn())();
}

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

function runMocked<R>(main: () => Promise<R>): Promise<R> {
  return trio.run({ clock: autojump() }, () => trio.failAfter(1000, main));
}

/** Awaits `p` and returns what it rejected with (or fails if it resolved). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

describe("CancelScope", () => {
  it("resolves with the body's value when nothing cancels it", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await expect(scope.run(async () => 42)).resolves.toBe(42);
      expect(scope.cancelCalled).toBe(false);
      expect(scope.cancelledCaught).toBe(false);
    });
  });

  it("resolves with undefined and records cancelledCaught when its own cancellation ends the body", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      const result = await scope.run(async () => {
        scope.cancel();
        await trio.sleepForever();
        return "not reached";
      });
      expect(result).toBeUndefined();
      expect(scope.cancelCalled).toBe(true);
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("treats cancel() as idempotent", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await scope.run(async () => {
        scope.cancel();
        scope.cancel();
        await trio.lowlevel.checkpoint();
      });
      expect(scope.cancelCalled).toBe(true);
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("is level-triggered: every checkpoint raises Cancelled until the scope exits", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      const raised: unknown[] = [];
      await scope.run(async () => {
        scope.cancel();
        for (let i = 0; i < 3; i++) {
          try {
            await trio.sleepForever();
          } catch (e) {
            raised.push(e);
          }
        }
        await trio.lowlevel.checkpoint();
      });
      expect(raised).toHaveLength(3);
      for (const e of raised) expect(e).toBeInstanceOf(trio.Cancelled);
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("raises Cancelled at each kind of checkpoint inside a cancelled scope", async () => {
    await runMocked(async () => {
      const kinds: Array<[string, () => Promise<unknown>, boolean]> = [
        ["checkpoint", () => trio.lowlevel.checkpoint(), true],
        ["checkpointIfCancelled", () => trio.lowlevel.checkpointIfCancelled(), true],
        ["sleep(0)", () => trio.sleep(0), true],
        ["sleep(10)", () => trio.sleep(10), true],
        ["sleepForever", () => trio.sleepForever(), false],
      ];
      for (const [name, checkpoint, returns] of kinds) {
        const scope = new trio.CancelScope();
        await scope.run(async () => {
          if (returns) await checkpoint(); // not yet cancelled: passes (sleep(10) takes 10 s)
          scope.cancel();
          const err = await rejection(checkpoint());
          expect(err, name).toBeInstanceOf(trio.Cancelled);
        });
        expect(scope.cancelledCaught, name).toBe(false); // the body caught it itself
      }
    });
  });

  it("lets cancelShieldedCheckpoint pass inside a cancelled scope", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      let passed = false;
      await scope.run(async () => {
        scope.cancel();
        await trio.lowlevel.cancelShieldedCheckpoint();
        await trio.lowlevel.cancelShieldedCheckpoint();
        passed = true;
        await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);
      });
      // A Cancelled escaping too early would be absorbed by the scope: check we got here.
      expect(passed).toBe(true);
      expect(scope.cancelledCaught).toBe(false);
    });
  });

  it("does not deliver a cancellation whose scope was exited before any checkpoint saw it", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await scope.run(async () => {
        scope.cancel();
        await trio.lowlevel.cancelShieldedCheckpoint();
      });
      await trio.lowlevel.checkpoint();
      expect(scope.cancelCalled).toBe(true);
      expect(scope.cancelledCaught).toBe(false);
    });
  });

  it("passes the body's own errors through untouched, even when cancelled", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      const err = new Error("my own");
      await expect(
        scope.run(async () => {
          scope.cancel();
          throw err;
        }),
      ).rejects.toBe(err);
      expect(scope.cancelledCaught).toBe(false);
    });
  });
});

describe("nested scopes", () => {
  it("lets Cancelled pass through inner scopes to the scope that was cancelled", async () => {
    await runMocked(async () => {
      const outer = new trio.CancelScope();
      const inner = new trio.CancelScope();
      let afterInner = false;
      await outer.run(async () => {
        await inner.run(async () => {
          outer.cancel();
          await trio.lowlevel.checkpoint();
        });
        afterInner = true;
      });
      expect(afterInner).toBe(false);
      expect(inner.cancelCalled).toBe(false);
      expect(inner.cancelledCaught).toBe(false);
      expect(outer.cancelledCaught).toBe(true);
    });
  });

  it("has the outermost of several cancelled scopes catch the Cancelled", async () => {
    await runMocked(async () => {
      const scope1 = new trio.CancelScope();
      const scope2 = new trio.CancelScope();
      const scope3 = new trio.CancelScope();
      await scope1.run(() =>
        scope2.run(() =>
          scope3.run(async () => {
            scope3.cancel();
            scope2.cancel();
            await trio.sleepForever();
          }),
        ),
      );
      expect(scope3.cancelCalled).toBe(true);
      expect(scope3.cancelledCaught).toBe(false);
      expect(scope2.cancelCalled).toBe(true);
      expect(scope2.cancelledCaught).toBe(true);
      expect(scope1.cancelCalled).toBe(false);
      expect(scope1.cancelledCaught).toBe(false);
    });
  });

  it("propagates an outer cancellation into a nursery's children, and the outer scope catches it", async () => {
    await runMocked(async () => {
      const cancelled: string[] = [];
      const scope = new trio.CancelScope();
      await scope.run(async () => {
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
          scope.cancel();
        });
      });
      expect(cancelled.sort()).toEqual(["a", "b"]);
      expect(scope.cancelledCaught).toBe(true);
    });
  });
});

describe("shield", () => {
  it("protects from outer cancellation but not from its own or inner ones, and can change while running", async () => {
    await runMocked(async () => {
      const outer = new trio.CancelScope();
      const inner = new trio.CancelScope();
      const reached: string[] = [];
      await outer.run(async () => {
        await inner.run(async () => {
          await trio.lowlevel.checkpoint();
          outer.cancel();
          await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);

          expect(inner.shield).toBe(false);
          inner.shield = true;
          expect(inner.shield).toBe(true);
          await trio.lowlevel.checkpoint(); // shielded from outer
          reached.push("shielded checkpoint passed");

          const innermost = new trio.CancelScope();
          await innermost.run(async () => {
            innermost.cancel();
            // The shield does not protect from a scope inside it.
            await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);
          });
          await trio.lowlevel.checkpoint();
          reached.push("innermost done");

          inner.shield = false;
          await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);

          inner.shield = true;
          await trio.lowlevel.checkpoint();
          reached.push("shield raised again");
          // Nor does a shield protect from its own scope's cancellation.
          inner.cancel();
          await trio.lowlevel.checkpoint();
          reached.push("not reached");
        });
        reached.push("after inner");
      });
      // Cancelled escaping where it should not would be absorbed by a scope:
      // the markers show how far the body really got.
      expect(reached).toEqual(["shielded checkpoint passed", "innermost done", "shield raised again", "after inner"]);
      expect(inner.cancelledCaught).toBe(true);
      expect(outer.cancelledCaught).toBe(false);
    });
  });

  it("rejects a shield value that is not a boolean", async () => {
    // Trio raises TypeError for `scope.shield = "hello"`.
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      expect(() => {
        scope.shield = "hello" as unknown as boolean;
      }).toThrow(TypeError);
      expect(scope.shield).toBe(false);
    });
  });

  it("takes the shield option in the constructor, and turning it off while running exposes the outer cancellation", async () => {
    await runMocked(async () => {
      const outer = new trio.CancelScope();
      const shielded = new trio.CancelScope({ shield: true });
      let passedShielded = false;
      await outer.run(async () => {
        await shielded.run(async () => {
          outer.cancel();
          await trio.lowlevel.checkpoint();
          passedShielded = true;
          shielded.shield = false;
          await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);
        });
      });
      expect(passedShielded).toBe(true);
    });
  });

  it("lets a shielded child keep working after its nursery was cancelled", async () => {
    await runMocked(async () => {
      const record: string[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await new trio.CancelScope({ shield: true }).run(async () => {
            await trio.sleep(5);
            record.push(`cleanup finished at ${trio.currentTime()}`);
          });
          await trio.sleep(0).catch((e: unknown) => {
            record.push(e instanceof trio.Cancelled ? "cancelled after the shield" : "other");
            throw e;
          });
        });
        await trio.testing.waitAllTasksBlocked();
        n.cancelScope.cancel();
      });
      expect(record).toEqual(["cleanup finished at 5", "cancelled after the shield"]);
    });
  });
});

describe("cancel before, during and after entry", () => {
  it("cancels a scope that was cancelled before it was entered, from another task", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      scope.cancel();
      await trio.openNursery(async (n) => {
        n.startSoon(() => scope.run(() => trio.sleepForever()));
      });
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("cancels a scope from a task other than the one running it", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await trio.openNursery(async (n) => {
        n.startSoon(() => scope.run(() => trio.sleepForever()));
        await trio.testing.waitAllTasksBlocked();
        scope.cancel();
      });
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("reports cancelCalled once an unentered scope's deadline has passed, and never un-cancels", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope({ deadline: trio.currentTime() + 1 });
      expect(scope.cancelCalled).toBe(false);
      scope.deadline -= 1;
      expect(scope.cancelCalled).toBe(true);
      scope.deadline += 1;
      expect(scope.cancelCalled).toBe(true);
    });
  });

  it("keeps cancelCalled but not cancelledCaught when cancelled after exit", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await scope.run(() => trio.lowlevel.checkpoint());
      scope.cancel();
      await trio.lowlevel.checkpoint();
      expect(scope.cancelCalled).toBe(true);
      expect(scope.cancelledCaught).toBe(false);
    });
  });
});

describe("deadline values", () => {
  it("refuses a NaN deadline, in the constructor and on the property", async () => {
    await runMocked(async () => {
      expect(() => new trio.CancelScope({ deadline: NaN })).toThrow(/NaN/);
      const scope = new trio.CancelScope({ deadline: 5 });
      expect(() => {
        scope.deadline = NaN;
      }).toThrow(/NaN/);
      expect(scope.deadline).toBe(5);
    });
  });

  it("treats a deadline of -Infinity as already expired", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope({ deadline: -Infinity });
      expect(scope.cancelCalled).toBe(true);
      await scope.run(() => trio.sleepForever());
      expect(scope.cancelledCaught).toBe(true);
    });
  });
});

describe("nurseries and checkpoints", () => {
  it("runs a nursery's body even in a cancelled scope, and its exit is a checkpoint", async () => {
    // As the tutorial says: entering a nursery is not a checkpoint, leaving it is.
    await runMocked(async () => {
      const record: string[] = [];
      const scope = new trio.CancelScope();
      await scope.run(async () => {
        scope.cancel();
        await trio.openNursery(async () => {
          record.push("body ran");
        });
        record.push("not reached");
      });
      expect(record).toEqual(["body ran"]);
      expect(scope.cancelledCaught).toBe(true);
    });
  });
});

describe("a scope can be run only once", () => {
  it("refuses a second run after the first has finished, saying a scope is single-use", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await scope.run(() => trio.lowlevel.checkpoint());
      let ran = false;
      await expect(
        attempt(() =>
          scope.run(async () => {
            ran = true;
          }),
        ),
      ).rejects.toThrow(/once|single|already|twice|again/i);
      expect(ran).toBe(false);
    });
  });

  it("refuses re-entering a scope from inside itself", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await scope.run(async () => {
        await expect(attempt(() => scope.run(async () => {}))).rejects.toThrow(/once|single|already|twice|again/i);
      });
    });
  });

  it("refuses entering a scope that another task is running", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope();
      await trio.openNursery(async (n) => {
        n.startSoon(() => scope.run(() => trio.sleepForever()));
        await trio.testing.waitAllTasksBlocked();
        await expect(attempt(() => scope.run(async () => {}))).rejects.toThrow(/once|single|already|twice|again/i);
        n.cancelScope.cancel();
      });
    });
  });
});

describe("deadlines on a running scope", () => {
  it("cancels when the deadline passes, and follows deadline changes made while running", async () => {
    // Manual jumps on a clock without autojump.
    const clock = new trio.testing.MockClock();
    await trio.run({ clock }, async () => {
      let start = trio.currentTime();
      const first = new trio.CancelScope();
      await first.run(async () => {
        expect(first.deadline).toBe(Infinity);
        first.deadline = start + 1;
        expect(first.deadline).toBe(start + 1);
      });
      expect(first.cancelCalled).toBe(false);
      clock.jump(2);
      for (let i = 0; i < 3; i++) await trio.lowlevel.checkpoint();
      expect(first.cancelCalled).toBe(false); // it expired after it had exited

      start = trio.currentTime();
      const second = new trio.CancelScope({ deadline: start + 1 });
      await second.run(async () => {
        clock.jump(2);
        await trio.sleepForever();
      });
      expect(second.cancelCalled).toBe(true);
      expect(second.cancelledCaught).toBe(true);

      start = trio.currentTime();
      const third = new trio.CancelScope();
      const thirdProgress: string[] = [];
      await third.run(async () => {
        await trio.lowlevel.checkpoint();
        third.deadline = start + 10;
        await trio.lowlevel.checkpoint();
        clock.jump(5);
        await trio.lowlevel.checkpoint();
        thirdProgress.push("jumped to start + 5 without cancel");
        third.deadline = start + 1; // already in the past
        await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);
        await expect(trio.lowlevel.checkpoint()).rejects.toBeInstanceOf(trio.Cancelled);
        thirdProgress.push("end of body");
      });
      expect(thirdProgress).toEqual(["jumped to start + 5 without cancel", "end of body"]);
      expect(third.cancelledCaught).toBe(false);
    });
  });

  it("wakes a sleeper when its scope's deadline is moved earlier while it sleeps", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope({ deadline: 100 });
      await trio.openNursery(async (n) => {
        n.startSoon(() => scope.run(() => trio.sleep(1000)));
        await trio.sleep(1);
        scope.deadline = 3;
      });
      expect(scope.cancelledCaught).toBe(true);
      expect(trio.currentTime()).toBe(3);
    });
  });

  it("lets a sleeper run on when its scope's deadline is pushed later while it sleeps", async () => {
    await runMocked(async () => {
      const scope = new trio.CancelScope({ deadline: 2 });
      await trio.openNursery(async (n) => {
        n.startSoon(() => scope.run(() => trio.sleep(5)));
        await trio.sleep(1);
        scope.deadline = Infinity;
      });
      expect(scope.cancelledCaught).toBe(false);
      expect(trio.currentTime()).toBe(5);
    });
  });
});
