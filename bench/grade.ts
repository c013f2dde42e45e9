/**
 * Benchmark of the grader (standalone: `npx tsx bench/grade.ts [batchSize] [jobs]`).
 * One full submission cold (a fresh grader process, compiling the grader's
 * files), then a batch of submissions (half reference solutions, half
 * starters) graded like `grade --batch`. Targets: ≤ 3 s cold; ≥ 60/min.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { gradeBatch } from "../runner/grading/batch.ts";
import { REPO_ROOT } from "../runner/grading/exercise-catalog.ts";

const batchSize = Number(process.argv[2] ?? 60);
const jobs = Number(process.argv[3] ?? availableParallelism());

const coldStart = Date.now();
const cold = spawnSync(process.execPath, ["--import", "tsx", "runner/cli/grade.ts", "solutions", "--format", "json"], { cwd: REPO_ROOT, encoding: "utf8" });
const coldSeconds = (Date.now() - coldStart) / 1000;
const coldScore = (JSON.parse(cold.stdout) as { score: number; maxScore: number });
console.log(`cold, one submission (whole CLI process): ${coldSeconds.toFixed(2)} s, score ${coldScore.score}/${coldScore.maxScore} (target ≤ 3 s)`);

const dir = mkdtempSync(path.join(tmpdir(), "trio-bench-grade-"));
try {
  for (let i = 0; i < batchSize; i++) {
    cpSync(path.join(REPO_ROOT, i % 2 === 0 ? "solutions" : "exercises"), path.join(dir, `student-${String(i).padStart(3, "0")}`), { recursive: true });
  }
  const started = Date.now();
  const entries = await gradeBatch(dir, jobs, jobs > 1 ? { maxWorkers: 1 } : {});
  const seconds = (Date.now() - started) / 1000;
  const wrong = entries.filter((e, i) => e.report === undefined || (i % 2 === 0 ? e.report.score !== e.report.maxScore : e.report.score === e.report.maxScore));
  console.log(`batch of ${batchSize} with ${jobs} sandboxes at once: ${seconds.toFixed(1)} s = ${((batchSize / seconds) * 60).toFixed(0)} submissions/min (target ≥ 60/min); ${wrong.length} unexpected scores`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
