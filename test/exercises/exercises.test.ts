// Meta-tests of the workbook: every reference solution passes its exercise's
// tests, every untouched starter fails at least one, and the tests never read
// the solutions. Two vitest child processes (solutions, starters) run at once.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listExercises } from "../../runner/grading/exercise-catalog.ts";
import { runExerciseTests, type ExerciseOutcome } from "../../runner/grading/run-exercise-tests.ts";

const exercises = listExercises();
let solutions: ExerciseOutcome[] = [];
let starters: ExerciseOutcome[] = [];

beforeAll(async () => {
  [solutions, starters] = await Promise.all([
    runExerciseTests(exercises, { target: "solutions" }),
    runExerciseTests(exercises, { target: "student" }),
  ]);
}, 150_000);

function describeFailures(outcome: ExerciseOutcome): string {
  if (outcome.fileError !== undefined) return outcome.fileError;
  return outcome.tests
    .filter((t) => t.status !== "passed")
    .map((t) => `${t.name}: ${t.messages.join("\n").slice(0, 500)}`)
    .join("\n");
}

describe("the exercises", () => {
  it("are at least 12, numbered in course order without gaps", () => {
    expect(exercises.length).toBeGreaterThanOrEqual(12);
    expect(exercises.map((e) => Number(e.id))).toEqual(exercises.map((_, i) => i + 1));
  });

  it("each have a statement with points and hints, a starter, tests and a reference solution", () => {
    for (const e of exercises) {
      expect(e.points, e.name).toBeGreaterThan(0);
      expect(e.hints.length, `${e.name} has no hints`).toBeGreaterThan(0);
      for (const file of [e.studentFile, e.testFile, e.solutionFile]) expect(existsSync(file), file).toBe(true);
    }
  });

  it("import the student's file by relative path and never the solutions", () => {
    for (const e of exercises) {
      const source = readFileSync(e.testFile, "utf8");
      expect(source, e.name).not.toMatch(/solutions/);
      expect(source, e.name).toContain(`from "./${e.file}"`);
    }
  });
});

describe.each(exercises.map((e) => [e.name, e.id] as const))("exercise %s", (_name, id) => {
  it("passes every test with the reference solution", () => {
    const outcome = solutions.find((o) => o.exercise.id === id)!;
    expect(outcome.tests.length).toBeGreaterThan(0);
    expect(outcome.passed, describeFailures(outcome)).toBe(true);
  });

  it("fails at least one test with the untouched starter", () => {
    const outcome = starters.find((o) => o.exercise.id === id)!;
    expect(outcome.passed).toBe(false);
    expect(outcome.fileError, "the starter's tests must run (and fail), not crash the file").toBeUndefined();
    expect(outcome.tests.some((t) => t.status === "failed")).toBe(true);
  });
});

describe("the exercise catalogue", () => {
  it("reads the hints of a README as a numbered list", async () => {
    const { parseHints } = await import("../../runner/grading/exercise-catalog.ts");
    expect(parseHints("intro\n\n## Hints\n\n1. first\n   continued\n2. second\n\n## After\n3. not a hint\n")).toEqual([
      "first continued",
      "second",
    ]);
  });

  it("names the README in a front-matter error", async () => {
    const { parseFrontMatter } = await import("../../runner/grading/exercise-catalog.ts");
    expect(() => parseFrontMatter("# no front matter", path.join("exercises", "x"))).toThrow(/exercises.x: expected front matter/);
  });
});
