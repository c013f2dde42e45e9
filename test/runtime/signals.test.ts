// openSignalReceiver in this process, and Ctrl-C (SIGINT) during trio.run in a
// child process: the main task is cancelled, its finally blocks run, and run
// rejects with KeyboardInterrupt. After Trio's test_signals.py and its
// KeyboardInterrupt tests, in our own words.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const RUNTIME = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../runtime/index.ts");
const runIo = <R>(body: () => Promise<R>) => trio.run(() => trio.failAfter(20, body));

/** Runs a TypeScript program in a child process, sends it SIGINT once it prints "ready", returns its output. */
async function interruptChild(program: string, signals = 1): Promise<{ out: string; code: number | null }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trio-signals-"));
  const file = path.join(dir, "main.mts");
  writeFileSync(file, `import * as trio from ${JSON.stringify(RUNTIME)};\n${program}`);
  const child = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "pipe", "pipe"], cwd: path.dirname(RUNTIME) });
  let out = "";
  let sent = 0;
  child.stdout.on("data", (d) => {
    out += String(d);
    while (sent < signals && out.split("ready").length - 1 > sent) {
      sent++;
      child.kill("SIGINT");
    }
  });
  child.stderr.on("data", (d) => (out += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { out, code };
}

describe("SIGINT during trio.run", () => {
  it("cancels the main task so finally blocks run, then rejects with KeyboardInterrupt", async () => {
    const { out, code } = await interruptChild(`
      try {
        await trio.run(async () => {
          await trio.openNursery(async (n) => {
            // A server keeps Node's event loop alive, as in the Ctrl-C-an-echo-server case.
            await n.start(trio.serveTcp, async () => {}, 0, { host: "127.0.0.1" });
            n.startSoon(async () => { try { await trio.sleepForever(); } finally { console.log("child finally"); } });
            try { console.log("ready"); await trio.sleepForever(); } finally { console.log("main finally"); }
          });
        });
      } catch (e) {
        console.log("caught " + (e instanceof trio.KeyboardInterrupt ? "KeyboardInterrupt" : String(e)));
      }
    `);
    expect(out).toContain("child finally");
    expect(out).toContain("main finally");
    expect(out).toContain("caught KeyboardInterrupt");
    expect(code).toBe(0);
  }, 30_000);

  it("leaves SIGINT to an open signal receiver", async () => {
    const { out, code } = await interruptChild(`
      const got = await trio.run(async () => {
        using receiver = trio.openSignalReceiver("SIGINT");
        console.log("ready");
        return await receiver.receive();
      });
      console.log("received " + got);
    `);
    expect(out).toContain("received SIGINT");
    expect(code).toBe(0);
  }, 30_000);
});

describe("openSignalReceiver", () => {
  it("receives a signal sent to this process", async () => {
    await runIo(async () => {
      using receiver = trio.openSignalReceiver("SIGUSR2");
      process.kill(process.pid, "SIGUSR2");
      expect(await receiver.receive()).toBe("SIGUSR2");
    });
  });

  it("coalesces a signal that arrives twice before it is read, and iterates with for await", async () => {
    await runIo(async () => {
      using receiver = trio.openSignalReceiver("SIGUSR2", "SIGHUP");
      process.kill(process.pid, "SIGUSR2");
      process.kill(process.pid, "SIGUSR2");
      process.kill(process.pid, "SIGHUP");
      await trio.sleep(0.1);
      const seen: string[] = [];
      for await (const signal of receiver) {
        seen.push(signal);
        if (seen.length === 2) break;
      }
      expect(seen.sort()).toEqual(["SIGHUP", "SIGUSR2"]);
      const scope = await trio.moveOnAfter(0.1, () => receiver.receive());
      expect(scope.cancelledCaught).toBe(true); // the duplicate was merged
    });
  });

  it("stops listening once closed, and wakes a waiting task with ClosedResourceError", async () => {
    const before = process.listenerCount("SIGUSR2");
    await runIo(async () => {
      const receiver = trio.openSignalReceiver("SIGUSR2");
      expect(process.listenerCount("SIGUSR2")).toBe(before + 1);
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await expect(receiver.receive()).rejects.toBeInstanceOf(trio.ClosedResourceError);
        });
        await trio.testing.waitAllTasksBlocked();
        receiver.close();
      });
      receiver.close();
    });
    expect(process.listenerCount("SIGUSR2")).toBe(before);
  });

  it("rejects uncatchable or unknown signals", async () => {
    await runIo(async () => {
      expect(() => trio.openSignalReceiver("SIGKILL")).toThrow(/cannot catch "SIGKILL"/);
      expect(() => trio.openSignalReceiver()).toThrow(TypeError);
    });
  });
});
