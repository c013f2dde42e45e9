/**
 * Session processes started ahead of need, so that a viewer's first Run does not wait for a
 * process to start (about 100 ms alone; seconds when a whole class opens a deck at once).
 *
 * A pooled process has started and said `ready`, and has run nothing: handing it out is as
 * good as starting a new one. Taking one starts a replacement, one at a time, so that refilling
 * does not compete with the runs it serves. A process whose code has changed since it started
 * (the runtime was edited) is not handed out.
 */
import type { ChildProcess } from "node:child_process";
import type { ChildMessage, ReadyMessage } from "./protocol.ts";

/** Refilling waits until no process has been taken for this long, in ms. */
const REFILL_QUIET_MS = 300;

/** Processes that said `ready` before any session listened to them, with what they said. */
export const PRESTARTED = new WeakMap<ChildProcess, ReadyMessage>();

/** How to keep a pool. */
export interface ProcessPoolOptions {
  /** Starts a process (with an IPC channel). */
  spawn: () => Promise<ChildProcess>;
  /** Processes kept ready. 0 disables the pool. */
  size: number;
  /**
   * What the processes are started from (the bundle); a process started from another value
   * than the current one is stale. @default nothing changes
   */
  version?: () => Promise<unknown>;
  /** Longest wait for a process's `ready`, in ms. @default 30_000 */
  readyTimeoutMs?: number;
}

interface Pooled {
  child: ChildProcess;
  version: unknown;
}

/**
 * A pool of ready session processes.
 */
export class ProcessPool {
  readonly #options: ProcessPoolOptions;
  #ready: Pooled[] = [];
  #starting = 0;
  #closed = false;
  /** Consecutive failed starts: the pool stops refilling after a few, until the next `take`. */
  #failures = 0;
  #lastTake = Number.NEGATIVE_INFINITY;
  #refillTimer: NodeJS.Timeout | null = null;

  /** @param options - see {@link ProcessPoolOptions}. */
  constructor(options: ProcessPoolOptions) {
    this.#options = options;
    this.#fill();
  }

  /** Processes ready to be handed out. */
  get available(): number {
    return this.#ready.length;
  }

  /**
   * A ready process if the pool has one (marked in {@link PRESTARTED}), else a newly started one.
   */
  async take(): Promise<ChildProcess> {
    this.#failures = 0;
    this.#lastTake = performance.now();
    const current = this.#options.version ? await this.#options.version() : undefined;
    for (let pooled = this.#ready.shift(); pooled; pooled = this.#ready.shift()) {
      if (pooled.version === current && pooled.child.connected && pooled.child.exitCode === null) {
        pooled.child.removeAllListeners("exit");
        this.#fill();
        return pooled.child;
      }
      pooled.child.kill("SIGKILL");
    }
    this.#fill();
    return this.#options.spawn();
  }

  /** Ends the pooled processes; the pool starts no more. */
  close(): void {
    this.#closed = true;
    if (this.#refillTimer) clearTimeout(this.#refillTimer);
    for (const { child } of this.#ready.splice(0)) child.kill("SIGKILL");
  }

  #fill(): void {
    if (this.#closed || this.#starting > 0 || this.#ready.length >= this.#options.size || this.#failures >= 3) return;
    // While processes are being taken (a class opening a deck), starting replacements would
    // only take CPU from the runs they serve: refill once takes pause.
    const quietFor = performance.now() - this.#lastTake;
    if (quietFor < REFILL_QUIET_MS) {
      if (!this.#refillTimer) {
        this.#refillTimer = setTimeout(() => {
          this.#refillTimer = null;
          this.#fill();
        }, REFILL_QUIET_MS - quietFor);
        this.#refillTimer.unref();
      }
      return;
    }
    this.#starting++;
    void this.#startOne()
      .then((pooled) => {
        if (this.#closed) pooled.child.kill("SIGKILL");
        else this.#ready.push(pooled);
        this.#failures = 0;
      })
      .catch(() => {
        this.#failures++;
      })
      .finally(() => {
        this.#starting--;
        this.#fill();
      });
  }

  async #startOne(): Promise<Pooled> {
    const version = this.#options.version ? await this.#options.version() : undefined;
    const child = await this.#options.spawn();
    // Keep the pipes flowing while the process waits in the pool.
    child.stdout?.resume();
    child.stderr?.resume();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("the pooled session process did not say it was ready"));
      }, this.#options.readyTimeoutMs ?? 30_000);
      const onMessage = (message: ChildMessage) => {
        if (message.type !== "ready") return;
        clearTimeout(timer);
        child.off("message", onMessage);
        PRESTARTED.set(child, message);
        resolve();
      };
      child.on("message", onMessage);
      child.once("exit", () => {
        clearTimeout(timer);
        reject(new Error("the pooled session process exited before it was ready"));
      });
    });
    const pooled = { child, version };
    // A pooled process that dies (or is killed) leaves the pool.
    child.once("exit", () => {
      this.#ready = this.#ready.filter((p) => p !== pooled);
      this.#fill();
    });
    return pooled;
  }
}
