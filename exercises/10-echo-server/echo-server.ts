import * as trio from "../../runtime/index.ts";

/** Sent to a client that was silent for too long, just before hanging up. */
export const IDLE_MESSAGE = "idle timeout, bye\n";

/**
 * Echoes everything received on `stream` until the client ends it
 * (`"eof"`), or stays silent for `idleSeconds` (`"idle"`, after sending
 * {@link IDLE_MESSAGE}). Does not close the stream.
 */
export async function echoWithIdleTimeout(stream: trio.abc.Stream, idleSeconds: number): Promise<"eof" | "idle"> {
  // TODO: loop: receive with a timeout of idleSeconds; send back what came; stop at EOF or timeout.
  void stream;
  void idleSeconds;
  throw new Error("TODO: echo with an idle timeout");
}

/** Serves {@link echoWithIdleTimeout} on 127.0.0.1; reports the port with `taskStatus.started(port)`. */
export async function serveEcho(idleSeconds: number, taskStatus: trio.TaskStatus<number>): Promise<void> {
  // TODO: listen, report the port, serve until cancelled.
  void trio;
  void idleSeconds;
  void taskStatus;
  throw new Error("TODO: serve the echo handler");
}
