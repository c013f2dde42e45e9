import { performance } from "node:perf_hooks";

/**
 * A source of time for a run. The run loop asks it what time it is and how
 * long (in real seconds) to wait for a deadline; `testing.MockClock` is the
 * other implementation.
 */
export interface Clock {
  /** Called once, when the run starts. */
  startClock(): void;
  /** The current time, in seconds, on this clock's own (arbitrary) scale. */
  currentTime(): number;
  /** How many real seconds to wait until `deadline` on this clock (`Infinity`: never). */
  deadlineToSleepTime(deadline: number): number;
}

/** Seconds on Node's monotonic clock. */
export function realSeconds(): number {
  return performance.now() / 1000;
}

/**
 * The default clock: Node's monotonic clock plus a random offset. The offset
 * is there, as in Trio, so that nobody mistakes `currentTime()` for the time
 * of day or compares it across runs.
 */
export class SystemClock implements Clock {
  readonly offset = 10_000 + Math.random() * 90_000;

  startClock(): void {}

  currentTime(): number {
    return realSeconds() + this.offset;
  }

  deadlineToSleepTime(deadline: number): number {
    return deadline - this.currentTime();
  }
}

/** The hooks a clock may offer the run loop (MockClock's autojump uses them). */
export interface ClockWithRunHooks extends Clock {
  /** Real seconds of idleness after which the clock wants to jump to the next deadline. */
  readonly autojumpThreshold?: number;
  /** Jumps the clock forward to `deadline` (called by the run loop when idle). */
  autojumpTo?(deadline: number): void;
  /** The run loop registers here to hear of jumps and threshold changes. */
  onChange?: (() => void) | undefined;
}
