import type { SocketListener } from "./socket-listener.ts";
import type { SocketStream } from "./socket-stream.ts";
import { openTcpStream } from "./tcp.ts";

/**
 * Connects to a listener of this process, as Trio's
 * `testing.open_stream_to_socket_listener`: reads its address (a wildcard
 * address becomes loopback) and opens a TCP stream to it. Pair it with
 * `accept()` to get both ends of a real connection in a test.
 * @example
 * ```ts
 * const [listener] = await trio.openTcpListeners(0, { host: "127.0.0.1" });
 * const client = await trio.testing.openStreamToSocketListener(listener);
 * const server = await listener.accept();
 * ```
 */
export function openStreamToSocketListener(listener: SocketListener): Promise<SocketStream> {
  let host = listener.address;
  if (host === "0.0.0.0") host = "127.0.0.1";
  else if (host === "::") host = "::1";
  return openTcpStream(host, listener.port);
}
