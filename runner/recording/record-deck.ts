/**
 * Running every block of a deck, in order, in fresh sessions (one per language), and keeping
 * what each printed. Used by `npm run record` and by the test that checks the recordings.
 */
import type { Deck } from "../deck/render-deck.ts";
import type { ExecBlock } from "../deck/exec-fence-plugin.ts";
import type { ExecLanguage } from "../deck/fence-info.ts";
import type { Run, RunEvent } from "../session/run.ts";
import { toRunStep } from "../session/run-step.ts";
import { isTraceOn } from "../session/trace-events.ts";
import { Session, type SessionLimits, type SpawnSession } from "../session/session.ts";
import { BlockSyntaxError } from "../session/transform-block.ts";
import { blockIds, RECORDING_FORMAT, type RecordedBlock, type Recording } from "./recording.ts";

/** A block still running after this many seconds is stopped, unless its fence says `stop-after=S`. */
export const DEFAULT_STOP_AFTER_SECONDS = 10;
/** How long the recorder waits for a `record=background` block's first line before going on, in ms. */
export const BACKGROUND_START_MS = 10_000;

/** How to record. */
export interface RecordOptions {
  /** Starts a session process for a language. */
  spawn: (language: ExecLanguage) => SpawnSession;
  limits: SessionLimits;
  /** Says why Python blocks cannot run here, or `null`. */
  pythonUnavailable: () => Promise<string | null>;
  /** Told about each block once it is recorded. */
  onBlock?: (block: ExecBlock, recorded: RecordedBlock) => void;
}

/** What the recorder reads from a block's fence attributes. */
export interface RecordPlan {
  /** Press Stop this many ms into the run (unless it ended first). */
  stopAfterMs: number;
  /** Go on with the next blocks once this one has printed its first line; stop it at the end. */
  background: boolean;
  /** Compare only how the run ended, not its lines (`check=status`: output that varies). */
  statusOnly: boolean;
}

/**
 * Reads a block's recording attributes.
 *
 * @param block - the block.
 * @returns the plan; a `stop-after` that is not a positive number is ignored.
 */
export function recordPlan(block: Pick<ExecBlock, "attributes">): RecordPlan {
  const stopAfter = Number(block.attributes["stop-after"]);
  return {
    stopAfterMs: (Number.isFinite(stopAfter) && stopAfter > 0 ? stopAfter : DEFAULT_STOP_AFTER_SECONDS) * 1000,
    background: block.attributes["record"] === "background",
    statusOnly: block.attributes["check"] === "status",
  };
}

/**
 * Records a deck.
 *
 * @param deck - the rendered deck.
 * @param options - see {@link RecordOptions}.
 * @returns the recording: one entry per block, in order; Python blocks are `skipped` where
 * Python with Trio is unavailable.
 */
export async function recordDeck(deck: Deck, options: RecordOptions): Promise<Recording> {
  const ids = blockIds(deck.blocks);
  const sessions = new Map<ExecLanguage, Session>();
  const background: Array<{ block: ExecBlock; run: Run; collect: Promise<RecordedBlock>; stop: () => void }> = [];
  const entries: Array<[string, RecordedBlock]> = [];
  const pythonProblem = deck.blocks.some((b) => b.language === "python") ? await options.pythonUnavailable() : null;
  try {
    for (const [i, block] of deck.blocks.entries()) {
      const id = ids[i]!;
      if (block.language === "python" && pythonProblem) {
        const skipped: RecordedBlock = { ...blank(block), skipped: pythonProblem };
        entries.push([id, skipped]);
        options.onBlock?.(block, skipped);
        continue;
      }
      let session = sessions.get(block.language);
      if (!session) {
        session = new Session(options.spawn(block.language), options.limits);
        sessions.set(block.language, session);
      }
      let step;
      try {
        step = toRunStep(block.language, block.code, `block-${block.index}`, "block");
      } catch (error) {
        if (!(error instanceof BlockSyntaxError)) throw error;
        const failed: RecordedBlock = { ...blank(block), status: "error", message: `SyntaxError: ${error.message}` };
        entries.push([id, failed]);
        options.onBlock?.(block, failed);
        continue;
      }
      const plan = recordPlan(block);
      const wallTimeMs = block.timeoutSeconds ? block.timeoutSeconds * 1000 : undefined;
      const run = session.run([step], { ...(wallTimeMs ? { wallTimeMs } : {}), ...(isTraceOn(block.attributes["trace"]) ? { trace: true } : {}) });
      const { collect, stop, firstLine } = follow(block, run, session, plan);
      if (plan.background) {
        const index = entries.push([id, blank(block)]) - 1;
        background.push({ block, run, stop, collect: collect.then((recorded) => (entries[index] = [id, recorded])[1]) });
        // Wait until it serves; a block that never prints is stopped after its stop-after anyway.
        await Promise.race([firstLine, run.ended, new Promise((r) => setTimeout(r, BACKGROUND_START_MS).unref())]);
        continue;
      }
      const recorded = await collect;
      entries.push([id, recorded]);
      options.onBlock?.(block, recorded);
    }
    // Background blocks are stopped last-started first, like the exit of nested `with` blocks.
    for (const item of background.reverse()) {
      item.stop();
      const recorded = await item.collect;
      options.onBlock?.(item.block, recorded);
    }
  } finally {
    for (const session of sessions.values()) session.dispose();
  }
  return { format: RECORDING_FORMAT, deck: deck.name, blocks: Object.fromEntries(entries) };
}

function blank(block: ExecBlock): RecordedBlock {
  return { index: block.index, kind: block.kind, language: block.language, status: null, message: null, lines: [], stoppedAfterMs: null, durationMs: 0 };
}

/** Collects a run's lines, pressing Stop at the plan's time. */
function follow(block: ExecBlock, run: Run, session: Session, plan: RecordPlan) {
  const recorded = blank(block);
  let resolveFirst!: () => void;
  const firstLine = new Promise<void>((resolve) => (resolveFirst = resolve));
  const stop = () => {
    if (run.done || recorded.stoppedAfterMs !== null) return;
    recorded.stoppedAfterMs = run.elapsed();
    session.stop(run.id);
  };
  const timer = setTimeout(stop, plan.stopAfterMs);
  let traceSeq = 0;
  run.subscribe((event: RunEvent) => {
    if (event.type === "trace") {
      // The pictures show the block's last trio.run: keep its events only.
      if (event.seq !== traceSeq) [traceSeq, recorded.trace] = [event.seq, []];
      recorded.trace!.push(...event.events);
    }
    if (event.type === "line") {
      recorded.lines.push({ stream: event.stream, text: event.text, t: event.t });
      resolveFirst();
    } else if (event.type === "end") {
      recorded.status = event.status;
      recorded.message = event.message;
      recorded.durationMs = event.t;
    }
  });
  const collect = run.ended.then(() => {
    clearTimeout(timer);
    return recorded;
  });
  return { collect, stop, firstLine };
}
