/** A grade report in the formats graders read: Gradescope, JUnit XML, JSON, text; and the batch CSV. */
import type { GradeReport } from "./grade-submission.ts";

/** The formats of `grade --format`. */
export const FORMATS = ["gradescope", "junit", "json", "text"] as const;
export type Format = (typeof FORMATS)[number];

/** Gradescope's `results.json`. */
export function toGradescope(report: GradeReport): string {
  return `${JSON.stringify(
    {
      score: report.score,
      max_score: report.maxScore,
      execution_time: Math.round(report.executionTimeMs / 1000),
      output: report.notes.join("\n") || `${report.score}/${report.maxScore}`,
      visibility: "visible",
      stdout_visibility: "hidden",
      tests: report.exercises.flatMap((e) =>
        e.tests.map((t) => ({ name: t.name, score: t.score, max_score: t.maxScore, status: t.status, output: t.output, visibility: "visible" })),
      ),
    },
    null,
    2,
  )}\n`;
}

const xml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

/** JUnit XML: one suite per exercise. */
export function toJunit(report: GradeReport): string {
  const suites = report.exercises.map((e) => {
    const failures = e.tests.filter((t) => t.status === "failed").length;
    const cases = e.tests
      .map((t) => `    <testcase classname="${xml(e.exercise)}" name="${xml(t.name)}">${t.status === "failed" ? `\n      <failure message="${xml(t.output.split("\n")[0] ?? "")}">${xml(t.output)}</failure>\n    ` : ""}</testcase>`)
      .join("\n");
    return `  <testsuite name="${xml(e.exercise)}" tests="${e.tests.length}" failures="${failures}">\n${cases}\n  </testsuite>`;
  });
  const failures = report.exercises.reduce((n, e) => n + e.tests.filter((t) => t.status === "failed").length, 0);
  const tests = report.exercises.reduce((n, e) => n + e.tests.length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(report.submission)}" tests="${tests}" failures="${failures}" time="${(report.executionTimeMs / 1000).toFixed(3)}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** Plain text for a terminal. */
export function toText(report: GradeReport): string {
  const lines = [`${report.submission}: ${report.score}/${report.maxScore} (${(report.executionTimeMs / 1000).toFixed(1)} s)`];
  for (const e of report.exercises) {
    lines.push(`  ${e.score === e.maxScore ? "✓" : "✗"} ${e.exercise}: ${e.score}/${e.maxScore}${e.problem ? ` — ${e.problem.split("\n")[0]}` : ""}`);
    for (const t of e.tests) if (t.status === "failed" && t.name !== `${e.exercise}: ${e.title}`) lines.push(`      ✗ ${t.name}: ${t.output.split("\n")[0]}`);
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return `${lines.join("\n")}\n`;
}

/** The report in `format`. */
export function formatReport(report: GradeReport, format: Format): string {
  switch (format) {
    case "gradescope":
      return toGradescope(report);
    case "junit":
      return toJunit(report);
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "text":
      return toText(report);
  }
}

const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The gradebook of a batch: one row per submission, one column per exercise. */
export function toGradebookCsv(reports: Array<{ name: string; report?: GradeReport; error?: string }>, exerciseNames: string[]): string {
  const rows = [["submission", "score", "max_score", ...exerciseNames, "notes"]];
  for (const { name, report, error } of reports) {
    if (report === undefined) rows.push([name, "0", "", ...exerciseNames.map(() => "0"), error ?? "not graded"]);
    else rows.push([name, String(report.score), String(report.maxScore), ...exerciseNames.map((n) => String(report.exercises.find((e) => e.exercise === n)?.score ?? 0)), report.notes.join(" | ")]);
  }
  return `${rows.map((r) => r.map(csvCell).join(",")).join("\n")}\n`;
}
