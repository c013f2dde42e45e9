import * as trio from "../../runtime/index.ts";

/**
 * Visits every page reachable from `start`, each once, fetching pages
 * concurrently but at most `maxConcurrent` at a time. Resolves with the
 * visited URLs.
 */
export async function crawl(start: string, fetchLinks: (url: string) => Promise<string[]>, maxConcurrent: number): Promise<Set<string>> {
  // TODO: a trio.CapacityLimiter(maxConcurrent) around each fetch,
  // TODO: a nursery, and one task per newly seen URL.
  void trio;
  void start;
  void fetchLinks;
  void maxConcurrent;
  throw new Error("TODO: crawl with a CapacityLimiter");
}
