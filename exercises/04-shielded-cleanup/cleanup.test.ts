import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { CLEANUP_TIMEOUT, withConnection, type Connection } from "./cleanup.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** A connection whose close() takes `closeSeconds` (Infinity: never answers) and logs what happens. */
function fakeConnection(closeSeconds = 1) {
  const log: string[] = [];
  const connection: Connection = {
    async send(message) {
      await trio.sleep(0.5);
      log.push(`sent ${message}`);
    },
    async close() {
      log.push(`close started at ${trio.currentTime()}`);
      try {
        await trio.sleep(closeSeconds / 2);
        log.push("goodbye sent");
        await trio.sleep(closeSeconds / 2);
        log.push(`close done at ${trio.currentTime()}`);
      } catch (error) {
        if (error instanceof trio.Cancelled) log.push(`close cancelled at ${trio.currentTime()}`);
        throw error;
      }
    },
  };
  return { connection, log, open: async () => connection };
}

describe("04 · withConnection(open, body)", () => {
  it("returns the body's result and closes the connection once", trioTest(async () => {
    const fake = fakeConnection();
    const result = await withConnection(fake.open, async (c) => {
      await c.send("hello");
      return "ok";
    });
    expect(result).toBe("ok");
    expect(fake.log).toEqual(["sent hello", "close started at 0.5", "goodbye sent", "close done at 1.5"]);
  }));

  it("closes the connection when the body throws, then raises the body's error", trioTest(async () => {
    const fake = fakeConnection();
    const boom = new Error("body failed");
    await expect(withConnection(fake.open, async () => { throw boom; })).rejects.toBe(boom);
    expect(fake.log.at(-1)).toBe("close done at 1");
  }));

  it("still closes completely when the caller is cancelled, then the cancellation carries on", trioTest(async () => {
    const fake = fakeConnection(1);
    let after = false;
    const scope = await trio.moveOnAfter(3, async () => {
      await withConnection(fake.open, () => trio.sleepForever());
      after = true;
    });
    expect(scope.cancelledCaught).toBe(true);
    expect(after).toBe(false);
    expect(fake.log).toEqual(["close started at 3", "goodbye sent", "close done at 4"]);
    expect(trio.currentTime()).toBe(4);
  }));

  it(`abandons a close that hangs after CLEANUP_TIMEOUT (${CLEANUP_TIMEOUT} s)`, trioTest(async () => {
    const fake = fakeConnection(Infinity);
    const scope = await trio.moveOnAfter(1, () => withConnection(fake.open, () => trio.sleepForever()));
    expect(scope.cancelledCaught).toBe(true);
    expect(trio.currentTime()).toBe(1 + CLEANUP_TIMEOUT);
    expect(fake.log).toEqual(["close started at 1", `close cancelled at ${1 + CLEANUP_TIMEOUT}`]);
  }));

  it("abandons a hanging close after a normal body too, and returns the result", trioTest(async () => {
    const fake = fakeConnection(Infinity);
    expect(await withConnection(fake.open, async () => 7)).toBe(7);
    expect(trio.currentTime()).toBe(CLEANUP_TIMEOUT);
  }));

  it("does not call close when open fails", trioTest(async () => {
    const refused = new Error("refused");
    let bodyRan = false;
    await expect(withConnection(async () => { throw refused; }, async () => { bodyRan = true; })).rejects.toBe(refused);
    expect(bodyRan).toBe(false);
  }));
});
