/**
 * `npm run grade`: the teacher's side of the exercises.
 *
 *   npm run grade -- SUBMISSION_DIR [--format gradescope|junit|json|text] [--out FILE]
 *   npm run grade -- --batch DIR [--out gradebook.csv] [--reports DIR] [--jobs N]
 *
 * A submission folder holds the students' exercise files as `NN-topic/<file>`,
 * `exercises/NN-topic/<file>` or just `<file>`. Nothing else is taken from it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gradeBatch } from "../grading/batch.ts";
import { listExercises } from "../grading/exercise-catalog.ts";
import { gradeSubmission, type GradeOptions } from "../grading/grade-submission.ts";
import { FORMATS, formatReport, toGradebookCsv, type Format } from "../grading/report-formats.ts";

const USAGE = `Usage:
  npm run grade -- SUBMISSION_DIR [--format ${FORMATS.join("|")}] [--out FILE]
  npm run grade -- --batch DIR [--out FILE.csv] [--reports DIR] [--jobs N]

Options:
  --format F       report format (default: text)
  --out FILE       write the report (or the CSV gradebook) there instead of stdout
  --batch DIR      grade every folder in DIR, in parallel
  --reports DIR    with --batch: also write one report per submission (in --format, default json)
  --jobs N         with --batch: sandboxes at once (default: the number of cores)
  --time-limit S   wall-time limit per submission in seconds (default 60)
`;

function fail(message: string): never {
  process.stderr.write(`grade: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: "string" },
        out: { type: "string" },
        batch: { type: "string" },
        reports: { type: "string" },
        jobs: { type: "string" },
        "time-limit": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = (values.format ?? (values.reports ? "json" : "text")) as Format;
  if (!FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(values.format)}`);
  const options: GradeOptions = {};
  if (values["time-limit"] !== undefined) {
    const seconds = Number(values["time-limit"]);
    if (!(seconds > 0)) fail(`--time-limit must be a positive number of seconds, got ${JSON.stringify(values["time-limit"])}`);
    options.wallMs = seconds * 1000;
  }

  if (values.batch !== undefined) {
    if (positionals.length > 0) fail("give either SUBMISSION_DIR or --batch DIR, not both");
    const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) fail(`--jobs must be a whole number ≥ 1, got ${JSON.stringify(values.jobs)}`);
    const started = Date.now();
    const entries = await gradeBatch(path.resolve(values.batch), jobs, options, (entry) => {
      process.stderr.write(`${entry.name}: ${entry.report ? `${entry.report.score}/${entry.report.maxScore}` : entry.error}\n`);
      if (values.reports !== undefined && entry.report !== undefined) {
        mkdirSync(values.reports, { recursive: true });
        const ext = format === "junit" ? "xml" : format === "text" ? "txt" : "json";
        writeFileSync(path.join(values.reports, `${entry.name}.${ext}`), formatReport(entry.report, format));
      }
    });
    const csv = toGradebookCsv(entries, listExercises().map((e) => e.name));
    if (values.out !== undefined) writeFileSync(values.out, csv);
    else process.stdout.write(csv);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`graded ${entries.length} submissions in ${seconds.toFixed(1)} s (${((entries.length / seconds) * 60).toFixed(0)}/min)\n`);
    return 0;
  }

  if (positionals.length !== 1) fail(positionals.length === 0 ? "which submission? give its folder" : `expected one submission folder, got ${positionals.join(" ")}`);
  const report = await gradeSubmission(path.resolve(positionals[0]!), options);
  const text = formatReport(report, format);
  if (values.out !== undefined) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}

process.exitCode = await main();
