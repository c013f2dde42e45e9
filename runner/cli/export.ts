/**
 * `npm run export [-- --out dist] [--slides slides] [--exercises exercises]`
 *
 * Writes the course as static HTML that opens without a server (file://): each deck shows its
 * recorded output (make it first with `npm run record`).
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exportSite } from "../export/export-site.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({
  options: {
    out: { type: "string", default: path.join(ROOT, "dist") },
    slides: { type: "string", default: path.join(ROOT, "slides") },
    exercises: { type: "string", default: path.join(ROOT, "exercises") },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log("Usage: npm run export [-- --out dist] [--slides slides] [--exercises exercises]");
  process.exit(0);
}
try {
  const result = await exportSite({ slidesDir: path.resolve(values.slides), exercisesDir: path.resolve(values.exercises), outDir: path.resolve(values.out) });
  for (const deck of result.decks) {
    console.log(`${path.relative(process.cwd(), deck.file)}${deck.recorded ? "" : "   (no recording: run `npm run record` first to show output)"}`);
  }
  console.log(`Open ${pathToFileURL(result.index).href}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
