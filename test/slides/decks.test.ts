// The course decks (issue 6): every seed topic is taught somewhere, as the table in
// slides/README.md says, and every deck is one a speaker can give: 20–40 slides, notes on
// each, code that runs. (That every block still produces its recorded output is checked by
// test/runner/recordings.test.ts.)
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFenceInfo, splitSlides } from "../../runner/deck/index.ts";

const SLIDES = path.resolve(import.meta.dirname, "../../slides");
const COURSE_DECK = /^0[1-9]-.*\.md$/;
const decks = readdirSync(SLIDES).filter((f) => COURSE_DECK.test(f)).sort();

/** The rows of the seed-topic table: seed | topic | deck | slide. */
function topicRows(): { seed: string; topic: string; deck: string; slide: string }[] {
  const readme = readFileSync(path.join(SLIDES, "README.md"), "utf8");
  const section = readme.split(/^## Where each seed topic is taught$/m)[1];
  if (section === undefined) throw new Error('slides/README.md has no "## Where each seed topic is taught" section');
  return section
    .split("\n")
    .filter((line) => /^\|\s*\d{3}_/.test(line))
    .map((line) => {
      const [seed, topic, deck, slide] = line.split("|").slice(1, 5).map((cell) => cell.trim());
      return { seed: seed!, topic: topic!, deck: deck!, slide: slide! };
    });
}

/** The headings of a deck's slides. */
function headings(deck: string): string[] {
  const text = readFileSync(path.join(SLIDES, deck), "utf8");
  return [...text.matchAll(/^#{1,4}\s+(.+?)\s*$/gm)].map((m) => m[1]!);
}

/**
 * What issue 6 asks each seed's deck to teach, as words that must appear in the
 * table's topic column for that seed.
 */
const REQUIRED: Record<string, string[]> = {
  "000": ["synchronous, concurrent, parallel", "scheduler", "coroutines", "raw promises", "nurseries", "nested", "race on shared game state", "lock", "channels", "closing a channel", "graceful cancellation", "hard cancellation"],
  "001": ["sandwich", "sleep one second", "what opennursery waits for", "tasks vs threads", "instrument", "checkpoints"],
  "002": ["coroutine functions", "symbol.asynciterator", "symbol.asyncdispose", "with raw promises", "with the runtime", "echo client", "echo server"],
  "003": ["goto", "structured programming", "spawn as goto", "unhandled rejections", "nurseries", "timeouts", "time bomb", "other features"],
  "004": ["dynamic spawning", "cancellation", "checkpoints", "channels", "exceptions", "echo-server demo", "python"],
};

describe("the course decks", () => {
  it("are the six decks of the course", () => {
    expect(decks).toHaveLength(6);
  });

  it.each(decks)("%s has 20–40 slides, speaker notes on every one, and runnable blocks", (deck) => {
    const split = splitSlides(readFileSync(path.join(SLIDES, deck), "utf8"));
    expect(split.slides.length).toBeGreaterThanOrEqual(20);
    expect(split.slides.length).toBeLessThanOrEqual(40);
    const withoutNotes = split.slides.filter((s) => s.notes.trim() === "").map((s) => s.startLine);
    expect(withoutNotes, "slides (by first line) without a Note:").toEqual([]);
    const fences = [...split.slides.flatMap((s) => [...s.markdown.matchAll(/^```(\S.*)$/gm)].map((m) => m[1]!))];
    const runnable = fences.map((info) => parseFenceInfo(info)).filter((f) => f.exec === "exec");
    expect(runnable.length).toBeGreaterThanOrEqual(5);
  });

  it("teach every seed topic listed in slides/README.md, on a slide that exists", () => {
    const rows = topicRows();
    expect(rows.length).toBeGreaterThan(40);
    const missing = rows.filter((row) => !decks.includes(row.deck) || !headings(row.deck).includes(row.slide));
    expect(missing, "rows whose deck or slide heading does not exist").toEqual([]);
  });

  it.each(Object.keys(REQUIRED))("cover what issue 6 asks of seed %s", (seed) => {
    const topics = topicRows()
      .filter((row) => row.seed.startsWith(`${seed}_`))
      .map((row) => row.topic.toLowerCase())
      .join("\n");
    const absent = REQUIRED[seed]!.filter((word) => !topics.includes(word));
    expect(absent).toEqual([]);
  });

  it("include a Python deck whose blocks run on real Trio", () => {
    const python = decks.find((d) => d.startsWith("06-"))!;
    const text = readFileSync(path.join(SLIDES, python), "utf8");
    expect(text.match(/^```exec python/gm)?.length ?? 0).toBeGreaterThanOrEqual(5);
  });
});
