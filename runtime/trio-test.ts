import { MockClock, type MockClockOptions } from "./mock-clock.ts";
import { run } from "./run.ts";

/**
 * Turns an async test body into a test function that runs it in a fresh
 * `trio.run` on a `MockClock` with autojump: sleeps and deadlines take no
 * real time, and the test is deterministic. (Trio's `@trio_test` with the
 * `autojump_clock` fixture.) The body receives the clock, to `jump` it by hand.
 * @param body the test; runs as the main task.
 * @param options the clock's options. @default `{ autojumpThreshold: 0 }`
 * @returns a function for `it(name, fn)`, resolving with `body`'s result.
 * @example
 * ```ts
 * it("times out after an hour of virtual time", trio.testing.trioTest(async () => {
 *   await trio.sleep(3600);
 *   expect(trio.currentTime()).toBe(3600);
 * }));
 * ```
 */
export function trioTest<R>(body: (clock: MockClock) => Promise<R>, options: MockClockOptions = { autojumpThreshold: 0 }): () => Promise<R> {
  if (typeof body !== "function") throw new TypeError(`trioTest(body): expected an async function, got ${typeof body}`);
  return () => {
    const clock = new MockClock(options);
    return run({ clock }, body, clock);
  };
}
