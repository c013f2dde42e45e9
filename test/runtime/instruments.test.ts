// Instruments: hook order, run options, add/removeInstrument, a broken hook.
// Ported in our own words from the behaviours Trio's test_instrumentation.py asserts.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as trio from "../../runtime/index.ts";

type Task = trio.lowlevel.Task;
type Event = [string] | [string, Task];

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

/** Records the scheduling hooks, like Trio's TaskRecorder. */
class TaskRecorder implements trio.abc.Instrument {
  record: Event[] = [];
  beforeRun() {
    this.record.push(["beforeRun"]);
  }
  taskScheduled(task: Task) {
    this.record.push(["scheduled", task]);
  }
  beforeTaskStep(task: Task) {
    this.record.push(["before", task]);
  }
  afterTaskStep(task: Task) {
    this.record.push(["after", task]);
  }
  afterRun() {
    this.record.push(["afterRun"]);
  }
  /** The run-wide events and those of the given tasks, in order. */
  filterTasks(tasks: Task[]): Event[] {
    return this.record.filter((e) => e.length === 1 || tasks.includes(e[1]));
  }
}

/** Collects what goes to stderr, whether through console.error/warn or process.stderr. */
function captureStderr() {
  const chunks: string[] = [];
  const text = (args: unknown[]) =>
    args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}\n${a.stack}` : String(a))).join(" ");
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    chunks.push(text(args));
  });
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    chunks.push(text(args));
  });
  vi.spyOn(process.stderr, "write").mockImplementation(((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write);
  return () => chunks.join("\n");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("instruments", () => {
  it("sees a single task's steps in Trio's order, and hands over correctly on add and remove", async () => {
    const r1 = new TaskRecorder();
    const r2 = new TaskRecorder();
    const r3 = new TaskRecorder();
    let task: Task | undefined;
    await trio.run({ instruments: [r1, r2] }, async () => {
      for (let i = 0; i < 4; i++) await trio.lowlevel.checkpoint();
      trio.lowlevel.removeInstrument(r2);
      trio.lowlevel.addInstrument(r3);
      trio.lowlevel.addInstrument(r3); // adding twice is the same as once
      await trio.lowlevel.checkpoint();
      task = trio.lowlevel.currentTask();
    });
    const step: Event[] = [
      ["before", task!],
      ["scheduled", task!],
      ["after", task!],
    ];
    const expected: Event[] = [
      ["beforeRun"],
      ["scheduled", task!],
      ...step,
      ...step,
      ...step,
      ...step,
      ...step,
      ["before", task!],
      ["after", task!],
      ["afterRun"],
    ];
    expect(r1.filterTasks([task!])).toEqual(expected);
    // r2 saw everything up to its removal, r3 everything after its addition.
    expect(r1.record).toEqual([...r2.record, ...r3.record]);
    expect(r3.record.filter((e) => e[0] === "afterRun")).toHaveLength(1);
  });

  it("runs both tasks' first steps before either task's second step", async () => {
    const r = new TaskRecorder();
    const tasks: Record<string, Task> = {};
    async function twoStep(name: string) {
      tasks[name] = trio.lowlevel.currentTask();
      await trio.lowlevel.checkpoint();
    }
    await trio.run({ instruments: [r] }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(twoStep, "t1");
        n.startSoon(twoStep, "t2");
      });
    });
    const t1 = tasks.t1!;
    const t2 = tasks.t2!;
    const events = r.filterTasks([t1, t2]);
    expect(events[0]).toEqual(["beforeRun"]);
    expect(events.at(-1)).toEqual(["afterRun"]);
    const middle = events.slice(1, -1);
    expect(middle.slice(0, 2)).toEqual([
      ["scheduled", t1],
      ["scheduled", t2],
    ]);
    const firstBatch = middle.slice(2, 8);
    const secondBatch = middle.slice(8);
    expect(firstBatch).toHaveLength(6);
    expect(secondBatch).toHaveLength(4);
    for (const t of [t1, t2]) {
      expect(firstBatch.filter((e) => e[1] === t)).toEqual([
        ["before", t],
        ["scheduled", t],
        ["after", t],
      ]);
      expect(secondBatch.filter((e) => e[1] === t)).toEqual([
        ["before", t],
        ["after", t],
      ]);
    }
  });

  it("calls taskSpawned before taskScheduled, and taskExited once per task", async () => {
    const events: string[] = [];
    const instrument: trio.abc.Instrument = {
      taskSpawned: (t) => events.push(`spawned ${t.name}`),
      taskScheduled: (t) => events.push(`scheduled ${t.name}`),
      taskExited: (t) => events.push(`exited ${t.name}`),
    };
    async function child() {
      await trio.sleep(0);
    }
    await trio.run({ instruments: [instrument] }, async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(child);
      });
    });
    const mine = events.filter((e) => e.endsWith(" child"));
    expect(mine[0]).toBe("spawned child");
    expect(mine[1]).toBe("scheduled child");
    expect(mine.filter((e) => e === "exited child")).toHaveLength(1);
    expect(mine.at(-1)).toBe("exited child");
  });

  it("calls beforeRun first and afterRun last", async () => {
    const events: string[] = [];
    await trio.run(
      {
        instruments: [
          {
            beforeRun: () => events.push("beforeRun"),
            afterRun: () => events.push("afterRun"),
            beforeTaskStep: () => events.push("step"),
          },
        ],
      },
      async () => {
        events.push("main");
      },
    );
    expect(events[0]).toBe("beforeRun");
    expect(events.at(-1)).toBe("afterRun");
    expect(events).toContain("main");
    expect(events.indexOf("main")).toBeGreaterThan(events.indexOf("step"));
  });

  it("accepts an instrument that implements no hook at all", async () => {
    await expect(trio.run({ instruments: [{}] }, async () => 5)).resolves.toBe(5);
  });

  it("pairs beforeIoWait and afterIoWait around the waits for timers", async () => {
    const waits: Array<[string, number]> = [];
    await trio.run(
      {
        clock: autojump(),
        instruments: [
          {
            beforeIoWait: (timeout) => waits.push(["before", timeout]),
            afterIoWait: (timeout) => waits.push(["after", timeout]),
          },
        ],
      },
      () => trio.sleep(1),
    );
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.length % 2).toBe(0);
    for (let i = 0; i < waits.length; i += 2) {
      expect(waits[i]![0]).toBe("before");
      expect(waits[i + 1]![0]).toBe("after");
      expect(waits[i + 1]![1]).toBe(waits[i]![1]);
      expect(typeof waits[i]![1]).toBe("number");
      expect(waits[i]![1]).toBeGreaterThanOrEqual(0);
    }
  });

  it("lets an instrument added during the run see the rest of it, and stops calling one removed", async () => {
    const seen: string[] = [];
    const late: trio.abc.Instrument = {
      beforeTaskStep: (t) => seen.push(`step ${t.name}`),
      afterRun: () => seen.push("afterRun"),
    };
    await trio.run(async function main() {
      trio.lowlevel.addInstrument(late);
      await trio.sleep(0);
      trio.lowlevel.removeInstrument(late);
      await trio.sleep(0);
      await trio.sleep(0);
    });
    expect(seen).toEqual(["step main"]);
  });

  it("throws when removing an instrument that is not installed", async () => {
    // Trio raises KeyError; any clear error will do.
    await trio.run(async () => {
      expect(() => trio.lowlevel.removeInstrument({})).toThrow(/instrument/i);
    });
  });
});

describe("what a hook may call", () => {
  it("lets every hook read currentTime(), as Trio's hooks run inside the run", async () => {
    // Trio keeps the run context set for the whole run loop, instruments
    // included, so a tracer can stamp its lines with trio.current_time().
    const readStderr = captureStderr();
    const stamps: string[] = [];
    const stamp = (what: string) => () => {
      stamps.push(`${what} at ${trio.currentTime()}`);
    };
    const instrument: trio.abc.Instrument = {
      taskScheduled: stamp("scheduled"),
      beforeTaskStep: stamp("before"),
      afterTaskStep: stamp("after"),
      taskExited: stamp("exited"),
    };
    await trio.run({ clock: autojump(), instruments: [instrument] }, async () => {
      await trio.sleep(1);
      await trio.sleep(1);
    });
    expect(readStderr()).toBe("");
    expect(stamps).toContain("before at 1");
    expect(stamps).toContain("before at 2");
    expect(stamps.at(-1)).toBe("exited at 2");
  });

  it("calls every hook inside the run, and the step and exit hooks with the stepped task current", async () => {
    const readStderr = captureStderr();
    const called = new Set<string>();
    const problems: string[] = [];
    const inRun = (hook: string) => {
      try {
        trio.currentTime();
        called.add(hook);
      } catch (e) {
        problems.push(`${hook}: ${(e as Error).message}`);
      }
    };
    const inTask = (hook: string) => (task: Task) => {
      inRun(hook);
      try {
        if (trio.lowlevel.currentTask() !== task) problems.push(`${hook}: another task is current`);
      } catch (e) {
        problems.push(`${hook}: ${(e as Error).message}`);
      }
    };
    const instrument: trio.abc.Instrument = {
      beforeRun: () => inRun("beforeRun"),
      afterRun: () => inRun("afterRun"),
      beforeIoWait: () => inRun("beforeIoWait"),
      afterIoWait: () => inRun("afterIoWait"),
      taskSpawned: () => inRun("taskSpawned"),
      taskScheduled: () => inRun("taskScheduled"),
      beforeTaskStep: inTask("beforeTaskStep"),
      afterTaskStep: inTask("afterTaskStep"),
      taskExited: inTask("taskExited"),
    };
    await trio.run({ clock: autojump(), instruments: [instrument] }, async () => {
      await trio.lowlevel.checkpoint();
      await trio.sleep(1);
    });
    expect(problems).toEqual([]);
    expect([...called].sort()).toEqual(
      [
        "afterIoWait",
        "afterRun",
        "afterTaskStep",
        "beforeIoWait",
        "beforeRun",
        "beforeTaskStep",
        "taskExited",
        "taskScheduled",
        "taskSpawned",
      ].sort(),
    );
    expect(readStderr()).toBe("");
  });
});

describe("a hook that throws", () => {
  it("is removed and reported on stderr, and the run and the other instruments go on", async () => {
    const readStderr = captureStderr();
    const record: string[] = [];
    class BrokenInstrument implements trio.abc.Instrument {
      taskScheduled() {
        record.push("scheduled");
        throw new RangeError("oops");
      }
      beforeTaskStep() {
        record.push("step"); // never: the instrument was removed whole
      }
    }
    const recorder = new TaskRecorder();
    const mainTask = await trio.run({ instruments: [recorder, new BrokenInstrument()] }, async () => {
      record.push("main ran");
      await trio.sleep(0);
      return trio.lowlevel.currentTask();
    });
    expect(record).toEqual(["scheduled", "main ran"]);
    expect(recorder.record).toContainEqual(["after", mainTask]);
    expect(recorder.record.at(-1)).toEqual(["afterRun"]);
    const stderr = readStderr();
    expect(stderr).toMatch(/oops/);
    expect(stderr).toMatch(/taskScheduled/);
  });

  it("does not fail the run when beforeRun throws", async () => {
    const readStderr = captureStderr();
    await expect(
      trio.run(
        {
          instruments: [
            {
              beforeRun() {
                throw new Error("broken beforeRun");
              },
            },
          ],
        },
        async () => "still fine",
      ),
    ).resolves.toBe("still fine");
    expect(readStderr()).toMatch(/broken beforeRun/);
  });
});
