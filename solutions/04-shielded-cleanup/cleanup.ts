import * as trio from "../../runtime/index.ts";

/** Seconds that closing a connection may take before it is abandoned. */
export const CLEANUP_TIMEOUT = 2;

/** A connection whose `close()` talks to the peer (and so takes time). */
export interface Connection {
  send(message: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a connection, runs `body` with it and always closes it, even when
 * cancelled; the close is shielded and limited to {@link CLEANUP_TIMEOUT} seconds.
 */
export async function withConnection<R>(open: () => Promise<Connection>, body: (connection: Connection) => Promise<R>): Promise<R> {
  const connection = await open();
  try {
    return await body(connection);
  } finally {
    // Shielded, so an outer cancellation does not cut the goodbye short; bounded, so a silent peer cannot hang us.
    const cleanup = new trio.CancelScope({ shield: true, deadline: trio.currentTime() + CLEANUP_TIMEOUT });
    await cleanup.run(() => connection.close());
  }
}
