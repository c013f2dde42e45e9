/**
 * Builds the fresh workspace a submission is graded in:
 *
 *   <tmp>/ws/                 readable by the sandbox
 *     package.json            {"type":"module"}
 *     node_modules -> the grader's node_modules (read-only for the sandbox)
 *     runtime/bundle.mjs      the grader's runtime, bundled, with an index.ts
 *                             that gives each test file a fresh instance of it
 *                             (or runtime/*.ts, see prepareWorkspace)
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
import { IMPORT_PATTERN } from "./sandbox/imports.ts";

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
  workerHeapMb: number;
}

function compile(source: string, file: string): string {
  return transformSync(source, { loader: "ts", format: "esm", target: "es2022", sourcefile: file }).code;
}

let staticFiles: Map<string, string> | undefined;
let bundledRuntime: Map<string, string> | undefined;

/**
 * The runtime as one module, loaded by Node itself in the sandbox (vite
 * neither parses nor transforms it), and the entry point that gives each test
 * file a fresh instance of it: `runtime/bundle.mjs?generation=<n>` (see
 * sandbox/generation.mts). Used when every student file imports the runtime
 * through `runtime/index.ts`, as the exercises do.
 */
function runtimeBundleFiles(): Map<string, string> {
  if (bundledRuntime !== undefined) return bundledRuntime;
  const built = buildSync({
    entryPoints: [path.join(REPO_ROOT, "runtime", "index.ts")],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    outfile: "bundle.mjs",
  });
  const exports = Object.values(built.metafile.outputs)[0]!.exports;
  const named = exports.filter((name) => name !== "default");
  const entry = [
    "// The runtime's entry point when graded: a fresh instance of the bundle for each test file.",
    'import { generation } from "../.grader/generation.mjs";',
    // A plain variable, so that vite leaves the import alone (a template literal would be its glob pattern).
    'const instance = "./bundle.mjs?generation=" + generation();',
    "const runtime = await import(instance);",
    `export const { ${named.join(", ")} } = runtime;`,
    ...(exports.includes("default") ? ["export default runtime.default;"] : []),
    "",
  ].join("\n");
  bundledRuntime = new Map([
    ["runtime/bundle.mjs", built.outputFiles[0]!.text],
    ["runtime/index.ts", entry],
  ]);
  return bundledRuntime;
}

/** Whether compiled module text imports a file of the runtime other than its entry point. */
function importsRuntimeInternals(code: string, file: string, ws: string): boolean {
  const runtimeDir = path.join(ws, "runtime") + path.sep;
  for (const match of code.matchAll(IMPORT_PATTERN)) {
    const source = match[1] ?? match[2] ?? match[3];
    if (source === undefined || !(source.startsWith(".") || source.startsWith("/"))) continue;
    const target = path.resolve(path.dirname(file), source);
    if (target.startsWith(runtimeDir) && target !== path.join(ws, "runtime", "index.ts")) return true;
  }
  return false;
}

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
      external: ["vitest", "vitest/*", "vite", "./generation.mjs"],
    }).outputFiles[0]!.text;
  files.set(".grader/driver.mjs", bundle("driver.ts"));
  files.set(".grader/guard.mjs", bundle("guard.ts"));
  files.set(".grader/runner.mjs", bundle("runner.ts"));
  files.set(".grader/generation.mjs", compile(readFileSync(path.join(sandboxDir, "generation.mts"), "utf8"), "generation.mts"));
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

  // The student's files first (compiled, not yet written): they decide how the runtime is laid out.
  const files: StudentFileStatus[] = [];
  const compiled = new Map<string, string>();
  let runtimeInternals = false;
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
      const target = path.join(ws, "exercises", exercise.name, exercise.file);
      compiled.set(target, code);
      if (importsRuntimeInternals(code, target, ws)) runtimeInternals = true;
      files.push({ exercise, status: "ok" });
    } catch (error) {
      files.push({ exercise, status: "invalid", message: `${exercise.file} does not compile: ${(error as Error).message.split("\n").slice(0, 4).join(" ")}` });
    }
  }

  // The runtime bundled (see runtimeBundleFiles), unless a student file imports
  // one of its inner modules: then as separate modules (as `check` has it), so
  // that the file shares their instances with the tests.
  const layout = new Map(graderFiles(exercises));
  if (!runtimeInternals) {
    for (const rel of layout.keys()) if (rel.startsWith("runtime/")) layout.delete(rel);
    for (const [rel, text] of runtimeBundleFiles()) layout.set(rel, text);
  }
  const made = new Set<string>();
  for (const [rel, text] of layout) {
    const dir = path.dirname(path.join(ws, rel));
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    writeFileSync(path.join(ws, rel), text);
  }
  for (const [target, code] of compiled) writeFileSync(target, code);
  symlinkSync(realpathSync(path.join(REPO_ROOT, "node_modules")), path.join(ws, "node_modules"), "dir");
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
