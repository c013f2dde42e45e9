/**
 * The course as static HTML: every deck as a page that opens without a server (`file://`) and
 * shows its recorded output, the index page, reveal.js and the runner's client beside them.
 */
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CLIENT_CSS, clientScript } from "../client/client-bundle.ts";
import { DeckStore, listExercises } from "../deck/deck-store.ts";
import { renderDeckPage } from "../http/pages/deck-page.ts";
import { renderExercisePage } from "../http/pages/exercise-page.ts";
import { renderIndexPage } from "../http/pages/index-page.ts";
import { readExercise } from "../grading/exercise-catalog.ts";

/** Links from slides to exercise pages, rewritten to the export's own files. */
const EXERCISE_LINK = /href="\/exercises\/([\w-]+)"/g;

/** The file that marks a folder as an export, so that exporting again may empty it. */
export const EXPORT_MARKER = ".trio-workbook-export";

const REVEAL_DIST = path.dirname(createRequire(import.meta.url).resolve("reveal.js"));

/** What to export, and where. */
export interface ExportOptions {
  slidesDir: string;
  exercisesDir: string;
  /** The output folder; emptied first when it is an earlier export. */
  outDir: string;
}

/** What was written. */
export interface ExportResult {
  decks: Array<{ name: string; file: string; recorded: boolean }>;
  index: string;
}

/**
 * Exports the course.
 *
 * @param options - see {@link ExportOptions}.
 * @returns the pages written.
 * @throws Error when `outDir` is a non-empty folder that is not an earlier export (nothing is deleted then).
 * @example
 * await exportSite({ slidesDir: "slides", exercisesDir: "exercises", outDir: "dist" });
 */
export async function exportSite(options: ExportOptions): Promise<ExportResult> {
  const outDir = path.resolve(options.outDir);
  if (existsSync(outDir)) {
    const entries = await readdir(outDir);
    if (entries.length > 0 && !entries.includes(EXPORT_MARKER)) {
      throw new Error(`${outDir} is not empty and is not an earlier export: choose another folder (--out) or empty it yourself.`);
    }
    await rm(outDir, { recursive: true, force: true });
  }
  await mkdir(path.join(outDir, "decks"), { recursive: true });
  await mkdir(path.join(outDir, "assets"), { recursive: true });
  await writeFile(path.join(outDir, EXPORT_MARKER), "Made by `npm run export`; exporting again replaces this folder.\n");

  // reveal.js as served under /vendor/reveal, without its type declarations and ES modules.
  await cp(REVEAL_DIST, path.join(outDir, "vendor", "reveal"), {
    recursive: true,
    filter: (source) => !source.endsWith(".d.ts") && !source.endsWith(".mjs"),
  });
  await writeFile(path.join(outDir, "assets", "runner-client.js"), await clientScript());
  await cp(CLIENT_CSS, path.join(outDir, "assets", "runner.css"));

  const store = new DeckStore(options.slidesDir);
  const summaries = await store.list();
  const decks: ExportResult["decks"] = [];
  for (const { name } of summaries) {
    const deck = (await store.get(name))!;
    const recording = await store.recording(name);
    const file = path.join(outDir, "decks", `${name}.html`);
    const html = renderDeckPage(deck, { recording, base: "../", static: true });
    await writeFile(file, html.replace(EXERCISE_LINK, 'href="../exercises/$1.html"'));
    decks.push({ name, file, recorded: recording !== null });
  }
  const exercises = (await listExercises(options.exercisesDir)).filter((e) => /^\d\d-[a-z0-9-]+$/.test(e.name));
  if (exercises.length > 0) await mkdir(path.join(outDir, "exercises"), { recursive: true });
  const root = path.dirname(path.resolve(options.exercisesDir));
  for (const { name } of exercises) {
    await writeFile(path.join(outDir, "exercises", `${name}.html`), renderExercisePage(readExercise(root, name), { base: "../" }));
  }
  const index = path.join(outDir, "index.html");
  await writeFile(index, renderIndexPage(summaries, exercises, {
    base: "",
    deckHref: (name) => `decks/${encodeURIComponent(name)}.html`,
    exerciseHref: (name) => `exercises/${encodeURIComponent(name)}.html`,
    note: "A static export: code blocks show their recorded output. Run `npm start` for live runs.",
  }));
  return { decks, index };
}
