import * as trio from "../../runtime/index.ts";

/**
 * Visits every page reachable from `start`, each once, fetching pages
 * concurrently but at most `maxConcurrent` at a time. Resolves with the
 * visited URLs.
 */
export async function crawl(start: string, fetchLinks: (url: string) => Promise<string[]>, maxConcurrent: number): Promise<Set<string>> {
  const limiter = new trio.CapacityLimiter(maxConcurrent);
  const seen = new Set<string>([start]);
  await trio.openNursery(async (nursery) => {
    async function visit(url: string): Promise<void> {
      const links = await limiter.withAcquired(() => fetchLinks(url));
      for (const link of links) {
        // Marked before the task starts, so a page linked twice is fetched once.
        if (seen.has(link)) continue;
        seen.add(link);
        nursery.startSoon(visit, link);
      }
    }
    nursery.startSoon(visit, start);
  });
  return seen;
}
