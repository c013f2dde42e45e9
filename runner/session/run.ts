/**
 * One run of a session, as the server and the browser see it: a stream of events ending with
 * exactly one `end`.
 */

/**
 * How a run ended.
 * - `ok`: it finished.
 * - `error`: the code threw; `message` has the error.
 * - `cancelled`: Stop reached the code through the runtime and it finished (its `finally` ran).
 * - `timeout`: the wall-time limit cancelled it through the runtime, and it finished.
 * - `killed`: it did not finish in time after a cancel request (Stop, wall time, output cap),
 *   so its process was killed; the session's definitions are gone.
 * - `crashed`: its process died on its own (out of memory, `process.exit`).
 */
export type RunStatus = "ok" | "error" | "cancelled" | "timeout" | "killed" | "crashed";

/** What a run reports. `t` is milliseconds since the run started. */
export type RunEvent =
  | { type: "start"; runId: string; t: number }
  | { type: "line"; stream: "stdout" | "stderr"; text: string; t: number }
  | { type: "event"; event: string; task: string; t: number }
  | { type: "trace"; seq: number; events: unknown[]; t: number }
  | { type: "result"; text: string; t: number }
  | { type: "notice"; text: string; t: number }
  | { type: "end"; status: RunStatus; message: string | null; t: number };

/** Events a run keeps for a listener that subscribes late (a reconnecting page). */
const REPLAY_LIMIT = 2_000;

/**
 * A run's event stream. Output text is split into lines here, per stream; an unfinished last
 * line is sent when the run ends.
 */
export class Run {
  readonly id: string;
  readonly startedAt = performance.now();
  readonly ended: Promise<RunEvent & { type: "end" }>;
  #resolveEnded!: (event: RunEvent & { type: "end" }) => void;
  #listeners = new Set<(event: RunEvent) => void>();
  #replay: RunEvent[] = [];
  #partial = { stdout: "", stderr: "" };
  #end: (RunEvent & { type: "end" }) | null = null;

  /** @param id - the run's id, unique in the server. */
  constructor(id: string) {
    this.id = id;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
    this.#emit({ type: "start", runId: id, t: 0 });
  }

  /** Whether the run has ended. */
  get done(): boolean {
    return this.#end !== null;
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /**
   * Listens to the run's events, starting with those already emitted.
   *
   * @returns a function that stops listening.
   */
  subscribe(listener: (event: RunEvent) => void): () => void {
    for (const event of this.#replay) listener(event);
    if (this.#end) return () => {};
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Adds printed text; complete lines are emitted at once. */
  output(stream: "stdout" | "stderr", text: string): void {
    if (this.#end) return;
    const lines = (this.#partial[stream] + text).split("\n");
    this.#partial[stream] = lines.pop()!;
    const t = this.elapsed();
    for (const line of lines) this.#emit({ type: "line", stream, text: line.replace(/\r$/, ""), t });
  }

  /** Emits a runtime event, a console result or a notice from the runner. */
  report(event: Exclude<RunEvent, { type: "start" | "line" | "end" }>): void {
    if (!this.#end) this.#emit(event);
  }

  /** Ends the run (only the first call counts). */
  finish(status: RunStatus, message: string | null): void {
    if (this.#end) return;
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.#partial[stream] !== "") this.#emit({ type: "line", stream, text: this.#partial[stream], t: this.elapsed() });
      this.#partial[stream] = "";
    }
    const end = { type: "end", status, message, t: this.elapsed() } as const;
    this.#end = end;
    this.#emit(end);
    this.#listeners.clear();
    this.#resolveEnded(end);
  }

  #emit(event: RunEvent): void {
    if (this.#replay.length < REPLAY_LIMIT || event.type === "end") this.#replay.push(event);
    for (const listener of this.#listeners) listener(event);
  }
}
