import * as trio from "../../runtime/index.ts";

/**
 * Serves `greeting + "\n"` to every client on 127.0.0.1, on a port the OS
 * picks. Reports that port with `taskStatus.started(port)` once listening;
 * serves until cancelled.
 */
export async function greetingServer(greeting: string, taskStatus: trio.TaskStatus<number>): Promise<void> {
  // TODO: listen on 127.0.0.1 port 0, tell taskStatus the port, then serve every connection.
  void greeting;
  void taskStatus;
  throw new Error("TODO: listen, report the port, serve");
}

/** Connects to 127.0.0.1:`port` and returns everything received until the server closes. */
export async function fetchGreeting(port: number): Promise<string> {
  // TODO: trio.openTcpStream, then receiveSome until the end of the stream.
  void trio;
  void port;
  throw new Error("TODO: connect and read until the end of the stream");
}
