import { execFileSync } from "node:child_process";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenCookieName } from "../../runner/http/security.ts";
import { COOKIE, endOf, FIXTURE_DECKS, lines, runOverHttp, serve, stopOverHttp, testApp, TOKEN } from "./helpers.ts";

const pythonWithTrio = (() => {
  try {
    execFileSync("python3", ["-c", "import trio"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("security", () => {
  const { app, sessions } = testApp();
  afterAll(() => sessions.close());

  it("rejects a request without the token", async () => {
    const response = await request(app).get("/");
    expect(response.status).toBe(401);
    const api = await request(app).post("/api/decks/api/run").send({ block: 0 });
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe("TOKEN_REQUIRED");
  });

  it("trades the token in the URL for a cookie and drops it from the URL", async () => {
    const response = await request(app).get(`/decks/api?token=${TOKEN}`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/decks/api");
    const cookies = response.headers["set-cookie"] as unknown as string[];
    expect(cookies.join(";")).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await request(app).get("/decks/api").set("Cookie", cookies);
    expect(page.status).toBe(200);
  });

  it("rejects a wrong token", async () => {
    expect((await request(app).get("/?token=wrong")).status).toBe(401);
    expect((await request(app).get("/").set("Authorization", "Bearer wrong")).status).toBe(401);
  });

  it("rejects a DNS-rebinding Host", async () => {
    const response = await request(app).get("/").set("Cookie", COOKIE).set("Host", "attacker.example:8077");
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("HOST_NOT_ALLOWED");
  });

  it("rejects a cross-origin request that would run code", async () => {
    const response = await request(app)
      .post("/api/decks/api/run")
      .set("Cookie", COOKIE)
      .set("Origin", "https://evil.example")
      .send({ block: 0 });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("CROSS_ORIGIN");
    const site = await request(app).post("/api/decks/api/run").set("Cookie", COOKIE).set("Sec-Fetch-Site", "cross-site").send({ block: 0 });
    expect(site.status).toBe(403);
  });

  it("rejects a body over the size limit", async () => {
    const response = await request(app)
      .post("/api/decks/api/run")
      .set("Cookie", COOKIE)
      .send({ console: true, code: "x".repeat(300_000) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe("BODY_TOO_LARGE");
  });

  it("answers 404 for unknown decks and for .. in paths", async () => {
    for (const path of ["/decks/nope", "/decks/..%2Fpackage", "/decks/..", "/decks/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/vendor/reveal/../../package.json"]) {
      expect((await request(app).get(path).set("Cookie", COOKIE)).status, path).toBe(404);
    }
    expect((await request(app).post("/api/decks/..%2Fapi/run").set("Cookie", COOKIE).send({ block: 0 })).status).toBe(404);
  });

  it("says what was wrong with a bad body", async () => {
    const response = await request(app).post("/api/decks/api/run").set("Cookie", COOKIE).send({ block: "one" });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('got `"one" (string)`');
  });

  it("lists the decks on the index page", async () => {
    const response = await request(app).get("/").set("Cookie", COOKIE);
    expect(response.text).toContain('<a href="/decks/api">API fixture</a>');
  });

  it("serves reveal.js and the client from disk", async () => {
    expect((await request(app).get("/vendor/reveal/reveal.js").set("Cookie", COOKIE)).status).toBe(200);
    const client = await request(app).get("/assets/runner-client.js").set("Cookie", COOKIE);
    expect(client.status).toBe(200);
    expect(client.text).toContain("trio-workbook-runner");
  });
});

describe("runs", () => {
  const { app, sessions } = testApp();
  let base = "";
  let close: () => Promise<void>;
  beforeAll(async () => ({ base, close } = await serve(app)));
  afterAll(async () => {
    sessions.close();
    await close();
  });

  it("keeps top-level definitions from one block for the next", async () => {
    expect(endOf(await runOverHttp(base, "api", { block: 0 })).status).toBe("ok");
    const events = await runOverHttp(base, "api", { block: 1 });
    expect(lines(events)).toEqual(["42"]);
  });

  it("runs a block through supertest too, as one NDJSON response", async () => {
    const response = await request(app).post("/api/decks/api/run").set("Cookie", COOKIE).send({ block: 1 });
    expect(response.headers["content-type"]).toContain("application/x-ndjson");
    const events = response.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ type: "end", status: "ok" });
  });

  it("streams the first line while the program still runs, and Stop cancels it through the runtime", async () => {
    let runId = "";
    let stopped = false;
    const events = await runOverHttp(base, "api", { block: 2 }, (event) => {
      if (event.type === "start") runId = event.runId;
      if (event.type === "line" && event.text === "serving" && !stopped) {
        stopped = true;
        void stopOverHttp(base, runId);
      }
    });
    expect(lines(events)).toEqual(["serving", "finally ran"]);
    expect(endOf(events)).toMatchObject({ status: "cancelled" });
    expect(endOf(events).message).toContain("cancelled through the runtime");
  });

  it("kills a synchronous infinite loop after the grace period, and says so", async () => {
    let runId = "";
    const events = await runOverHttp(base, "api", { block: 3 }, (event) => {
      if (event.type === "start") runId = event.runId;
      if (event.type === "line") void stopOverHttp(base, runId);
    });
    expect(endOf(events).status).toBe("killed");
    expect(endOf(events).message).toMatch(/did not finish within 1 s/);
    // The server stays responsive and the next run gets a fresh process.
    const next = await runOverHttp(base, "api", { block: 4 });
    expect(endOf(next).status).toBe("ok");
  });

  it("keeps stdout and stderr apart, and output is text", async () => {
    const events = await runOverHttp(base, "api", { block: 4 });
    expect(lines(events)).toEqual(["<script>alert(1)</script>"]);
    expect(lines(events, "stderr")).toEqual(["oops"]);
  });

  it("cuts output at the cap with a notice", async () => {
    const events = await runOverHttp(base, "api", { block: 5 });
    const printed = lines(events).join("\n").length;
    expect(printed).toBeLessThanOrEqual(20_100);
    expect(events.some((e) => e.type === "notice" && e.text.includes("cap"))).toBe(true);
  });

  it("cancels a run at its fence's wall-time limit", async () => {
    const events = await runOverHttp(base, "api", { block: 6 });
    expect(lines(events)).toEqual(["timed out cleanly"]);
    expect(endOf(events).status).toBe("timeout");
  });

  it("runs exechidden blocks of the slide first, as setup", async () => {
    const events = await runOverHttp(base, "api", { block: 8 });
    expect(lines(events)).toEqual(["hello from setup"]);
  });

  it("reports a syntax error with its place", async () => {
    const end = endOf(await runOverHttp(base, "api", { block: 9 }));
    expect(end.status).toBe("error");
    expect(end.message).toMatch(/SyntaxError: block-9\.ts:1:7/);
  });

  it("reports an error thrown by the block", async () => {
    const end = endOf(await runOverHttp(base, "api", { block: 11 }));
    expect(end.status).toBe("error");
    expect(end.message).toContain("boom");
  });

  it("runs edited code and console lines in the same session", async () => {
    await runOverHttp(base, "api", { block: 0, code: "const edited = 'yes';" });
    const events = await runOverHttp(base, "api", { console: true, code: "edited + '!'" });
    expect(events.find((e) => e.type === "result")).toMatchObject({ text: expect.stringContaining("yes!") });
  });

  it("resets the viewer's session: its process ends and definitions are gone", async () => {
    expect(endOf(await runOverHttp(base, "api", { block: 0 })).status).toBe("ok");
    const reset = await request(app).post("/api/decks/api/reset").set("Cookie", COOKIE).send({});
    expect(reset.body).toEqual({ ended: 1 });
    const end = endOf(await runOverHttp(base, "api", { block: 1 }));
    expect(end.status).toBe("error");
    expect(end.message).toMatch(/f is not defined/);
    expect((await request(app).post("/api/decks/nope/reset").set("Cookie", COOKIE).send({})).status).toBe(404);
  });

  it("gives 404 to a Stop for a run that is not the viewer's", async () => {
    expect(await stopOverHttp(base, "no-such-run")).toBe(404);
  });

  it.skipIf(!pythonWithTrio)("runs Python blocks with Trio, and Stop cancels them through Trio", async () => {
    let runId = "";
    const events = await runOverHttp(base, "api", { block: 10 }, (event) => {
      if (event.type === "start") runId = event.runId;
      if (event.type === "line" && event.text === "python serving") void stopOverHttp(base, runId);
    });
    expect(lines(events)).toEqual(["python serving", "python finally ran"]);
    expect(endOf(events).status).toBe("cancelled");
  });
});

describe("memory cap", () => {
  it("reports a session that runs out of memory, and restarts it", async () => {
    const { app, sessions } = testApp({ memoryMb: 48 });
    const { base, close } = await serve(app);
    try {
      const events = await runOverHttp(base, "api", { console: true, code: "const a: number[][] = []; while (true) a.push(new Array(1e6).fill(1));" });
      expect(endOf(events).status).toBe("crashed");
      expect(endOf(events).message).toContain("ran out of memory");
      expect(endOf(await runOverHttp(base, "api", { block: 4 })).status).toBe("ok");
    } finally {
      sessions.close();
      await close();
    }
  });
});

describe("runs per viewer (serving a class)", () => {
  it("refuses a viewer's run over the cap, and not another viewer's", async () => {
    const { app, sessions } = testApp({}, FIXTURE_DECKS, 1);
    const { base, close } = await serve(app);
    try {
      let runId = "";
      let refused: unknown = null;
      let other: unknown = null;
      const first = runOverHttp(base, "api", { block: 2 }, (event) => {
        if (event.type === "start") runId = event.runId;
        if (event.type === "line" && event.text === "serving" && refused === null) {
          refused = "pending";
          void (async () => {
            const response = await request(app).post("/api/decks/api/run").set("Cookie", COOKIE).send({ block: 4 });
            refused = { status: response.status, code: response.body?.error?.code };
            const otherViewer = await request(app).post("/api/decks/api/run").set("Cookie", `${tokenCookieName(TOKEN)}=${TOKEN}; twb_viewer=viewer-2`).send({ block: 4 });
            other = otherViewer.text.trim().split("\n").map((l) => JSON.parse(l)).at(-1);
            await stopOverHttp(base, runId);
          })();
        }
      });
      expect(endOf(await first).status).toBe("cancelled");
      await expect.poll(() => other, { timeout: 10_000 }).toMatchObject({ type: "end", status: "ok" });
      expect(refused).toMatchObject({ status: 429, code: "TOO_MANY_RUNS" });
    } finally {
      sessions.close();
      await close();
    }
  });
});
