import * as trio from "../../runtime/index.ts";

/** Sent to a client that was silent for too long, just before hanging up. */
export const IDLE_MESSAGE = "idle timeout, bye\n";

/**
 * Echoes everything received on `stream` until the client ends it
 * (`"eof"`), or stays silent for `idleSeconds` (`"idle"`, after sending
 * {@link IDLE_MESSAGE}). Does not close the stream.
 */
export async function echoWithIdleTimeout(stream: trio.abc.Stream, idleSeconds: number): Promise<"eof" | "idle"> {
  for (;;) {
    let data: Uint8Array | undefined;
    // A fresh deadline per receive: any data restarts the idle timer.
    const scope = await trio.moveOnAfter(idleSeconds, async () => {
      data = await stream.receiveSome();
    });
    if (scope.cancelledCaught || data === undefined) {
      await stream.sendAll(IDLE_MESSAGE);
      return "idle";
    }
    if (data.length === 0) return "eof";
    await stream.sendAll(data);
  }
}

/** Serves {@link echoWithIdleTimeout} on 127.0.0.1; reports the port with `taskStatus.started(port)`. */
export async function serveEcho(idleSeconds: number, taskStatus: trio.TaskStatus<number>): Promise<void> {
  const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
  taskStatus.started(listeners[0]!.port);
  await trio.serveListeners((stream: trio.SocketStream) => echoWithIdleTimeout(stream, idleSeconds), listeners);
}
