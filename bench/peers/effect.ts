/**
 * Effect v4: fibers. The structured way to run many children and wait for all of them (failing
 * fast and interrupting the rest, like a nursery) is `Effect.forEach(..., { concurrency:
 * "unbounded", discard: true })`: it forks one child fiber per item, attached to the parent.
 *
 * Note for reading the numbers: Effect forks with `startImmediately`, so a child that finishes
 * synchronously completes inside the fork call and is never tracked or joined. Children here are
 * `Effect.sync(...)`, not `Effect.void`: an already-completed effect (an `Exit`) is not forked at all.
 */
import { Effect } from "effect";
import { msUntil, type JsPeer } from "./types.ts";

export const peer: JsPeer = {
  title: "Effect",
  primitives: {
    "spawn-join": 'Effect.forEach(items, () => Effect.sync(...), { concurrency: "unbounded", discard: true })',
    checkpoints: "yield* Effect.yieldNow",
    sleepers: 'Effect.forEach(items, () => Effect.sleep(ms), { concurrency: "unbounded", discard: true })',
  },

  async spawnJoin(n) {
    let ran = 0;
    const child = Effect.sync(() => {
      ran++;
    });
    const items = new Array<number>(n).fill(0);
    await Effect.runPromise(Effect.forEach(items, () => child, { concurrency: "unbounded", discard: true }));
    return ran;
  },

  async checkpoints(n) {
    await Effect.runPromise(
      Effect.gen(function* () {
        for (let i = 0; i < n; i++) yield* Effect.yieldNow;
      }),
    );
  },

  async sleepers(n, deadline, probe) {
    // Effect.suspend builds the child per fiber, so each computes its own remaining time when it starts.
    const child = Effect.suspend(() => {
      probe.asleep();
      return Effect.sleep(msUntil(deadline));
    }).pipe(Effect.tap(() => Effect.sync(() => probe.woke())));
    const items = new Array<number>(n).fill(0);
    await Effect.runPromise(Effect.forEach(items, () => child, { concurrency: "unbounded", discard: true }));
  },
};
