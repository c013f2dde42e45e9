/**
 * `npm run record [-- deck...] [--check] [--jobs 3] [--slides slides]`
 *
 * Runs every block of every deck (or of the decks named) in order, in a fresh session per deck,
 * and stores what each printed beside the deck as `<deck>.recording.json`. With `--check`, writes
 * nothing and says which blocks no longer produce their recording (exit code 1).
 *
 * Where Python with Trio is unavailable, Python blocks are skipped and their earlier recording,
 * if any, is kept.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DeckStore } from "../deck/deck-store.ts";
import { compareRecording } from "../recording/compare-recording.ts";
import { recordDeck, recordPlan } from "../recording/record-deck.ts";
import { recordOptions } from "../recording/record-options.ts";
import { blockIds, readRecording, recordingPath, writeRecording, type Recording } from "../recording/recording.ts";
import { SessionBundler } from "../session/session-bundle.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    slides: { type: "string", default: path.join(ROOT, "slides") },
    check: { type: "boolean", default: false },
    jobs: { type: "string", default: "3" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log("Usage: npm run record [-- deck...] [--check] [--jobs 3] [--slides slides]");
  process.exit(0);
}
const jobs = Number(values.jobs);
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`Expected --jobs to be a whole number from 1, got \`${values.jobs}\`.`);
  process.exit(2);
}

const slidesDir = path.resolve(values.slides);
const store = new DeckStore(slidesDir);
const all = (await store.list()).map((d) => d.name);
const unknown = positionals.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`No such deck in ${slidesDir}: ${unknown.join(", ")} (decks: ${all.join(", ") || "none"}).`);
  process.exit(2);
}
const names = positionals.length > 0 ? positionals : all;
const bundler = new SessionBundler();
const options = recordOptions(slidesDir, bundler);
const bundle = await bundler.get();
if (bundle.runtimeError) console.warn(`Warning: ${bundle.runtimeError}`);

let failures = 0;
async function one(name: string): Promise<void> {
  const deck = (await store.get(name))!;
  const started = performance.now();
  const fresh = await recordDeck(deck, options);
  const file = recordingPath(slidesDir, name);
  const stored = await readRecording(file);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const entries = Object.values(fresh.blocks);
  const skipped = entries.filter((b) => b.skipped);
  const troubled = entries.filter((b) => b.status === "killed" || b.status === "crashed");
  if (values.check) {
    const ids = blockIds(deck.blocks);
    const statusOnly = new Set(deck.blocks.flatMap((b, i) => (recordPlan(b).statusOnly ? [ids[i]!] : [])));
    const problems = compareRecording(stored, fresh, statusOnly);
    failures += problems.length;
    console.log(`${name}: ${problems.length === 0 ? "matches its recording" : `${problems.length} differences`} (${entries.length} blocks, ${seconds} s)`);
    for (const problem of problems) console.log(`  ${problem}`);
  } else {
    const merged: Recording = { ...fresh, blocks: {} };
    for (const [id, block] of Object.entries(fresh.blocks)) {
      const previous = stored?.blocks[id];
      merged.blocks[id] = block.skipped && previous && !previous.skipped ? previous : block;
    }
    await writeRecording(file, merged);
    console.log(`${name}: recorded ${entries.length} blocks in ${seconds} s → ${path.relative(process.cwd(), file)}`);
  }
  if (skipped.length > 0) console.log(`  ${skipped.length} Python blocks skipped: ${skipped[0]!.skipped}`);
  for (const b of troubled) console.log(`  block ${b.index} ${b.status}: ${(b.message ?? "").split("\n")[0]}`);
}

const queue = [...names];
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) await one(name);
}));
process.exit(failures > 0 ? 1 : 0);
