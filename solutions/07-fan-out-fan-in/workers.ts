import * as trio from "../../runtime/index.ts";

/**
 * Applies `fn` to every item using `workers` concurrent worker tasks fed by a
 * channel (fan-out), gathering the results through another channel (fan-in).
 * Resolves with the results in the order of `items`.
 */
export async function mapWithWorkers<T, U>(items: readonly T[], fn: (item: T) => Promise<U>, workers: number): Promise<U[]> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${workers}`);
  const results = new Array<U>(items.length);
  const [jobSend, jobReceive] = trio.openMemoryChannel<[number, T]>(0);
  const [resultSend, resultReceive] = trio.openMemoryChannel<[number, U]>(0);

  async function worker(jobs: trio.MemoryReceiveChannel<[number, T]>, out: trio.MemorySendChannel<[number, U]>) {
    using _jobs = jobs;
    using sending = out;
    for await (const [index, item] of jobs) await sending.send([index, await fn(item)]);
  }

  await trio.openNursery(async (nursery) => {
    nursery.startSoon(async () => {
      using sending = jobSend;
      for (const [index, item] of items.entries()) await sending.send([index, item]);
    });
    for (let i = 0; i < workers; i++) nursery.startSoon(worker, jobReceive.clone(), resultSend.clone());
    // Only the clones stay open: the results channel ends when the last worker closes its clone.
    jobReceive.close();
    resultSend.close();
    for await (const [index, result] of resultReceive) results[index] = result;
  });
  return results;
}
