// The testing streams (memory, lockstep, stapled) and the conformance checks,
// run against every stream this runtime has, SocketStream included. After
// Trio's test_testing.py (memory streams) and test_highlevel_socket.py.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const { testing } = trio;
const runIo = <R>(body: () => Promise<R>) => trio.run(() => trio.failAfter(60, body));
const text = (b: Uint8Array) => Buffer.from(b).toString();

async function socketPair(): Promise<[trio.SocketStream, trio.SocketStream]> {
  const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
  const client = await testing.openStreamToSocketListener(listener!);
  const server = await listener!.accept();
  await listener!.aclose();
  return [client, server];
}

/** A socket pair full both ways: the next sendAll on either end blocks until the other end reads. */
async function cloggedSocketPair(): Promise<[trio.SocketStream, trio.SocketStream]> {
  const [a, b] = await socketPair();
  // Three sends in a row that stay blocked: the OS buffers (which grow on demand) are full.
  const chunk = new Uint8Array(256 * 1024);
  for (const end of [a, b]) {
    for (let blocked = 0; blocked < 3; ) {
      const scope = await trio.moveOnAfter(0.05, () => end.sendAll(chunk));
      blocked = scope.cancelledCaught ? blocked + 1 : 0;
    }
  }
  return [a, b];
}

describe("MemorySendStream and MemoryReceiveStream", () => {
  it("keeps sent data until the test takes it", async () => {
    await runIo(async () => {
      const stream = new testing.MemorySendStream();
      expect(() => stream.getDataNowait()).toThrow(trio.WouldBlock);
      await stream.sendAll("ab");
      await stream.sendAll("cd");
      expect(text(stream.getDataNowait(3))).toBe("abc");
      expect(text(await stream.getData())).toBe("d");
      await stream.aclose();
      expect((await stream.getData()).length).toBe(0);
    });
  });

  it("calls its hooks", async () => {
    await runIo(async () => {
      const calls: string[] = [];
      const stream = new testing.MemorySendStream({
        sendAllHook: async () => void calls.push("send"),
        waitSendAllMightNotBlockHook: async () => void calls.push("wait"),
        closeHook: () => void calls.push("close"),
      });
      await stream.sendAll("x");
      await stream.waitSendAllMightNotBlock();
      await stream.aclose();
      await stream.aclose();
      expect(calls).toEqual(["send", "wait", "close"]);
    });
  });

  it("returns what the test put in, then end of stream", async () => {
    await runIo(async () => {
      const calls: string[] = [];
      const stream = new testing.MemoryReceiveStream({ receiveSomeHook: async () => void calls.push("hook") });
      stream.putData("hello");
      stream.putEof();
      expect(text(await stream.receiveSome(2))).toBe("he");
      expect(text(await stream.receiveSome())).toBe("llo");
      expect((await stream.receiveSome()).length).toBe(0);
      expect(calls).toEqual(["hook", "hook", "hook"]);
      await stream.aclose();
      expect(() => stream.putData("late")).toThrow(trio.ClosedResourceError);
    });
  });

  it("pumps data on demand with memoryStreamPump", async () => {
    await runIo(async () => {
      const send = new testing.MemorySendStream();
      const receive = new testing.MemoryReceiveStream();
      expect(testing.memoryStreamPump(send, receive)).toBe(false);
      await send.sendAll("abcdef");
      expect(testing.memoryStreamPump(send, receive, 4)).toBe(true);
      expect(text(await receive.receiveSome())).toBe("abcd");
      await send.aclose();
      expect(testing.memoryStreamPump(send, receive)).toBe(true); // the last two bytes
      expect(testing.memoryStreamPump(send, receive)).toBe(true); // end of stream
      expect(text(await receive.receiveSome())).toBe("ef");
      expect((await receive.receiveSome()).length).toBe(0);
    });
  });

  it("raises BrokenResourceError from sendAll once the receiving end of a pair is closed", async () => {
    await runIo(async () => {
      const [send, receive] = testing.memoryStreamOneWayPair();
      await receive.aclose();
      await expect(send.sendAll("x")).rejects.toBeInstanceOf(trio.BrokenResourceError);
    });
  });
});

describe("memoryStreamPair", () => {
  it("connects two ends both ways, with sendEof closing one direction", async () => {
    await runIo(async () => {
      const [left, right] = testing.memoryStreamPair();
      await left.sendAll("ping");
      expect(text(await right.receiveSome())).toBe("ping");
      await left.sendEof();
      expect((await right.receiveSome()).length).toBe(0);
      await right.sendAll("pong");
      expect(text(await left.receiveSome())).toBe("pong");
    });
  });

  it("passes the one-way, two-way and half-closeable conformance checks", async () => {
    await runIo(async () => {
      await testing.checkOneWayStream(testing.memoryStreamOneWayPair, null);
      await testing.checkHalfCloseableStream(testing.memoryStreamPair, null);
    });
  });
});

describe("lockstep streams", () => {
  it("do not buffer: sendAll returns only once the receiver took every byte", async () => {
    await runIo(async () => {
      const [send, receive] = testing.lockstepStreamOneWayPair();
      let sent = false;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await send.sendAll("abc");
          sent = true;
        });
        await testing.waitAllTasksBlocked();
        expect(sent).toBe(false);
        expect(text(await receive.receiveSome(2))).toBe("ab");
        await testing.waitAllTasksBlocked();
        expect(sent).toBe(false);
        expect(text(await receive.receiveSome())).toBe("c");
      });
      expect(sent).toBe(true);
    });
  });

  it("pass the conformance checks, clogged checks included", async () => {
    await runIo(async () => {
      await testing.checkOneWayStream(testing.lockstepStreamOneWayPair, testing.lockstepStreamOneWayPair);
      await testing.checkTwoWayStream(testing.lockstepStreamPair, testing.lockstepStreamPair);
    });
  });
});

describe("the conformance checks", () => {
  it("pass for SocketStream, clogged checks included", async () => {
    await runIo(() => testing.checkHalfCloseableStream(socketPair, cloggedSocketPair));
  });

  it("catch a stream that corrupts bytes", async () => {
    await runIo(async () => {
      const corrupting = (): [trio.abc.SendStream, trio.abc.ReceiveStream] => {
        const [send, receive] = testing.memoryStreamOneWayPair();
        const inner = receive.receiveSome.bind(receive);
        receive.receiveSome = async (maxBytes?: number) => (await inner(maxBytes)).map((b) => b ^ 1);
        return [send, receive];
      };
      await expect(testing.checkOneWayStream(corrupting, null)).rejects.toThrow(/bytes received differ/);
    });
  });

  it("catch a stream that allows two receivers at once", async () => {
    await runIo(async () => {
      class Sloppy implements trio.abc.ReceiveStream {
        closed = false;
        constructor(readonly inner: trio.testing.MemoryReceiveStream) {}
        busy = false;
        async receiveSome(maxBytes?: number) {
          if (this.closed) throw new trio.ClosedResourceError();
          // No BusyResourceError: a second receiver silently waits forever.
          if (this.busy) return trio.sleepForever();
          this.busy = true;
          try {
            return await this.inner.receiveSome(maxBytes);
          } finally {
            this.busy = false;
          }
        }
        async aclose() {
          this.closed = true;
          await this.inner.aclose();
        }
        [Symbol.asyncDispose]() {
          return this.aclose();
        }
      }
      const maker = (): [trio.abc.SendStream, trio.abc.ReceiveStream] => {
        const [send, receive] = testing.memoryStreamOneWayPair();
        return [send, new Sloppy(receive)];
      };
      await expect(testing.checkOneWayStream(maker, null)).rejects.toThrow(/did not raise BusyResourceError/);
    });
  });
});

describe("StapledStream", () => {
  it("sends on one stream and receives from the other, and closes both", async () => {
    await runIo(async () => {
      const send = new testing.MemorySendStream();
      const receive = new testing.MemoryReceiveStream();
      const stapled = new trio.StapledStream(send, receive);
      await stapled.sendAll("out");
      expect(text(send.getDataNowait())).toBe("out");
      receive.putData("in");
      expect(text(await stapled.receiveSome())).toBe("in");
      await stapled.sendEof(); // no sendEof on a MemorySendStream: it closes it
      await expect(send.sendAll("x")).rejects.toBeInstanceOf(trio.ClosedResourceError);
      await stapled.aclose();
      await expect(receive.receiveSome()).rejects.toBeInstanceOf(trio.ClosedResourceError);
    });
  });
});
