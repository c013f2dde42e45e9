// trio.openFile / wrapFile: Trio's async file objects on fs.promises, with
// real files in a temporary directory, and FIFOs for calls that block.
import { execFileSync } from "node:child_process";
import * as fsp from "node:fs/promises";
import os from "node:os";
import nodePath from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(nodePath.join(os.tmpdir(), "trio-file-test-"));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const at = (name: string) => nodePath.join(dir, name);

/** A named pipe: opening it for reading blocks until a writer comes, and reads block until data does. */
function makeFifo(name: string): string {
  const fifo = at(name);
  execFileSync("mkfifo", [fifo]);
  return fifo;
}

/** How many of this process's file descriptors point to `file` (Linux's /proc). */
async function openDescriptorsOf(file: string): Promise<number> {
  let count = 0;
  for (const fd of await fsp.readdir("/proc/self/fd")) {
    const target = await fsp.readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (target === file) count++;
  }
  return count;
}

describe("openFile in text mode", () => {
  it("writes, seeks and reads back, counting characters for read(size) and bytes for positions", async () => {
    await trio.run(async () => {
      await using f = await trio.openFile(at("a.txt"), "w+");
      expect(await f.write("héllo\nwörld\n")).toBe(12);
      expect(await f.tell()).toBe(14); // é and ö are two bytes each
      expect(await f.seek(0)).toBe(0);
      expect(await f.read(2)).toBe("hé");
      expect(await f.readline()).toBe("llo\n");
      expect(await f.read()).toBe("wörld\n");
      expect(await f.read()).toBe("");
      expect(await f.readline()).toBe("");
    });
    expect(await fsp.readFile(at("a.txt"), "utf8")).toBe("héllo\nwörld\n");
  });

  it("iterates over lines with for await, keeping each newline and a last line without one", async () => {
    await fsp.writeFile(at("lines.txt"), "one\ntwo\nthree");
    const lines: string[] = [];
    await trio.run(async () => {
      await using f = await trio.openFile(at("lines.txt"));
      for await (const line of f) lines.push(line);
    });
    expect(lines).toEqual(["one\n", "two\n", "three"]);
  });

  it("reads lines longer than its 64 KiB chunks and multi-byte characters split across chunks", async () => {
    const long = "x".repeat(65_535) + "€".repeat(10) + "\n";
    await fsp.writeFile(at("long.txt"), long + "end\n");
    await trio.run(async () => {
      await using f = await trio.openFile(at("long.txt"));
      expect(await f.readlines()).toEqual([long, "end\n"]);
    });
  });

  it("appends at the end in mode a, whatever the position", async () => {
    await fsp.writeFile(at("log.txt"), "first\n");
    await trio.run(async () => {
      await using f = await trio.openFile(at("log.txt"), "a+");
      expect(await f.tell()).toBe(6);
      await f.seek(0);
      await f.write("second\n");
      expect(await f.tell()).toBe(13);
      await f.seek(0);
      expect(await f.read()).toBe("first\nsecond\n");
    });
  });

  it("truncates, and reads latin1 when asked", async () => {
    await fsp.writeFile(at("l1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21]));
    await trio.run(async () => {
      await using f = await trio.openFile(at("l1.txt"), "r+", { encoding: "latin1" });
      expect(await f.read(4)).toBe("café");
      expect(await f.truncate()).toBe(4);
      expect(await f.tell()).toBe(4);
      expect((await f.stat()).size).toBe(4);
    });
  });
});

describe("openFile in binary mode", () => {
  it("reads and writes Buffers", async () => {
    await trio.run(async () => {
      await using f = await trio.openFile(at("b.bin"), "w+b");
      expect(await f.write(new Uint8Array([1, 2, 10, 3]))).toBe(4);
      await f.seek(-2, 2);
      expect([...(await f.read())]).toEqual([10, 3]);
      await f.seek(0);
      expect([...(await f.readline())]).toEqual([1, 2, 10]);
      expect(Buffer.isBuffer(await f.read(1))).toBe(true);
    });
  });
});

describe("openFile errors", () => {
  it("raises Node's ENOENT for a missing file, with the path", async () => {
    await trio.run(async () => {
      await expect(trio.openFile(at("missing.txt"))).rejects.toMatchObject({ code: "ENOENT", path: at("missing.txt") });
    });
  });

  it("raises EEXIST for mode x on an existing file", async () => {
    await fsp.writeFile(at("x.txt"), "");
    await trio.run(async () => {
      await expect(trio.openFile(at("x.txt"), "x")).rejects.toMatchObject({ code: "EEXIST" });
    });
  });

  it("refuses an unknown mode, data of the wrong kind and writing to a read-only file", async () => {
    await fsp.writeFile(at("r.txt"), "r");
    await trio.run(async () => {
      await expect(trio.openFile(at("r.txt"), "rw")).rejects.toThrow(/invalid mode "rw"/);
      await using f = await trio.openFile(at("r.txt"));
      await expect(f.write("no")).rejects.toThrow(/opened with mode "r", which is not writable/);
      await using g = await trio.openFile(at("w.bin"), "wb");
      await expect(g.write("text" as never)).rejects.toThrow(/binary mode .* expected a Uint8Array/);
    });
  });

  it("raises ClosedResourceError after aclose, and a second aclose is fine", async () => {
    await trio.run(async () => {
      const f = await trio.openFile(at("c.txt"), "w");
      await f.aclose();
      expect(f.closed).toBe(true);
      await f.aclose();
      await expect(f.write("x")).rejects.toBeInstanceOf(trio.ClosedResourceError);
    });
  });
});

describe("file calls as checkpoints", () => {
  it("checkpoints even when a read is served from the buffer", async () => {
    await fsp.writeFile(at("cp.txt"), "abc");
    await trio.run(async () => {
      await using f = await trio.openFile(at("cp.txt"));
      await f.read(1);
      await trio.testing.assertCheckpoints(() => f.read(1));
      await trio.testing.assertCheckpoints(() => f.tell());
    });
  });

  it("does nothing in an already-cancelled scope", async () => {
    await trio.run(async () => {
      await using f = await trio.openFile(at("nothing.txt"), "w");
      const bodies: Array<() => Promise<unknown>> = [() => f.write("never"), () => trio.openFile(at("not-created.txt"), "w")];
      for (const body of bodies) {
        const scope = new trio.CancelScope();
        scope.cancel();
        await scope.run(body);
        expect(scope.cancelledCaught).toBe(true);
      }
    });
    expect(await fsp.readFile(at("nothing.txt"), "utf8")).toBe("");
    await expect(fsp.stat(at("not-created.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("cancelling blocked file calls", () => {
  it("cancels an open that blocks (a FIFO without a writer), and closes the file once it opens", async () => {
    const fifo = makeFifo("open.fifo");
    await trio.run({ clock: autojump() }, async () => {
      const scope = await trio.moveOnAfter(1, () => trio.openFile(fifo));
      expect(scope.cancelledCaught).toBe(true);
    });
    // Let the abandoned open finish, so that no thread of libuv's pool stays blocked.
    const writer = await fsp.open(fifo, "w");
    await writer.close();
    for (let i = 0; i < 100 && (await openDescriptorsOf(fifo)) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await openDescriptorsOf(fifo)).toBe(0);
  });

  it("cancels a blocked read, and the bytes that arrive later go to the next read", async () => {
    const fifo = makeFifo("read.fifo");
    await trio.run({ clock: autojump() }, async () => {
      await using f = await trio.openFile(fifo, "r+"); // read-write: the open does not wait for a writer
      const scope = await trio.moveOnAfter(1, () => f.read(5));
      expect(scope.cancelledCaught).toBe(true);
      const writer = await fsp.open(fifo, "w");
      await writer.write("hello");
      await writer.close();
      expect(await f.read(5)).toBe("hello");
    });
  });

  it("cancels a blocked write, which still lands before the next operation", async () => {
    const fifo = makeFifo("write.fifo");
    const big = Buffer.alloc(1 << 20, 0x61); // far more than a pipe holds
    await trio.run({ clock: autojump() }, async () => {
      await using f = await trio.openFile(fifo, "r+b");
      const scope = await trio.moveOnAfter(1, () => f.write(big));
      expect(scope.cancelledCaught).toBe(true);
      const reader = await fsp.open(fifo, "r");
      let received = 0;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          const buf = Buffer.alloc(1 << 16);
          while (received < big.length) received += (await trio.cancellable(reader.read(buf, 0, buf.length, null))).bytesRead;
        });
        await f.flush(); // waits for the abandoned write
      });
      await reader.close();
      expect(received).toBe(big.length);
    });
  });
});

describe("wrapFile", () => {
  it("wraps a FileHandle and closes it with aclose", async () => {
    const handle = await fsp.open(at("wrapped.txt"), "w+");
    await trio.run(async () => {
      const f = trio.wrapFile(handle, "w+", { name: "wrapped.txt" });
      expect(f.wrapped).toBe(handle);
      expect(f.name).toBe("wrapped.txt");
      await f.write("wrapped\n");
      await f.seek(0);
      expect(await f.read()).toBe("wrapped\n");
      await f.aclose();
    });
    await expect(handle.stat()).rejects.toMatchObject({ code: "EBADF" });
  });

  it("refuses what is not a FileHandle", async () => {
    expect(() => trio.wrapFile({} as never)).toThrow(/expected a FileHandle/);
  });
});
