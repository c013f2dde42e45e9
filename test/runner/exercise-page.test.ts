// The exercise pages that slides and the index link to: the statement and folded hints, how to
// check it, never the solution; unknown names and the static export.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../runner/app.ts";
import { exportSite } from "../../runner/export/export-site.ts";
import { SessionManager } from "../../runner/session/session-manager.ts";
import { COOKIE, SLIDES, TOKEN } from "./helpers.ts";

const EXERCISES = path.resolve(SLIDES, "../exercises");
const SOLUTIONS = path.resolve(SLIDES, "../solutions");

function app() {
  const sessions = new SessionManager({
    limits: { wallTimeMs: 1_000, graceMs: 100, outputCapBytes: 1_000, memoryMb: 64 },
    spawn: () => () => {
      throw new Error("no sessions in this test");
    },
    maxSessions: 1,
    maxRunsPerViewer: 1,
    idleMs: 60_000,
  });
  return { app: createApp({ slidesDir: SLIDES, exercisesDir: EXERCISES, token: TOKEN, sessions, log: () => {} }), sessions };
}

describe("exercise pages", () => {
  const { app: server, sessions } = app();
  afterAll(() => sessions.close());

  it("are linked from the index", async () => {
    const index = await request(server).get("/").set("Cookie", COOKIE);
    expect(index.text).toContain('href="/exercises/01-two-tasks"');
  });

  it("show the statement, the hints folded, and how to check — not the solution", async () => {
    const response = await request(server).get("/exercises/01-two-tasks").set("Cookie", COOKIE);
    expect(response.status).toBe(200);
    expect(response.text).toContain("Two tasks in a nursery");
    expect(response.text).toContain("npm run check -- 01");
    expect(response.text).toMatch(/<details class="hint"><summary>Hint 1<\/summary>/);
    const solution = await readFile(path.join(SOLUTIONS, "01-two-tasks", "two-tasks.ts"), "utf8");
    const distinctive = solution.split("\n").find((line) => line.includes("startSoon"))!.trim();
    expect(response.text).not.toContain(distinctive);
  });

  it("answer 404 for an unknown exercise or a path trick", async () => {
    expect((await request(server).get("/exercises/99-nothing").set("Cookie", COOKIE)).status).toBe(404);
    expect((await request(server).get("/exercises/..%2Fsolutions").set("Cookie", COOKIE)).status).toBe(404);
  });

  it("are part of the static export, with the slides' links pointing at them", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "twb-export-"));
    try {
      await exportSite({ slidesDir: SLIDES, exercisesDir: EXERCISES, outDir: path.join(out, "dist") });
      const page = await readFile(path.join(out, "dist", "exercises", "01-two-tasks.html"), "utf8");
      expect(page).toContain('href="../assets/runner.css"');
      const deck = await readFile(path.join(out, "dist", "decks", "01-concurrency-from-the-ground-up.html"), "utf8");
      expect(deck).toContain('href="../exercises/01-two-tasks.html"');
      expect(deck).not.toContain('href="/exercises/');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
