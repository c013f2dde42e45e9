import { describe } from "./errors.ts";
import { MemoryChannelState } from "./memory-channel-state.ts";
import { MemoryReceiveChannel } from "./memory-receive-channel.ts";
import { MemorySendChannel } from "./memory-send-channel.ts";

/**
 * Opens a channel for passing values between tasks of one run: what you
 * send on one end comes out of the other, in order, each value once.
 *
 * `maxBufferSize` is how many values may wait in the channel: `0` means a
 * sender waits until a receiver takes its value (a hand-off, the usual
 * choice), `n` lets a producer run up to `n` values ahead, `Infinity` never
 * blocks senders (and so never slows down a fast producer: use with care).
 *
 * @param maxBufferSize `0`, a positive whole number, or `Infinity`.
 * @returns `[sendChannel, receiveChannel]`.
 * @throws TypeError when `maxBufferSize` is not a whole number or `Infinity`; RangeError when it is negative.
 * @example
 * ```ts
 * const [send, receive] = trio.openMemoryChannel<number>(0);
 * await trio.openNursery(async (n) => {
 *   n.startSoon(async () => { await using s = send; await s.send(1); await s.send(2); });
 *   for await (const v of receive) console.log("got", v);
 * });
 * ```
 */
export function openMemoryChannel<T>(maxBufferSize: number): [MemorySendChannel<T>, MemoryReceiveChannel<T>] {
  if (typeof maxBufferSize === "number" && maxBufferSize < 0) {
    throw new RangeError(`openMemoryChannel(maxBufferSize): expected 0 or more, got ${describe(maxBufferSize)}`);
  }
  if (typeof maxBufferSize !== "number" || (!Number.isInteger(maxBufferSize) && maxBufferSize !== Infinity)) {
    throw new TypeError(`openMemoryChannel(maxBufferSize): expected a whole number or Infinity, got ${describe(maxBufferSize)}`);
  }
  const state = new MemoryChannelState<T>(maxBufferSize);
  return [new MemorySendChannel(state), new MemoryReceiveChannel(state)];
}
