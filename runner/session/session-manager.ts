/**
 * The sessions of all viewers: one per viewer, deck and language, started on first use and
 * ended when the viewer has been gone for a while.
 */
import type { ExecLanguage } from "../deck/fence-info.ts";
import { RunnerError } from "../errors.ts";
import type { RunStep } from "./protocol.ts";
import type { Run } from "./run.ts";
import { Session, type SessionLimits, type SpawnSession } from "./session.ts";

/** A session and what the server remembers about it. */
export interface SessionEntry {
  session: Session;
  viewer: string;
  deck: string;
  language: ExecLanguage;
  /** The `exechidden` blocks already run in the current process (see `Session.generation`). */
  setupDone: Set<number>;
  setupGeneration: number;
}

/** How the manager starts and limits sessions. */
export interface SessionManagerOptions {
  limits: SessionLimits;
  /** Starts a process for a language. */
  spawn: (language: ExecLanguage) => SpawnSession;
  /** Sessions held at once, over all viewers. */
  maxSessions: number;
  /** Runs one viewer may hold at once; `Infinity` when presenting on one's own machine. */
  maxRunsPerViewer: number;
  /** A viewer not seen for this long loses their sessions, in ms. */
  idleMs: number;
  /** The clock viewers are seen and reaped by, in ms (tests pass a fake one). @default Date.now */
  now?: () => number;
}

/**
 * Holds the sessions.
 */
export class SessionManager {
  readonly options: SessionManagerOptions;
  #entries = new Map<string, SessionEntry>();
  #runs = new Map<string, { entry: SessionEntry; run: Run }>();
  #lastSeen = new Map<string, number>();
  #reaper: NodeJS.Timeout;
  readonly #now: () => number;

  /** @param options - see {@link SessionManagerOptions}. */
  constructor(options: SessionManagerOptions) {
    this.options = options;
    this.#now = options.now ?? Date.now;
    this.#reaper = setInterval(() => this.reap(), Math.min(options.idleMs, 30_000));
    this.#reaper.unref();
  }

  /** Records that a viewer is still there (any request of theirs, or the page's heartbeat). */
  seen(viewer: string): void {
    this.#lastSeen.set(viewer, this.#now());
  }

  /**
   * The viewer's session for a deck and language, created if needed.
   *
   * @throws RunnerError `TOO_MANY_SESSIONS` when the server holds as many as allowed.
   */
  entry(viewer: string, deck: string, language: ExecLanguage): SessionEntry {
    this.seen(viewer);
    const key = JSON.stringify([viewer, deck, language]);
    let entry = this.#entries.get(key);
    if (!entry) {
      if (this.#entries.size >= this.options.maxSessions) {
        throw new RunnerError("TOO_MANY_SESSIONS", `The server already holds ${this.#entries.size} sessions (the limit). Try again in a few minutes, when idle ones have ended.`);
      }
      const session = new Session(this.options.spawn(language), this.options.limits);
      entry = { session, viewer, deck, language, setupDone: new Set(), setupGeneration: -1 };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Starts a run in a session.
   *
   * @throws RunnerError `TOO_MANY_RUNS` when the viewer holds as many runs as allowed.
   */
  run(entry: SessionEntry, steps: RunStep[], options: { wallTimeMs?: number; events?: boolean; trace?: boolean }): Run {
    const held = [...this.#runs.values()].filter((r) => r.entry.viewer === entry.viewer).length;
    if (held >= this.options.maxRunsPerViewer) {
      throw new RunnerError("TOO_MANY_RUNS", `You already have ${held} runs going (the limit is ${this.options.maxRunsPerViewer}). Stop one first.`);
    }
    const run = entry.session.run(steps, options);
    this.#runs.set(run.id, { entry, run });
    void run.ended.then(() => this.#runs.delete(run.id));
    return run;
  }

  /**
   * Stops one of the viewer's runs.
   *
   * @returns `false` when the viewer has no such run going.
   */
  stop(viewer: string, runId: string): boolean {
    const found = this.#runs.get(runId);
    if (!found || found.entry.viewer !== viewer) return false;
    return found.entry.session.stop(runId);
  }

  /** Ends the viewer's sessions of a deck (every language). @returns how many ended. */
  reset(viewer: string, deck: string): number {
    let count = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.viewer === viewer && entry.deck === deck) {
        entry.session.dispose();
        this.#entries.delete(key);
        count++;
      }
    }
    return count;
  }

  /** Ends the sessions of viewers not seen for `idleMs`. Called periodically. */
  reap(now = this.#now()): void {
    for (const [key, entry] of this.#entries) {
      const seen = this.#lastSeen.get(entry.viewer) ?? 0;
      if (now - Math.max(seen, entry.session.lastUsed) > this.options.idleMs) {
        entry.session.dispose();
        this.#entries.delete(key);
      }
    }
    for (const [viewer, seen] of this.#lastSeen) if (now - seen > this.options.idleMs) this.#lastSeen.delete(viewer);
  }

  /** Sessions currently held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Ends every session and the reaper. */
  close(): void {
    clearInterval(this.#reaper);
    for (const entry of this.#entries.values()) entry.session.dispose();
    this.#entries.clear();
  }
}
