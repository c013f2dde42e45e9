// SocketStream on real loopback sockets: bytes both ways, half-close, maxBytes,
// backpressure, one task per direction, cancellation, close and reset. Ported in
// our own words from the behaviours Trio's test_highlevel_socket.py asserts.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const SAFETY = 15; // seconds: a hang fails the test instead of timing out vitest

/** Runs `body` with both ends of a fresh loopback connection, closing them after. */
function withPair(body: (client: trio.SocketStream, server: trio.SocketStream) => Promise<void>): Promise<void> {
  return trio.run(() =>
    trio.failAfter(SAFETY, async () => {
      const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
      const client = await trio.testing.openStreamToSocketListener(listener!);
      const server = await listener!.accept();
      await listener!.aclose();
      try {
        await body(client, server);
      } finally {
        await trio.acloseForcefully(client);
        await trio.acloseForcefully(server);
      }
    }),
  );
}

async function receiveExactly(stream: trio.abc.ReceiveStream, n: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const data = await stream.receiveSome(n - got);
    if (data.length === 0) throw new Error(`end of stream after ${got} of ${n} bytes`);
    parts.push(data);
    got += data.length;
  }
  return Buffer.concat(parts);
}

async function receiveAll(stream: trio.abc.ReceiveStream): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const data = await stream.receiveSome();
    if (data.length === 0) return Buffer.concat(parts);
    parts.push(data);
  }
}

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

describe("SocketStream", () => {
  it("carries bytes both ways", async () => {
    await withPair(async (client, server) => {
      await client.sendAll(new Uint8Array([1, 2, 3]));
      expect([...(await receiveExactly(server, 3))]).toEqual([1, 2, 3]);
      await server.sendAll(new Uint8Array([4, 5]));
      expect([...(await receiveExactly(client, 2))]).toEqual([4, 5]);
    });
  });

  it("sends strings as UTF-8", async () => {
    await withPair(async (client, server) => {
      await client.sendAll("héllo");
      expect(text(await receiveExactly(server, Buffer.byteLength("héllo")))).toBe("héllo");
    });
  });

  it("returns at most maxBytes and loses nothing in between", async () => {
    await withPair(async (client, server) => {
      await client.sendAll("abcdefghij");
      await client.sendEof();
      const pieces: string[] = [];
      for (let d = await server.receiveSome(3); d.length; d = await server.receiveSome(3)) {
        expect(d.length).toBeLessThanOrEqual(3);
        pieces.push(text(d));
      }
      expect(pieces.join("")).toBe("abcdefghij");
    });
  });

  it("returns an empty array at end of stream, again and again", async () => {
    await withPair(async (client, server) => {
      await client.aclose();
      expect((await server.receiveSome()).length).toBe(0);
      expect((await server.receiveSome()).length).toBe(0);
    });
  });

  it("half-closes with sendEof: the peer sees EOF and can still answer", async () => {
    await withPair(async (client, server) => {
      await client.sendAll("request");
      await client.sendEof();
      expect(text(await receiveAll(server))).toBe("request");
      await server.sendAll("reply");
      await server.sendEof();
      expect(text(await receiveAll(client))).toBe("reply");
    });
  });

  it("refuses to send after sendEof with ClosedResourceError", async () => {
    await withPair(async (client) => {
      await client.sendEof();
      await expect(client.sendAll("late")).rejects.toBeInstanceOf(trio.ClosedResourceError);
    });
  });

  it("rejects a bad maxBytes with a message showing the value", async () => {
    await withPair(async (client) => {
      await expect(client.receiveSome(0)).rejects.toThrow(/positive integer, got 0/);
      await expect(client.receiveSome(1.5)).rejects.toThrow(TypeError);
    });
  });

  it("applies backpressure: sendAll blocks while the peer does not read, and every byte arrives in order", async () => {
    await withPair(async (client, server) => {
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const scope = await trio.moveOnAfter(0.5, async () => {
        for (;;) {
          chunk.writeUInt32BE(sent / chunk.length, 0);
          await client.sendAll(chunk);
          sent += chunk.length;
        }
      });
      expect(scope.cancelledCaught).toBe(true);
      // Socket buffers plus the receiver's bounded buffer: megabytes at most, not unbounded.
      expect(sent).toBeLessThan(64 * 1024 * 1024);
      await client.sendEof();
      const received = await receiveAll(server);
      // The cancelled sendAll had handed its chunk over: it arrives too.
      expect(received.length === sent || received.length === sent + chunk.length).toBe(true);
      for (let i = 0; i * chunk.length < received.length; i++) expect(received.readUInt32BE(i * chunk.length)).toBe(i);
    });
  });

  it("raises BusyResourceError for a second concurrent receiveSome", async () => {
    await withPair(async (client) => {
      await trio.openNursery(async (n) => {
        n.startSoon(() => client.receiveSome());
        await trio.testing.waitAllTasksBlocked();
        await expect(client.receiveSome()).rejects.toBeInstanceOf(trio.BusyResourceError);
        n.cancelScope.cancel();
      });
    });
  });

  it("raises BusyResourceError for a second concurrent sendAll", async () => {
    await withPair(async (client) => {
      const big = Buffer.alloc(32 * 1024 * 1024);
      await trio.openNursery(async (n) => {
        n.startSoon(() => client.sendAll(big));
        await trio.testing.waitAllTasksBlocked(0.05);
        await expect(client.sendAll("x")).rejects.toBeInstanceOf(trio.BusyResourceError);
        n.cancelScope.cancel();
      });
    });
  });

  it("lets one task send while another receives", async () => {
    await withPair(async (client, server) => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => expect(text(await receiveExactly(client, 4))).toBe("pong"));
        await client.sendAll("ping");
        expect(text(await receiveExactly(server, 4))).toBe("ping");
        await server.sendAll("pong");
      });
    });
  });

  it("cancels a blocked receiveSome without losing the data that comes later", async () => {
    await withPair(async (client, server) => {
      const scope = await trio.moveOnAfter(0.05, () => server.receiveSome());
      expect(scope.cancelledCaught).toBe(true);
      await client.sendAll("after");
      expect(text(await receiveExactly(server, 5))).toBe("after");
    });
  });

  it("raises Cancelled in a cancelled scope even when data is ready, and keeps the data", async () => {
    await withPair(async (client, server) => {
      await client.sendAll("ready");
      await trio.testing.waitAllTasksBlocked(0.05);
      await trio.sleep(0.05);
      const scope = new trio.CancelScope();
      scope.cancel();
      await scope.run(async () => {
        await expect(server.receiveSome()).rejects.toBeInstanceOf(trio.Cancelled);
        await expect(client.sendAll("no")).rejects.toBeInstanceOf(trio.Cancelled);
      });
      expect(text(await receiveExactly(server, 5))).toBe("ready");
      await client.sendEof();
      expect(text(await receiveAll(server))).toBe(""); // the cancelled sendAll sent nothing
    });
  });

  it("makes every operation raise ClosedResourceError after aclose, and aclose idempotent", async () => {
    await withPair(async (client) => {
      await client.aclose();
      await client.aclose();
      await expect(client.receiveSome()).rejects.toBeInstanceOf(trio.ClosedResourceError);
      await expect(client.sendAll("x")).rejects.toBeInstanceOf(trio.ClosedResourceError);
      await expect(client.sendEof()).rejects.toBeInstanceOf(trio.ClosedResourceError);
    });
  });

  it("wakes a task blocked in receiveSome with ClosedResourceError when another task closes the stream", async () => {
    await withPair(async (client) => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await expect(client.receiveSome()).rejects.toBeInstanceOf(trio.ClosedResourceError);
        });
        await trio.testing.waitAllTasksBlocked();
        await client.aclose();
      });
    });
  });

  it("delivers bytes sent just before aclose", async () => {
    await withPair(async (client, server) => {
      const big = Buffer.alloc(4 * 1024 * 1024, 7);
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          const got = await receiveAll(server);
          expect(got.length).toBe(big.length);
        });
        await client.sendAll(big);
        await client.aclose();
      });
    });
  });

  it("turns a reset by the peer into BrokenResourceError", async () => {
    await withPair(async (client, server) => {
      server.socket.resetAndDestroy();
      await expect(client.receiveSome()).rejects.toBeInstanceOf(trio.BrokenResourceError);
      await expect(client.receiveSome()).rejects.toBeInstanceOf(trio.BrokenResourceError);
      await expect(client.sendAll("x")).rejects.toBeInstanceOf(trio.BrokenResourceError);
    });
  });

  it("eventually raises BrokenResourceError when sending to a peer that is gone", async () => {
    await withPair(async (client, server) => {
      await server.aclose();
      const error = await (async () => {
        try {
          for (;;) {
            await client.sendAll(Buffer.alloc(65536));
            await trio.sleep(0.001);
          }
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(trio.BrokenResourceError);
    });
  });

  it("closes with await using", async () => {
    await withPair(async (client, server) => {
      {
        await using s = client;
        await s.sendAll("bye");
      }
      expect(text(await receiveAll(server))).toBe("bye");
    });
  });

  it("knows its peer's address", async () => {
    await withPair(async (client, server) => {
      const [ip, port] = server.getpeername();
      expect(ip).toBe("127.0.0.1");
      expect(port).toBe(client.socket.localPort);
      expect(server.peerName).toBe(`127.0.0.1:${port}`);
    });
  });
});
