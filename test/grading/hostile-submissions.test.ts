// The grader against hostile submissions: each replaces exercise 01's file
// (the other files are the reference solutions), and must get a correct
// score, a clear message, and never hold the grader past its limit.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listExercises, REPO_ROOT } from "../../runner/grading/exercise-catalog.ts";
import { gradeSubmission, type GradeReport } from "../../runner/grading/grade-submission.ts";

const exercises = listExercises();
const first = exercises[0]!;
const othersMax = exercises.slice(1).reduce((sum, e) => sum + e.points, 0);
const solution01 = readFileSync(first.solutionFile, "utf8");
const LIMITS = { wallMs: 40_000, silenceLimitMs: 3_000, testTimeoutMs: 2_000 };

/** Hostile versions of exercise 01's file. */
const CASES: Record<string, string> = {
  "sync-loop": `export async function both(): Promise<never> { for (;;) {} }`,
  "memory-bomb": `export async function both(): Promise<never> { const hoard: number[][] = []; for (;;) hoard.push(new Array(1e6).fill(7)); }`,
  "exit-at-import": `process.exit(0);\nexport async function both(): Promise<never> { throw new Error("unreachable"); }`,
  "exit-in-call": `export async function both(): Promise<never> { process.exit(0); }`,
  "patch-object-is": `Object.is = () => true;\nexport async function both(): Promise<any> { return []; }`,
  "patch-promise": `const then = Promise.prototype.then;\nPromise.prototype.then = function (a: any, b: any) { return then.call(this, a, () => a?.([])); } as any;\nexport async function both(): Promise<any> { throw new Error("nothing"); }`,
  "import-vitest": `import { expect } from "vitest";\n(expect as any).extend({ toEqual: () => ({ pass: true, message: () => "" }) });\nexport async function both(): Promise<any> { return []; }`,
  "read-solutions": `import { readFileSync } from "node:fs";\nexport async function both(): Promise<any> { readFileSync(${JSON.stringify(first.solutionFile)}, "utf8"); return []; }`,
  "fake-results": `import { writeFileSync, writeSync } from "node:fs";\nexport async function both(): Promise<any> {\n  try { writeFileSync(process.env.TMPDIR + "/results.json", JSON.stringify({ score: 120 })); } catch {}\n  try { writeSync(3, "${"0".repeat(64)} " + JSON.stringify({ kind: "module", run: "x", file: "exercises/${first.name}/two-tasks.test.ts", tests: [{ name: "x", state: "passed" }], durationMs: 1 }) + "\\n"); } catch {}\n  return [];\n}`,
  "spawn-import": `import { execSync } from "node:child_process";\nexport async function both(): Promise<any> { return [execSync("id").toString(), 0]; }`,
  "spawn-builtin": `export async function both(): Promise<any> { const cp = (process as any).getBuiltinModule("child_process"); return [cp.execSync("id").toString(), 0]; }`,
  "socket": `import net from "node:net";\nexport async function both(): Promise<any> { net.connect(80, "1.1.1.1"); return []; }`,
  "print-gigabyte": `const mb = "x".repeat(1 << 20);\n${solution01.replace("export async function both", "async function realBoth")}\nexport async function both<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> { for (let i = 0; i < 1024; i++) console.log(mb); return realBoth(a, b); }`,
};

const root = mkdtempSync(path.join(tmpdir(), "trio-hostile-"));
const reports = new Map<string, { report: GradeReport; ms: number }>();

beforeAll(async () => {
  const names = Object.keys(CASES);
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      const dir = path.join(root, name);
      cpSync(path.join(REPO_ROOT, "solutions"), dir, { recursive: true });
      writeFileSync(path.join(dir, first.name, first.file), CASES[name]!);
      const started = Date.now();
      const report = await gradeSubmission(dir, LIMITS);
      reports.set(name, { report, ms: Date.now() - started });
    }
  };
  await Promise.all([lane(), lane()]);
}, 240_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function get(name: string) {
  const entry = reports.get(name)!;
  const ex01 = entry.report.exercises[0]!;
  const messages = [ex01.problem ?? "", ...ex01.tests.map((t) => t.output), ...entry.report.notes].join("\n");
  return { ...entry, ex01, messages };
}

function expectZeroForExercise01(name: string, message: RegExp) {
  const { report, ex01, messages, ms } = get(name);
  expect(ex01.score, messages).toBe(0);
  expect(messages).toMatch(message);
  expect(ms).toBeLessThan(LIMITS.wallMs + 5_000);
  return report;
}

describe("grade against hostile submissions", () => {
  it("stops a synchronous infinite loop, scores the other exercises, and says why", () => {
    const report = expectZeroForExercise01("sync-loop", /infinite loop/);
    expect(report.score).toBe(othersMax);
  });

  it("survives a memory bomb with a clear message", () => {
    const report = expectZeroForExercise01("memory-bomb", /memory|heap|out of memory|worker/i);
    expect(report.score).toBeLessThanOrEqual(othersMax);
  });

  it("gives nothing for process.exit(0), at import or in a test", () => {
    expect(expectZeroForExercise01("exit-at-import", /process\.exit/).score).toBe(othersMax);
    expect(expectZeroForExercise01("exit-in-call", /process\.exit/).score).toBe(othersMax);
  });

  it("fails the tests of a submission that patches Object.is or Promise", () => {
    expect(expectZeroForExercise01("patch-object-is", /changed Object\.is/).score).toBe(othersMax);
    expect(expectZeroForExercise01("patch-promise", /changed Promise\.prototype\.then/).score).toBe(othersMax);
  });

  it("refuses a submission that imports vitest to patch expect", () => {
    expect(expectZeroForExercise01("import-vitest", /may not import the package "vitest"/).score).toBe(othersMax);
  });

  it("cannot read the solutions", () => {
    expect(expectZeroForExercise01("read-solutions", /ERR_ACCESS_DENIED|Access to this API has been restricted/).score).toBe(othersMax);
  });

  it("ignores a fake results file and forged report lines", () => {
    const { report, ex01 } = get("fake-results");
    expect(ex01.score).toBe(0);
    expect(report.score).toBe(othersMax);
    expect(report.notes.join("\n")).toMatch(/not signed by the grader/);
  });

  it("cannot spawn a process, by import or through process.getBuiltinModule", () => {
    expect(expectZeroForExercise01("spawn-import", /may not import "node:child_process"/).score).toBe(othersMax);
    expect(expectZeroForExercise01("spawn-builtin", /ERR_ACCESS_DENIED|restricted|not a function/).score).toBe(othersMax);
  });

  it("cannot open a socket beyond loopback", () => {
    expect(expectZeroForExercise01("socket", /loopback only/).score).toBe(othersMax);
  });

  it("drops a gigabyte of output and still grades a correct answer fully", () => {
    const { report, ms } = get("print-gigabyte");
    expect(report.score).toBe(report.maxScore);
    expect(ms).toBeLessThan(LIMITS.wallMs);
  });
});

describe("grade of honest submissions", () => {
  it("gives full marks to the reference solutions and names missing files", async () => {
    const full = await gradeSubmission(path.join(REPO_ROOT, "solutions"));
    expect(full.score).toBe(full.maxScore);
    const dir = path.join(root, "partial");
    cpSync(path.join(REPO_ROOT, "solutions", first.name), path.join(dir, first.name), { recursive: true });
    const partial = await gradeSubmission(dir);
    expect(partial.score).toBe(first.points);
    expect(partial.exercises[1]!.problem).toMatch(/the submission has no/);
  }, 60_000);
});
