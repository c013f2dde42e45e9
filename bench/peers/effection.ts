/**
 * Effection v4: generator-based structured concurrency. `spawn` ties a child to the current
 * scope; joining is `yield* task`.
 *
 * Checkpoint choice: Effection has no dedicated "yield to the scheduler" operation. Its reducer
 * resumes synchronously when an operation settles synchronously, so the cheapest operation that
 * really lets other work run is waiting on an already-resolved promise (`until(Promise.resolve())`,
 * one microtask hop through an `action`). `sleep(0)` would go through `setTimeout` (≥ 1 ms each:
 * 100,000 of them take minutes), so it is not used.
 */
import { run, sleep, spawn, until, type Task } from "effection";
import { msUntil, type JsPeer } from "./types.ts";

export const peer: JsPeer = {
  title: "Effection",
  primitives: {
    "spawn-join": "n × yield* spawn(op), then yield* task for each",
    checkpoints: "yield* until(Promise.resolve())",
    sleepers: "n × spawn(function*() { yield* sleep(ms) }), then yield* task for each",
  },

  async spawnJoin(n) {
    let ran = 0;
    function* child(): Generator<never, void, unknown> {
      ran++;
    }
    await run(function* () {
      const tasks: Task<void>[] = new Array(n);
      for (let i = 0; i < n; i++) tasks[i] = yield* spawn(child);
      for (let i = 0; i < n; i++) yield* tasks[i]!;
    });
    return ran;
  },

  async checkpoints(n) {
    await run(function* () {
      for (let i = 0; i < n; i++) yield* until(Promise.resolve());
    });
  },

  async sleepers(n, deadline, probe) {
    function* child() {
      probe.asleep();
      yield* sleep(msUntil(deadline));
      probe.woke();
    }
    await run(function* () {
      const tasks: Task<void>[] = new Array(n);
      for (let i = 0; i < n; i++) tasks[i] = yield* spawn(child);
      for (let i = 0; i < n; i++) yield* tasks[i]!;
    });
  },
};
