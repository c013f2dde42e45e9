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
    // TODO: this close is cancelled at its first checkpoint when the caller is cancelled.
    // Shield it with a trio.CancelScope, and give that scope a deadline of CLEANUP_TIMEOUT seconds.
    void trio;
    await connection.close();
  }
}
