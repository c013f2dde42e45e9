/**
 * What `check` prints: exercises in order up to the first unfinished one,
 * its failures, the progress line and the next steps. Pure, for testing.
 */
import path from "node:path";
import type { Exercise } from "./exercise-catalog.ts";
import type { ExerciseOutcome } from "./run-exercise-tests.ts";

/** Lines of a failure message worth showing (the message and the first frames). */
const MESSAGE_LINES = 6;

/** Options of {@link formatCheckReport}. */
export interface CheckReportOptions {
  root: string;
  /** Every exercise (for the progress line). */
  all: Exercise[];
  /** Names of the exercises that passed, including earlier runs. */
  passed: ReadonlySet<string>;
  /** The hint to show under the first unfinished exercise, if asked. */
  hint?: { index: number; total: number; text: string } | undefined;
}

function trimMessage(message: string): string {
  const lines = message.split("\n").filter((line) => line.trim() !== "");
  const text = lines.filter((line) => !/^\s+at /.test(line)).slice(0, MESSAGE_LINES);
  // Of the stack, only the frames in the exercises: where the student should look.
  const frames = lines.filter((line) => /^\s+at /.test(line) && /exercises[\\/]/.test(line)).slice(0, 2);
  return [...text, ...frames].map((line) => `      ${line.trim()}`).join("\n");
}

/** The report of one `check` run over `outcomes` (in course order). */
export function formatCheckReport(outcomes: ExerciseOutcome[], options: CheckReportOptions): string {
  const rel = (file: string) => path.relative(options.root, file);
  const lines: string[] = [];
  let unfinished: ExerciseOutcome | undefined;
  for (const outcome of outcomes) {
    const { exercise } = outcome;
    if (outcome.passed) {
      lines.push(`✓ ${exercise.name} · ${exercise.title}  (reference solution: ${rel(exercise.solutionFile)})`);
      continue;
    }
    unfinished = outcome;
    const failed = outcome.tests.filter((t) => t.status === "failed");
    lines.push(`✗ ${exercise.name} · ${exercise.title}`);
    if (outcome.fileError !== undefined) lines.push(`    the test file did not run:\n${trimMessage(outcome.fileError)}`);
    lines.push(`    ${outcome.tests.length - failed.length}/${outcome.tests.length} tests pass`);
    for (const test of failed) {
      lines.push(`  ✗ ${test.name}`);
      if (test.messages[0] !== undefined) lines.push(trimMessage(test.messages[0]));
    }
    lines.push("", `Edit ${rel(exercise.studentFile)} (statement: ${rel(path.join(exercise.dir, "README.md"))}).`);
    if (options.hint !== undefined) {
      lines.push(`Hint ${options.hint.index + 1}/${options.hint.total}: ${options.hint.text}`);
    } else if (exercise.hints.length > 0) {
      lines.push(`Stuck? \`npm run check -- ${exercise.id} --hint\` shows a hint.`);
    }
    break;
  }
  const done = options.all.filter((e) => options.passed.has(e.name)).length;
  lines.push("", `${done}/${options.all.length} done`);
  if (unfinished === undefined && done === options.all.length) lines.push("Every exercise passes. Well done!");
  return `${lines.join("\n")}\n`;
}
