import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { collect, pipeline, produce, transform } from "./pipeline.ts";

// A pipeline that deadlocks fails after 1000 virtual seconds instead of hanging.
const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

const slowDouble = (seconds: number) => async (x: number) => {
  await trio.sleep(seconds);
  return x * 2;
};

describe("06 · produce, transform, collect", () => {
  it("produce sends every item, then closes its channel", trioTest(async () => {
    const [send, receive] = trio.openMemoryChannel<string>(Infinity);
    await produce(["a", "b", "c"], send);
    expect(send.closed).toBe(true);
    expect([receive.receiveNowait(), receive.receiveNowait(), receive.receiveNowait()]).toEqual(["a", "b", "c"]);
    await expect(receive.receive()).rejects.toBeInstanceOf(trio.EndOfChannel);
  }));

  it("transform closes its output when its input ends", trioTest(async () => {
    const [inSend, inReceive] = trio.openMemoryChannel<number>(Infinity);
    const [outSend, outReceive] = trio.openMemoryChannel<number>(Infinity);
    inSend.sendNowait(1);
    inSend.sendNowait(2);
    inSend.close();
    await transform(inReceive, outSend, slowDouble(1));
    expect(outSend.closed).toBe(true);
    expect(await collect(outReceive)).toEqual([2, 4]);
    expect(trio.currentTime()).toBe(2);
  }));

  it("transform closes its output when fn fails, so the next stage is not left waiting", trioTest(async () => {
    const [inSend, inReceive] = trio.openMemoryChannel<number>(Infinity);
    const [outSend] = trio.openMemoryChannel<number>(Infinity);
    inSend.sendNowait(1);
    const boom = new Error("fn failed");
    await expect(transform(inReceive, outSend, async () => { throw boom; })).rejects.toBe(boom);
    expect(outSend.closed).toBe(true);
  }));
});

describe("06 · pipeline(items, fn)", () => {
  it("returns the transformed items in order", trioTest(async () => {
    expect(await pipeline([1, 2, 3, 4], slowDouble(0))).toEqual([2, 4, 6, 8]);
    expect(await pipeline([], slowDouble(0))).toEqual([]);
  }));

  it("runs its stages concurrently: the producer is not blocked behind a slow fn for long", trioTest(async () => {
    const sent: number[] = [];
    function* items() {
      for (let i = 1; i <= 3; i++) {
        sent.push(trio.currentTime());
        yield i;
      }
    }
    expect(await pipeline(items(), slowDouble(1))).toEqual([2, 4, 6]);
    // Unbuffered channels: item n+1 is taken while item n is being transformed.
    expect(sent).toEqual([0, 0, 1]);
    expect(trio.currentTime()).toBe(3);
  }));

  it("raises fn's error and cancels the other stages", trioTest(async () => {
    const boom = new Error("cannot transform 3");
    let producerStopped = false;
    function* items() {
      try {
        for (let i = 1; i <= 100; i++) yield i;
      } finally {
        producerStopped = true;
      }
    }
    const seen: number[] = [];
    const fn = async (x: number) => {
      seen.push(x);
      await trio.sleep(1);
      if (x === 3) throw boom;
      return x;
    };
    await expect(pipeline(items(), fn)).rejects.toBe(boom);
    expect(seen).toEqual([1, 2, 3]);
    expect(producerStopped).toBe(true);
    expect(trio.currentTime()).toBe(3);
  }));

  it("is cancelled as a whole by an outer timeout, without leaving a stage behind", trioTest(async () => {
    let calls = 0;
    const endless = (function* () {
      for (let i = 0; ; i++) yield i;
    })();
    const scope = await trio.moveOnAfter(10, () =>
      pipeline(endless, async (x: number) => {
        calls++;
        await trio.sleep(1);
        return x;
      }),
    );
    expect(scope.cancelledCaught).toBe(true);
    expect(calls).toBe(10);
    expect(trio.currentTime()).toBe(10);
  }));
});
