/**
 * The messages between the server and a session process, over Node's IPC channel (JSON lines,
 * so that the Python session speaks it too).
 *
 * Server → session: `run` (a sequence of steps, run in order, stopping at the first failure)
 * and `cancel`. Session → server: `ready` once, then per run `output`, `event`, `result` and
 * exactly one `done`.
 */

/** One piece of code to evaluate, already in the form the session process evaluates. */
export interface RunStep {
  /** What to call the step in messages and stack traces (`block 3`, `console`). */
  label: string;
  /** For TypeScript: the transformed script (see `transformBlock`); for Python: the source. */
  code: string;
  /** `console` also reports the value of a final expression. */
  mode: "block" | "console";
}

/** Asks the session to run steps. */
export interface RunMessage {
  type: "run";
  runId: string;
  steps: RunStep[];
  /** Bytes of output after which the session stops sending (the server enforces it too). */
  outputCapBytes: number;
  /** Send runtime events (task spawned / exited). */
  events: boolean;
  /** Send each `trio.run`'s trace (see `runtime/trace.ts`) for the task-tree and timeline pictures. */
  trace?: boolean;
}

/** Asks the session to cancel a run through the runtime. */
export interface CancelMessage {
  type: "cancel";
  runId: string;
}

/** What the server sends. */
export type ParentMessage = RunMessage | CancelMessage;

/** The session is ready; `runtimeError` says why `trio` is unavailable, if it is. */
export interface ReadyMessage {
  type: "ready";
  runtimeError: string | null;
}

/** Text a run printed. Not split into lines: the server does that. */
export interface OutputMessage {
  type: "output";
  runId: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** A runtime event seen by the run's instrument. */
export interface EventMessage {
  type: "event";
  runId: string;
  event: "task-spawned" | "task-exited";
  task: string;
}

/**
 * A batch of trace events of one `trio.run` of a run (`seq` counts the run's `trio.run` calls
 * from 1), in order; see `trace-events.ts`.
 */
export interface TraceMessage {
  type: "trace";
  runId: string;
  seq: number;
  events: unknown[];
}

/** The value of a console step's final expression, inspected. */
export interface ResultMessage {
  type: "result";
  runId: string;
  text: string;
}

/**
 * How a run ended, seen from inside the session:
 * `ok`; `error` (the code threw, `error` holds the report); `cancelled` (a cancel request
 * reached the code through the runtime, and it finished).
 */
export interface DoneMessage {
  type: "done";
  runId: string;
  status: "ok" | "error" | "cancelled";
  error: string | null;
}

/** What a session sends. */
export type ChildMessage = ReadyMessage | OutputMessage | EventMessage | TraceMessage | ResultMessage | DoneMessage;
