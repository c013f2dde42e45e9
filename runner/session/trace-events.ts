/**
 * The session side of the pictures: a trace instrument per `trio.run` of a run, whose events
 * go to the server in batches (a message per event would cost more than the run itself).
 * Bundled into the session process with `runtime/trace.ts`, which needs only the hooks'
 * arguments, not the runtime module's identity.
 */
import { TraceRecorder, type TraceEvent } from "../../runtime/trace.ts";
import type { TraceMessage } from "./protocol.ts";

/** How long events wait for company before they are sent, in ms: live enough for the eye. */
const FLUSH_MS = 40;
/** Events sent per batch at most. */
const BATCH_MAX = 500;
/** Trace events per run (all its `trio.run` calls) at most; the recorder says where it stopped. */
export const TRACE_LIMIT_PER_RUN = 20_000;

/**
 * Whether a fence's `trace` attribute asks for the pictures: `trace`, `trace=tree`,
 * `trace=timeline`; not `trace=off` or `trace=false`.
 */
export function isTraceOn(value: string | undefined): boolean {
  return value !== undefined && value !== "off" && value !== "false";
}

/** Counts what a run has sent so far. */
export interface TraceBudget {
  seq: number;
  sent: number;
}

/**
 * Makes the instrument for one `trio.run` of a run.
 *
 * @param runId - the run the events belong to.
 * @param budget - the run's counters, shared by its `trio.run` calls.
 * @param send - sends a message to the server.
 * @returns the instrument to add to the run's instruments.
 */
export function traceInstrument(runId: string, budget: TraceBudget, send: (message: TraceMessage) => void): TraceRecorder {
  const seq = ++budget.seq;
  let pending: TraceEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    send({ type: "trace", runId, seq, events });
  };
  return new TraceRecorder({
    // "Runnable" spans last microseconds: the pictures do without them, and the run goes faster.
    scheduled: false,
    limit: Math.max(0, TRACE_LIMIT_PER_RUN - budget.sent),
    onEvent(event) {
      budget.sent++;
      pending.push(event);
      // The run's end goes out at once, before the session reports the run done.
      if (event.k === "end" || pending.length >= BATCH_MAX) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
  });
}
