import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { runUntilSignal } from "./shutdown.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** A fake signal source: `deliver("SIGINT", at)` schedules a signal in virtual time. */
function fakeSignals(nursery: trio.Nursery) {
  const [send, receive] = trio.openMemoryChannel<string>(Infinity);
  const deliver = (name: string, at: number) =>
    nursery.startSoon(async () => {
      await trio.sleepUntil(at);
      send.sendNowait(name);
    });
  return { signals: receive, deliver, close: () => send.close() };
}

/** A service that works in steps of 1 s, logging, and stops after the step in progress once asked. */
function politeService(log: string[], steps = Infinity) {
  return async (stopping: trio.Event) => {
    try {
      for (let i = 0; i < steps && !stopping.isSet(); i++) {
        await trio.sleep(1);
        log.push(`step ${i} done at ${trio.currentTime()}`);
      }
      log.push(`returned at ${trio.currentTime()}`);
    } finally {
      log.push("cleanup ran");
    }
  };
}

/** A service that never looks at `stopping`. */
function stubbornService(log: string[]) {
  return async () => {
    try {
      await trio.sleepForever();
    } catch (error) {
      if (error instanceof trio.Cancelled) log.push(`cancelled at ${trio.currentTime()}`);
      throw error;
    } finally {
      log.push("cleanup ran");
    }
  };
}

describe("11 · runUntilSignal(signals, service, graceSeconds)", () => {
  it("returns 'finished' when the service ends before any signal, and stops watching", trioTest(async () => {
    const log: string[] = [];
    await trio.openNursery(async (nursery) => {
      const fake = fakeSignals(nursery);
      expect(await runUntilSignal(fake.signals, politeService(log, 2), 10)).toBe("finished");
      expect(trio.currentTime()).toBe(2);
      nursery.cancelScope.cancel();
    });
    expect(log).toEqual(["step 0 done at 1", "step 1 done at 2", "returned at 2", "cleanup ran"]);
  }));

  it("asks the service to stop on the first signal: 'graceful'", trioTest(async () => {
    const log: string[] = [];
    await trio.openNursery(async (nursery) => {
      const fake = fakeSignals(nursery);
      fake.deliver("SIGINT", 2.5);
      expect(await runUntilSignal(fake.signals, politeService(log), 10)).toBe("graceful");
      // The step in progress at 2.5 s finishes at 3 s, then the service returns by itself.
      expect(trio.currentTime()).toBe(3);
      nursery.cancelScope.cancel();
    });
    expect(log.slice(-2)).toEqual(["returned at 3", "cleanup ran"]);
  }));

  it("cancels a service that ignores the request after graceSeconds: 'forced', cleanup still runs", trioTest(async () => {
    const log: string[] = [];
    await trio.openNursery(async (nursery) => {
      const fake = fakeSignals(nursery);
      fake.deliver("SIGTERM", 4);
      expect(await runUntilSignal(fake.signals, stubbornService(log), 3)).toBe("forced");
      expect(trio.currentTime()).toBe(7);
      nursery.cancelScope.cancel();
    });
    expect(log).toEqual(["cancelled at 7", "cleanup ran"]);
  }));

  it("cancels at once on a second signal during the grace period", trioTest(async () => {
    const log: string[] = [];
    await trio.openNursery(async (nursery) => {
      const fake = fakeSignals(nursery);
      fake.deliver("SIGINT", 1);
      fake.deliver("SIGINT", 2);
      expect(await runUntilSignal(fake.signals, stubbornService(log), 30)).toBe("forced");
      expect(trio.currentTime()).toBe(2);
      nursery.cancelScope.cancel();
    });
    expect(log).toEqual(["cancelled at 2", "cleanup ran"]);
  }));

  it("keeps running when the signal source ends without a signal", trioTest(async () => {
    const log: string[] = [];
    await trio.openNursery(async (nursery) => {
      const fake = fakeSignals(nursery);
      fake.close();
      expect(await runUntilSignal(fake.signals, politeService(log, 3), 1)).toBe("finished");
      expect(trio.currentTime()).toBe(3);
    });
  }));

  it("propagates the service's error and stops watching for signals", trioTest(async () => {
    const crash = new Error("database gone");
    await trio.openNursery(async (nursery) => {
      const fake = fakeSignals(nursery);
      const service = async () => {
        await trio.sleep(1);
        throw crash;
      };
      await expect(runUntilSignal(fake.signals, service, 5)).rejects.toBe(crash);
      expect(trio.currentTime()).toBe(1);
      nursery.cancelScope.cancel();
    });
  }));
});
