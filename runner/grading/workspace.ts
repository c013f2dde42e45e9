/**
 * Builds the fresh workspace a submission is graded in:
 *
 *   <tmp>/ws/                 readable by the sandbox
 *     package.json            {"type":"module"}
 *     node_modules -> the grader's node_modules (read-only for the sandbox)
 *     runtime/*.ts            the grader's runtime
 *     exercises/NN-topic/     the grader's tests and helpers + the student's one file
 *     .grader/                driver, guard, hooks, manifest
 *   <tmp>/out/                the only place the sandbox may write
 *
 * Every TypeScript file is compiled here, by the trusted grader, with
 * esbuild's transform (it only parses, never runs the code): under the
 * permission model vite cannot start esbuild's service process.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildSync, transformSync } from "esbuild";
import { REPO_ROOT, type Exercise } from "./exercise-catalog.ts";
import type { Manifest } from "./sandbox/driver.ts";

/** A student file larger than this is refused unread. */
export const MAX_STUDENT_FILE_BYTES = 512 * 1024;

/** How the student's file for one exercise was taken. */
export interface StudentFileStatus {
  exercise: Exercise;
  /** `ok`: compiled into the workspace; otherwise it is absent and the exercise scores 0. */
  status: "ok" | "missing" | "invalid";
  message?: string | undefined;
}

/** A prepared workspace. */
export interface Workspace {
  base: string;
  ws: string;
  out: string;
  run: string;
  files: StudentFileStatus[];
}

/** Options of {@link prepareWorkspace}. */
export interface WorkspaceOptions {
  testTimeoutMs: number;
  silenceLimitMs: number;
  maxWorkers: number;
  workerHeapMb: number;
}

function compile(source: string, file: string): string {
  return transformSync(source, { loader: "ts", format: "esm", target: "es2022", sourcefile: file }).code;
}

let staticFiles: Map<string, string> | undefined;

/** The grader's own files (runtime, tests, sandbox), compiled once per grader process. */
function graderFiles(exercises: Exercise[]): Map<string, string> {
  if (staticFiles !== undefined) return staticFiles;
  const files = new Map<string, string>();
  for (const name of readdirSync(path.join(REPO_ROOT, "runtime"))) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
    const source = readFileSync(path.join(REPO_ROOT, "runtime", name), "utf8");
    files.set(`runtime/${name}`, compile(source, name));
  }
  for (const exercise of exercises) {
    for (const name of readdirSync(exercise.dir)) {
      if (name === exercise.file || !name.endsWith(".ts")) continue;
      files.set(`exercises/${exercise.name}/${name}`, compile(readFileSync(path.join(exercise.dir, name), "utf8"), name));
    }
  }
  const sandboxDir = path.join(REPO_ROOT, "runner", "grading", "sandbox");
  const bundle = (entry: string) =>
    buildSync({
      entryPoints: [path.join(sandboxDir, entry)],
      bundle: true,
      write: false,
      platform: "node",
      format: "esm",
      target: "node20",
      external: ["vitest", "vitest/*", "vite"],
    }).outputFiles[0]!.text;
  files.set(".grader/driver.mjs", bundle("driver.ts"));
  files.set(".grader/guard.mjs", bundle("guard.ts"));
  files.set(".grader/hooks.mjs", compile(readFileSync(path.join(sandboxDir, "hooks.ts"), "utf8"), "hooks.ts"));
  files.set(".grader/preload.mjs", compile(readFileSync(path.join(sandboxDir, "preload.ts"), "utf8"), "preload.ts"));
  files.set("package.json", '{ "type": "module", "private": true }\n');
  staticFiles = files;
  return files;
}

/** Where a submission may keep an exercise's file: `NN-topic/<file>`, `exercises/NN-topic/<file>` or `<file>`. */
function findStudentFile(submission: string, exercise: Exercise): string | undefined {
  const candidates = [
    path.join(submission, exercise.name, exercise.file),
    path.join(submission, "exercises", exercise.name, exercise.file),
    path.join(submission, exercise.file),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Creates a fresh workspace for `submission`. */
export function prepareWorkspace(submission: string, exercises: Exercise[], options: WorkspaceOptions): Workspace {
  const base = mkdtempSync(path.join(tmpdir(), "trio-grade-"));
  const ws = path.join(base, "ws");
  const out = path.join(base, "out");
  mkdirSync(out, { recursive: true });
  for (const [rel, text] of graderFiles(exercises)) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    writeFileSync(path.join(ws, rel), text);
  }
  symlinkSync(realpathSync(path.join(REPO_ROOT, "node_modules")), path.join(ws, "node_modules"), "dir");

  const files: StudentFileStatus[] = [];
  for (const exercise of exercises) {
    const found = findStudentFile(submission, exercise);
    if (found === undefined) {
      files.push({ exercise, status: "missing", message: `the submission has no ${exercise.file} (looked in ${exercise.name}/, exercises/${exercise.name}/ and at the top)` });
      continue;
    }
    const size = statSync(found).size;
    if (size > MAX_STUDENT_FILE_BYTES) {
      files.push({ exercise, status: "invalid", message: `${exercise.file} is ${size} bytes; the limit is ${MAX_STUDENT_FILE_BYTES}` });
      continue;
    }
    try {
      const code = compile(readFileSync(found, "utf8"), exercise.file);
      writeFileSync(path.join(ws, "exercises", exercise.name, exercise.file), code);
      files.push({ exercise, status: "ok" });
    } catch (error) {
      files.push({ exercise, status: "invalid", message: `${exercise.file} does not compile: ${(error as Error).message.split("\n").slice(0, 4).join(" ")}` });
    }
  }
  const run = randomBytes(12).toString("hex");
  const manifest: Manifest = {
    run,
    outDir: out,
    studentFiles: files.filter((f) => f.status === "ok").map((f) => path.join("exercises", f.exercise.name, f.exercise.file)),
    ...options,
  };
  writeFileSync(path.join(ws, ".grader", "manifest.json"), JSON.stringify(manifest));
  return { base, ws, out, run, files };
}
