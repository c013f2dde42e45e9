import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { echoWithIdleTimeout, IDLE_MESSAGE, serveEcho } from "./echo-server.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Receives until `expected.length` characters arrived (or the stream ended). */
async function receiveText(stream: trio.abc.ReceiveStream, length: number): Promise<string> {
  let received = "";
  while (received.length < length) {
    const chunk = await stream.receiveSome();
    if (chunk.length === 0) break;
    received += text(chunk);
  }
  return received;
}

describe("10 · echoWithIdleTimeout(stream, idleSeconds) over memory streams", () => {
  it("echoes what it receives and returns 'eof' when the client ends the stream", trioTest(async () => {
    const [client, server] = trio.testing.memoryStreamPair();
    let result: string | undefined;
    await trio.openNursery(async (nursery) => {
      nursery.startSoon(async () => {
        result = await echoWithIdleTimeout(server, 10);
      });
      await client.sendAll("hello ");
      expect(await receiveText(client, 6)).toBe("hello ");
      await client.sendAll("world");
      expect(await receiveText(client, 5)).toBe("world");
      await client.sendEof();
    });
    expect(result).toBe("eof");
    expect(trio.currentTime()).toBe(0);
  }));

  it("says IDLE_MESSAGE and returns 'idle' after idleSeconds of silence", trioTest(async () => {
    const [client, server] = trio.testing.memoryStreamPair();
    let result: string | undefined;
    await trio.openNursery(async (nursery) => {
      nursery.startSoon(async () => {
        result = await echoWithIdleTimeout(server, 5);
      });
      await client.sendAll("ping");
      expect(await receiveText(client, 4)).toBe("ping");
      expect(await receiveText(client, IDLE_MESSAGE.length)).toBe(IDLE_MESSAGE);
      expect(trio.currentTime()).toBe(5);
    });
    expect(result).toBe("idle");
  }));

  it("restarts the idle timer whenever data arrives", trioTest(async () => {
    const [client, server] = trio.testing.memoryStreamPair();
    let endedAt = -1;
    await trio.openNursery(async (nursery) => {
      nursery.startSoon(async () => {
        await echoWithIdleTimeout(server, 5);
        endedAt = trio.currentTime();
      });
      for (let i = 0; i < 4; i++) {
        await trio.sleep(4);
        await client.sendAll(`${i}`);
        expect(await receiveText(client, 1)).toBe(`${i}`);
      }
    });
    // Last data at 16 s; silence from then on: cut off at 21 s, not at 5 s.
    expect(endedAt).toBe(21);
  }));

  it("is cancelled with its caller while waiting for data", trioTest(async () => {
    const [, server] = trio.testing.memoryStreamPair();
    const scope = await trio.moveOnAfter(2, () => echoWithIdleTimeout(server, 100));
    expect(scope.cancelledCaught).toBe(true);
    expect(trio.currentTime()).toBe(2);
  }));
});

describe("10 · serveEcho(idleSeconds, taskStatus) over TCP", () => {
  // Real sockets, so no autojump: the mock clock moves only when the test jumps it.
  const tcpTest = (body: (clock: trio.testing.MockClock) => Promise<void>) =>
    trio.testing.trioTest(body, { autojumpThreshold: Infinity });

  it("echoes over loopback, for several clients at once", tcpTest(async () => {
    await trio.openNursery(async (nursery) => {
      const port = await nursery.start(serveEcho, 30);
      await trio.openNursery(async (clients) => {
        for (const word of ["alpha", "beta", "gamma"]) {
          clients.startSoon(async () => {
            const stream = await trio.openTcpStream("127.0.0.1", port);
            try {
              await stream.sendAll(word);
              expect(await receiveText(stream, word.length)).toBe(word);
            } finally {
              await stream.aclose();
            }
          });
        }
      });
      nursery.cancelScope.cancel();
    });
  }));

  it("hangs up on a silent client and keeps serving a chatty one", tcpTest(async (clock) => {
    await trio.openNursery(async (nursery) => {
      const port = await nursery.start(serveEcho, 30);
      const quiet = await trio.openTcpStream("127.0.0.1", port);
      const chatty = await trio.openTcpStream("127.0.0.1", port);
      try {
        // A round trip each: both handlers are now running and waiting for data.
        for (const stream of [quiet, chatty]) {
          await stream.sendAll("x");
          expect(await receiveText(stream, 1)).toBe("x");
        }
        await trio.testing.waitAllTasksBlocked();
        clock.jump(20);
        await chatty.sendAll("still here");
        expect(await receiveText(chatty, 10)).toBe("still here");
        await trio.testing.waitAllTasksBlocked();
        clock.jump(11);
        // 31 s of silence for the quiet one: the message, then the end of the stream.
        expect(await receiveText(quiet, 1000)).toBe(IDLE_MESSAGE);
        await chatty.sendAll("ok");
        expect(await receiveText(chatty, 2)).toBe("ok");
      } finally {
        await quiet.aclose();
        await chatty.aclose();
      }
      nursery.cancelScope.cancel();
    });
  }));
});
