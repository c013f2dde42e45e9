// The sandbox runs a submission's test files one after the other in one worker
// thread. These check that it changes no score: what one exercise's file does
// (patch the built-ins or the runtime, crash its worker, loop forever) reaches
// no other exercise.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listExercises, REPO_ROOT } from "../../runner/grading/exercise-catalog.ts";
import { gradeSubmission, type GradeReport } from "../../runner/grading/grade-submission.ts";

const exercises = listExercises();
const byId = (id: string) => exercises.find((e) => e.id === id)!;
const LIMITS = { wallMs: 40_000, silenceLimitMs: 3_000, testTimeoutMs: 2_000 };
const root = mkdtempSync(path.join(tmpdir(), "trio-shared-worker-"));

/** The reference solutions, with some exercises' files replaced. */
function submission(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  cpSync(path.join(REPO_ROOT, "solutions"), dir, { recursive: true });
  for (const [id, text] of Object.entries(files)) writeFileSync(path.join(dir, byId(id).name, byId(id).file), text);
  return dir;
}

/** Patches the built-ins and the runtime when imported, then fails to load (so none of its own tests runs). */
const LEAKER = `import * as trio from "../../runtime/index.ts";
Object.is = () => true;
(trio.Lock.prototype as any).withAcquired = async (fn: () => Promise<unknown>) => fn();
throw new Error("this file only patches things");
`;
const LEAKERS = ["01", "02", "03", "04", "05", "06", "07"];
const starter11 = () => readFileSync(byId("11").studentFile, "utf8");

const reports = new Map<string, GradeReport>();
let starter11Alone: GradeReport;

beforeAll(async () => {
  const cases: Record<string, Record<string, string>> = {
    leaks: { ...Object.fromEntries(LEAKERS.map((id) => [id, LEAKER])), "11": starter11() },
    "memory-bomb": { "01": `export async function both(): Promise<never> { const hoard: number[][] = []; for (;;) hoard.push(new Array(1e6).fill(7)); }` },
    "real-exit": { "03": `(process as any).reallyExit(0);\nexport const x = 1;` },
    "loop-at-import": { "05": `for (;;) {}\nexport const x = 1;` },
    // The runtime is bundled when graded; a file that imports one of its inner modules gets it unbundled.
    internals: { "08": `import { Lock } from "../../runtime/lock.ts";\n${readFileSync(byId("08").solutionFile, "utf8").replace("new trio.Lock()", "new Lock()")}` },
  };
  const names = Object.keys(cases);
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      reports.set(name, await gradeSubmission(submission(name, cases[name]!), LIMITS));
    }
  };
  const alone = path.join(root, "starter-11");
  cpSync(byId("11").dir, path.join(alone, byId("11").name), { recursive: true });
  await Promise.all([lane(), lane(), (async () => void (starter11Alone = await gradeSubmission(alone, { ...LIMITS, exercises: [byId("11")] })))()]);
}, 240_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const score = (report: GradeReport, id: string) => report.exercises.find((e) => e.exercise === byId(id).name)!;
const totalExcept = (ids: string[]) => exercises.filter((e) => !ids.includes(e.id)).reduce((sum, e) => sum + e.points, 0);

describe("one worker for all of a submission's test files", () => {
  it("undoes an exercise's changes to the built-ins and the runtime before the next file", () => {
    const report = reports.get("leaks")!;
    for (const id of LEAKERS) expect(score(report, id).score, id).toBe(0);
    // The Lock patched by the others still works for 08's reference solution…
    expect(score(report, "08").score, JSON.stringify(score(report, "08").tests)).toBe(byId("08").points);
    // …and the starter of 11 scores what it scores alone, not more (Object.is was patched).
    expect(score(report, "11").score).toBe(starter11Alone.score);
    expect(starter11Alone.score).toBeLessThan(byId("11").points);
    expect(score(report, "09").score + score(report, "10").score + score(report, "12").score).toBe(30);
  });

  it("reports a worker that runs out of memory against its exercise only", () => {
    const report = reports.get("memory-bomb")!;
    expect(score(report, "01").score).toBe(0);
    expect(score(report, "01").problem).toMatch(/out of memory/);
    expect(report.score).toBe(totalExcept(["01"]));
  });

  it("reports a worker that really exits against its exercise only", () => {
    const report = reports.get("real-exit")!;
    expect(score(report, "03").score).toBe(0);
    expect(score(report, "03").problem).toMatch(/stopped abruptly/);
    expect(report.score).toBe(totalExcept(["03"]));
  });

  it("grades a file that imports the runtime's inner modules as check does", () => {
    const report = reports.get("internals")!;
    expect(report.score, JSON.stringify(report.exercises.filter((e) => e.score < e.maxScore))).toBe(report.maxScore);
  });

  it("stops a synchronous loop in an exercise in the middle and grades the files after it", () => {
    const report = reports.get("loop-at-import")!;
    expect(score(report, "05").problem).toMatch(/infinite loop/);
    expect(report.score).toBe(totalExcept(["05"]));
  });
});
