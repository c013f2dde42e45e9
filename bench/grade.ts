/**
 * Benchmark of the grader (standalone: `npx tsx bench/grade.ts [batchSize] [jobs] [repeats]`).
 * One full submission cold (a fresh grader process, compiling the grader's
 * files), three times, then a batch of submissions (half reference solutions,
 * half starters) graded like `grade --batch`, `repeats` times. Medians are
 * reported, with the load average (the machine may be shared) and the CPU
 * time the batch's sandboxes and the grader used per submission, which
 * depends little on that load. Targets: ≤ 3 s cold; ≥ 60/min.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { gradeBatch } from "../runner/grading/batch.ts";
import { REPO_ROOT } from "../runner/grading/exercise-catalog.ts";

const batchSize = Number(process.argv[2] ?? 60);
const jobs = Number(process.argv[3] ?? availableParallelism());
const repeats = Number(process.argv[4] ?? 1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");

/** CPU seconds (user + system) of this process and its finished children; Linux only, else NaN. */
function cpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // utime, stime, cutime, cstime are fields 14-17 of stat, in clock ticks (100 a second on Linux).
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / 100;
  } catch {
    return Number.NaN;
  }
}

console.log(`load average at start: ${load()} (${availableParallelism()} cores)`);
const colds: number[] = [];
for (let i = 0; i < 3; i++) {
  const started = Date.now();
  const cold = spawnSync(process.execPath, ["--import", "tsx", "runner/cli/grade.ts", "solutions", "--format", "json"], { cwd: REPO_ROOT, encoding: "utf8" });
  colds.push((Date.now() - started) / 1000);
  const score = JSON.parse(cold.stdout) as { score: number; maxScore: number };
  if (score.score !== score.maxScore) console.log(`  unexpected score ${score.score}/${score.maxScore}`);
}
console.log(`cold, one submission (whole CLI process): median ${median(colds).toFixed(2)} s of ${colds.map((s) => s.toFixed(2)).join(", ")} (target ≤ 3 s)`);

const dir = mkdtempSync(path.join(tmpdir(), "trio-bench-grade-"));
try {
  for (let i = 0; i < batchSize; i++) {
    cpSync(path.join(REPO_ROOT, i % 2 === 0 ? "solutions" : "exercises"), path.join(dir, `student-${String(i).padStart(3, "0")}`), { recursive: true });
  }
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const loadBefore = load();
    const cpuBefore = cpuSeconds();
    const started = Date.now();
    const entries = await gradeBatch(dir, jobs);
    const seconds = (Date.now() - started) / 1000;
    const cpu = cpuSeconds() - cpuBefore;
    const wrong = entries.filter((e, i) => e.report === undefined || (i % 2 === 0 ? e.report.score !== e.report.maxScore : e.report.score === e.report.maxScore));
    rates.push((batchSize / seconds) * 60);
    console.log(
      `batch of ${batchSize} with ${jobs} sandboxes at once: ${seconds.toFixed(1)} s = ${rates.at(-1)!.toFixed(0)} submissions/min; ` +
        `${(cpu / batchSize).toFixed(2)} CPU s per submission; load average before ${loadBefore}; ${wrong.length} unexpected scores`,
    );
  }
  console.log(`batch: median ${median(rates).toFixed(0)} submissions/min (target ≥ 60/min); load average at end: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
