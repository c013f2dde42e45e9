/**
 * The trace for the pictures: asked for by a fence's `trace` flag (or the request), streamed
 * with the output in batches, and left out otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFenceInfo } from "../../runner/deck/fence-info.ts";
import type { RunEvent } from "../../runner/session/run.ts";
import { isTraceOn } from "../../runner/session/trace-events.ts";
import type { TraceEvent } from "../../runtime/trace.ts";
import { runOverHttp, serve, testApp } from "./helpers.ts";

const traceOf = (events: RunEvent[]) =>
  events.flatMap((e) => (e.type === "trace" ? (e.events as TraceEvent[]) : []));

describe("the trace flag of a fence", () => {
  it("is a flag, not a language", () => {
    expect(parseFenceInfo("exec trace")).toMatchObject({ exec: "exec", language: "", attributes: { trace: "true" } });
    expect(parseFenceInfo("exec ts trace stop-after=2")).toMatchObject({ language: "typescript", attributes: { trace: "true", "stop-after": "2" } });
    expect(parseFenceInfo("exec trace=timeline").attributes).toEqual({ trace: "timeline" });
  });

  it("is on unless it says off", () => {
    expect([undefined, "true", "tree", "timeline", "off", "false"].map(isTraceOn)).toEqual([false, true, true, true, false, false]);
  });
});

describe("streaming the trace", () => {
  const { app, sessions } = testApp();
  let base = "";
  let close: () => Promise<void>;
  beforeAll(async () => ({ base, close } = await serve(app)));
  afterAll(async () => {
    sessions.close();
    await close?.();
  });

  it("streams the trace of a block whose fence says trace, ending before the run does", async () => {
    const events = await runOverHttp(base, "pictures", { block: 0 });
    const trace = traceOf(events);
    expect(trace.filter((e) => e.k === "spawn").map((e) => (e as { name: string }).name)).toEqual(["parent", "child", "child"]);
    expect(trace.at(-1)?.k).toBe("end");
    expect(events.findIndex((e) => e.type === "trace")).toBeLessThan(events.findIndex((e) => e.type === "end"));
    // The session leaves out "runnable" events: the pictures do without them.
    expect(trace.some((e) => e.k === "sched")).toBe(false);
  }, 30_000);

  it("leaves the trace out when the request says so", async () => {
    const events = await runOverHttp(base, "pictures", { block: 0, trace: false });
    expect(traceOf(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "end", status: "ok" });
  }, 30_000);

  it("rejects a trace flag that is not a boolean", async () => {
    await expect(runOverHttp(base, "pictures", { block: 0, trace: "yes" })).rejects.toThrow("Expected `trace` to be true or false");
  }, 30_000);
});
