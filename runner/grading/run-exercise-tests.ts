/**
 * Runs exercise tests in one vitest child process (trusted mode: `check` and
 * the meta-tests; the grader uses the sandbox instead) and reads vitest's JSON
 * report into results per exercise.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT, type Exercise } from "./exercise-catalog.ts";

/** The outcome of one test. */
export interface TestOutcome {
  /** `describe` titles and the test's title, joined with " › ". */
  name: string;
  status: "passed" | "failed" | "skipped";
  /** Failure messages (empty when passed). */
  messages: string[];
}

/** The outcome of one exercise's test file. */
export interface ExerciseOutcome {
  exercise: Exercise;
  tests: TestOutcome[];
  /** An error of the file itself (it did not load, or did not finish). */
  fileError: string | undefined;
  passed: boolean;
}

/** Options of {@link runExerciseTests}. */
export interface RunExerciseTestsOptions {
  /** `"student"` (default): the files in `exercises/`; `"solutions"`: the reference solutions. */
  target?: "student" | "solutions";
  /** Kill vitest after this many milliseconds. @default 120000 */
  timeoutMs?: number;
}

interface VitestJsonReport {
  testResults?: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults?: Array<{ ancestorTitles?: string[]; title: string; status: string; failureMessages?: string[] }>;
  }>;
}

/** Turns vitest's JSON report into one outcome per exercise, in the order given. */
export function outcomesFromJsonReport(report: VitestJsonReport, exercises: Exercise[], missingReason: string): ExerciseOutcome[] {
  const byFile = new Map((report.testResults ?? []).map((r) => [path.resolve(r.name), r]));
  return exercises.map((exercise) => {
    const result = byFile.get(path.resolve(exercise.testFile));
    if (result === undefined) return { exercise, tests: [], fileError: missingReason, passed: false };
    const tests: TestOutcome[] = (result.assertionResults ?? []).map((a) => ({
      name: [...(a.ancestorTitles ?? []), a.title].join(" › "),
      status: a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped",
      messages: a.failureMessages ?? [],
    }));
    const fileError = result.message ? result.message : tests.length === 0 ? "the test file ran no tests" : undefined;
    const passed = fileError === undefined && tests.every((t) => t.status === "passed");
    return { exercise, tests, fileError, passed };
  });
}

/**
 * Runs the tests of `exercises` in one vitest process and returns their
 * outcomes in the same order.
 */
export async function runExerciseTests(exercises: Exercise[], options: RunExerciseTestsOptions = {}): Promise<ExerciseOutcome[]> {
  if (exercises.length === 0) return [];
  const dir = mkdtempSync(path.join(tmpdir(), "trio-check-"));
  const reportFile = path.join(dir, "report.json");
  try {
    const args = [
      path.join(REPO_ROOT, "node_modules/vitest/vitest.mjs"),
      "run",
      "--config",
      path.join(REPO_ROOT, "runner/grading/exercises.vitest.config.ts"),
      "--reporter=json",
      `--outputFile=${reportFile}`,
      ...exercises.map((e) => path.relative(REPO_ROOT, e.testFile)),
    ];
    const env = { ...process.env, TRIO_EXERCISE_TARGET: options.target ?? "student", FORCE_COLOR: "0" };
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
      let text = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        if (text.length < 65_536) text += chunk;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
      child.on("error", reject);
      child.on("close", () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    let report: VitestJsonReport;
    try {
      report = JSON.parse(readFileSync(reportFile, "utf8")) as VitestJsonReport;
    } catch {
      throw new Error(`vitest wrote no report; its error output was:\n${stderr.trim() || "(nothing)"}`);
    }
    return outcomesFromJsonReport(report, exercises, "vitest did not run this test file");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
