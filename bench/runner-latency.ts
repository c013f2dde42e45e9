/**
 * `npx tsx bench/runner-latency.ts [--sessions 100] [--warm 30] [--pool 4]`
 *
 * The slide runner's latencies, measured as a browser sees them (HTTP + NDJSON stream):
 * click-to-first-line on a cold session (process start included) and a warm one; delay between
 * a line's print and its arrival; and N concurrent sessions each running a block (p50/p95 first
 * line, server and total memory). Targets (issue 5): warm first line ≤ 50 ms p50; line delay
 * ≤ 20 ms; 100 sessions with p95 first line ≤ 500 ms. A benchmark, not a test.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createApp } from "../runner/app.ts";
import { tokenCookieName } from "../runner/http/security.ts";
import { DEFAULT_POOL_SIZE } from "../runner/config.ts";
import { ProcessPool } from "../runner/session/process-pool.ts";
import { toRunStep } from "../runner/session/run-step.ts";
import { SessionBundler } from "../runner/session/session-bundle.ts";
import { SessionManager } from "../runner/session/session-manager.ts";
import { spawnNodeSession } from "../runner/session/spawn.ts";

const { values } = parseArgs({ options: { sessions: { type: "string", default: "100" }, warm: { type: "string", default: "30" }, pool: { type: "string", default: String(DEFAULT_POOL_SIZE) } } });
const POOL = Number(values.pool);
const SESSIONS = Number(values.sessions);
const WARM = Number(values.warm);
const TOKEN = "bench-token";

const dir = mkdtempSync(path.join(os.tmpdir(), "twb-bench-"));
writeFileSync(path.join(dir, "bench.md"), [
  "```exec\nconsole.log('first');\n```",
  "```exec\nfor (let i = 0; i < 50; i++) { console.log(String(Date.now())); await new Promise((r) => setTimeout(r, 20)); }\n```",
].join("\n\n---\n\n"));

const bundler = new SessionBundler();
await bundler.get();
toRunStep("typescript", "const warm = 0;", "warm-up", "block"); // as `npm start` does
// As `npm start` does: processes started ahead of need (the pool's size is the burst it absorbs).
const pool = new ProcessPool({ spawn: () => spawnNodeSession(bundler, { memoryMb: 128, baseDir: dir }), size: POOL, version: () => bundler.get() });
const sessions = new SessionManager({
  limits: { wallTimeMs: 60_000, graceMs: 2_000, outputCapBytes: 1_000_000, memoryMb: 128 },
  spawn: () => () => pool.take(),
  maxSessions: SESSIONS + 10,
  maxRunsPerViewer: Number.POSITIVE_INFINITY,
  idleMs: 600_000,
});
const app = createApp({ slidesDir: dir, exercisesDir: dir, token: TOKEN, sessions, log: console.error });
const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
await bundler.get();

/** Runs a block as viewer `viewer`; returns ms to the first line and each line's arrival. */
async function run(viewer: string, block: number): Promise<{ firstLine: number; lines: Array<{ text: string; at: number }> }> {
  const start = performance.now();
  const response = await fetch(`${base}/api/decks/bench/run`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: `${tokenCookieName(TOKEN)}=${TOKEN}; twb_viewer=${viewer}` },
    body: JSON.stringify({ block }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let firstLine = Number.NaN;
  const lines: Array<{ text: string; at: number }> = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const part of parts.filter(Boolean)) {
      const event = JSON.parse(part) as { type: string; text?: string };
      if (event.type === "line") {
        if (Number.isNaN(firstLine)) firstLine = performance.now() - start;
        lines.push({ text: event.text!, at: Date.now() });
      }
    }
  }
  return { firstLine, lines };
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Lets the pool fill (as it would between viewers arriving). */
const poolFilled = async () => {
  const deadline = performance.now() + 120_000;
  while (pool.available < POOL && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
};
await poolFilled();
const cold = await run("cold", 0);
const warm: number[] = [];
for (let i = 0; i < WARM; i++) warm.push((await run("cold", 0)).firstLine);
const delays = (await run("cold", 1)).lines.map((l) => l.at - Number(l.text));

await poolFilled();
const concurrent = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => run(`viewer-${i}`, 0)));
const firstLines = concurrent.map((r) => r.firstLine);
const warmConcurrent = (await Promise.all(Array.from({ length: SESSIONS }, (_, i) => run(`viewer-${i}`, 0)))).map((r) => r.firstLine);
const rssOf = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
};
const serverRss = process.memoryUsage().rss;
const childPids = (readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean)).map(Number);
const totalRss = serverRss + childPids.reduce((sum, pid) => sum + rssOf(pid), 0);

console.log(`| measure (pool of ${POOL} ready processes) | value | target |
| --- | --- | --- |
| cold first line (process start included) | ${ms(cold.firstLine)} | |
| warm first line p50 / p95 (${WARM} runs) | ${ms(percentile(warm, 50))} / ${ms(percentile(warm, 95))} | p50 ≤ 50 ms |
| line delay p50 / p95 (print → arrival) | ${ms(percentile(delays, 50))} / ${ms(percentile(delays, 95))} | ≤ 20 ms |
| ${SESSIONS} concurrent cold sessions, first line p50 / p95 | ${ms(percentile(firstLines, 50))} / ${ms(percentile(firstLines, 95))} | p95 ≤ 500 ms |
| ${SESSIONS} concurrent warm sessions, first line p50 / p95 | ${ms(percentile(warmConcurrent, 50))} / ${ms(percentile(warmConcurrent, 95))} | p95 ≤ 500 ms |
| memory: server / server + ${childPids.length} sessions | ${(serverRss / 2 ** 20).toFixed(0)} MB / ${(totalRss / 2 ** 20).toFixed(0)} MB | |`);

pool.close();
sessions.close();
server.close();
