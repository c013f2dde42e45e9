import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { fetchEach } from "./timeouts.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** A fetch() where `url` takes `delays[url]` seconds; it records starts, cancellations and failures. */
function fakeFetch(delays: Record<string, number>, failures: Record<string, Error> = {}) {
  const log: string[] = [];
  const fetch = async (url: string) => {
    log.push(`start ${url} at ${trio.currentTime()}`);
    try {
      await trio.sleep(delays[url] ?? 1);
    } catch (error) {
      if (error instanceof trio.Cancelled) log.push(`cancelled ${url} at ${trio.currentTime()}`);
      throw error;
    }
    const failure = failures[url];
    if (failure !== undefined) throw failure;
    return `<body of ${url}>`;
  };
  return { fetch, log };
}

describe("03 · fetchEach(urls, fetch, { perRequest, total })", () => {
  it("fetches one after the other and returns the bodies in order", trioTest(async () => {
    const fake = fakeFetch({ a: 2, b: 1 });
    expect(await fetchEach(["a", "b"], fake.fetch, { perRequest: 5, total: 100 })).toEqual(["<body of a>", "<body of b>"]);
    expect(fake.log).toEqual(["start a at 0", "start b at 2"]);
    expect(trio.currentTime()).toBe(3);
  }));

  it("gives null for a request slower than perRequest, cancelling it, and moves on", trioTest(async () => {
    const fake = fakeFetch({ a: 1, slow: 60, c: 1 });
    const bodies = await fetchEach(["a", "slow", "c"], fake.fetch, { perRequest: 5, total: 100 });
    expect(bodies).toEqual(["<body of a>", null, "<body of c>"]);
    expect(fake.log).toEqual(["start a at 0", "start slow at 1", "cancelled slow at 6", "start c at 6"]);
    expect(trio.currentTime()).toBe(7);
  }));

  it("raises TooSlowError exactly at `total` and cancels the request in flight", trioTest(async () => {
    const fake = fakeFetch({ a: 4, b: 4, c: 4 });
    await expect(fetchEach(["a", "b", "c"], fake.fetch, { perRequest: 5, total: 10 })).rejects.toBeInstanceOf(trio.TooSlowError);
    expect(trio.currentTime()).toBe(10);
    expect(fake.log).toEqual(["start a at 0", "start b at 4", "start c at 8", "cancelled c at 10"]);
  }));

  it("lets an error from fetch propagate instead of turning it into null", trioTest(async () => {
    const refused = new Error("connection refused");
    const fake = fakeFetch({ a: 1, b: 1 }, { a: refused });
    await expect(fetchEach(["a", "b"], fake.fetch, { perRequest: 5, total: 100 })).rejects.toBe(refused);
    expect(fake.log).toEqual(["start a at 0"]);
  }));

  it("is cancelled with its caller, like any other operation", trioTest(async () => {
    const fake = fakeFetch({ a: 50 });
    const scope = await trio.moveOnAfter(2, () => fetchEach(["a"], fake.fetch, { perRequest: 100, total: 100 }));
    expect(scope.cancelledCaught).toBe(true);
    expect(fake.log).toEqual(["start a at 0", "cancelled a at 2"]);
  }));
});
