import { BusyResourceError } from "./errors.ts";

/**
 * Guards an operation that one task at a time may be in (two tasks in
 * `receiveSome` on one stream would each get a random half of the bytes):
 * the second raises `BusyResourceError` at once instead of corrupting data.
 * @internal
 */
export class ConflictDetector {
  #held = false;
  readonly #message: string;

  constructor(message: string) {
    this.#message = message;
  }

  /** @throws BusyResourceError when already held. */
  enter(): void {
    if (this.#held) throw new BusyResourceError(this.#message);
    this.#held = true;
  }

  exit(): void {
    this.#held = false;
  }

  get held(): boolean {
    return this.#held;
  }
}
