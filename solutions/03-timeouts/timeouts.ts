import * as trio from "../../runtime/index.ts";

/** Limits of {@link fetchEach}, in seconds. */
export interface FetchLimits {
  /** Each request gets at most this long; after that its result is `null`. */
  perRequest: number;
  /** The whole call gets at most this long; after that it raises `trio.TooSlowError`. */
  total: number;
}

/**
 * Fetches each URL in turn. A request slower than `perRequest` gives `null`;
 * the whole call fails with `trio.TooSlowError` after `total` seconds.
 */
export async function fetchEach(
  urls: readonly string[],
  fetch: (url: string) => Promise<string>,
  limits: FetchLimits,
): Promise<Array<string | null>> {
  return trio.failAfter(limits.total, async () => {
    const bodies: Array<string | null> = [];
    for (const url of urls) {
      let body: string | null = null;
      await trio.moveOnAfter(limits.perRequest, async () => {
        body = await fetch(url);
      });
      bodies.push(body);
    }
    return bodies;
  });
}
