// openTcpStream, openTcpListeners and SocketListener on loopback: connecting by
// address and by name, refused connections, ports in use, happy-eyeballs ordering,
// cancellation of connect and accept. Ported in our own words from Trio's
// test_highlevel_open_tcp_stream.py and test_highlevel_open_tcp_listeners.py.
import { spawn } from "node:child_process";
import net from "node:net";
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { reorderForHappyEyeballs } from "../../runtime/tcp.ts";

const SAFETY = 15;
const runIo = <R>(body: () => Promise<R>) => trio.run(() => trio.failAfter(SAFETY, body));

/** A port nothing listens on: bind, read the port, close. */
async function freePort(): Promise<number> {
  const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
  const port = listener!.port;
  await listener!.aclose();
  return port;
}

describe("openTcpStream", () => {
  it("connects to a listener by IP address", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const client = await trio.openTcpStream("127.0.0.1", listener!.port);
      const server = await listener!.accept();
      await client.sendAll("hi");
      expect(Buffer.from(await server.receiveSome()).toString()).toBe("hi");
      await client.aclose();
      await server.aclose();
      await listener!.aclose();
    });
  });

  it("connects by host name (localhost), whichever family answers", async () => {
    await runIo(async () => {
      const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const client = await trio.openTcpStream("localhost", listeners[0]!.port, { happyEyeballsDelay: 0.05 }).catch((e) => e);
      // localhost may resolve to ::1 first; with an IPv4-only listener that attempt is refused and 127.0.0.1 wins.
      expect(client).toBeInstanceOf(trio.SocketStream);
      await (client as trio.SocketStream).aclose();
      for (const l of listeners) await l.aclose();
    });
  });

  it("raises OSError ECONNREFUSED with the address when nothing listens", async () => {
    await runIo(async () => {
      const port = await freePort();
      const error = await trio.openTcpStream("127.0.0.1", port).catch((e) => e);
      expect(error).toBeInstanceOf(trio.OSError);
      expect(error.code).toBe("ECONNREFUSED");
      expect(error.address).toBe("127.0.0.1");
      expect(error.port).toBe(port);
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toMatch(/refused/);
    });
  });

  it("raises OSError for a host name that does not resolve", async () => {
    await runIo(async () => {
      const error = await trio.openTcpStream("no-such-host.invalid", 80).catch((e) => e);
      expect(error).toBeInstanceOf(trio.OSError);
      expect(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "ESERVFAIL"]).toContain(error.code);
    });
  });

  it("rejects a bad port or host with a TypeError naming the value", async () => {
    await runIo(async () => {
      await expect(trio.openTcpStream("127.0.0.1", 70000)).rejects.toThrow(/port must be an integer from 1 to 65535, got 70000/);
      await expect(trio.openTcpStream("", 80)).rejects.toThrow(TypeError);
    });
  });

  it("does not start connecting inside an already cancelled scope", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const scope = new trio.CancelScope();
      scope.cancel();
      await scope.run(async () => {
        await expect(trio.openTcpStream("127.0.0.1", listener!.port)).rejects.toBeInstanceOf(trio.Cancelled);
      });
      await listener!.aclose();
    });
  });

  it("can be cancelled while connecting", async () => {
    // A socket that listens but never accepts (Node's servers always accept, so
    // Python plays it), with the smallest backlog: once its queue is full the
    // kernel drops new SYNs, and connect hangs until cancelled.
    const python = spawn("python3", [
      "-c",
      "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)",
    ]);
    try {
      const port = Number(await new Promise<string>((resolve, reject) => {
        python.stdout.once("data", (d) => resolve(String(d)));
        python.once("error", reject);
      }));
      await runIo(async () => {
        const held: trio.SocketStream[] = [];
        let cancelled = false;
        for (let i = 0; i < 20 && !cancelled; i++) {
          const scope = await trio.moveOnAfter(0.3, async () => held.push(await trio.openTcpStream("127.0.0.1", port)));
          cancelled = scope.cancelledCaught;
        }
        expect(cancelled).toBe(true);
        for (const s of held) await s.aclose();
      });
    } finally {
      python.kill();
    }
  });

  it("reports every failed attempt when all addresses of a name fail", async () => {
    await runIo(async () => {
      const port = await freePort();
      const error = await trio.openTcpStream("localhost", port, { happyEyeballsDelay: 0.05 }).catch((e) => e);
      expect(error).toBeInstanceOf(trio.OSError);
      expect(error.code).toBe("ECONNREFUSED");
      // One OSError per address tried (none listed when the name had a single address).
      for (const e of error.errors) expect(e).toBeInstanceOf(trio.OSError);
    });
  });
});

describe("reorderForHappyEyeballs", () => {
  const v6 = (n: number) => ({ address: `::${n}`, family: 6 });
  const v4 = (n: number) => ({ address: `10.0.0.${n}`, family: 4 });

  it("moves the first address of the other family to second place", () => {
    expect(reorderForHappyEyeballs([v6(1), v6(2), v6(3), v4(1), v4(2)])).toEqual([v6(1), v4(1), v6(2), v6(3), v4(2)]);
  });

  it("leaves one-family and already interleaved lists alone", () => {
    expect(reorderForHappyEyeballs([v4(1), v4(2)])).toEqual([v4(1), v4(2)]);
    expect(reorderForHappyEyeballs([v4(1), v6(1), v4(2)])).toEqual([v4(1), v6(1), v4(2)]);
    expect(reorderForHappyEyeballs([])).toEqual([]);
  });
});

describe("openTcpListeners", () => {
  it("picks a free port for port 0 and reports it", async () => {
    await runIo(async () => {
      const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      expect(listeners).toHaveLength(1);
      expect(listeners[0]!.port).toBeGreaterThan(0);
      expect(listeners[0]!.address).toBe("127.0.0.1");
      expect(String(listeners[0])).toBe(`127.0.0.1:${listeners[0]!.port}`);
      await listeners[0]!.aclose();
    });
  });

  it("listens on every interface when no host is given", async () => {
    await runIo(async () => {
      const listeners = await trio.openTcpListeners(0);
      const client = await trio.openTcpStream("127.0.0.1", listeners[0]!.port);
      await client.aclose();
      for (const l of listeners) await l.aclose();
    });
  });

  it("raises OSError EADDRINUSE naming the address when the port is taken", async () => {
    await runIo(async () => {
      const [first] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const error = await trio.openTcpListeners(first!.port, { host: "127.0.0.1" }).catch((e) => e);
      expect(error).toBeInstanceOf(trio.OSError);
      expect(error.code).toBe("EADDRINUSE");
      expect(error.port).toBe(first!.port);
      expect(error.message).toContain(`127.0.0.1:${first!.port}`);
      await first!.aclose();
    });
  });

  it("queues connections that arrive before accept", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const clients = [];
      for (let i = 0; i < 3; i++) clients.push(await trio.openTcpStream("127.0.0.1", listener!.port));
      for (let i = 0; i < 3; i++) await (await listener!.accept()).aclose();
      for (const c of clients) await c.aclose();
      await listener!.aclose();
    });
  });

  it("cancels a blocked accept", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const scope = await trio.moveOnAfter(0.05, () => listener!.accept());
      expect(scope.cancelledCaught).toBe(true);
      // Still usable afterwards.
      const client = await trio.openTcpStream("127.0.0.1", listener!.port);
      const server = await listener!.accept();
      await client.aclose();
      await server.aclose();
      await listener!.aclose();
    });
  });

  it("raises BusyResourceError for two concurrent accepts, ClosedResourceError once closed", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await expect(listener!.accept()).rejects.toBeInstanceOf(trio.ClosedResourceError);
        });
        await trio.testing.waitAllTasksBlocked();
        await expect(listener!.accept()).rejects.toBeInstanceOf(trio.BusyResourceError);
        await listener!.aclose();
      });
      await expect(listener!.accept()).rejects.toBeInstanceOf(trio.ClosedResourceError);
      await listener!.aclose();
    });
  });

  it("stops listening once closed: new connections are refused", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const port = listener!.port;
      await listener!.aclose();
      const error = await trio.openTcpStream("127.0.0.1", port).catch((e) => e);
      expect(error.code).toBe("ECONNREFUSED");
    });
  });

  it("closes connections that were queued but never accepted", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const client = await trio.openTcpStream("127.0.0.1", listener!.port);
      await trio.sleep(0.05); // let the server see the connection
      await listener!.aclose();
      const result = await client.receiveSome().then(
        (d) => d.length,
        (e) => e,
      );
      expect(result === 0 || result instanceof trio.BrokenResourceError).toBe(true);
      await client.aclose();
    });
  });

  it("accepts connections made with plain node:net", async () => {
    await runIo(async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const raw = net.connect(listener!.port, "127.0.0.1");
      raw.end("from node");
      const server = await listener!.accept();
      const got: Uint8Array[] = [];
      for (let d = await server.receiveSome(); d.length; d = await server.receiveSome()) got.push(d);
      expect(Buffer.concat(got).toString()).toBe("from node");
      await server.aclose();
      await listener!.aclose();
    });
  });
});
