/**
 * This project's runtime, used exactly as the README shows it.
 */
import * as trio from "../../runtime/index.ts";
import { msUntil, type JsPeer } from "./types.ts";

export const peer: JsPeer = {
  title: "trio-workbook",
  primitives: {
    "spawn-join": "openNursery(n => n × n.startSoon(child))",
    checkpoints: "await trio.lowlevel.checkpoint()",
    sleepers: "openNursery(n => n × n.startSoon(child)), child: await trio.sleep(s)",
  },

  async spawnJoin(n) {
    let ran = 0;
    const child = async () => {
      ran++;
    };
    await trio.run(async () => {
      await trio.openNursery(async (nursery) => {
        for (let i = 0; i < n; i++) nursery.startSoon(child);
      });
    });
    return ran;
  },

  async checkpoints(n) {
    await trio.run(async () => {
      for (let i = 0; i < n; i++) await trio.lowlevel.checkpoint();
    });
  },

  async sleepers(n, deadline, probe) {
    const child = async () => {
      probe.asleep();
      await trio.sleep(msUntil(deadline) / 1000);
      probe.woke();
    };
    await trio.run(async () => {
      await trio.openNursery(async (nursery) => {
        for (let i = 0; i < n; i++) nursery.startSoon(child);
      });
    });
  },
};
