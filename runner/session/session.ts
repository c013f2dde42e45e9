/**
 * A session: one child process that evaluates a viewer's blocks of one deck, in one language.
 *
 * The server never runs deck code itself. It speaks to the process over IPC (see
 * `protocol.ts`), enforces the limits (wall time, output bytes; memory is the process's heap
 * cap), and turns Stop into a cancel request followed, after a grace period, by a kill.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { PRESTARTED } from "./process-pool.ts";
import type { ChildMessage, ParentMessage, RunStep } from "./protocol.ts";
import { Run, type RunStatus } from "./run.ts";

/** The limits a session enforces. */
export interface SessionLimits {
  /** Default wall time per run, in ms (a run may ask for another). */
  wallTimeMs: number;
  /** Time between a cancel request and the kill, in ms. */
  graceMs: number;
  /** Output bytes per run. */
  outputCapBytes: number;
  /** Heap cap, in MB (reported when the process runs out of memory). */
  memoryMb: number;
}

/** Starts a session's process; it must have an IPC channel. */
export type SpawnSession = () => Promise<ChildProcess>;

/** Why a run is being stopped. */
type StopReason = "stop" | "timeout" | "output-cap";

interface ActiveRun {
  run: Run;
  stopReason: StopReason | null;
  wallTimeMs: number;
  outputBytes: number;
  wallTimer: NodeJS.Timeout;
  killTimer: NodeJS.Timeout | null;
}

/** Bytes of the process's own stderr kept to explain a crash (a V8 out-of-memory report). */
const CRASH_TAIL_BYTES = 2_000;

/**
 * A session. Starts its process on the first run, and again after the process was killed or died.
 */
export class Session {
  readonly #spawn: SpawnSession;
  readonly #limits: SessionLimits;
  #child: ChildProcess | null = null;
  #ready: Promise<ChildProcess> | null = null;
  #runs = new Map<string, ActiveRun>();
  /** Processes this session killed: their exit is expected. */
  #killed = new WeakSet<ChildProcess>();
  #stderrTail = "";
  #generation = 0;
  #runtimeError: string | null = null;
  /** When the session was last used (ms since epoch), for reaping. */
  lastUsed = Date.now();

  /**
   * @param spawn - starts the process.
   * @param limits - see {@link SessionLimits}.
   */
  constructor(spawn: SpawnSession, limits: SessionLimits) {
    this.#spawn = spawn;
    this.#limits = limits;
  }

  /** Counts the processes started so far: a new number means earlier definitions are gone. */
  get generation(): number {
    return this.#generation;
  }

  /** Runs that have not ended. */
  get activeRuns(): number {
    return this.#runs.size;
  }

  /** Why `trio` is unavailable in this session's process, or `null`. */
  get runtimeError(): string | null {
    return this.#runtimeError;
  }

  /** The process id, while the process lives. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Starts the process if it is not running; resolves when it is ready. */
  async start(): Promise<void> {
    await this.#ensureStarted();
  }

  /**
   * Starts a run. Events flow from the returned run; it always ends.
   *
   * @param steps - the code to run, in order.
   * @param options - `wallTimeMs` overrides the default limit; `events` asks for runtime events.
   */
  run(steps: RunStep[], options: { wallTimeMs?: number; events?: boolean; trace?: boolean } = {}): Run {
    this.lastUsed = Date.now();
    const run = new Run(randomUUID());
    void this.#startRun(run, steps, options);
    return run;
  }

  /**
   * Stops a run: asks the code to cancel, then kills the process if it has not finished within
   * the grace period.
   *
   * @returns `false` when the run is unknown or already over.
   */
  stop(runId: string): boolean {
    return this.#requestStop(runId, "stop");
  }

  /** Ends the process now (runs end as `killed`). */
  dispose(): void {
    this.#kill("the session was reset");
  }

  async #ensureStarted(): Promise<ChildProcess> {
    if (this.#ready) return this.#ready;
    this.#ready = this.#launch();
    this.#ready.catch(() => (this.#ready = null));
    return this.#ready;
  }

  async #launch(): Promise<ChildProcess> {
    const child = await this.#spawn();
    this.#child = child;
    this.#generation++;
    this.#stderrTail = "";
    child.stdout?.on("data", () => {});
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString("utf8")).slice(-CRASH_TAIL_BYTES);
    });
    const prestarted = PRESTARTED.get(child);
    if (prestarted) {
      // From the pool: it said `ready` before this session listened.
      this.#runtimeError = prestarted.runtimeError;
      child.on("message", (message: ChildMessage) => this.#onMessage(message));
      child.once("exit", (code, signal) => this.#onExit(child, code, signal));
      if (child.exitCode !== null || !child.connected) throw new Error("the pooled session process had ended");
      return child;
    }
    return new Promise<ChildProcess>((resolve, reject) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        reject(new Error(`the session process exited before it was ready (${describeExit(code, signal)})${this.#tail()}`));
      };
      child.once("exit", onExit);
      child.once("error", (error) => reject(new Error(`the session process could not start: ${error.message}`)));
      child.on("message", (message: ChildMessage) => {
        if (message.type === "ready") {
          this.#runtimeError = message.runtimeError;
          child.off("exit", onExit);
          child.once("exit", (code, signal) => this.#onExit(child, code, signal));
          resolve(child);
        } else {
          this.#onMessage(message);
        }
      });
    });
  }

  async #startRun(run: Run, steps: RunStep[], options: { wallTimeMs?: number; events?: boolean; trace?: boolean }): Promise<void> {
    let child: ChildProcess;
    try {
      child = await this.#ensureStarted();
    } catch (error) {
      run.finish("crashed", (error as Error).message);
      return;
    }
    const wallTimeMs = options.wallTimeMs ?? this.#limits.wallTimeMs;
    const active: ActiveRun = {
      run,
      stopReason: null,
      wallTimeMs,
      outputBytes: 0,
      wallTimer: setTimeout(() => this.#requestStop(run.id, "timeout"), wallTimeMs),
      killTimer: null,
    };
    this.#runs.set(run.id, active);
    run.ended.then(() => {
      clearTimeout(active.wallTimer);
      if (active.killTimer) clearTimeout(active.killTimer);
      this.#runs.delete(run.id);
      this.lastUsed = Date.now();
    });
    this.#send(child, {
      type: "run",
      runId: run.id,
      steps,
      outputCapBytes: this.#limits.outputCapBytes,
      events: options.events ?? false,
      ...(options.trace ? { trace: true } : {}),
    });
  }

  #onMessage(message: ChildMessage): void {
    if (message.type === "ready") return;
    const active = this.#runs.get(message.runId);
    if (!active) return;
    const { run } = active;
    switch (message.type) {
      case "output": {
        if (active.outputBytes > this.#limits.outputCapBytes) return;
        active.outputBytes += Buffer.byteLength(message.text);
        if (active.outputBytes > this.#limits.outputCapBytes) {
          run.output(message.stream, message.text.slice(0, Math.max(0, message.text.length - (active.outputBytes - this.#limits.outputCapBytes))));
          run.output(message.stream, "\n");
          run.report({ type: "notice", text: `Output passed the ${formatBytes(this.#limits.outputCapBytes)} cap: the rest is not shown, and the run is being stopped.`, t: run.elapsed() });
          this.#requestStop(run.id, "output-cap");
          return;
        }
        run.output(message.stream, message.text);
        return;
      }
      case "event":
        run.report({ type: "event", event: message.event, task: message.task, t: run.elapsed() });
        return;
      case "trace":
        run.report({ type: "trace", seq: message.seq, events: message.events, t: run.elapsed() });
        return;
      case "result":
        run.report({ type: "result", text: message.text, t: run.elapsed() });
        return;
      case "done":
        run.finish(...this.#outcome(active, message.status, message.error));
        return;
    }
  }

  #outcome(active: ActiveRun, status: "ok" | "error" | "cancelled", error: string | null): [RunStatus, string | null] {
    if (status === "error") return ["error", error];
    if (status === "ok") {
      // It finished before the cancel request reached it.
      return ["ok", active.stopReason === "output-cap" ? `Its output passed the ${formatBytes(this.#limits.outputCapBytes)} cap and was cut.` : null];
    }
    if (active.stopReason === "timeout") {
      return ["timeout", `Cancelled at the wall-time limit of ${seconds(active.wallTimeMs)}; it finished cleanly.`];
    }
    if (active.stopReason === "output-cap") {
      return ["cancelled", `Cancelled because its output passed the ${formatBytes(this.#limits.outputCapBytes)} cap; it finished cleanly.`];
    }
    return ["cancelled", "Stopped: the code was cancelled through the runtime and finished cleanly."];
  }

  #requestStop(runId: string, reason: StopReason): boolean {
    const active = this.#runs.get(runId);
    if (!active || active.run.done) return false;
    if (active.stopReason === null) active.stopReason = reason;
    if (active.killTimer) return true;
    if (this.#child) this.#send(this.#child, { type: "cancel", runId });
    active.killTimer = setTimeout(() => {
      const why = {
        stop: "Stop",
        timeout: `the wall-time limit of ${seconds(active.wallTimeMs)}`,
        "output-cap": "the output cap",
      }[active.stopReason ?? reason];
      this.#kill(
        `Killed: it did not finish within ${seconds(this.#limits.graceMs)} of the cancel request (${why}). ` +
          "A synchronous loop never reaches a checkpoint, so cancellation cannot reach it. " +
          "The session process was restarted: run earlier blocks again to redefine their names.",
        runId,
      );
    }, this.#limits.graceMs);
    return true;
  }

  #kill(message: string, forRun?: string): void {
    const child = this.#child;
    if (!child) return;
    this.#killed.add(child);
    for (const { run } of this.#runs.values()) {
      run.finish("killed", run.id === forRun || forRun === undefined ? message : `Killed with its session process, while another run was being stopped.`);
    }
    this.#child = null;
    this.#ready = null;
    child.kill("SIGKILL");
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child === child) {
      this.#child = null;
      this.#ready = null;
    }
    if (this.#killed.has(child)) return;
    const outOfMemory = /heap limit|out of memory/i.test(this.#stderrTail);
    const message = outOfMemory
      ? `The session process ran out of memory (cap: ${this.#limits.memoryMb} MB) and was restarted: run earlier blocks again.`
      : `The session process ended (${describeExit(code, signal)}) and was restarted: run earlier blocks again.${this.#tail()}`;
    for (const { run } of this.#runs.values()) run.finish("crashed", message);
  }

  #send(child: ChildProcess, message: ParentMessage): void {
    if (child.connected) child.send(message);
  }

  #tail(): string {
    const tail = this.#stderrTail.trim();
    return tail === "" ? "" : `\n${tail}`;
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function seconds(ms: number): string {
  return `${+(ms / 1000).toFixed(1)} s`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${+(bytes / 1_000_000).toFixed(1)} MB` : `${+(bytes / 1000).toFixed(1)} kB`;
}
