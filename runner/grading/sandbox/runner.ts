/**
 * The test runner of the sandbox's shared worker (bundled to
 * `.grader/runner.mjs`). The grader runs all of a submission's test files in
 * one worker thread, one file after the other (vitest's `isolate: false`),
 * which saves starting a worker and loading vitest for each file. What
 * `isolate: true` would give each file, this runner restores before each
 * one: a fresh evaluation of every module (the tests, the student's files,
 * a fresh instance of the runtime bundle; vitest's own modules excepted) and
 * the built-ins as they were before any student module ran.
 */
import { TestRunner, vi, type RunnerTestFile } from "vitest";
import { findChange, restore, snapshot, watchedBuiltins } from "./builtins.ts";
import { nextGeneration } from "./generation.mjs";

export default class GraderRunner extends TestRunner {
  /** Taken when the worker's runner is created, before any test or student module is imported. */
  readonly #pristine = snapshot(watchedBuiltins());
  #files = 0;

  override onCollectStart(file: RunnerTestFile): void {
    if (this.#files++ > 0) {
      if (findChange(this.#pristine) !== undefined) restore(this.#pristine);
      vi.resetModules();
    }
    nextGeneration();
    super.onCollectStart(file);
  }
}
