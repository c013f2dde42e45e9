/**
 * The floor: plain `async` functions and Promises, no scheduler, no cancellation, no task tree.
 * Anything structured costs more than this; the question is how much more.
 */
import { msUntil, type JsPeer } from "./types.ts";

export const peer: JsPeer = {
  title: "raw Promise",
  primitives: {
    "spawn-join": "n × async fn(), then Promise.all",
    checkpoints: "await null",
    sleepers: "await new Promise(r => setTimeout(r, ms)), then Promise.all",
  },

  async spawnJoin(n) {
    let ran = 0;
    const child = async () => {
      ran++;
    };
    const children: Promise<void>[] = new Array(n);
    for (let i = 0; i < n; i++) children[i] = child();
    await Promise.all(children);
    return ran;
  },

  async checkpoints(n) {
    for (let i = 0; i < n; i++) await null;
  },

  async sleepers(n, deadline, probe) {
    const child = async () => {
      probe.asleep();
      await new Promise<void>((resolve) => setTimeout(resolve, msUntil(deadline)));
      probe.woke();
    };
    const children: Promise<void>[] = new Array(n);
    for (let i = 0; i < n; i++) children[i] = child();
    await Promise.all(children);
  },
};
