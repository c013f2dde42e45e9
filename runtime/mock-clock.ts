import { realSeconds, type ClockWithRunHooks } from "./clock.ts";
import { checkSeconds } from "./validate.ts";

/** Options of {@link MockClock}. */
export interface MockClockOptions {
  /**
   * How fast virtual time runs compared to real time.
   * @default 0 (time stands still unless you `jump` or autojump)
   */
  rate?: number;
  /**
   * After this many real seconds with every task blocked, jump straight to
   * the next deadline. `0` makes an hour of `sleep` take milliseconds.
   * @default Infinity (never)
   */
  autojumpThreshold?: number;
}

/**
 * A clock for tests: virtual time that you advance with {@link jump}, or that
 * jumps by itself to the next deadline when every task is blocked.
 *
 * @example
 * ```ts
 * const clock = new trio.testing.MockClock({ autojumpThreshold: 0 });
 * await trio.run({ clock }, async () => {
 *   await trio.sleep(3600); // returns at once, in real time
 *   console.log(trio.currentTime()); // 3600
 * });
 * ```
 */
export class MockClock implements ClockWithRunHooks {
  #realBase = realSeconds();
  #virtualBase = 0;
  #rate = 0;
  #autojumpThreshold = Infinity;
  /** Set by the run loop using this clock. */
  onChange: (() => void) | undefined = undefined;

  constructor(options: MockClockOptions = {}) {
    if (options.rate !== undefined) this.rate = options.rate;
    if (options.autojumpThreshold !== undefined) this.autojumpThreshold = options.autojumpThreshold;
  }

  /** Virtual seconds per real second. Setting it keeps the current time. */
  get rate(): number {
    return this.#rate;
  }
  set rate(value: number) {
    checkSeconds(value, "MockClock.rate");
    this.#virtualBase = this.currentTime();
    this.#realBase = realSeconds();
    this.#rate = value;
    this.onChange?.();
  }

  /** Real seconds of idleness before an automatic jump to the next deadline. */
  get autojumpThreshold(): number {
    return this.#autojumpThreshold;
  }
  set autojumpThreshold(value: number) {
    checkSeconds(value, "MockClock.autojumpThreshold");
    this.#autojumpThreshold = value;
    this.onChange?.();
  }

  startClock(): void {}

  currentTime(): number {
    return this.#virtualBase + (this.#rate === 0 ? 0 : (realSeconds() - this.#realBase) * this.#rate);
  }

  deadlineToSleepTime(deadline: number): number {
    const virtual = deadline - this.currentTime();
    if (virtual <= 0) return 0;
    return this.#rate > 0 ? virtual / this.#rate : Infinity;
  }

  /**
   * Moves virtual time forward by `seconds`; tasks whose deadlines passed
   * wake up at the run loop's next turn.
   * @throws RangeError when `seconds` is negative: time cannot go backwards.
   */
  jump(seconds: number): void {
    checkSeconds(seconds, "MockClock.jump(seconds)");
    this.#virtualBase += seconds;
    this.onChange?.();
  }

  /** @internal Called by the run loop when autojumping. */
  autojumpTo(deadline: number): void {
    const delta = deadline - this.currentTime();
    if (delta > 0) this.jump(delta);
  }
}
