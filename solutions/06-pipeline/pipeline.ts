import * as trio from "../../runtime/index.ts";

type Send<T> = trio.MemorySendChannel<T>;
type Receive<T> = trio.MemoryReceiveChannel<T>;

/** Sends every item into `send`, then closes it. */
export async function produce<T>(items: Iterable<T>, send: Send<T>): Promise<void> {
  using sending = send;
  for (const item of items) await sending.send(item);
}

/** Sends `await fn(value)` for every value received; closes `send` when the input ends. */
export async function transform<T, U>(receive: Receive<T>, send: Send<U>, fn: (value: T) => Promise<U>): Promise<void> {
  using sending = send;
  for await (const value of receive) await sending.send(await fn(value));
}

/** Returns every value received, in order, once every sender has closed. */
export async function collect<T>(receive: Receive<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of receive) values.push(value);
  return values;
}

/** produce → transform(fn) → collect, concurrently, over two unbuffered channels. */
export async function pipeline<T, U>(items: Iterable<T>, fn: (value: T) => Promise<U>): Promise<U[]> {
  const [rawSend, rawReceive] = trio.openMemoryChannel<T>(0);
  const [doneSend, doneReceive] = trio.openMemoryChannel<U>(0);
  return trio.openNursery(async (nursery) => {
    nursery.startSoon(produce<T>, items, rawSend);
    nursery.startSoon(transform<T, U>, rawReceive, doneSend, fn);
    return collect(doneReceive);
  });
}
