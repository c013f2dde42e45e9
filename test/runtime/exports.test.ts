// The runtime's front door: runtime/index.ts names every public export, each
// exactly once, and the contract's names (shared/design/runtime-api.md) are all there.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const NAMESPACES = { trio, lowlevel: trio.lowlevel, testing: trio.testing } as Record<string, Record<string, unknown>>;

/** The names of the contract, by namespace. */
const CONTRACT: Record<string, string[]> = {
  trio: [
    "run", "openNursery", "sleep", "sleepUntil", "sleepForever", "currentTime", "CancelScope",
    "moveOnAfter", "moveOnAt", "failAfter", "failAt", "currentEffectiveDeadline",
    "Cancelled", "TooSlowError", "EndOfChannel", "ClosedResourceError", "BrokenResourceError",
    "BusyResourceError", "WouldBlock", "RunFinishedError",
    "Event", "Lock", "StrictFIFOLock", "Semaphore", "CapacityLimiter", "Condition", "openMemoryChannel",
    "openTcpStream", "serveTcp",
  ],
  lowlevel: ["checkpoint", "currentTask", "addInstrument", "removeInstrument", "currentStatistics"],
  testing: ["MockClock", "waitAllTasksBlocked", "Sequencer", "assertCheckpoints", "assertNoCheckpoints", "memoryStreamPair"],
};

describe("the runtime's exports", () => {
  it("include every name of the contract", () => {
    for (const [ns, names] of Object.entries(CONTRACT)) {
      const missing = names.filter((name) => NAMESPACES[ns]![name] === undefined);
      expect(missing, `missing from ${ns}`).toEqual([]);
    }
  });

  it("export each public value under one name only", () => {
    const seen = new Map<unknown, string>();
    const twice: string[] = [];
    for (const [ns, members] of Object.entries(NAMESPACES)) {
      for (const [name, value] of Object.entries(members)) {
        if (value === trio.lowlevel || value === trio.testing || value === trio.abc) continue;
        const where = `${ns}.${name}`;
        if (seen.has(value)) twice.push(`${where} = ${seen.get(value)}`);
        else seen.set(value, where);
      }
    }
    expect(twice).toEqual([]);
  });

  it("are exactly the recorded public surface (update the snapshot when the API changes on purpose)", () => {
    const surface = Object.fromEntries(
      Object.entries(NAMESPACES).map(([ns, members]) => [ns, Object.keys(members).sort()]),
    );
    expect(surface).toMatchSnapshot();
  });
});
