/**
 * `npm run check`: the student's side of the exercises, like Rustlings.
 *
 *   npm run check                 every exercise in order, stopping at the first unfinished one
 *   npm run check -- 03           only exercise 03
 *   npm run check -- --watch      again on every save
 *   npm run check -- --hint       the next hint of the first unfinished exercise (or of -- NN)
 */
import { watch } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { findExercise, listExercises, REPO_ROOT, type Exercise } from "../grading/exercise-catalog.ts";
import { formatCheckReport } from "../grading/check-report.ts";
import { loadProgress, saveProgress } from "../grading/progress-store.ts";
import { runExerciseTests } from "../grading/run-exercise-tests.ts";

/** Milliseconds to wait for a burst of saves to end before running again. */
const WATCH_DEBOUNCE_MS = 200;

const USAGE = `Usage: npm run check -- [NN] [--watch] [--hint]

  NN        check one exercise (e.g. 03); default: all, in order, stopping at the first unfinished
  --watch   check again every time a file under exercises/ is saved
  --hint    show the next hint of the exercise you are on
  --help    this text
`;

/** Runs the check once; resolves with whether everything checked passed. */
async function checkOnce(root: string, target: Exercise | undefined, wantHint: boolean): Promise<boolean> {
  const all = listExercises(root);
  const selected = target === undefined ? all : all.filter((e) => e.name === target.name);
  const outcomes = await runExerciseTests(selected);
  const progress = loadProgress(root);
  for (const outcome of outcomes) progress.passed[outcome.exercise.name] = outcome.passed;
  const unfinished = outcomes.find((o) => !o.passed)?.exercise;
  let hint: { index: number; total: number; text: string } | undefined;
  if (wantHint && unfinished !== undefined && unfinished.hints.length > 0) {
    const shown = progress.hintsShown[unfinished.name] ?? 0;
    const index = Math.min(shown, unfinished.hints.length - 1);
    hint = { index, total: unfinished.hints.length, text: unfinished.hints[index]! };
    progress.hintsShown[unfinished.name] = index + 1;
  }
  saveProgress(root, progress);
  const passed = new Set(Object.entries(progress.passed).filter(([, ok]) => ok).map(([name]) => name));
  process.stdout.write(formatCheckReport(outcomes, { root, all, passed, hint }));
  if (wantHint && unfinished === undefined) process.stdout.write("No hint needed: everything checked passes.\n");
  return unfinished === undefined;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { watch: { type: "boolean", short: "w" }, hint: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    process.stderr.write(`check: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    process.stderr.write(`check: expected at most one exercise, got ${parsed.positionals.join(" ")}\n\n${USAGE}`);
    return 2;
  }
  const root = REPO_ROOT;
  const all = listExercises(root);
  let target: Exercise | undefined;
  if (parsed.positionals[0] !== undefined) {
    target = findExercise(all, parsed.positionals[0]);
    if (target === undefined) {
      process.stderr.write(`check: no exercise ${JSON.stringify(parsed.positionals[0])}; there are ${all.map((e) => e.id).join(", ")}\n`);
      return 2;
    }
  }
  const ok = await checkOnce(root, target, parsed.values.hint === true);
  if (!parsed.values.watch) return ok ? 0 : 1;

  process.stdout.write("\nWatching exercises/ for changes (Ctrl-C to stop)...\n");
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const rerun = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      process.stdout.write("\x1b[2J\x1b[H");
      await checkOnce(root, target, false);
      process.stdout.write("\nWatching exercises/ for changes (Ctrl-C to stop)...\n");
    } catch (error) {
      process.stderr.write(`check: ${(error as Error).message}\n`);
    } finally {
      running = false;
      if (again) {
        again = false;
        void rerun();
      }
    }
  };
  const watcher = watch(path.join(root, "exercises"), { recursive: true }, (_event, file) => {
    if (file === null || !String(file).endsWith(".ts")) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rerun(), WATCH_DEBOUNCE_MS);
  });
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => {
      watcher.close();
      clearTimeout(timer);
      resolve();
    });
  });
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
