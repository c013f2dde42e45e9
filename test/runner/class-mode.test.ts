/**
 * Serving a class (`--serve-class`): every run is untrusted. Node's permission model refuses
 * file writes outside the session's folder, child processes and workers; the loopback guard
 * refuses any network address but 127.0.0.0/8 and ::1.
 */
import { mkdtempSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isLoopback } from "../../runner/session/loopback-guard.ts";
import type { RunEvent } from "../../runner/session/run.ts";
import { toRunStep } from "../../runner/session/run-step.ts";
import { SessionBundler } from "../../runner/session/session-bundle.ts";
import { Session } from "../../runner/session/session.ts";
import { spawnNodeSession } from "../../runner/session/spawn.ts";
import { FIXTURE_DECKS } from "./helpers.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const writableDir = mkdtempSync(path.join(os.tmpdir(), "twb-class-"));
const bundler = new SessionBundler();
const session = new Session(
  () => spawnNodeSession(bundler, { memoryMb: 128, baseDir: FIXTURE_DECKS, untrusted: { readableDirs: [ROOT], writableDir } }),
  { wallTimeMs: 10_000, graceMs: 1_000, outputCapBytes: 20_000, memoryMb: 128 },
);
afterAll(() => session.dispose());

/** Runs code in the untrusted session; returns its stdout lines and how it ended. */
async function run(code: string): Promise<{ lines: string[]; status: string; message: string | null }> {
  const events: RunEvent[] = [];
  const handle = session.run([toRunStep("typescript", code, "block-0", "block")]);
  handle.subscribe((event) => events.push(event));
  const end = await handle.ended;
  return { lines: events.flatMap((e) => (e.type === "line" ? [e.text] : [])), status: end.status, message: end.message };
}

/** A block that prints `refused <code>` or `allowed` for an operation. */
const attempt = (operation: string) => `
try {
  await (${operation});
  console.log("allowed");
} catch (error) {
  // fetch wraps the socket's error in its own: the cause says why.
  console.log("refused", error.cause?.code ?? error.code, error.cause?.message ?? error.message);
}`;

describe("an untrusted session (serving a class)", () => {
  it("refuses to write files outside its own folder, and writes inside it", async () => {
    const outside = path.join(ROOT, "class-mode-should-not-exist.txt");
    const { lines } = await run(`
      const fs = await import("node:fs/promises");
      ${attempt(`fs.writeFile(${JSON.stringify(outside)}, "x")`)}
      ${attempt(`fs.writeFile(${JSON.stringify(path.join(writableDir, "ok.txt"))}, "x")`)}
      ${attempt(`fs.writeFile((await import("node:os")).tmpdir() + "/also-ok.txt", "x")`)}
    `);
    expect(lines[0]).toMatch(/^refused ERR_ACCESS_DENIED/);
    expect(lines.slice(1)).toEqual(["allowed", "allowed"]);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(path.join(writableDir, "ok.txt"))).toBe(true);
  });

  it("refuses child processes, workers and Node's internal bindings (the way around the loopback guard)", async () => {
    const { lines } = await run(`
      const cp = await import("node:child_process");
      ${attempt(`Promise.resolve().then(() => cp.execFileSync("true"))`)}
      const { Worker } = await import("node:worker_threads");
      ${attempt(`Promise.resolve().then(() => new Worker("1", { eval: true }))`)}
      ${attempt(`Promise.resolve().then(() => process.binding("tcp_wrap"))`)}
    `);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^refused ERR_ACCESS_DENIED/);
  });

  it("serves and connects on loopback, and a server asking for every interface gets 127.0.0.1", async () => {
    const { lines, status } = await run(`
      const net = await import("node:net");
      const server = net.createServer((socket) => socket.end("hi from loopback"));
      await new Promise((resolve, reject) => { server.once("error", reject); server.listen(0, resolve); });
      const { address, port } = server.address();
      console.log("listening on", address);
      const reply = await new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        let text = "";
        socket.on("data", (d) => (text += d)).on("end", () => resolve(text)).on("error", reject);
      });
      console.log(reply);
      server.close();
    `);
    expect(status).toBe("ok");
    expect(lines).toEqual(["listening on 127.0.0.1", "hi from loopback"]);
  });

  it("refuses network addresses beyond loopback, and says why", async () => {
    const { lines } = await run(`
      const net = await import("node:net");
      const dgram = await import("node:dgram");
      const dns = await import("node:dns/promises");
      const connect = (...args) => new Promise((resolve, reject) => net.connect(...args).on("connect", resolve).on("error", reject));
      ${attempt(`connect(80, "10.255.255.1")`)}
      ${attempt(`connect({ host: "example.com", port: 443 })`)}
      ${attempt(`fetch("http://192.0.2.1/")`)}
      ${attempt(`new Promise((resolve, reject) => net.createServer().on("error", reject).listen(0, "192.0.2.1", resolve))`)}
      ${attempt(`Promise.resolve().then(() => dgram.createSocket("udp4").send("x", 53, "8.8.8.8"))`)}
      ${attempt(`dns.lookup("example.com")`)}
    `);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).toMatch(/^refused ERR_ACCESS_DENIED .*127\.0\.0\.1 and ::1 only/);
  });
});

describe("isLoopback", () => {
  it("accepts loopback addresses and localhost only", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["10.0.0.1", "0.0.0.0", "::", "example.com", "localhost.example.com", "128.0.0.1"]) expect(isLoopback(host), host).toBe(false);
  });
});
