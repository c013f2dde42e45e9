/**
 * Grades one submission: fresh workspace, sandboxed vitest, signed report,
 * scores computed here from that report only (never from the student's output).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { listExercises, REPO_ROOT, type Exercise } from "./exercise-catalog.ts";
import { runSandbox, type SandboxLimits } from "./sandbox-run.ts";
import type { ReportRecord } from "./sandbox/protocol.ts";
import { prepareWorkspace } from "./workspace.ts";

/** One graded test (or one line for an exercise that could not run). */
export interface GradedTest {
  exercise: string;
  name: string;
  score: number;
  maxScore: number;
  status: "passed" | "failed";
  output: string;
}

/** One graded exercise. */
export interface GradedExercise {
  exercise: string;
  title: string;
  score: number;
  maxScore: number;
  tests: GradedTest[];
  /** Why the exercise could not be graded normally, if so. */
  problem?: string | undefined;
}

/** The grade of a submission. */
export interface GradeReport {
  submission: string;
  score: number;
  maxScore: number;
  executionTimeMs: number;
  exercises: GradedExercise[];
  /** Notes for the teacher and student: kills, forged lines, unhandled errors. */
  notes: string[];
}

/** Options of {@link gradeSubmission}. */
export interface GradeOptions extends Partial<SandboxLimits> {
  testTimeoutMs?: number;
  silenceLimitMs?: number;
  exercises?: Exercise[];
  keepWorkspace?: boolean;
}

/** Defaults: generous for the exercises (each test takes milliseconds), tight for abuse. */
export const DEFAULT_LIMITS: SandboxLimits & { testTimeoutMs: number; silenceLimitMs: number } = {
  wallMs: 60_000,
  heapMb: 256,
  rssMb: 1536,
  outputKeepBytes: 16 * 1024,
  testTimeoutMs: 5_000,
  silenceLimitMs: 8_000,
};

const round2 = (x: number) => Math.round(x * 100) / 100;

function gradeExercise(exercise: Exercise, records: Map<string, ReportRecord>, fileProblem: string | undefined, runProblem: string | undefined): GradedExercise {
  const base = { exercise: exercise.name, title: exercise.title, maxScore: exercise.points };
  const failAll = (problem: string): GradedExercise => ({
    ...base,
    score: 0,
    problem,
    tests: [{ exercise: exercise.name, name: `${exercise.name}: ${exercise.title}`, score: 0, maxScore: exercise.points, status: "failed", output: problem }],
  });
  if (fileProblem !== undefined) return failAll(fileProblem);
  const record = records.get(path.join("exercises", exercise.name, path.basename(exercise.testFile)));
  if (record === undefined) return failAll(`the tests did not finish: ${runProblem ?? "the test process ended before reporting them"}`);
  if (record.kind === "unfinished") return failAll(`the tests did not finish: ${record.reason}`);
  if (record.kind !== "module") return failAll("no report for these tests");
  if (record.tests.length === 0) return failAll(`the tests could not run: ${record.error ?? "no test was collected"}`);
  const each = exercise.points / record.tests.length;
  const tests: GradedTest[] = record.tests.map((t) => ({
    exercise: exercise.name,
    name: `${exercise.name} › ${t.name}`,
    score: t.state === "passed" ? round2(each) : 0,
    maxScore: round2(each),
    status: t.state === "passed" ? "passed" : "failed",
    output: t.state === "passed" ? "" : (t.message ?? (t.state === "skipped" ? "skipped" : "failed")),
  }));
  const passed = record.tests.filter((t) => t.state === "passed").length;
  return { ...base, score: round2(passed * each), tests, problem: record.error };
}

/** Grades the submission folder `submission`. */
export async function gradeSubmission(submission: string, options: GradeOptions = {}): Promise<GradeReport> {
  const started = Date.now();
  const exercises = options.exercises ?? listExercises(REPO_ROOT);
  const limits = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULT_LIMITS;
  const workspace = prepareWorkspace(submission, exercises, {
    testTimeoutMs: limits.testTimeoutMs,
    silenceLimitMs: limits.silenceLimitMs,
    workerHeapMb: limits.heapMb,
  });
  try {
    const notes: string[] = [];
    const anyToRun = workspace.files.some((f) => f.status === "ok");
    const result = anyToRun ? await runSandbox(workspace, limits) : undefined;
    const records = new Map<string, ReportRecord>();
    for (const record of result?.records ?? []) {
      if (record.kind === "module" || record.kind === "unfinished") {
        if (!records.has(record.file)) records.set(record.file, record);
      } else if (record.unhandledErrors.length > 0) {
        notes.push(`errors outside any test: ${record.unhandledErrors.join("; ").slice(0, 1000)}`);
      }
    }
    if (result?.killed !== undefined) notes.push(result.killed);
    if (result !== undefined && result.rejectedLines > 0) {
      notes.push(`${result.rejectedLines} line(s) on the report channel were not signed by the grader and were ignored (forged or corrupted)`);
    }
    if (result !== undefined && result.records.length === 0 && result.killed === undefined) {
      notes.push(`the test process reported nothing (exit code ${result.exitCode}); its error output began: ${result.stderr.slice(0, 2000) || "(empty)"}`);
    }
    const crashed = `the test process ended abruptly (exit code ${result?.exitCode}) before reporting these tests: out of memory (limit ${limits.heapMb} MB per thread) or process.exit() are the usual causes`;
    const runProblem = result?.killed ?? (result !== undefined && !result.records.some((r) => r.kind === "end") ? crashed : undefined);
    const graded = exercises.map((exercise) => {
      const file = workspace.files.find((f) => f.exercise.name === exercise.name)!;
      return gradeExercise(exercise, records, file.status === "ok" ? undefined : file.message, runProblem);
    });
    return {
      submission,
      score: round2(graded.reduce((sum, e) => sum + e.score, 0)),
      maxScore: round2(graded.reduce((sum, e) => sum + e.maxScore, 0)),
      executionTimeMs: Date.now() - started,
      exercises: graded,
      notes,
    };
  } finally {
    if (!options.keepWorkspace) rmSync(workspace.base, { recursive: true, force: true });
  }
}
