// trio.Path: pure path operations, and file system calls as checkpoints on
// real files in a temporary directory.
import { execFileSync } from "node:child_process";
import * as fsp from "node:fs/promises";
import os from "node:os";
import nodePath from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(nodePath.join(os.tmpdir(), "trio-path-test-"));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe("Path's pure operations", () => {
  it("splits a path into name, stem, suffixes, parent and parts", () => {
    const p = new trio.Path("/srv", "data", "archive.tar.gz");
    expect(p.toString()).toBe("/srv/data/archive.tar.gz");
    expect(`${p}`).toBe("/srv/data/archive.tar.gz");
    expect(p.name).toBe("archive.tar.gz");
    expect(p.stem).toBe("archive.tar");
    expect(p.suffix).toBe(".gz");
    expect(p.suffixes).toEqual([".tar", ".gz"]);
    expect(p.parent.toString()).toBe("/srv/data");
    expect(p.parts).toEqual(["/", "srv", "data", "archive.tar.gz"]);
    expect(new trio.Path(".bashrc").suffix).toBe("");
    expect(new trio.Path().toString()).toBe(".");
  });

  it("joins, renames and relates paths without touching the disk", () => {
    const base = new trio.Path("a");
    expect(base.joinpath("b", "c.txt").toString()).toBe(nodePath.join("a", "b", "c.txt"));
    expect(base.joinpath("/abs").toString()).toBe("/abs");
    expect(new trio.Path("a/b.txt").withName("c.md").toString()).toBe(nodePath.join("a", "c.md"));
    expect(new trio.Path("a/b.txt").withSuffix(".json").toString()).toBe(nodePath.join("a", "b.json"));
    expect(new trio.Path("/a/b/c").relativeTo("/a").toString()).toBe(nodePath.join("b", "c"));
    expect(new trio.Path("/tmp").isAbsolute()).toBe(true);
    expect(new trio.Path("x").absolute().isAbsolute()).toBe(true);
    expect(new trio.Path("a//b/").equals("a/b/")).toBe(true);
    expect(new trio.Path(new URL("file:///tmp/x")).toString()).toBe("/tmp/x");
    expect(JSON.stringify({ p: new trio.Path("/x") })).toBe('{"p":"/x"}');
    expect(() => new trio.Path("a").withSuffix("json")).toThrow(/must start with "."/);
  });
});

describe("Path's file system calls", () => {
  it("writes and reads text and bytes", async () => {
    await trio.run(async () => {
      const text = new trio.Path(dir, "t.txt");
      await text.writeText("grüße\n");
      expect(await text.readText()).toBe("grüße\n");
      const bin = new trio.Path(dir, "b.bin");
      await bin.writeBytes(new Uint8Array([0, 255]));
      expect([...(await bin.readBytes())]).toEqual([0, 255]);
      expect((await bin.stat()).size).toBe(2);
    });
  });

  it("tells files, directories and missing paths apart", async () => {
    await trio.run(async () => {
      const root = new trio.Path(dir);
      const file = root.joinpath("f");
      await file.touch();
      await fsp.symlink(file.toString(), nodePath.join(dir, "link"));
      expect([await file.exists(), await file.isFile(), await file.isDir()]).toEqual([true, true, false]);
      expect([await root.isDir(), await root.joinpath("link").isSymlink(), await file.isSymlink()]).toEqual([true, true, false]);
      expect([await root.joinpath("nope").exists(), await file.joinpath("under-a-file").exists()]).toEqual([false, false]);
    });
  });

  it("makes directories with parents and existOk, as pathlib", async () => {
    await trio.run(async () => {
      const deep = new trio.Path(dir, "a", "b", "c");
      await expect(deep.mkdir()).rejects.toMatchObject({ code: "ENOENT" });
      await deep.mkdir({ parents: true });
      await expect(deep.mkdir({ parents: true })).rejects.toMatchObject({ code: "EEXIST" });
      await deep.mkdir({ parents: true, existOk: true });
      await deep.mkdir({ existOk: true });
      await deep.joinpath("f").touch();
      await expect(deep.joinpath("f").mkdir({ existOk: true })).rejects.toMatchObject({ code: "EEXIST" });
      expect(await deep.isDir()).toBe(true);
    });
  });

  it("renames, unlinks and removes directories", async () => {
    await trio.run(async () => {
      const a = new trio.Path(dir, "a.txt");
      await a.writeText("a");
      const b = await a.rename(a.withName("b.txt"));
      expect([await a.exists(), await b.readText()]).toEqual([false, "a"]);
      await b.unlink();
      await expect(b.unlink()).rejects.toMatchObject({ code: "ENOENT" });
      await b.unlink({ missingOk: true });
      const sub = new trio.Path(dir, "sub");
      await sub.mkdir();
      await sub.rmdir();
      expect(await sub.exists()).toBe(false);
      await a.touch();
      await expect(a.touch({ existOk: false })).rejects.toMatchObject({ code: "EEXIST" });
    });
  });

  it("lists a directory and globs, with ** at any depth", async () => {
    for (const file of ["a.ts", "b.js", ".hidden.ts", "src/c.ts", "src/deep/d.ts", "src/deep/e.md"]) {
      await fsp.mkdir(nodePath.dirname(nodePath.join(dir, file)), { recursive: true });
      await fsp.writeFile(nodePath.join(dir, file), "");
    }
    await trio.run(async () => {
      const root = new trio.Path(dir);
      const names = (paths: trio.Path[]) => paths.map((p) => p.relativeTo(root).toString());
      expect(names(await root.iterdir()).sort()).toEqual([".hidden.ts", "a.ts", "b.js", "src"]);
      expect(names(await root.glob("*.ts"))).toEqual([".hidden.ts", "a.ts"]);
      expect(names(await root.glob("[ab].?s"))).toEqual(["a.ts", "b.js"]);
      expect(names(await root.glob("[!a].js"))).toEqual(["b.js"]);
      expect(names(await root.glob("src/*/d.ts"))).toEqual(["src/deep/d.ts"]);
      expect(names(await root.glob("**/*.ts"))).toEqual([".hidden.ts", "a.ts", "src/c.ts", "src/deep/d.ts"]);
      expect(names(await root.rglob("*.md"))).toEqual(["src/deep/e.md"]);
      expect(names(await root.glob("src/missing.txt"))).toEqual([]);
    });
  });

  it("resolves symlinks and keeps the part that does not exist", async () => {
    await fsp.mkdir(nodePath.join(dir, "real"));
    await fsp.symlink(nodePath.join(dir, "real"), nodePath.join(dir, "alias"));
    await trio.run(async () => {
      const real = await fsp.realpath(nodePath.join(dir, "real"));
      expect((await new trio.Path(dir, "alias", "x", "y").resolve()).toString()).toBe(nodePath.join(real, "x", "y"));
    });
  });

  it("opens files with open()", async () => {
    await trio.run(async () => {
      const p = new trio.Path(dir, "o.txt");
      await using f = await p.open("w");
      await f.write("via open\n");
      await f.flush();
      expect(await p.readText()).toBe("via open\n");
    });
  });
});

describe("Path calls and cancellation", () => {
  it("does nothing in an already-cancelled scope", async () => {
    await trio.run(async () => {
      const p = new trio.Path(dir, "never");
      for (const call of [() => p.mkdir(), () => p.writeText("x"), () => p.touch()]) {
        const scope = new trio.CancelScope();
        scope.cancel();
        await scope.run(call);
        expect(scope.cancelledCaught).toBe(true);
      }
      expect(await p.exists()).toBe(false);
    });
  });

  it("each call is a checkpoint", async () => {
    await trio.run(async () => {
      const p = new trio.Path(dir, "cp.txt");
      await trio.testing.assertCheckpoints(() => p.writeText("x"));
      await trio.testing.assertCheckpoints(() => p.exists());
      await trio.testing.assertCheckpoints(() => p.glob("*"));
    });
  });

  it("cancels a readText that blocks (a FIFO without a writer) at once", async () => {
    const fifo = nodePath.join(dir, "wait.fifo");
    execFileSync("mkfifo", [fifo]);
    await trio.run({ clock: autojump() }, async () => {
      const scope = await trio.moveOnAfter(1, () => new trio.Path(fifo).readText());
      expect(scope.cancelledCaught).toBe(true);
    });
    // Unblock the abandoned read's open so that no thread of libuv's pool stays blocked.
    const writer = await fsp.open(fifo, "w");
    await writer.close();
  });

  it("cancels a call that cannot be stopped (touch on a FIFO without a reader), which completes in the background", async () => {
    const fifo = nodePath.join(dir, "touch.fifo");
    execFileSync("mkfifo", [fifo]);
    await trio.run({ clock: autojump() }, async () => {
      // touch() opens the file for appending: on a FIFO without a reader, that blocks.
      const scope = await trio.moveOnAfter(1, () => new trio.Path(fifo).touch());
      expect(scope.cancelledCaught).toBe(true);
    });
    const reader = await fsp.open(fifo, "r");
    await reader.close();
  });
});
