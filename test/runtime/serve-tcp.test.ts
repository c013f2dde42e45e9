// serveTcp / serveListeners end to end on loopback: nursery.start reports the
// listeners (port 0 works), many clients at once, a client that vanishes mid-stream,
// a handler that raises (reported, the server keeps serving), and cancellation
// closing listeners and connections. In our own words after Trio's
// test_highlevel_serve_listeners.py.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as trio from "../../runtime/index.ts";

/** Below vitest's own 20 s, so that a hang fails as TooSlowError from inside the run. */
const SAFETY = 15;
const runIo = <R>(body: () => Promise<R>) => trio.run(() => trio.failAfter(SAFETY, body));

async function echo(stream: trio.SocketStream): Promise<void> {
  for (let data = await stream.receiveSome(); data.length; data = await stream.receiveSome()) await stream.sendAll(data);
}

async function receiveAll(stream: trio.abc.ReceiveStream): Promise<string> {
  const parts: Uint8Array[] = [];
  for (let d = await stream.receiveSome(); d.length; d = await stream.receiveSome()) parts.push(d);
  return Buffer.concat(parts).toString();
}

/** Sends `message`, half-closes, returns everything echoed back. */
async function roundTrip(port: number, message: string): Promise<string> {
  await using client = await trio.openTcpStream("127.0.0.1", port);
  await client.sendAll(message);
  await client.sendEof();
  return await receiveAll(client);
}

afterEach(() => vi.restoreAllMocks());

describe("serveTcp", () => {
  it("starts with nursery.start, which resolves with the listeners so port 0 works", async () => {
    await runIo(async () => {
      await trio.openNursery(async (n) => {
        const listeners = await n.start(trio.serveTcp, echo, 0, { host: "127.0.0.1" });
        expect(listeners[0]).toBeInstanceOf(trio.SocketListener);
        expect(await roundTrip(listeners[0]!.port, "hello")).toBe("hello");
        n.cancelScope.cancel();
      });
    });
  });

  it("takes the task status as its third argument when there are no options", async () => {
    await runIo(async () => {
      await trio.openNursery(async (n) => {
        const listeners = await n.start(trio.serveTcp, echo, 0);
        expect(await roundTrip(listeners[0]!.port, "no options")).toBe("no options");
        n.cancelScope.cancel();
      });
    });
  });

  it("serves many clients at once, each in its own handler task", async () => {
    await runIo(async () => {
      let active = 0;
      let peak = 0;
      const handler = async (stream: trio.SocketStream) => {
        peak = Math.max(peak, ++active);
        try {
          await echo(stream);
        } finally {
          active--;
        }
      };
      await trio.openNursery(async (n) => {
        const [listener] = await n.start(trio.serveTcp, handler, 0, { host: "127.0.0.1" });
        const clients = 50;
        const replies: string[] = [];
        await trio.openNursery(async (clientNursery) => {
          for (let i = 0; i < clients; i++) {
            clientNursery.startSoon(async () => {
              await using client = await trio.openTcpStream("127.0.0.1", listener!.port);
              await client.sendAll(`client ${i} `);
              await trio.sleep(0.05); // hold the connection so they overlap
              await client.sendAll("done");
              await client.sendEof();
              replies[i] = await receiveAll(client);
            });
          }
        });
        for (let i = 0; i < clients; i++) expect(replies[i]).toBe(`client ${i} done`);
        expect(peak).toBeGreaterThan(1);
        n.cancelScope.cancel();
      });
    });
  });

  it("keeps serving after a client disconnects mid-stream", async () => {
    await runIo(async () => {
      const outcomes: string[] = [];
      const handler = async (stream: trio.SocketStream) => {
        try {
          await echo(stream);
          outcomes.push("eof");
        } catch (e) {
          outcomes.push(e instanceof trio.BrokenResourceError ? "broken" : String(e));
          throw e;
        }
      };
      const reported: unknown[] = [];
      await trio.openNursery(async (n) => {
        const [listener] = await n.start(trio.serveTcp, handler, 0, {
          host: "127.0.0.1",
          onHandlerError: (e: unknown) => reported.push(e),
        });
        const rude = await trio.openTcpStream("127.0.0.1", listener!.port);
        await rude.sendAll(Buffer.alloc(200_000));
        rude.socket.resetAndDestroy(); // vanish with data in flight
        await trio.sleep(0.1);
        expect(await roundTrip(listener!.port, "still here")).toBe("still here");
        n.cancelScope.cancel();
      });
      expect(outcomes).toContain("eof");
      // The vanished client ended its handler one way or the other; a broken stream is reported, not raised.
      expect(outcomes.length).toBe(2);
      for (const e of reported) expect(e).toBeInstanceOf(trio.BrokenResourceError);
    });
  });

  it("reports a handler's error through onHandlerError and keeps serving the others", async () => {
    await runIo(async () => {
      const reported: { error: unknown; peer: string }[] = [];
      const handler = async (stream: trio.SocketStream) => {
        const first = Buffer.from(await stream.receiveSome()).toString();
        if (first.startsWith("boom")) throw new Error("handler exploded");
        await stream.sendAll(first);
        await echo(stream);
      };
      await trio.openNursery(async (n) => {
        const [listener] = await n.start(trio.serveTcp, handler, 0, {
          host: "127.0.0.1",
          onHandlerError: (error: unknown, stream: trio.SocketStream) => reported.push({ error, peer: stream.peerName }),
        });
        await using survivor = await trio.openTcpStream("127.0.0.1", listener!.port);
        await survivor.sendAll("alive");
        expect(Buffer.from(await survivor.receiveSome()).toString()).toBe("alive");
        const victim = await trio.openTcpStream("127.0.0.1", listener!.port);
        await victim.sendAll("boom");
        // The crashed handler's connection is closed.
        expect(await receiveAll(victim)).toBe("");
        await victim.aclose();
        await survivor.sendAll("again");
        expect(Buffer.from(await survivor.receiveSome()).toString()).toBe("again");
        expect(reported).toHaveLength(1);
        expect((reported[0]!.error as Error).message).toBe("handler exploded");
        expect(reported[0]!.peer).toMatch(/^127\.0\.0\.1:\d+$/);
        n.cancelScope.cancel();
      });
    });
  });

  it("writes a handler's error to stderr with the peer's address by default", async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    await runIo(async () => {
      await trio.openNursery(async (n) => {
        const [listener] = await n.start(
          trio.serveTcp,
          async () => {
            throw new Error("kaboom");
          },
          0,
          { host: "127.0.0.1" },
        );
        const client = await trio.openTcpStream("127.0.0.1", listener!.port);
        // The server reports before it closes the stream: the report is written by end of stream.
        expect(await receiveAll(client)).toBe("");
        await client.aclose();
        n.cancelScope.cancel();
      });
    });
    const text = written.join("");
    expect(text).toMatch(/connection from 127\.0\.0\.1:\d+ raised an error \(the server keeps serving\)/);
    expect(text).toContain("kaboom");
  });

  it("closes its listeners and every connection when cancelled", async () => {
    await runIo(async () => {
      let port = 0;
      let handlerCancelled = false;
      const client = await trio.openNursery(async (n) => {
        const [listener] = await n.start(
          trio.serveTcp,
          async (stream: trio.SocketStream) => {
            try {
              await trio.sleepForever();
            } catch (e) {
              handlerCancelled = e instanceof trio.Cancelled;
              throw e;
            }
          },
          0,
          { host: "127.0.0.1" },
        );
        port = listener!.port;
        const c = await trio.openTcpStream("127.0.0.1", port);
        await trio.testing.waitAllTasksBlocked(0.05);
        n.cancelScope.cancel();
        return c;
      });
      expect(handlerCancelled).toBe(true);
      // The connection was closed by the server...
      const end = await client.receiveSome().then(
        (d) => d.length,
        (e) => e,
      );
      expect(end === 0 || end instanceof trio.BrokenResourceError).toBe(true);
      await client.aclose();
      // ...and nothing listens any more.
      const error = await trio.openTcpStream("127.0.0.1", port).catch((e) => e);
      expect(error.code).toBe("ECONNREFUSED");
    });
  });

  it("rejects start with OSError EADDRINUSE when the port is taken", async () => {
    await runIo(async () => {
      const [taken] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      await trio.openNursery(async (n) => {
        const error = await n.start(trio.serveTcp, echo, taken!.port, { host: "127.0.0.1" }).catch((e) => e);
        expect(error).toBeInstanceOf(trio.OSError);
        expect(error.code).toBe("EADDRINUSE");
      });
      await taken!.aclose();
    });
  });

  it("can run its handlers in another nursery, which outlives the server", async () => {
    await runIo(async () => {
      await trio.openNursery(async (handlers) => {
        let client!: trio.SocketStream;
        await trio.openNursery(async (n) => {
          const [listener] = await n.start(trio.serveTcp, echo, 0, { host: "127.0.0.1", handlerNursery: handlers });
          client = await trio.openTcpStream("127.0.0.1", listener!.port);
          await client.sendAll("x");
          expect(Buffer.from(await client.receiveSome()).toString()).toBe("x");
          n.cancelScope.cancel();
        });
        // The server is gone; this connection's handler lives on in `handlers`.
        await client.sendAll("y");
        expect(Buffer.from(await client.receiveSome()).toString()).toBe("y");
        await client.aclose();
      });
    });
  });
});

describe("serveListeners", () => {
  it("serves listeners opened beforehand and passes them to started()", async () => {
    await runIo(async () => {
      const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      await trio.openNursery(async (n) => {
        const started = await n.start(trio.serveListeners, echo, listeners);
        expect(started).toBe(listeners);
        expect(await roundTrip(listeners[0]!.port, "pre-opened")).toBe("pre-opened");
        n.cancelScope.cancel();
      });
    });
  });

  it("rejects an empty list of listeners", async () => {
    await runIo(async () => {
      await expect(trio.serveListeners(echo, [])).rejects.toThrow(/non-empty array/);
    });
  });
});
