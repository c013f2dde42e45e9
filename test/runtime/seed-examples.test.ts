// The seed documents' examples that the runtime core can run, translated to
// TypeScript, with their expected output. Lines are collected into an array
// instead of the console; the times at which they were printed are checked too.
//
// Assumption: tasks made runnable at the same moment run in the order they
// became runnable (spawn order, or the order they went to sleep for equal
// deadlines). Trio shuffles such ties on purpose; a course with recorded
// outputs needs them deterministic.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

/** A print() that records lines and the virtual time each was printed at. */
function printer() {
  const lines: string[] = [];
  const times: string[] = [];
  const print = (...parts: unknown[]) => {
    lines.push(parts.map(String).join(" "));
    times.push(trio.currentTime().toFixed(1));
  };
  return { lines, times, print };
}

describe("seed 001: the Trio tutorial", () => {
  it("runs two children sleeping 1 s concurrently, so the parent is done at t=1", async () => {
    const { lines, times, print } = printer();
    async function child1() {
      print("  child1: started! sleeping now...");
      await trio.sleep(1);
      print("  child1: exiting!");
    }
    async function child2() {
      print("  child2: started! sleeping now...");
      await trio.sleep(1);
      print("  child2: exiting!");
    }
    async function parent() {
      print("parent: started!");
      await trio.openNursery(async (nursery) => {
        print("parent: spawning child1...");
        nursery.startSoon(child1);
        print("parent: spawning child2...");
        nursery.startSoon(child2);
        print("parent: waiting for children to finish...");
      });
      print("parent: all done!");
    }
    await trio.run({ clock: autojump() }, parent);
    expect(lines).toEqual([
      "parent: started!",
      "parent: spawning child1...",
      "parent: spawning child2...",
      "parent: waiting for children to finish...",
      "  child1: started! sleeping now...",
      "  child2: started! sleeping now...",
      "  child1: exiting!",
      "  child2: exiting!",
      "parent: all done!",
    ]);
    expect(times).toEqual(["0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "1.0", "1.0", "1.0"]);
  });

  it("traces each step of the children with an instrument, as the tutorial's scheduler trace does", async () => {
    // Plain lines: this test is about the order of steps, not their times.
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    const tracer: trio.abc.Instrument = {
      beforeTaskStep(task) {
        if (task.name.startsWith("child")) print(`>>> about to run one step of task: ${task.name}`);
      },
      afterTaskStep(task) {
        if (task.name.startsWith("child")) print(`<<< task step finished: ${task.name}`);
      },
    };
    async function child1() {
      print("  child1: started! sleeping now...");
      await trio.sleep(1);
      print("  child1: exiting!");
    }
    async function child2() {
      print("  child2: started! sleeping now...");
      await trio.sleep(1);
      print("  child2: exiting!");
    }
    await trio.run({ clock: autojump(), instruments: [tracer] }, async () => {
      await trio.openNursery(async (nursery) => {
        nursery.startSoon(child1);
        nursery.startSoon(child2);
      });
    });
    expect(lines).toEqual([
      ">>> about to run one step of task: child1",
      "  child1: started! sleeping now...",
      "<<< task step finished: child1",
      ">>> about to run one step of task: child2",
      "  child2: started! sleeping now...",
      "<<< task step finished: child2",
      ">>> about to run one step of task: child1",
      "  child1: exiting!",
      "<<< task step finished: child1",
      ">>> about to run one step of task: child2",
      "  child2: exiting!",
      "<<< task step finished: child2",
    ]);
  });

  it("prints both done at t=1.0, as the README's example says", async () => {
    const { lines, print } = printer();
    async function child(name: string) {
      print(`${name}: started, sleeping 1 s`);
      await trio.sleep(1);
      print(`${name}: done`);
    }
    await trio.run({ clock: autojump() }, async () => {
      await trio.openNursery(async (nursery) => {
        nursery.startSoon(child, "child1");
        nursery.startSoon(child, "child2");
      });
      print(`both done at t=${trio.currentTime().toFixed(1)}`);
    });
    expect(lines).toEqual([
      "child1: started, sleeping 1 s",
      "child2: started, sleeping 1 s",
      "child1: done",
      "child2: done",
      "both done at t=1.0",
    ]);
  });
});

describe("seed 003: the structured concurrency talk", () => {
  it("calls sync code from async code: run(cube, 2) is 8", async () => {
    const square = (n: number) => n * n;
    async function cube(n: number) {
      return n * square(n);
    }
    await expect(trio.run(cube, 2)).resolves.toBe(8);
  });

  it("waits for both print_lines children before the parent is all done", async () => {
    const { lines, times, print } = printer();
    async function printLines(msg: string, n: number) {
      for (let i = 0; i < n; i++) {
        print(i + 1, msg);
        await trio.sleep(0.2);
      }
      print("task finished:", msg);
    }
    await trio.run({ clock: autojump() }, async () => {
      print("parent: started!");
      await trio.openNursery(async (nursery) => {
        nursery.startSoon(printLines, "task1", 4);
        nursery.startSoon(printLines, "task2", 2);
        print("parent: waiting for tasks to finish...");
      });
      print("parent: all done!");
    });
    expect(lines).toEqual([
      "parent: started!",
      "parent: waiting for tasks to finish...",
      "1 task1",
      "1 task2",
      "2 task1",
      "2 task2",
      "3 task1",
      "task finished: task2",
      "4 task1",
      "task finished: task1",
      "parent: all done!",
    ]);
    expect(times).toEqual(["0.0", "0.0", "0.0", "0.0", "0.2", "0.2", "0.4", "0.4", "0.6", "0.8", "0.8"]);
  });

  it("moves on after 3 s, then fails after 2 s with TooSlowError", async () => {
    const { lines, times, print } = printer();
    let caught: unknown;
    await trio.run({ clock: autojump() }, async () => {
      await trio.moveOnAfter(3, async () => {
        print("Went to sleep");
        await trio.sleep(2);
        print("Still sleeping");
        await trio.sleep(2);
        print("Woke up on my own");
      });
      print("Nap time is over");
      try {
        await trio.failAfter(2, () =>
          trio.openNursery(async (n) => {
            n.startSoon(trio.sleep, 1);
            n.startSoon(trio.sleep, 3);
            await trio.sleep(4);
          }),
        );
      } catch (e) {
        caught = e;
        if (e instanceof trio.TooSlowError) print(`Took too long: ${e.name}`);
        else throw e;
      }
    });
    expect(caught).toBeInstanceOf(trio.TooSlowError);
    expect(lines).toEqual(["Went to sleep", "Still sleeping", "Nap time is over", "Took too long: TooSlowError"]);
    expect(times).toEqual(["0.0", "2.0", "3.0", "5.0"]);
  });

  it("lets the time bomb cancel its siblings, and the parent sees its error", async () => {
    const { lines, times, print } = printer();
    async function printLines(msg: string, n: number) {
      for (let i = 0; i < n; i++) {
        print(i + 1, msg);
        await trio.sleep(0.4);
      }
    }
    async function timebomb(delay: number) {
      await trio.sleep(delay);
      throw new Error("KABOOOM!");
    }
    let caught: unknown;
    await trio.run({ clock: autojump() }, async () => {
      try {
        await trio.openNursery(async (n) => {
          n.startSoon(printLines, "child", 5);
          n.startSoon(timebomb, 1);
          await printLines("body", 5);
        });
      } catch (e) {
        caught = e;
        print(`Error: ${(e as Error).message}`);
      }
    });
    // One error, so the loose mode of the talk raises it bare.
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(trio.ExceptionGroup);
    expect(lines).toEqual(["1 body", "1 child", "2 body", "2 child", "3 body", "3 child", "Error: KABOOOM!"]);
    expect(times).toEqual(["0.0", "0.0", "0.4", "0.4", "0.8", "0.8", "1.0"]);
  });
});

describe("seed 004: async programming for humans", () => {
  async function sleepy(print: (...p: unknown[]) => void, seconds: number) {
    print(`Sleeping for ${seconds} seconds`);
    await trio.sleep(seconds);
    print(`Slept ${seconds} seconds`);
  }

  it("returns 6 from run(double, 3)", async () => {
    async function double(x: number) {
      return 2 * x;
    }
    await expect(trio.run(double, 3)).resolves.toBe(6);
  });

  it("runs five sleepy tasks concurrently and prints All done at the end", async () => {
    const { lines, times, print } = printer();
    await trio.run({ clock: autojump() }, async () => {
      await trio.openNursery(async (nursery) => {
        for (let i = 0; i < 5; i++) nursery.startSoon(sleepy, print, i);
        print("Started all tasks");
      });
      print("All done");
    });
    expect(lines).toEqual([
      "Started all tasks",
      "Sleeping for 0 seconds",
      "Sleeping for 1 seconds",
      "Sleeping for 2 seconds",
      "Sleeping for 3 seconds",
      "Sleeping for 4 seconds",
      "Slept 0 seconds",
      "Slept 1 seconds",
      "Slept 2 seconds",
      "Slept 3 seconds",
      "Slept 4 seconds",
      "All done",
    ]);
    expect(times.at(-1)).toBe("4.0");
  });

  it("spawns tasks dynamically from a child into the nursery, which outlive the starter", async () => {
    const { lines, times, print } = printer();
    const parents = new Set<unknown>();
    let theNursery: trio.Nursery | undefined;
    async function starter(nursery: trio.Nursery) {
      for (let i = 0; i < 7; i++) {
        nursery.startSoon(async (s: number) => {
          parents.add(trio.lowlevel.currentTask().parentNursery);
          await sleepy(print, s);
        }, i);
      }
      print("starter done");
    }
    await trio.run({ clock: autojump() }, async () => {
      await trio.openNursery(async (nursery) => {
        theNursery = nursery;
        nursery.startSoon(starter, nursery);
      });
      print("all done");
    });
    expect(lines).toEqual([
      "starter done",
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => `Sleeping for ${i} seconds`),
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => `Slept ${i} seconds`),
      "all done",
    ]);
    expect(times.at(-1)).toBe("6.0");
    // The sleepy tasks belong to the nursery, not to the starter that spawned them.
    expect([...parents]).toEqual([theNursery]);
  });

  it("cancels a nursery of sleepers after 3 s with move_on_after", async () => {
    const { lines, times, print } = printer();
    await trio.run({ clock: autojump() }, async () => {
      await trio.moveOnAfter(3, () =>
        trio.openNursery(async (nursery) => {
          nursery.startSoon(sleepy, print, 10);
        }),
      );
      print("All done");
    });
    expect(lines).toEqual(["Sleeping for 10 seconds", "All done"]);
    expect(times).toEqual(["0.0", "3.0"]);
  });
});

describe("seed 000: concurrency slides", () => {
  it("waits for nested nurseries from the inside out", async () => {
    const { lines, times, print } = printer();
    async function coroutine(name: string, seconds: number) {
      print(`${name}: start`);
      await trio.sleep(seconds);
      print(`${name}: end`);
    }
    await trio.run({ clock: autojump() }, async () => {
      print("parent: start nursery");
      await trio.openNursery(async (outer) => {
        outer.startSoon(coroutine, "coroutine1", 1);
        outer.startSoon(async () => {
          await trio.openNursery(async (inner) => {
            inner.startSoon(coroutine, "coroutine2", 2);
            inner.startSoon(coroutine, "coroutine3", 3);
          });
          print("inner nursery finished");
        });
      });
      print("parent: nursery finished");
    });
    expect(lines).toEqual([
      "parent: start nursery",
      "coroutine1: start",
      "coroutine2: start",
      "coroutine3: start",
      "coroutine1: end",
      "coroutine2: end",
      "coroutine3: end",
      "inner nursery finished",
      "parent: nursery finished",
    ]);
    expect(times).toEqual(["0.0", "0.0", "0.0", "0.0", "1.0", "2.0", "3.0", "3.0", "3.0"]);
  });

  it("reports a hard cancel through cancelledCaught after move_on_after(2)", async () => {
    const { lines, times, print } = printer();
    async function coroutine1() {
      await trio.sleep(5);
      print("coroutine1 finished");
    }
    await trio.run({ clock: autojump() }, async () => {
      const cancelScope = await trio.moveOnAfter(2, coroutine1);
      if (cancelScope.cancelledCaught) print("coroutine cancelled!");
    });
    expect(lines).toEqual(["coroutine cancelled!"]);
    expect(times).toEqual(["2.0"]);
  });
});
