// runProcess / openProcess with real child processes: exit codes, input, capture,
// check, cwd/env, signals, cancellation that kills and reaps the child. In our own
// words after the behaviours of Trio's test_subprocess.py.
import os from "node:os";
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const SAFETY = 20;
const runIo = <R>(body: () => Promise<R>) => trio.run(() => trio.failAfter(SAFETY, body));
const node = (code: string) => [process.execPath, "-e", code];

/** Whether a process with this pid still exists (a zombie counts). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("runProcess", () => {
  it("returns the exit status of a successful command", async () => {
    const result = await runIo(() => trio.runProcess(node("process.exit(0)")));
    expect(result.returncode).toBe(0);
    expect(result.stdout).toBeNull();
  });

  it("raises CalledProcessError for a non-zero status, with the captured output", async () => {
    const error = await runIo(() =>
      trio.runProcess(node("process.stderr.write('oops'); process.exit(3)"), { capture: true }).catch((e) => e),
    );
    expect(error).toBeInstanceOf(trio.CalledProcessError);
    expect(error.returncode).toBe(3);
    expect(error.stderr.toString()).toBe("oops");
    expect(error.message).toMatch(/exited with status 3; stderr: oops/);
  });

  it("returns a failing status without raising when check is false", async () => {
    const result = await runIo(() => trio.runProcess(node("process.exit(7)"), { check: false }));
    expect(result.returncode).toBe(7);
  });

  it("feeds input and captures stdout and stderr separately", async () => {
    const result = await runIo(() =>
      trio.runProcess(
        node("let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stdout.write(s.toUpperCase());process.stderr.write('err')})"),
        { input: "hello", capture: true },
      ),
    );
    expect(result.stdout!.toString()).toBe("HELLO");
    expect(result.stderr!.toString()).toBe("err");
  });

  it("gives the child empty input by default, so a reader of stdin does not hang", async () => {
    const result = await runIo(() => trio.runProcess(["cat"], { captureStdout: true }));
    expect(result.stdout!.length).toBe(0);
  });

  it("moves a megabyte through stdin and stdout without deadlocking", async () => {
    const input = Buffer.alloc(1 << 20, 65);
    const result = await runIo(() => trio.runProcess(["cat"], { input, captureStdout: true }));
    expect(result.stdout!.equals(input)).toBe(true);
  });

  it("does not fail when the child exits without reading its input", async () => {
    const result = await runIo(() => trio.runProcess(node("process.exit(0)"), { input: Buffer.alloc(1 << 20) }));
    expect(result.returncode).toBe(0);
  });

  it("runs in cwd with env", async () => {
    const result = await runIo(() =>
      trio.runProcess(node("process.stdout.write(process.cwd() + ' ' + process.env.TRIO_TEST)"), {
        cwd: os.tmpdir(),
        env: { ...process.env, TRIO_TEST: "yes" },
        captureStdout: true,
      }),
    );
    expect(result.stdout!.toString()).toBe(`${os.tmpdir()} yes`);
  });

  it("runs a command line through the shell when asked", async () => {
    const result = await runIo(() => trio.runProcess("echo one && echo two", { shell: true, captureStdout: true }));
    expect(result.stdout!.toString()).toBe("one\ntwo\n");
  });

  it("raises OSError ENOENT for a program that does not exist", async () => {
    const error = await runIo(() => trio.runProcess(["definitely-not-a-program-xyz"]).catch((e) => e));
    expect(error).toBeInstanceOf(trio.OSError);
    expect(error.code).toBe("ENOENT");
    expect(error.message).toContain("definitely-not-a-program-xyz");
  });

  it("rejects a command string without shell, and an empty argv", async () => {
    await runIo(async () => {
      await expect(trio.runProcess("ls -l")).rejects.toThrow(/needs \{ shell: true \}/);
      await expect(trio.runProcess([])).rejects.toThrow(TypeError);
    });
  });

  it("is cancellable: the child is terminated and reaped, no zombie left", async () => {
    let pid = 0;
    await runIo(async () => {
      const scope = await trio.moveOnAfter(0.3, () =>
        trio.runProcess(["sleep", "30"], {
          deliverCancel: async (proc) => {
            pid = proc.pid;
            proc.terminate();
          },
        }),
      );
      expect(scope.cancelledCaught).toBe(true);
    });
    expect(pid).toBeGreaterThan(0);
    expect(exists(pid)).toBe(false);
  });

  it("kills a child that ignores SIGTERM with the default deliverCancel (after its grace period)", async () => {
    let pid = 0;
    await runIo(async () => {
      const scope = await trio.moveOnAfter(0.5, async () => {
        const proc = await trio.openProcess(node("process.on('SIGTERM',()=>{}); console.log('ready'); setInterval(()=>{},1000)"), {
          stdout: "pipe",
        });
        pid = proc.pid;
        await proc.stdout!.receiveSome(); // it has installed its handler
        proc.terminate();
        await trio.sleep(0.2);
        expect(proc.returncode).toBeNull(); // SIGTERM ignored
        proc.kill();
        expect(await proc.wait()).toBe(-9);
      });
      expect(scope.cancelledCaught).toBe(false);
    });
    expect(exists(pid)).toBe(false);
  });
});

describe("openProcess", () => {
  it("reports -signal as the returncode of a child ended by a signal", async () => {
    await runIo(async () => {
      const proc = await trio.openProcess(["sleep", "30"]);
      expect(proc.returncode).toBeNull();
      expect(proc.poll()).toBeNull();
      proc.terminate();
      expect(await proc.wait()).toBe(-15);
      expect(proc.returncode).toBe(-15);
      expect(await proc.wait()).toBe(-15); // waiting again returns at once
    });
  });

  it("talks to the child through its pipes", async () => {
    await runIo(async () => {
      await using proc = await trio.openProcess(["cat"], { stdin: "pipe", stdout: "pipe" });
      await proc.stdin!.sendAll("round trip");
      await proc.stdin!.aclose();
      const parts: Uint8Array[] = [];
      for (let d = await proc.stdout!.receiveSome(); d.length; d = await proc.stdout!.receiveSome()) parts.push(d);
      expect(Buffer.concat(parts).toString()).toBe("round trip");
      expect(await proc.wait()).toBe(0);
    });
  });

  it("has null streams for what was not piped", async () => {
    await runIo(async () => {
      await using proc = await trio.openProcess(node(""), { stdin: "ignore" });
      expect(proc.stdin).toBeNull();
      expect(proc.stdout).toBeNull();
      await proc.wait();
    });
  });

  it("lets a cancelled wait leave the child running", async () => {
    await runIo(async () => {
      const proc = await trio.openProcess(["sleep", "30"]);
      const scope = await trio.moveOnAfter(0.1, () => proc.wait());
      expect(scope.cancelledCaught).toBe(true);
      expect(proc.returncode).toBeNull();
      proc.kill();
      expect(await proc.wait()).toBe(-9);
    });
  });

  it("kills the child when aclose is cancelled, and still reaps it", async () => {
    let pid = 0;
    await runIo(async () => {
      const proc = await trio.openProcess(["sleep", "30"]);
      pid = proc.pid;
      const scope = await trio.moveOnAfter(0.1, () => proc.aclose());
      expect(scope.cancelledCaught).toBe(true);
      expect(proc.returncode).toBe(-9);
    });
    expect(exists(pid)).toBe(false);
  });

  it("raises BrokenResourceError when writing to a child that has exited", async () => {
    await runIo(async () => {
      const proc = await trio.openProcess(node("process.exit(0)"), { stdin: "pipe" });
      await proc.wait();
      const error = await (async () => {
        try {
          for (let i = 0; i < 100; i++) {
            await proc.stdin!.sendAll(Buffer.alloc(65536));
            await trio.sleep(0.001);
          }
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(trio.BrokenResourceError);
      await proc.aclose();
    });
  });
});
