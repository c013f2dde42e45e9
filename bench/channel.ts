/**
 * Channel and lock benchmark: trio-workbook beside Effect v4, Effection v4 and Python Trio.
 *
 *     npx tsx bench/channel.ts [messages=200000] [repeats=5]
 *
 * Workloads (each timed from before the tasks start until they have all finished; the best of
 * `repeats` runs after one warm-up run is reported, for every peer: on a shared machine the
 * minimum is the estimate least disturbed by other processes):
 * - `unbuffered`: one producer task sends `messages` numbers to one consumer through a channel
 *   without buffer (a rendezvous), then closes it; the consumer reads until the end.
 * - `buffered`: the same through a buffer of 100.
 * - `lock`: 100 tasks each take a lock `messages / 100` times and yield once while holding it,
 *   so every acquisition waits and the lock is handed from task to task.
 *
 * Peers, with the closest primitive each has:
 * - Effect: `Queue.bounded(1)` / `Queue.bounded(100)` + `Queue.end` (its bounded queue needs a
 *   capacity of at least 1: there is no rendezvous queue), `Semaphore.make(1)` + `withPermit`.
 * - Effection: `createChannel()`: a broadcast channel whose subscribers each have an unbounded
 *   queue; `send` never waits, so there is no unbuffered or bounded variant (both rows measure
 *   the same thing) and no lock.
 * - Python Trio: `open_memory_channel(0)` / `(100)`, `trio.Lock` (run with `python3`).
 *
 * Standalone on purpose: bench/index.ts can import `runChannelBench` and print the table itself.
 */
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { Cause, Effect, Queue, Semaphore } from "effect";
import { createChannel, run as effectionRun, spawn } from "effection";
import * as trio from "../runtime/index.ts";

const LOCK_TASKS = 100;
const BUFFER = 100;

/** One workload's cost per message (or per lock hand-off), in µs; `null`: the peer has no such primitive. */
export type Row = Record<string, number | null>;
export type Workload = "unbuffered" | "buffered" | "lock";
const WORKLOADS: Workload[] = ["unbuffered", "buffered", "lock"];

// ------------------------------------------------------------------ trio-workbook

async function trioChannel(n: number, size: number): Promise<number> {
  return trio.run(async () => {
    const [send, receive] = trio.openMemoryChannel<number>(size);
    const start = performance.now();
    let sum = 0;
    await trio.openNursery(async (nursery) => {
      nursery.startSoon(async () => {
        for (let i = 0; i < n; i++) await send.send(i);
        send.close();
      });
      for await (const v of receive) sum += v;
    });
    check(sum, n);
    return performance.now() - start;
  });
}

async function trioLock(n: number): Promise<number> {
  return trio.run(async () => {
    const lock = new trio.Lock();
    const rounds = n / LOCK_TASKS;
    let count = 0;
    const start = performance.now();
    await trio.openNursery(async (nursery) => {
      for (let t = 0; t < LOCK_TASKS; t++) {
        nursery.startSoon(async () => {
          for (let r = 0; r < rounds; r++) {
            await lock.acquire();
            count++;
            await trio.lowlevel.checkpoint();
            lock.release();
          }
        });
      }
    });
    if (count !== n) throw new Error(`lock: ${count} acquisitions instead of ${n}`);
    return performance.now() - start;
  });
}

// ------------------------------------------------------------------ Effect

async function effectQueue(n: number, capacity: number): Promise<number> {
  const start = performance.now();
  const sum = await Effect.runPromise(
    Effect.gen(function* () {
      const queue = yield* Queue.bounded<number, Cause.Done>(capacity);
      yield* Effect.forkChild(
        Effect.gen(function* () {
          for (let i = 0; i < n; i++) yield* Queue.offer(queue, i);
          yield* Queue.end(queue);
        }),
      );
      let total = 0;
      for (;;) {
        const exit = yield* Effect.exit(Queue.take(queue));
        if (exit._tag === "Failure") break;
        total += exit.value;
      }
      return total;
    }),
  );
  check(sum, n);
  return performance.now() - start;
}

async function effectLock(n: number): Promise<number> {
  const rounds = n / LOCK_TASKS;
  let count = 0;
  const start = performance.now();
  await Effect.runPromise(
    Effect.gen(function* () {
      const sem = yield* Semaphore.make(1);
      const critical = Semaphore.withPermit(sem, Effect.andThen(Effect.sync(() => count++), Effect.yieldNow));
      const worker = Effect.gen(function* () {
        for (let r = 0; r < rounds; r++) yield* critical;
      });
      yield* Effect.forEach(new Array(LOCK_TASKS).fill(0), () => worker, { concurrency: "unbounded", discard: true });
    }),
  );
  if (count !== n) throw new Error(`effect lock: ${count} acquisitions instead of ${n}`);
  return performance.now() - start;
}

// ------------------------------------------------------------------ Effection

async function effectionChannel(n: number): Promise<number> {
  const start = performance.now();
  const sum = await effectionRun(function* () {
    const channel = createChannel<number, void>();
    const subscription = yield* channel;
    yield* spawn(function* () {
      for (let i = 0; i < n; i++) yield* channel.send(i);
      yield* channel.close();
    });
    let total = 0;
    for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) total += next.value;
    return total;
  });
  check(sum, n);
  return performance.now() - start;
}

// ------------------------------------------------------------------ Python Trio

const PYTHON = String.raw`
import json, sys, time, trio
n, repeats, buffer, lock_tasks = (int(a) for a in sys.argv[1:5])

async def channel(size):
    send, receive = trio.open_memory_channel(size)
    total = 0
    async def producer():
        async with send:
            for i in range(n):
                await send.send(i)
    start = time.perf_counter()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(producer)
        async with receive:
            async for v in receive:
                total += v
    assert total == n * (n - 1) // 2
    return (time.perf_counter() - start) * 1000

async def lock():
    lock = trio.Lock()
    rounds = n // lock_tasks
    async def worker():
        for _ in range(rounds):
            async with lock:
                await trio.lowlevel.checkpoint()
    start = time.perf_counter()
    async with trio.open_nursery() as nursery:
        for _ in range(lock_tasks):
            nursery.start_soon(worker)
    return (time.perf_counter() - start) * 1000

def measure(fn, *args):
    trio.run(fn, *args)  # warm-up
    return min(trio.run(fn, *args) for _ in range(repeats))

print(json.dumps({"unbuffered": measure(channel, 0), "buffered": measure(channel, buffer), "lock": measure(lock), "version": trio.__version__}))
`;

function pythonTrio(n: number, repeats: number): Row & { version?: string } {
  try {
    const out = execFileSync("python3", ["-c", PYTHON, String(n), String(repeats), String(BUFFER), String(LOCK_TASKS)], {
      encoding: "utf8",
      timeout: 600_000,
    });
    const ms = JSON.parse(out.trim().split("\n").at(-1)!) as Record<Workload, number> & { version: string };
    return { unbuffered: (ms.unbuffered * 1000) / n, buffered: (ms.buffered * 1000) / n, lock: (ms.lock * 1000) / n };
  } catch (error) {
    console.error(`python3 with trio failed, skipping it: ${(error as Error).message.split("\n")[0]}`);
    return { unbuffered: null, buffered: null, lock: null };
  }
}

// ------------------------------------------------------------------ harness

function check(sum: number, n: number): void {
  if (sum !== (n * (n - 1)) / 2) throw new Error(`lost or duplicated messages: sum ${sum}`);
}

async function bestMs(fn: () => Promise<number>, repeats: number): Promise<number> {
  await fn(); // warm-up: JIT and allocation
  let best = Infinity;
  for (let i = 0; i < repeats; i++) best = Math.min(best, await fn());
  return best;
}

/** Runs every workload for every peer; µs per message (or hand-off). */
export async function runChannelBench(n = 200_000, repeats = 5): Promise<Record<string, Row>> {
  if (n % LOCK_TASKS !== 0) throw new RangeError(`messages must be a multiple of ${LOCK_TASKS}, got ${n}`);
  const perMessage = async (fn: () => Promise<number>) => ((await bestMs(fn, repeats)) * 1000) / n;
  const effection = await perMessage(() => effectionChannel(n));
  return {
    "trio-workbook": {
      unbuffered: await perMessage(() => trioChannel(n, 0)),
      buffered: await perMessage(() => trioChannel(n, BUFFER)),
      lock: await perMessage(() => trioLock(n)),
    },
    Effect: {
      unbuffered: await perMessage(() => effectQueue(n, 1)),
      buffered: await perMessage(() => effectQueue(n, BUFFER)),
      lock: await perMessage(() => effectLock(n)),
    },
    Effection: { unbuffered: effection, buffered: effection, lock: null },
    "Python Trio": pythonTrio(n, repeats),
  };
}

function formatTable(results: Record<string, Row>): string {
  const peers = Object.keys(results);
  const ours = results["trio-workbook"]!;
  const header = ["workload", ...peers.map((p) => `${p} µs`), ...peers.slice(1).map((p) => `${p} / ours`)];
  const rows = WORKLOADS.map((w) => [
    w,
    ...peers.map((p) => (results[p]![w] == null ? "n/a" : results[p]![w]!.toFixed(3))),
    ...peers.slice(1).map((p) => (results[p]![w] == null ? "n/a" : `${(results[p]![w]! / ours[w]!).toFixed(1)}×`)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bench/channel.ts")) {
  const n = Number(process.argv[2] ?? 200_000);
  const repeats = Number(process.argv[3] ?? 5);
  const results = await runChannelBench(n, repeats);
  console.log(`messages: ${n} per run (lock: ${LOCK_TASKS} tasks × ${n / LOCK_TASKS}), best of ${repeats}, buffer ${BUFFER}`);
  console.log(`node ${process.version}; ratio > 1× means the peer is slower than trio-workbook`);
  console.log(formatTable(results));
}
