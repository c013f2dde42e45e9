import * as trio from "../../runtime/index.ts";

type Send<T> = trio.MemorySendChannel<T>;
type Receive<T> = trio.MemoryReceiveChannel<T>;

/** Sends every item into `send`, then closes it. */
export async function produce<T>(items: Iterable<T>, send: Send<T>): Promise<void> {
  // TODO: send each item, and close `send` at the end (even if sending fails).
  void items;
  void send;
  throw new Error("TODO: produce");
}

/** Sends `await fn(value)` for every value received; closes `send` when the input ends. */
export async function transform<T, U>(receive: Receive<T>, send: Send<U>, fn: (value: T) => Promise<U>): Promise<void> {
  // TODO: for await over `receive`, send the transformed values, close `send` at the end.
  void receive;
  void send;
  void fn;
  throw new Error("TODO: transform");
}

/** Returns every value received, in order, once every sender has closed. */
export async function collect<T>(receive: Receive<T>): Promise<T[]> {
  // TODO: gather the values until the channel ends.
  void receive;
  throw new Error("TODO: collect");
}

/** produce → transform(fn) → collect, concurrently, over two unbuffered channels. */
export async function pipeline<T, U>(items: Iterable<T>, fn: (value: T) => Promise<U>): Promise<U[]> {
  // TODO: open two channels with trio.openMemoryChannel(0) and run the three stages in a nursery.
  void trio;
  void items;
  void fn;
  throw new Error("TODO: pipeline");
}
