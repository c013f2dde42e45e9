import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { fetchGreeting, greetingServer } from "./greeting-server.ts";

// Real loopback sockets and no deadlines: the mock clock never needs to move.
const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(body);

async function readAll(stream: trio.SocketStream): Promise<string> {
  let text = "";
  for (let chunk = await stream.receiveSome(); chunk.length > 0; chunk = await stream.receiveSome()) {
    text += new TextDecoder().decode(chunk);
  }
  return text;
}

describe("05 · greetingServer and fetchGreeting", () => {
  it("is listening by the time nursery.start returns its port", trioTest(async () => {
    await trio.openNursery(async (nursery) => {
      const port = await nursery.start(greetingServer, "hello");
      expect(typeof port).toBe("number");
      expect(port).toBeGreaterThan(0);
      // No waiting, no retry: the port must accept right now.
      const stream = await trio.openTcpStream("127.0.0.1", port);
      try {
        expect(await readAll(stream)).toBe("hello\n");
      } finally {
        await stream.aclose();
      }
      nursery.cancelScope.cancel();
    });
  }));

  it("serves several clients, one after the other and at the same time", trioTest(async () => {
    await trio.openNursery(async (nursery) => {
      const port = await nursery.start(greetingServer, "hi there");
      expect(await fetchGreeting(port)).toBe("hi there\n");
      expect(await fetchGreeting(port)).toBe("hi there\n");
      const results: string[] = [];
      await trio.openNursery(async (clients) => {
        for (let i = 0; i < 5; i++) clients.startSoon(async () => void results.push(await fetchGreeting(port)));
      });
      expect(results).toEqual(Array(5).fill("hi there\n"));
      nursery.cancelScope.cancel();
    });
  }));

  it("fetchGreeting reads until the server closes, even when the text arrives in pieces", trioTest(async () => {
    await trio.openNursery(async (nursery) => {
      const slowServer = async (stream: trio.SocketStream) => {
        await stream.sendAll("one, ");
        await trio.sleep(1);
        await stream.sendAll("two, ");
        await trio.sleep(1);
        await stream.sendAll("three\n");
      };
      const [listener] = await nursery.start(trio.serveTcp<trio.SocketStream>, slowServer, 0, { host: "127.0.0.1" });
      expect(await fetchGreeting(listener!.port)).toBe("one, two, three\n");
      nursery.cancelScope.cancel();
    });
  }));

  it("stops listening when its nursery is cancelled", trioTest(async () => {
    let port = 0;
    await trio.openNursery(async (nursery) => {
      port = await nursery.start(greetingServer, "bye");
      nursery.cancelScope.cancel();
    });
    await expect(trio.openTcpStream("127.0.0.1", port)).rejects.toThrow(/ECONNREFUSED|refused/i);
  }));

  it("reports its port with nursery.start, not before listening (startSoon would know nothing)", trioTest(async () => {
    await trio.openNursery(async (nursery) => {
      const first = await nursery.start(greetingServer, "a");
      const second = await nursery.start(greetingServer, "b");
      expect(first).not.toBe(second);
      expect(await fetchGreeting(second)).toBe("b\n");
      expect(await fetchGreeting(first)).toBe("a\n");
      nursery.cancelScope.cancel();
    });
  }));
});
