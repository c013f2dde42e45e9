/**
 * Sessions end when their viewer has gone: reaped after `idleMs` without a request or heartbeat.
 * One test moves the clock forward by hand (`reap(now)`), one uses a short configured timeout.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SessionBundler } from "../../runner/session/session-bundle.ts";
import { SessionManager } from "../../runner/session/session-manager.ts";
import { spawnNodeSession } from "../../runner/session/spawn.ts";
import { FIXTURE_DECKS } from "./helpers.ts";

const bundler = new SessionBundler();
const managers: SessionManager[] = [];

function manager(idleMs: number, now?: () => number): SessionManager {
  const sessions = new SessionManager({
    limits: { wallTimeMs: 10_000, graceMs: 1_000, outputCapBytes: 20_000, memoryMb: 128 },
    spawn: () => () => spawnNodeSession(bundler, { memoryMb: 128, baseDir: FIXTURE_DECKS }),
    maxSessions: 5,
    maxRunsPerViewer: Number.POSITIVE_INFINITY,
    idleMs,
    ...(now ? { now } : {}),
  });
  managers.push(sessions);
  return sessions;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts the viewer's session process and returns its pid. */
async function startSession(sessions: SessionManager, viewer: string): Promise<number> {
  const entry = sessions.entry(viewer, "api", "typescript");
  await entry.session.start();
  return entry.session.pid!;
}

afterEach(() => {
  for (const sessions of managers.splice(0)) sessions.close();
});

describe("the session reaper", () => {
  it("ends the session process of a viewer gone for longer than idleMs (fake clock)", async () => {
    let now = Date.now();
    const sessions = manager(60_000, () => now);
    const gone = await startSession(sessions, "gone");
    const here = await startSession(sessions, "here");
    now += 30_000;
    sessions.seen("here");
    sessions.reap();
    expect(sessions.size).toBe(2);
    now += 31_000;
    sessions.reap();
    expect(sessions.size).toBe(1);
    await expect.poll(() => alive(gone), { timeout: 5_000, interval: 20 }).toBe(false);
    expect(alive(here)).toBe(true);
  });

  it("ends it on its own, after a short configured timeout, but not while the viewer's heartbeat goes on", async () => {
    const sessions = manager(300);
    const gone = await startSession(sessions, "gone");
    const here = await startSession(sessions, "here");
    const heartbeat = setInterval(() => sessions.seen("here"), 50);
    try {
      await expect.poll(() => alive(gone), { timeout: 5_000, interval: 50 }).toBe(false);
      expect(alive(here)).toBe(true);
      expect(sessions.size).toBe(1);
    } finally {
      clearInterval(heartbeat);
    }
    await expect.poll(() => alive(here), { timeout: 5_000, interval: 50 }).toBe(false);
    expect(sessions.size).toBe(0);
  });
});
