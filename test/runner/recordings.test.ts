/**
 * Every block of every deck in slides/ still produces its recorded output: each deck runs in
 * fresh sessions (reused for all its blocks, in order), decks in parallel. Python blocks are
 * checked where Trio is installed and reported as skipped, with the reason, where not.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DeckStore } from "../../runner/deck/deck-store.ts";
import { compareBlock, compareRecording } from "../../runner/recording/compare-recording.ts";
import { recordDeck, recordPlan } from "../../runner/recording/record-deck.ts";
import { recordOptions } from "../../runner/recording/record-options.ts";
import { blockIds, readRecording, recordingPath, type RecordedBlock, type RecordedLine } from "../../runner/recording/recording.ts";
import { SessionBundler } from "../../runner/session/session-bundle.ts";
import { pythonUnavailable } from "../../runner/session/spawn.ts";

const SLIDES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../slides");
const store = new DeckStore(SLIDES);
const decks = await Promise.all((await store.list()).map(async ({ name }) => (await store.get(name))!));
const pythonProblem = await pythonUnavailable();
const bundler = new SessionBundler();
const options = recordOptions(SLIDES, bundler);

describe.concurrent("the decks' recordings", () => {
  for (const deck of decks) {
    const pythonBlocks = deck.blocks.filter((b) => b.language === "python");
    const runnable = pythonProblem ? deck.blocks.length - pythonBlocks.length : deck.blocks.length;
    if (runnable > 0) {
      // Long enough for every block's recorded duration twice over, on a loaded machine.
      const timeout = 60_000 + deck.blocks.length * 12_000;
      it(`${deck.name}: every block still prints its recording`, async () => {
        const stored = await readRecording(recordingPath(SLIDES, deck.name));
        const fresh = await recordDeck(deck, options);
        const ids = blockIds(deck.blocks);
        const statusOnly = new Set(deck.blocks.flatMap((b, i) => (recordPlan(b).statusOnly ? [ids[i]!] : [])));
        expect(compareRecording(stored, fresh, statusOnly)).toEqual([]);
      }, timeout);
    }
    if (pythonProblem && pythonBlocks.length > 0) {
      it.skip(`${deck.name}: its ${pythonBlocks.length} Python blocks are not checked here: ${pythonProblem}`, () => {});
    }
  }
  if (decks.length === 0) it.skip(`there are no decks in ${SLIDES} yet`, () => {});
});

const line = (text: string, t: number, stream: RecordedLine["stream"] = "stdout"): RecordedLine => ({ stream, text, t });
const block = (lines: RecordedLine[], more: Partial<RecordedBlock> = {}): RecordedBlock => ({
  index: 0, kind: "exec", language: "typescript", status: "ok", message: null, lines, stoppedAfterMs: null, durationMs: 0, ...more,
});

describe("comparing a run with its recording", () => {
  it("accepts lines printed at the same instant in another order", () => {
    const recorded = block([line("a", 1), line("b", 2), line("c", 1000)]);
    expect(compareBlock(recorded, block([line("b", 5), line("a", 5), line("c", 1100)]))).toEqual([]);
    expect(compareBlock(recorded, block([line("a", 1), line("c", 2), line("b", 1000)]))).not.toEqual([]);
  });

  it("matches same-instant lines exactly before tolerating their numbers", () => {
    // Trio shuffles tasks woken together; "1.0 s" must not be taken for the expected "1.5 s".
    const naps = ["1.5", "1.0", "0.5", "0.0"].map((s) => line(`dozing for ${s} s`, 1));
    const shuffled = ["0.0", "0.5", "1.0", "1.5"].map((s) => line(`dozing for ${s} s`, 3));
    expect(compareBlock(block(naps), block(shuffled))).toEqual([]);
    const wrong = ["0.0", "0.5", "1.0", "2.5"].map((s) => line(`dozing for ${s} s`, 3));
    expect(compareBlock(block(naps), block(wrong))).not.toEqual([]);
  });

  it("tolerates times, ports and ids, not other numbers", () => {
    const recorded = block([line("done after 1.0 s, 1003 ms, on 127.0.0.1:40123, port 40123", 1), line("tick 3", 2)]);
    expect(compareBlock(recorded, block([line("done after 1.1 s, 1100 ms, on 127.0.0.1:51000, port 51000", 1), line("tick 3", 2)]))).toEqual([]);
    const clocks = block([line("[127.0.0.1]:35846 at 04:18:48 (run clock: 49941.2)", 1), line("[::1]:4000 ok", 2)]);
    expect(compareBlock(clocks, block([line("[127.0.0.1]:58188 at 14:20:39 (run clock: 95226.8)", 1), line("[::1]:5000 ok", 2)]))).toEqual([]);
    expect(compareBlock(recorded, block([line("done after 2.0 s, 1003 ms, on 127.0.0.1:40123, port 40123", 1), line("tick 3", 2)]))).not.toEqual([]);
    expect(compareBlock(recorded, block([line("done after 1.0 s, 1003 ms, on 127.0.0.1:40123, port 40123", 1), line("tick 4", 2)]))).not.toEqual([]);
  });

  it("tells stdout from stderr, and reports missing and extra lines", () => {
    const recorded = block([line("oops", 1, "stderr")]);
    expect(compareBlock(recorded, block([line("oops", 1)]))).not.toEqual([]);
    expect(compareBlock(recorded, block([]))[0]).toMatch(/output ended/);
    expect(compareBlock(recorded, block([line("oops", 1, "stderr"), line("more", 2)]))[0]).toMatch(/1 more lines/);
  });

  it("compares a stopped run's lines well before Stop and its finally output, not those around Stop", () => {
    const recorded = block([line("1", 0), line("2", 1000), line("3", 2000), line("finally", 2501)], { status: "cancelled", stoppedAfterMs: 2500 });
    const fresh = block([line("1", 0), line("2", 1000), line("finally", 2502)], { status: "cancelled", stoppedAfterMs: 2500 });
    expect(compareBlock(recorded, fresh)).toEqual([]);
    expect(compareBlock(recorded, block([line("1", 0), line("2", 1000), line("3", 2000)], { status: "cancelled" }))).not.toEqual([]);
  });

  it("compares the end status, and only that with check=status", () => {
    expect(compareBlock(block([], { status: "ok" }), block([], { status: "error", message: "Error: boom" }))[0]).toMatch(/ended as `error` \(Error: boom\)/);
    expect(compareBlock(block([line("random 17", 1)]), block([line("random 4", 1)]), true)).toEqual([]);
  });

  it("says which command makes a missing recording", () => {
    const fresh = { format: 1 as const, deck: "d", blocks: { abc: block([]) } };
    expect(compareRecording(null, fresh)).toEqual(["Deck `d` has no recording: run `npm run record -- d`."]);
    expect(compareRecording({ ...fresh, blocks: {} }, fresh)[0]).toMatch(/Block 0 .* has no recording/);
  });
});
