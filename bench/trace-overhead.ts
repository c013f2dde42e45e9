/**
 * `npx tsx bench/trace-overhead.ts [--runtime <dir>] [--repeats 7] [--rounds 200]`
 *
 * What the pictures cost. Runs the decks' examples (a nursery with two children, a time bomb
 * cancelling its siblings, a fan of a hundred workers, a producer and a consumer over a
 * channel) under a MockClock with autojump, so that they are pure CPU and any cost shows,
 * in three ways:
 *
 * - `off`: no instrument (the slides' default);
 * - `idle`: an instrument with only `beforeRun`, so every other hook's list is empty (what a
 *   hook check costs, e.g. with the session's task-event instrument absent);
 * - `trace`: a {@link TraceRecorder} whose events are batched and serialised as the session does.
 *
 * Each configuration runs in the same process, interleaved round by round to share the JIT and
 * the machine's noise; the best of the repeats, in CPU time, is reported. `--runtime <dir>` points at
 * another copy of the runtime (e.g. one without the trace hooks) to compare `off` across
 * versions. A tight checkpoint loop is reported too, as the worst case, not a deck example.
 * Benchmarks are not tests: `npm test` never runs this.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { TraceRecorder, type TraceEvent } from "../runtime/trace.ts";

type Trio = typeof import("../runtime/index.ts");

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    runtime: { type: "string" },
    repeats: { type: "string", default: "7" },
    rounds: { type: "string", default: "200" },
  },
});
const runtimeDir = path.resolve(values.runtime ?? path.join(import.meta.dirname, "..", "runtime"));
const trio = (await import(pathToFileURL(path.join(runtimeDir, "index.ts")).href)) as Trio;
const REPEATS = Number(values.repeats);
const ROUNDS = Number(values.rounds);
const SCALE = 0.1;

/** The examples sleep through this, so that the real-clock section can scale their sleeps. */
let sleep = (seconds: number) => trio.sleep(seconds);

const examples: Record<string, () => Promise<void>> = {
  async "nursery, two children"() {
    const child = async () => sleep(1);
    await trio.openNursery(async (n) => {
      n.startSoon(child);
      n.startSoon(child);
    });
  },
  async "time bomb"() {
    const sleeper = async (s: number) => {
      try {
        await sleep(s);
      } finally {
        // the seed prints here
      }
    };
    const bomb = async () => {
      await sleep(1);
      throw new Error("boom");
    };
    try {
      await trio.openNursery(async (n) => {
        n.startSoon(sleeper, 5);
        n.startSoon(sleeper, 10);
        n.startSoon(bomb);
      });
    } catch {
      // caught, as in the deck
    }
  },
  async "fan of 100 workers"() {
    const worker = async (i: number) => sleep(0.1 + (i % 5) * 0.05);
    await trio.openNursery(async (n) => {
      for (let i = 0; i < 100; i++) n.startSoon(worker, i);
    });
  },
  async "channel, 200 messages"() {
    const [send, receive] = trio.openMemoryChannel<number>(0);
    await trio.openNursery(async (n) => {
      n.startSoon(async () => {
        for (let i = 0; i < 200; i++) await send.send(i);
        send.close();
      });
      n.startSoon(async () => {
        for await (const _ of receive) await sleep(0.001);
      });
    });
  },
  async "checkpoint loop, 2000 (worst case)"() {
    for (let i = 0; i < 2000; i++) await trio.lowlevel.checkpoint();
  },
};

type Mode = "off" | "idle" | "trace";

function instrumentsFor(mode: Mode, sink: string[]): unknown[] {
  if (mode === "off") return [];
  if (mode === "idle") return [{ beforeRun() {} }];
  let batch: TraceEvent[] = [];
  return [
    new TraceRecorder({
      scheduled: false, // as the session records
      onEvent(event) {
        batch.push(event);
        if (event.k === "end" || batch.length >= 500) {
          sink.push(JSON.stringify(batch)); // what the session sends
          batch = [];
        }
      },
    }),
  ];
}

async function measure(example: () => Promise<void>, mode: Mode, realClock = false): Promise<number> {
  const sink: string[] = [];
  if (realClock) {
    // As on a slide: the real clock, the examples' sleeps taken for real. Wall time per run.
    const start = performance.now();
    await trio.run({ instruments: instrumentsFor(mode, sink) as never }, example);
    return (performance.now() - start) * 1000;
  }
  // CPU time, not wall time: on a shared machine other processes' work would count otherwise.
  const start = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    const clock = new trio.testing.MockClock({ autojumpThreshold: 0 });
    await trio.run({ clock, instruments: instrumentsFor(mode, sink) as never }, example);
    sink.length = 0;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ROUNDS; // µs per run
}

/** The fastest repeat: interference only ever adds time. */
const best = (xs: number[]) => Math.min(...xs);

console.log(`runtime: ${runtimeDir}; ${ROUNDS} runs per measurement, best of ${REPEATS}; CPU µs per trio.run\n`);
console.log("| example | off | idle instrument | trace on | trace / off |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, example] of Object.entries(examples)) {
  const times: Record<Mode, number[]> = { off: [], idle: [], trace: [] };
  for (const mode of ["off", "idle", "trace"] as Mode[]) await measure(example, mode); // warm-up
  for (let r = 0; r < REPEATS; r++) {
    for (const mode of ["off", "idle", "trace"] as Mode[]) times[mode].push(await measure(example, mode));
  }
  const [off, idle, traced] = [best(times.off), best(times.idle), best(times.trace)];
  console.log(`| ${name} | ${off.toFixed(1)} | ${idle.toFixed(1)} | ${traced.toFixed(1)} | ${((traced / off - 1) * 100).toFixed(1)}% |`);
}

// As on a slide: the same examples with the real clock (their sleeps scaled to a tenth, so that
// the whole bench stays short), wall time per run: what the audience waits for.
console.log(`\nWith the real clock, as on a slide (sleeps ×${SCALE}): wall ms per trio.run, median of ${REPEATS}\n`);
console.log("| example | off | trace on | trace / off |");
console.log("| --- | ---: | ---: | ---: |");
sleep = (seconds: number) => trio.sleep(seconds * SCALE);
for (const [name, example] of Object.entries(examples)) {
  if (name.includes("worst case")) continue;
  const times: Record<"off" | "trace", number[]> = { off: [], trace: [] };
  for (let r = 0; r < REPEATS; r++) {
    for (const mode of ["off", "trace"] as const) times[mode].push(await measure(example, mode, true));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! / 1000;
  const [off, traced] = [med(times.off), med(times.trace)];
  console.log(`| ${name} | ${off.toFixed(2)} | ${traced.toFixed(2)} | ${((traced / off - 1) * 100).toFixed(1)}% |`);
}
