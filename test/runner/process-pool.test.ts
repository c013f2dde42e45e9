/**
 * The pool of started session processes: a session that takes one runs at once, the pool
 * refills, and a process started from an older bundle is not handed out.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PRESTARTED, ProcessPool } from "../../runner/session/process-pool.ts";
import type { RunEvent } from "../../runner/session/run.ts";
import { toRunStep } from "../../runner/session/run-step.ts";
import { SessionBundler } from "../../runner/session/session-bundle.ts";
import { Session } from "../../runner/session/session.ts";
import { spawnNodeSession } from "../../runner/session/spawn.ts";
import { FIXTURE_DECKS } from "./helpers.ts";

const bundler = new SessionBundler();
const spawn = () => spawnNodeSession(bundler, { memoryMb: 128, baseDir: FIXTURE_DECKS });
const limits = { wallTimeMs: 10_000, graceMs: 1_000, outputCapBytes: 20_000, memoryMb: 128 };
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const done of cleanup.splice(0)) done();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the process pool", () => {
  it("keeps processes ready; a session that takes one runs its first block without starting a process", async () => {
    const pool = new ProcessPool({ spawn, size: 2 });
    cleanup.push(() => pool.close());
    await expect.poll(() => pool.available, { timeout: 15_000, interval: 20 }).toBe(2);
    const session = new Session(() => pool.take(), limits);
    cleanup.push(() => session.dispose());
    const started = performance.now();
    const run = session.run([toRunStep("typescript", "console.log(typeof trio.run)", "block-0", "block")]);
    const events: RunEvent[] = [];
    run.subscribe((e) => events.push(e));
    expect((await run.ended).status).toBe("ok");
    expect(events.find((e) => e.type === "line")).toMatchObject({ text: "function" });
    // Far below a process start (about 100 ms here, seconds on a busy machine).
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect.poll(() => pool.available, { timeout: 15_000, interval: 20 }).toBe(2);
  });

  it("does not hand out a process started from an older bundle, and ends it", async () => {
    let version = 1;
    const pool = new ProcessPool({ spawn, size: 1, version: async () => version });
    cleanup.push(() => pool.close());
    await expect.poll(() => pool.available, { timeout: 15_000, interval: 20 }).toBe(1);
    version = 2;
    const child = await pool.take();
    cleanup.push(() => child.kill("SIGKILL"));
    expect(PRESTARTED.has(child)).toBe(false);
  });

  it("ends its processes when closed", async () => {
    const spawned: number[] = [];
    const pool = new ProcessPool({ spawn: async () => { const child = await spawn(); spawned.push(child.pid!); return child; }, size: 2 });
    await expect.poll(() => pool.available, { timeout: 15_000, interval: 20 }).toBe(2);
    pool.close();
    expect(pool.available).toBe(0);
    for (const pid of spawned) await expect.poll(() => alive(pid), { timeout: 5_000, interval: 20 }).toBe(false);
  });
});
