/**
 * Test helpers: an app over the fixture decks with short limits, served on a free port.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../../runner/app.ts";
import { tokenCookieName } from "../../runner/http/security.ts";
import type { RunEvent } from "../../runner/session/run.ts";
import { SessionBundler } from "../../runner/session/session-bundle.ts";
import { SessionManager } from "../../runner/session/session-manager.ts";
import { spawnNodeSession, spawnPythonSession } from "../../runner/session/spawn.ts";

export const FIXTURE_DECKS = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "decks");
/** The course's own decks. */
export const SLIDES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../slides");
export const TOKEN = "test-token-0123456789";
export const COOKIE = `${tokenCookieName(TOKEN)}=${TOKEN}; twb_viewer=viewer-1`;

const bundler = new SessionBundler();

/** An app with limits small enough for tests. */
export function testApp(
  limits: Partial<{ outputCapBytes: number; memoryMb: number; graceMs: number; wallTimeMs: number }> = {},
  slidesDir = FIXTURE_DECKS,
  maxRunsPerViewer = Number.POSITIVE_INFINITY,
) {
  const memoryMb = limits.memoryMb ?? 128;
  const spawnOptions = { memoryMb, baseDir: slidesDir };
  const sessions = new SessionManager({
    limits: { wallTimeMs: 10_000, graceMs: 1_000, outputCapBytes: 20_000, memoryMb, ...limits },
    spawn: (language) => () => (language === "python" ? spawnPythonSession(spawnOptions) : spawnNodeSession(bundler, spawnOptions)),
    maxSessions: 20,
    maxRunsPerViewer,
    idleMs: 60_000,
  });
  const app = createApp({ slidesDir, exercisesDir: path.join(FIXTURE_DECKS, "no-exercises"), token: TOKEN, sessions, log: () => {} });
  return { app, sessions };
}

/** Serves an app on 127.0.0.1 and a free port. */
export async function serve(app: ReturnType<typeof createApp>): Promise<{ base: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Runs a block over HTTP, reading the NDJSON stream as it arrives.
 *
 * @param onEvent - sees each event as it arrives (to press Stop at the right time).
 */
export async function runOverHttp(
  base: string,
  deck: string,
  body: Record<string, unknown>,
  onEvent: (event: RunEvent) => void = () => {},
): Promise<RunEvent[]> {
  const response = await fetch(`${base}/api/decks/${deck}/run`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: COOKIE },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) throw new Error(`run answered ${response.status}: ${await response.text()}`);
  const events: RunEvent[] = [];
  let buffer = "";
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value: chunk, done } = await reader.read();
    if (done) break;
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as RunEvent;
      events.push(event);
      onEvent(event);
    }
  }
  return events;
}

/** Asks the server to stop a run. */
export async function stopOverHttp(base: string, runId: string): Promise<number> {
  const response = await fetch(`${base}/api/runs/${runId}/stop`, { method: "POST", headers: { Cookie: COOKIE } });
  return response.status;
}

/** The lines of a stream. */
export const lines = (events: RunEvent[], stream: "stdout" | "stderr" = "stdout") =>
  events.flatMap((e) => (e.type === "line" && e.stream === stream ? [e.text] : []));

/** The run's end event. */
export const endOf = (events: RunEvent[]) => events.find((e) => e.type === "end") as Extract<RunEvent, { type: "end" }>;
