import * as trio from "../../runtime/index.ts";

/**
 * Serves `greeting + "\n"` to every client on 127.0.0.1, on a port the OS
 * picks. Reports that port with `taskStatus.started(port)` once listening;
 * serves until cancelled.
 */
export async function greetingServer(greeting: string, taskStatus: trio.TaskStatus<number>): Promise<void> {
  const listeners = await trio.openTcpListeners(0, { host: "127.0.0.1" });
  // Only now can a client connect: this is what nursery.start waits for.
  taskStatus.started(listeners[0]!.port);
  await trio.serveListeners(async (stream: trio.SocketStream) => {
    await stream.sendAll(`${greeting}\n`);
  }, listeners);
}

/** Connects to 127.0.0.1:`port` and returns everything received until the server closes. */
export async function fetchGreeting(port: number): Promise<string> {
  await using stream = await trio.openTcpStream("127.0.0.1", port);
  const decoder = new TextDecoder();
  let text = "";
  for (let chunk = await stream.receiveSome(); chunk.length > 0; chunk = await stream.receiveSome()) {
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
