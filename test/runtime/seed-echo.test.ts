// The seeds' echo programs, end to end: the tutorial's echo server (a counter
// per connection, receive → send back until EOF) and its two-task client (a
// sender and a receiver sharing one stream), and the talk's handler that gives
// up on an idle connection with moveOnAfter. Translated to this runtime.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const BUFSIZE = 16384;
const SAFETY = 20;

describe("the seeds' echo client and server", () => {
  it("echo server and two-task client talk over a real socket", async () => {
    const log: string[] = [];
    let connectionCounter = 0;

    async function echoServer(serverStream: trio.SocketStream) {
      const ident = connectionCounter++;
      log.push(`echo_server ${ident}: started`);
      try {
        for (;;) {
          const data = await serverStream.receiveSome(BUFSIZE);
          if (data.length === 0) {
            log.push(`echo_server ${ident}: connection closed`);
            return;
          }
          await serverStream.sendAll(data);
        }
      } catch (exc) {
        log.push(`echo_server ${ident}: crashed: ${String(exc)}`);
      }
    }

    const message = "async can sometimes be confusing, but I believe in you!";
    const received: string[] = [];

    async function sender(clientStream: trio.SocketStream) {
      for (let i = 0; i < 3; i++) {
        await clientStream.sendAll(message);
        await trio.sleep(0.02);
      }
      await clientStream.sendEof(); // the seed's client runs forever; ours says goodbye
    }

    async function receiver(clientStream: trio.SocketStream) {
      for (;;) {
        const data = await clientStream.receiveSome(BUFSIZE);
        if (data.length === 0) return; // the seed calls sys.exit() here
        received.push(Buffer.from(data).toString());
      }
    }

    await trio.run(() =>
      trio.failAfter(SAFETY, async () => {
        await trio.openNursery(async (serverNursery) => {
          const [listener] = await serverNursery.start(trio.serveTcp, echoServer, 0, { host: "127.0.0.1" });
          const clientStream = await trio.openTcpStream("127.0.0.1", listener!.port);
          await trio.openNursery(async (nursery) => {
            nursery.startSoon(sender, clientStream);
            nursery.startSoon(receiver, clientStream);
          });
          await clientStream.aclose();
          await trio.testing.waitAllTasksBlocked(0.02);
          serverNursery.cancelScope.cancel();
        });
      }),
    );
    expect(received.join("")).toBe(message.repeat(3));
    expect(log).toEqual(["echo_server 0: started", "echo_server 0: connection closed"]);
  });

  it("the talk's handler drops a connection that stays silent past its timeout", async () => {
    const log: string[] = [];
    async function handler(conn: trio.SocketStream) {
      const [ip, port] = conn.getpeername();
      log.push("opened");
      for (;;) {
        const scope = await trio.moveOnAfter(0.2, async () => {
          const data = await conn.receiveSome(1024);
          if (data.length === 0) {
            log.push("closed");
            return "closed";
          }
          log.push(`[${ip}]:${port} sent data`);
          await conn.sendAll(data);
        });
        if (scope.cancelledCaught) {
          log.push("timeout");
          return;
        }
        if (log[log.length - 1] === "closed") return;
      }
    }

    await trio.run(() =>
      trio.failAfter(SAFETY, async () => {
        await trio.openNursery(async (n) => {
          const [listener] = await n.start(trio.serveTcp, handler, 0, { host: "127.0.0.1" });
          const conn = await trio.openTcpStream("127.0.0.1", listener!.port);
          await conn.sendAll("hi");
          expect(Buffer.from(await conn.receiveSome()).toString()).toBe("hi");
          // Say nothing more: the server gives up and closes the connection.
          expect((await conn.receiveSome()).length).toBe(0);
          await conn.aclose();
          n.cancelScope.cancel();
        });
      }),
    );
    expect(log[0]).toBe("opened");
    expect(log[1]).toMatch(/^\[127\.0\.0\.1\]:\d+ sent data$/);
    expect(log[2]).toBe("timeout");
  });
});
