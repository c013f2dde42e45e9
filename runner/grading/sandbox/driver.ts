/**
 * The sandbox's entry point (bundled to `.grader/driver.mjs` in the
 * workspace): runs vitest on the workspace's exercise tests, in worker
 * threads, and writes one signed record per test file to fd 3.
 *
 * Runs under Node's permission model, in a fresh workspace that holds only
 * the grader's tests and runtime plus the student's exercise files.
 */
import { readFileSync, writeSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import type { Plugin } from "vite";
import { startVitest, type Reporter, type TestModule, type TestSpecification } from "vitest/node";
import { KEY_ENV, REPORT_FD, signRecord, type ReportRecord, type TestRecord } from "./protocol.ts";
import { enforceWorkerPermissions } from "./worker-permissions.ts";

/** What the grader tells the driver (`.grader/manifest.json`). */
export interface Manifest {
  run: string;
  outDir: string;
  studentFiles: string[];
  testTimeoutMs: number;
  /** With every remaining test file silent this long, they are declared stuck. */
  silenceLimitMs: number;
  maxWorkers: number;
  /** Heap limit of each worker thread, MB. */
  workerHeapMb: number;
}

/** Modules a student file may not import: test internals, and ways around the sandbox. */
const DENIED_BUILTINS = new Set(["child_process", "cluster", "worker_threads", "module", "vm", "inspector", "v8", "wasi", "dgram", "repl", "trace_events"]);
const MESSAGE_LIMIT = 2000;

// The key must be gone before any worker copies the environment.
const key = process.env[KEY_ENV] ?? "";
delete process.env[KEY_ENV];
const root = process.cwd();
const manifest = JSON.parse(readFileSync(path.join(root, ".grader", "manifest.json"), "utf8")) as Manifest;
const studentFiles = new Set(manifest.studentFiles.map((f) => path.resolve(root, f)));
enforceWorkerPermissions(manifest.workerHeapMb);

function emit(record: ReportRecord): void {
  const line = signRecord(key, record);
  let offset = 0;
  const bytes = Buffer.from(line);
  while (offset < bytes.length) offset += writeSync(REPORT_FD, bytes, offset);
}

/** Static and dynamic import specifiers of a module's source. */
const IMPORT_PATTERN = /\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']|\bexport\s*[\w*{}\s,$]*\s*from\s*["']([^"']+)["']|\bimport\s*\(\s*(?:["']([^"']+)["']\s*\)|([^"'\s]))/g;

/** Why `source`, imported by a student file, is refused; `undefined` when allowed. */
function refusal(source: string, importer: string, builtins: Set<string>): string | undefined {
  if (source.startsWith(".") || source.startsWith("/")) {
    const target = path.resolve(path.dirname(importer), source);
    if (!target.startsWith(root + path.sep) || target.startsWith(path.join(root, ".grader"))) return "only files of the workbook (the runtime, this exercise) may be imported";
    return undefined;
  }
  const bare = source.startsWith("node:") ? source.slice(5) : source;
  if (builtins.has(bare.split("/")[0]!)) {
    return DENIED_BUILTINS.has(bare.split("/")[0]!) ? "no processes, workers, vm or module loading when graded" : undefined;
  }
  return "packages are not available when graded: use the runtime (../../runtime/index.ts) and Node's built-in modules";
}

/** Refuses, at transform time, the imports a student file may not make. */
function importGuard(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: "trio-grader:import-guard",
    enforce: "pre",
    transform(code, id) {
      const file = path.resolve(id.split("?")[0]!);
      if (!studentFiles.has(file)) return null;
      const where = path.relative(root, file);
      for (const match of code.matchAll(IMPORT_PATTERN)) {
        if (match[4] !== undefined) throw new Error(`${where} may not use import() with a computed module name when graded`);
        const source = (match[1] ?? match[2] ?? match[3])!;
        const why = refusal(source, file, builtins);
        if (why !== undefined) throw new Error(`${where} may not import ${source.startsWith(".") || source.startsWith("/") || source.startsWith("node:") ? "" : "the package "}${JSON.stringify(source)}: ${why}`);
      }
      return null;
    },
  };
}

const shorten = (text: string) => (text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT)}…` : text);

let specs: string[] = [];
const ended = new Set<string>();
let lastActivity = Date.now();
let runStarted = false;
const touch = () => {
  lastActivity = Date.now();
};

const reporter: Reporter = {
  onTestRunStart(specifications: ReadonlyArray<TestSpecification>) {
    specs = specifications.map((s) => s.moduleId);
    runStarted = true;
    touch();
  },
  onTestModuleQueued: touch,
  onTestModuleCollected: touch,
  onTestCaseReady: touch,
  onTestCaseResult: touch,
  onTestModuleEnd(testModule: TestModule) {
    touch();
    ended.add(testModule.moduleId);
    const tests: TestRecord[] = [];
    for (const test of testModule.children.allTests()) {
      const result = test.result();
      const state = result.state === "passed" ? "passed" : result.state === "failed" ? "failed" : "skipped";
      const error = result.errors?.[0];
      tests.push({ name: test.fullName, state, message: error ? shorten(error.message ?? String(error)) : undefined });
    }
    const errors = testModule.errors().map((e) => e.message ?? String(e));
    emit({
      kind: "module",
      run: manifest.run,
      file: path.relative(root, testModule.moduleId),
      tests,
      error: errors.length > 0 ? shorten(errors.join("\n")) : undefined,
      durationMs: testModule.diagnostic().duration,
    });
  },
  onTestRunEnd(_modules, unhandledErrors) {
    emit({ kind: "end", run: manifest.run, unhandledErrors: unhandledErrors.map((e) => shorten(String(e.message ?? e))) });
  },
};

// A synchronous infinite loop cannot be interrupted inside its worker; once every
// remaining file has been silent for the limit, report them and stop the process.
setInterval(() => {
  if (!runStarted || Date.now() - lastActivity < manifest.silenceLimitMs) return;
  const seconds = Math.round(manifest.silenceLimitMs / 1000);
  for (const file of specs) {
    if (!ended.has(file)) {
      emit({ kind: "unfinished", run: manifest.run, file: path.relative(root, file), reason: `a test ran for more than ${seconds} s without ever yielding (a synchronous infinite loop?), so its worker was stopped` });
    }
  }
  emit({ kind: "end", run: manifest.run, unhandledErrors: [] });
  process.exit(0);
}, 250).unref();

const vitest = await startVitest(
  "test",
  [],
  {
    config: false,
    root,
    watch: false,
    include: ["exercises/*/*.test.ts"],
    reporters: [reporter],
    pool: "threads",
    maxWorkers: manifest.maxWorkers,
    isolate: true,
    testTimeout: manifest.testTimeoutMs,
    hookTimeout: manifest.testTimeoutMs,
    teardownTimeout: 1000,
    setupFiles: [path.join(root, ".grader", "guard.mjs")],
    disableConsoleIntercept: true,
    passWithNoTests: true,
  },
  { esbuild: false, cacheDir: path.join(manifest.outDir, "vite"), plugins: [importGuard()], logLevel: "silent", server: { watch: null } },
);
await vitest?.close();
process.exit(0);
