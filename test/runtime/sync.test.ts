// Behaviours of Event, Lock, StrictFIFOLock, Semaphore, CapacityLimiter and
// Condition, after Trio's test_sync.py, in our words. Every test runs on a
// mock clock with autojump; `waitAllTasksBlocked` lets everything settle.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });
const runTest = <R>(fn: () => Promise<R>) => trio.run({ clock: autojump() }, fn);
const settle = () => trio.testing.waitAllTasksBlocked();
const { assertCheckpoints, assertNoCheckpoints } = trio.testing;

describe("Event", () => {
  it("wakes every waiter at once when set, and later waits return immediately", async () => {
    await runTest(async () => {
      const event = new trio.Event();
      expect(event.isSet()).toBe(false);
      const woken: number[] = [];
      await trio.openNursery(async (n) => {
        for (const i of [1, 2, 3]) {
          n.startSoon(async () => {
            await event.wait();
            woken.push(i);
          });
        }
        await settle();
        expect(event.statistics()).toEqual({ tasksWaiting: 3 });
        expect(woken).toEqual([]);
        event.set();
        event.set(); // idempotent
        expect(event.isSet()).toBe(true);
      });
      expect(woken).toEqual([1, 2, 3]);
      expect(event.statistics()).toEqual({ tasksWaiting: 0 });
      await assertCheckpoints(() => event.wait());
    });
  });

  it("is a cancellation point even when already set", async () => {
    await runTest(async () => {
      const event = new trio.Event();
      event.set();
      const scope = await trio.moveOnAfter(Infinity, async (s) => {
        s.cancel();
        await event.wait();
        throw new Error("unreachable: wait() should have raised Cancelled");
      });
      expect(scope.cancelledCaught).toBe(true);
    });
  });
});

/** The lock-like primitives, each with a way to make a fresh one that admits one holder. */
const lockFactories: [string, () => { acquire(): Promise<void>; acquireNowait(): void; release(): void; withAcquired<R>(b: () => Promise<R> | R): Promise<R>; acquireGuard(): Promise<trio.AcquireGuard>; statistics(): { tasksWaiting: number } }][] = [
  ["Lock", () => new trio.Lock()],
  ["StrictFIFOLock", () => new trio.StrictFIFOLock()],
  ["Semaphore(1)", () => new trio.Semaphore(1)],
  ["CapacityLimiter(1)", () => new trio.CapacityLimiter(1)],
  ["Condition", () => new trio.Condition()],
];

/** Tasks queued for the lock (a Condition reports its lock's queue apart from its own). */
const waiting = (lock: { statistics(): object }) => {
  const stats = lock.statistics() as { tasksWaiting: number; lockStatistics?: { tasksWaiting: number } };
  return stats.lockStatistics?.tasksWaiting ?? stats.tasksWaiting;
};

describe.each(lockFactories)("%s as a lock", (_name, make) => {
  it("lets one task at a time into the critical section", async () => {
    await runTest(async () => {
      const lock = make();
      let inside = 0;
      let maxInside = 0;
      const worker = async () => {
        for (let i = 0; i < 5; i++) {
          await lock.withAcquired(async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            await trio.sleep(0.1);
            inside--;
          });
        }
      };
      await trio.openNursery(async (n) => {
        for (let i = 0; i < 4; i++) n.startSoon(worker);
      });
      expect(maxInside).toBe(1);
      expect(trio.currentTime()).toBeCloseTo(2.0); // 4 workers × 5 turns × 0.1 s, one at a time
    });
  });

  it("hands the lock over in FIFO order, so a greedy task cannot starve the others", async () => {
    await runTest(async () => {
      const lock = make();
      const order: number[] = [];
      const worker = async (id: number) => {
        for (let i = 0; i < 3; i++) {
          await lock.acquire();
          order.push(id);
          await trio.lowlevel.checkpoint();
          lock.release(); // and immediately queue again
        }
      };
      await trio.openNursery(async (n) => {
        for (const id of [0, 1, 2]) n.startSoon(worker, id);
      });
      expect(order).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    });
  });

  it("acquireNowait raises WouldBlock when held, and when others are already queued", async () => {
    await runTest(async () => {
      const lock = make();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await lock.acquire();
          await trio.sleep(1);
          lock.release();
        });
        await settle();
        expect(() => lock.acquireNowait()).toThrow(trio.WouldBlock);
        n.startSoon(() => lock.withAcquired(() => trio.sleep(1)));
        await settle();
        expect(waiting(lock)).toBe(1);
        await trio.sleep(1.5); // the first released: the waiter holds it now
        expect(() => lock.acquireNowait()).toThrow(trio.WouldBlock);
      });
      await assertNoCheckpoints(() => lock.acquireNowait());
      lock.release();
    });
  });

  it("acquire() and withAcquired() are checkpoints on the fast path", async () => {
    await runTest(async () => {
      const lock = make();
      await assertCheckpoints(() => lock.acquire());
      lock.release();
      await assertCheckpoints(() => lock.withAcquired(() => 1));
    });
  });

  it("a cancelled acquire() leaves the queue and does not take the lock", async () => {
    await runTest(async () => {
      const lock = make();
      await trio.openNursery(async (n) => {
        n.startSoon(() => lock.withAcquired(() => trio.sleep(2)));
        await settle();
        const scope = await trio.moveOnAfter(1, () => lock.acquire());
        expect(scope.cancelledCaught).toBe(true);
        expect(waiting(lock)).toBe(0);
      });
      lock.acquireNowait(); // nobody holds it: the cancelled acquire did not take it
      lock.release();
    });
  });

  it("releases through a `using` guard, even when the block throws", async () => {
    await runTest(async () => {
      const lock = make();
      const failing = async () => {
        using guard = await lock.acquireGuard();
        expect(guard.held).toBe(true);
        expect(() => lock.acquireNowait()).toThrow();
        throw new Error("boom");
      };
      await expect(failing()).rejects.toThrow("boom");
      lock.acquireNowait();
      lock.release();
      {
        await using _guard = await lock.acquireGuard();
      }
      const guard = await lock.acquireGuard();
      guard.release();
      guard[Symbol.dispose](); // already released: nothing happens
      lock.acquireNowait();
      lock.release();
    });
  });
});

describe.each([
  ["Lock", () => new trio.Lock()],
  ["StrictFIFOLock", () => new trio.StrictFIFOLock()],
])("%s", (name, make) => {
  it("reports locked(), its owner and its waiters", async () => {
    await runTest(async () => {
      const lock = make();
      const me = trio.lowlevel.currentTask();
      expect(lock.locked()).toBe(false);
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
      await lock.acquire();
      expect(lock.locked()).toBe(true);
      await trio.openNursery(async (n) => {
        n.startSoon(() => lock.withAcquired(() => undefined));
        await settle();
        expect(lock.statistics()).toEqual({ locked: true, owner: me, tasksWaiting: 1 });
        lock.release();
      });
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
    });
  });

  it("refuses to be acquired twice by the same task, with a message saying so", async () => {
    await runTest(async () => {
      const lock = make();
      await lock.acquire();
      await expect(lock.acquire()).rejects.toThrow(/already holds.*not re-entrant/);
      expect(() => lock.acquireNowait()).toThrow(trio.TrioRuntimeError);
      lock.release();
    });
  });

  it("refuses a release by a task that does not hold it", async () => {
    await runTest(async () => {
      const lock = make();
      expect(() => lock.release()).toThrow(new RegExp(`${name}.release\\(\\): task .* does not hold this lock \\(nobody holds it\\)`));
      await trio.openNursery(async (n) => {
        n.startSoon({ name: "holder" }, async () => {
          await lock.acquire();
          await trio.sleep(1);
          lock.release();
        });
        await settle();
        expect(() => lock.release()).toThrow(/task holder holds it/);
      });
    });
  });

  it("fails the waiters with BrokenResourceError when its owner exits without releasing", async () => {
    await runTest(async () => {
      const lock = make();
      const errors: unknown[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon({ name: "forgetful" }, async () => {
          await lock.acquire();
          await trio.sleep(1); // exits holding the lock
        });
        await settle();
        for (let i = 0; i < 2; i++) n.startSoon(() => lock.acquire().catch((e) => errors.push(e)));
      });
      expect(errors).toHaveLength(2);
      for (const e of errors) {
        expect(e).toBeInstanceOf(trio.BrokenResourceError);
        expect(String(e)).toMatch(/its owner, task forgetful, exited without releasing it/);
      }
      // Later acquirers fail too, rather than hang.
      await expect(lock.acquire()).rejects.toThrow(trio.BrokenResourceError);
    });
  });

  it("does not break when the owner released before exiting, even after a hand-off", async () => {
    await runTest(async () => {
      const lock = make();
      await trio.openNursery(async (n) => {
        n.startSoon(() => lock.withAcquired(() => trio.sleep(1)));
        await settle();
        n.startSoon(() => lock.withAcquired(() => trio.sleep(1)));
      });
      await lock.acquire();
      lock.release();
    });
  });
});

describe("Semaphore", () => {
  it("counts permits down and up, and reports them", async () => {
    await runTest(async () => {
      const sem = new trio.Semaphore(2);
      expect(sem.value).toBe(2);
      expect(sem.maxValue).toBeUndefined();
      await sem.acquire();
      sem.acquireNowait();
      expect(sem.value).toBe(0);
      expect(() => sem.acquireNowait()).toThrow(trio.WouldBlock);
      sem.release();
      sem.release();
      sem.release(); // unbounded: the value may grow past the initial one
      expect(sem.value).toBe(3);
      expect(sem.statistics()).toEqual({ tasksWaiting: 0 });
    });
  });

  it("hands a released permit straight to the oldest waiter", async () => {
    await runTest(async () => {
      const sem = new trio.Semaphore(0);
      const got: number[] = [];
      await trio.openNursery(async (n) => {
        for (const i of [1, 2]) {
          n.startSoon(async () => {
            await sem.acquire();
            got.push(i);
          });
          await settle();
        }
        expect(sem.statistics().tasksWaiting).toBe(2);
        sem.release();
        expect(sem.value).toBe(0); // given away, not counted
        await settle();
        expect(got).toEqual([1]);
        sem.release();
      });
      expect(got).toEqual([1, 2]);
    });
  });

  it("may be released by a task that did not acquire it", async () => {
    await runTest(async () => {
      const sem = new trio.Semaphore(1);
      await sem.acquire();
      await trio.openNursery(async (n) => n.startSoon(async () => sem.release()));
      expect(sem.value).toBe(1);
    });
  });

  it("refuses to be released past maxValue", async () => {
    await runTest(async () => {
      const sem = new trio.Semaphore(1, { maxValue: 2 });
      expect(sem.maxValue).toBe(2);
      sem.release();
      expect(() => sem.release()).toThrow(/released too many times.*maxValue \(2\)/);
      expect(sem.value).toBe(2);
    });
  });

  it("validates its arguments", () => {
    expect(() => new trio.Semaphore(-1)).toThrow(RangeError);
    expect(() => new trio.Semaphore(1.5)).toThrow(TypeError);
    expect(() => new trio.Semaphore("1" as never)).toThrow(TypeError);
    expect(() => new trio.Semaphore(3, { maxValue: 2 })).toThrow(/must not exceed maxValue/);
    expect(() => new trio.Semaphore(0, { maxValue: 0.5 })).toThrow(TypeError);
  });
});

describe("CapacityLimiter", () => {
  it("lends at most totalTokens tokens, one per borrower, and reports who holds them", async () => {
    await runTest(async () => {
      const limiter = new trio.CapacityLimiter(2);
      expect([limiter.totalTokens, limiter.borrowedTokens, limiter.availableTokens]).toEqual([2, 0, 2]);
      await limiter.acquire();
      expect([limiter.borrowedTokens, limiter.availableTokens]).toEqual([1, 1]);
      const me = trio.lowlevel.currentTask();
      await expect(limiter.acquire()).rejects.toThrow(/already holds one of this limiter's tokens/);
      expect(() => limiter.acquireNowait()).toThrow(trio.TrioRuntimeError);
      limiter.acquireOnBehalfOfNowait("job-1");
      expect(() => limiter.acquireOnBehalfOfNowait("job-2")).toThrow(trio.WouldBlock);
      expect(limiter.statistics()).toEqual({ borrowedTokens: 2, totalTokens: 2, borrowers: [me, "job-1"], tasksWaiting: 0 });
      expect(() => limiter.releaseOnBehalfOf("job-2")).toThrow(/borrower "job-2" \(string\) does not hold any/);
      limiter.releaseOnBehalfOf("job-1");
      limiter.release();
      expect(() => limiter.release()).toThrow(/does not hold any of this limiter's tokens/);
      expect(limiter.borrowedTokens).toBe(0);
    });
  });

  it("gives returned tokens to waiters in FIFO order, on behalf of whom they asked", async () => {
    await runTest(async () => {
      const limiter = new trio.CapacityLimiter(1);
      const got: string[] = [];
      limiter.acquireOnBehalfOfNowait("first");
      await trio.openNursery(async (n) => {
        for (const who of ["a", "b", "c"]) {
          n.startSoon(async () => {
            await limiter.acquireOnBehalfOf(who);
            got.push(who);
          });
          await settle();
        }
        expect(limiter.statistics().tasksWaiting).toBe(3);
        limiter.releaseOnBehalfOf("first");
        await settle();
        expect(limiter.statistics().borrowers).toEqual(["a"]);
        limiter.releaseOnBehalfOf("a");
        await settle();
        limiter.releaseOnBehalfOf("b");
      });
      expect(got).toEqual(["a", "b", "c"]);
      expect(limiter.statistics().borrowers).toEqual(["c"]);
    });
  });

  it("wakes waiters when totalTokens grows and holds new ones back when it shrinks", async () => {
    await runTest(async () => {
      const limiter = new trio.CapacityLimiter(1);
      await trio.openNursery(async (n) => {
        for (const who of ["a", "b", "c", "d"]) n.startSoon(() => limiter.acquireOnBehalfOf(who));
        await settle();
        expect(limiter.borrowedTokens).toBe(1);
        limiter.totalTokens = 3;
        await settle();
        expect(limiter.statistics().borrowers).toEqual(["a", "b", "c"]);
        limiter.totalTokens = 1;
        expect(limiter.availableTokens).toBe(0);
        limiter.releaseOnBehalfOf("a");
        limiter.releaseOnBehalfOf("b");
        await settle();
        expect(limiter.statistics()).toMatchObject({ borrowers: ["c"], tasksWaiting: 1 });
        limiter.releaseOnBehalfOf("c");
      });
      expect(limiter.statistics().borrowers).toEqual(["d"]);
    });
  });

  it("can be infinite", async () => {
    await runTest(async () => {
      const limiter = new trio.CapacityLimiter(Infinity);
      for (let i = 0; i < 100; i++) limiter.acquireOnBehalfOfNowait(i);
      expect([limiter.borrowedTokens, limiter.availableTokens]).toEqual([100, Infinity]);
      limiter.totalTokens = 200;
      expect(limiter.availableTokens).toBe(100);
    });
  });

  it("forgets a cancelled waiter entirely", async () => {
    await runTest(async () => {
      const limiter = new trio.CapacityLimiter(1);
      limiter.acquireOnBehalfOfNowait("holder");
      const scope = await trio.moveOnAfter(1, () => limiter.acquireOnBehalfOf("impatient"));
      expect(scope.cancelledCaught).toBe(true);
      limiter.releaseOnBehalfOf("holder");
      expect(limiter.statistics()).toEqual({ borrowedTokens: 0, totalTokens: 1, borrowers: [], tasksWaiting: 0 });
    });
  });

  it("validates totalTokens", () => {
    expect(() => new trio.CapacityLimiter(0)).toThrow(RangeError);
    expect(() => new trio.CapacityLimiter(1.5)).toThrow(TypeError);
    expect(() => new trio.CapacityLimiter("2" as never)).toThrow(TypeError);
    const limiter = new trio.CapacityLimiter(1);
    expect(() => (limiter.totalTokens = -1)).toThrow(RangeError);
    expect(limiter.totalTokens).toBe(1);
  });
});

describe("Condition", () => {
  it("must be held to wait or notify", async () => {
    await runTest(async () => {
      const cond = new trio.Condition();
      await expect(cond.wait()).rejects.toThrow(/must hold the condition's lock/);
      expect(() => cond.notify()).toThrow(/must hold the condition's lock/);
      expect(() => cond.notifyAll()).toThrow(trio.TrioRuntimeError);
    });
  });

  it("accepts only a plain Lock", () => {
    expect(() => new trio.Condition(new trio.StrictFIFOLock() as never)).toThrow(TypeError);
    expect(() => new trio.Condition({} as never)).toThrow(TypeError);
    const lock = new trio.Lock();
    const cond = new trio.Condition(lock);
    expect(cond.locked()).toBe(false);
  });

  it("wakes waiters in order, n at a time, each holding the lock when wait() returns", async () => {
    await runTest(async () => {
      const cond = new trio.Condition();
      const woken: number[] = [];
      const waiter = async (i: number) => {
        await cond.withAcquired(async () => {
          await cond.wait();
          expect(cond.statistics().lockStatistics.owner).toBe(trio.lowlevel.currentTask());
          woken.push(i);
        });
      };
      await trio.openNursery(async (n) => {
        for (const i of [1, 2, 3, 4]) n.startSoon(waiter, i);
        await settle();
        expect(cond.statistics()).toMatchObject({ tasksWaiting: 4, lockStatistics: { locked: false } });
        await cond.withAcquired(() => cond.notify());
        await settle();
        expect(woken).toEqual([1]);
        await cond.withAcquired(async () => {
          cond.notify(2);
          // They are queued on the lock now, and wake only once we release it.
          expect(cond.statistics()).toMatchObject({ tasksWaiting: 1, lockStatistics: { tasksWaiting: 2 } });
          await settle();
          expect(woken).toEqual([1]);
        });
        await settle();
        expect(woken).toEqual([1, 2, 3]);
        await cond.withAcquired(() => cond.notifyAll());
      });
      expect(woken).toEqual([1, 2, 3, 4]);
    });
  });

  it("returns holding the lock even when wait() is cancelled", async () => {
    await runTest(async () => {
      const cond = new trio.Condition();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await cond.acquire();
          const scope = await trio.moveOnAfter(1, () => cond.wait());
          expect(scope.cancelledCaught).toBe(true);
          expect(cond.statistics().lockStatistics.owner).toBe(trio.lowlevel.currentTask());
          cond.release();
        });
        // Hold the lock across the deadline: the cancelled waiter must wait for it.
        await trio.sleep(0.5);
        await cond.acquire();
        await trio.sleep(1);
        expect(cond.statistics().lockStatistics.tasksWaiting).toBe(1);
        cond.release();
      });
      expect(cond.locked()).toBe(false);
    });
  });

  it("a notified waiter cancelled while queued for the lock still returns holding it", async () => {
    await runTest(async () => {
      const cond = new trio.Condition();
      const scope = new trio.CancelScope();
      let held = false;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await cond.acquire();
          await scope.run(() => cond.wait());
          held = cond.statistics().lockStatistics.owner === trio.lowlevel.currentTask();
          cond.release();
        });
        await settle();
        await cond.withAcquired(async () => {
          cond.notify();
          scope.cancel(); // the waiter sits in the lock's queue now
          await settle();
        });
      });
      expect(held).toBe(true);
      expect(scope.cancelledCaught).toBe(true);
    });
  });

  it("wait() is a checkpoint", async () => {
    await runTest(async () => {
      const cond = new trio.Condition();
      await trio.openNursery(async (n) => {
        n.startSoon(() => cond.withAcquired(() => assertCheckpoints(() => cond.wait())));
        await settle();
        await cond.withAcquired(() => cond.notify());
      });
    });
  });
});
