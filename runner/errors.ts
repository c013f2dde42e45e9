/**
 * The catalogue of errors the runner's HTTP API answers with. Each has a stable code (what
 * clients and tests match on) and an HTTP status; the message says what to do.
 */

/** Every error code, with its HTTP status. */
export const ERROR_STATUS = {
  /** No such deck, block, run or page (also any path with `..`). */
  NOT_FOUND: 404,
  /** The request carries no valid token: open the URL printed at start-up. */
  TOKEN_REQUIRED: 401,
  /** The `Host` header names a host this server does not answer for (DNS rebinding). */
  HOST_NOT_ALLOWED: 403,
  /** The request comes from a page of another origin. */
  CROSS_ORIGIN: 403,
  /** The body is not what the endpoint expects. */
  BAD_REQUEST: 400,
  /** The body is larger than the limit. */
  BODY_TOO_LARGE: 413,
  /** The viewer already holds as many runs as allowed. */
  TOO_MANY_RUNS: 429,
  /** The server holds as many sessions as allowed. */
  TOO_MANY_SESSIONS: 503,
  /** Something went wrong in the runner itself. */
  INTERNAL: 500,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * An error the API reports to its client as `{ error: { code, message } }` with the code's status.
 * Thrown by handlers and middleware; turned into a response by the one error handler.
 */
export class RunnerError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  /**
   * @param code - the catalogue entry.
   * @param message - what was wrong and what to do, showing what was received.
   */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "RunnerError";
    this.code = code;
    this.status = ERROR_STATUS[code];
  }
}
