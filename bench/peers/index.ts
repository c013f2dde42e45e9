/**
 * The peers the benchmark compares, in table order. JavaScript peers are loaded lazily so that a
 * peer that fails to load (for instance the runtime while it is being written) only loses its own
 * column.
 */
import type { JsPeer } from "./types.ts";

export type { JsPeer, SleepProbe, WorkloadName } from "./types.ts";
export { WORKLOAD_NAMES, msUntil } from "./types.ts";

export const PEER_IDS = ["trio-workbook", "raw-promise", "effect", "effection", "python-trio"] as const;
export type PeerId = (typeof PEER_IDS)[number];

/** The peer every ratio is taken against. */
export const BASELINE_PEER: PeerId = "trio-workbook";

export const PEER_TITLES: Readonly<Record<PeerId, string>> = {
  "trio-workbook": "trio-workbook",
  "raw-promise": "raw Promise",
  effect: "Effect",
  effection: "Effection",
  "python-trio": "Python Trio",
};

/** Loads a JavaScript peer; `python-trio` runs as a separate Python script (`python-trio.py`). */
export async function loadJsPeer(id: Exclude<PeerId, "python-trio">): Promise<JsPeer> {
  switch (id) {
    case "trio-workbook":
      return (await import("./trio-workbook.ts")).peer;
    case "raw-promise":
      return (await import("./raw-promise.ts")).peer;
    case "effect":
      return (await import("./effect.ts")).peer;
    case "effection":
      return (await import("./effection.ts")).peer;
  }
}
