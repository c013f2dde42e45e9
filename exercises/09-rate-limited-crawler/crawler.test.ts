import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { crawl } from "./crawler.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** A fake web: `site[url]` lists its links; each fetch takes `seconds`. Tracks concurrency. */
function fakeWeb(site: Record<string, string[]>, seconds: number | Record<string, number> = 1, failOn?: string) {
  const state = { fetches: [] as string[], running: 0, maxRunning: 0, cancelled: 0 };
  const fetchLinks = async (url: string) => {
    state.fetches.push(url);
    state.running++;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    try {
      await trio.sleep(typeof seconds === "number" ? seconds : (seconds[url] ?? 1));
      if (url === failOn) throw new Error(`500 from ${url}`);
      return site[url] ?? [];
    } catch (error) {
      if (error instanceof trio.Cancelled) state.cancelled++;
      throw error;
    } finally {
      state.running--;
    }
  };
  return { fetchLinks, state };
}

/** "/" links to /0 ... /(n-1); each of those links back to "/" and to "/about". */
function wideSite(n: number): Record<string, string[]> {
  const site: Record<string, string[]> = { "/": [], "/about": ["/"] };
  for (let i = 0; i < n; i++) {
    site["/"]!.push(`/${i}`);
    site[`/${i}`] = ["/", "/about"];
  }
  return site;
}

describe("09 · crawl(start, fetchLinks, maxConcurrent)", () => {
  it("visits every reachable page exactly once, cycles included", trioTest(async () => {
    const site = { "/": ["/a", "/b"], "/a": ["/b", "/c", "/"], "/b": ["/a"], "/c": ["/c", "/d"], "/d": [], "/unlinked": [] };
    const web = fakeWeb(site);
    const visited = await crawl("/", web.fetchLinks, 3);
    expect([...visited].sort()).toEqual(["/", "/a", "/b", "/c", "/d"]);
    expect([...web.state.fetches].sort()).toEqual(["/", "/a", "/b", "/c", "/d"]);
  }));

  it("never runs more than maxConcurrent fetches, and runs that many on a wide site", trioTest(async () => {
    const web = fakeWeb(wideSite(20));
    await crawl("/", web.fetchLinks, 4);
    expect(web.state.maxRunning).toBe(4);
    expect(web.state.fetches.length).toBe(22);
  }));

  it("takes the time the limit allows: 1 + ceil(21 / 4) fetches of 1 s", trioTest(async () => {
    const web = fakeWeb(wideSite(20));
    await crawl("/", web.fetchLinks, 4);
    // "/" alone (1 s), then 21 pages ("/0".."/19" and "/about") at 4 per second: ceil(21 / 4) = 6 s.
    expect(trio.currentTime()).toBe(7);
  }));

  it("fetches pages one by one with a limit of 1", trioTest(async () => {
    const web = fakeWeb({ "/": ["/a", "/b"], "/a": [], "/b": [] }, 2);
    await crawl("/", web.fetchLinks, 1);
    expect(web.state.maxRunning).toBe(1);
    expect(trio.currentTime()).toBe(6);
  }));

  it("stops everything and raises the error when a fetch fails", trioTest(async () => {
    const site = { "/": ["/fast", "/slow1", "/slow2"], "/fast": [], "/slow1": [], "/slow2": [] };
    const web = fakeWeb(site, { "/slow1": 5, "/slow2": 5 }, "/fast");
    await expect(crawl("/", web.fetchLinks, 3)).rejects.toThrow("500 from /fast");
    expect(web.state.cancelled).toBe(2);
    expect(trio.currentTime()).toBe(2);
  }));

  it("is cancelled as a whole by an outer timeout", trioTest(async () => {
    const web = fakeWeb(wideSite(50));
    const scope = await trio.moveOnAfter(3.5, () => crawl("/", web.fetchLinks, 5));
    expect(scope.cancelledCaught).toBe(true);
    expect(web.state.running).toBe(0);
    expect(web.state.cancelled).toBe(5);
    expect(trio.currentTime()).toBe(3.5);
  }));
});
