import * as trio from "../../runtime/index.ts";

/** Options of {@link retry}. */
export interface RetryOptions {
  /** How many attempts in all (≥ 1). */
  attempts: number;
  /** Seconds to wait after the first failure; doubled after each further failure. */
  baseDelay: number;
  /** Seconds the whole retry may take, waits included; then `trio.TooSlowError`. */
  deadline: number;
}

/**
 * Calls `operation(attempt)` until it succeeds, waiting `baseDelay * 2 ** (n - 1)`
 * seconds after failed attempt `n`. Rejects with the last error after
 * `attempts` failures, with `trio.TooSlowError` after `deadline` seconds, and
 * never retries a `trio.Cancelled`.
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  // TODO: failAfter(deadline) around a loop of attempts with exponential backoff.
  void trio;
  void operation;
  void options;
  throw new Error("TODO: retry with backoff and a deadline");
}
