/** Grades every submission folder of a directory, a few at a time. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { gradeSubmission, type GradeOptions, type GradeReport } from "./grade-submission.ts";

/** One submission's outcome in a batch. */
export interface BatchEntry {
  name: string;
  report?: GradeReport;
  error?: string;
}

/** Grades each subfolder of `dir` with at most `concurrency` sandboxes at once; results in folder order. */
export async function gradeBatch(dir: string, concurrency: number, options: GradeOptions = {}, onDone?: (entry: BatchEntry) => void): Promise<BatchEntry[]> {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
  const entries: BatchEntry[] = new Array(names.length);
  let next = 0;
  async function lane() {
    while (next < names.length) {
      const i = next++;
      const name = names[i]!;
      try {
        entries[i] = { name, report: await gradeSubmission(path.join(dir, name), options) };
      } catch (error) {
        entries[i] = { name, error: `the grader failed: ${(error as Error).message}` };
      }
      onDone?.(entries[i]!);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, names.length)) }, lane));
  return entries;
}
