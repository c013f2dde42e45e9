/**
 * The sandbox's entry point (bundled to `.grader/driver.mjs` in the
 * workspace): runs vitest on the workspace's exercise tests, in a worker
 * thread, and writes one signed record per test file to fd 3.
 *
 * Runs under Node's permission model, in a fresh workspace that holds only
 * the grader's tests and runtime plus the student's exercise files.
 */
import { readFileSync, writeSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import type { Plugin } from "vite";
import type { Worker } from "node:worker_threads";
import { createVitest, type Reporter, type TestModule } from "vitest/node";
import { IMPORT_PATTERN } from "./imports.ts";
import { KEY_ENV, REPORT_FD, signRecord, type ReportRecord, type TestRecord } from "./protocol.ts";
import { enforceWorkerPermissions } from "./worker-permissions.ts";

/** What the grader tells the driver (`.grader/manifest.json`). */
export interface Manifest {
  run: string;
  outDir: string;
  studentFiles: string[];
  testTimeoutMs: number;
  /** With the running test file silent this long, it is declared stuck and its worker stopped. */
  silenceLimitMs: number;
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

function emit(record: ReportRecord): void {
  const line = signRecord(key, record);
  let offset = 0;
  const bytes = Buffer.from(line);
  while (offset < bytes.length) offset += writeSync(REPORT_FD, bytes, offset);
}


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

/**
 * The files run one after the other in one shared worker thread (see
 * runner.ts for what each file gets afresh). A file that stops the worker
 * (a synchronous infinite loop, which the driver stops, or a crash: out of
 * memory, a real exit) is reported as such, and the files after it run in a
 * new worker: a phase per worker.
 */
let specs: string[] = [];
/** Files whose record was emitted: final. */
const done = new Set<string>();
/** Files the current worker started (in order) this phase. */
let started: string[] = [];
const unhandled: string[] = [];
let phaseErrors: string[] = [];
let lastActivity = Date.now();
let phaseRunning = false;
/** Set when the driver stopped the current worker. */
let stoppedWorker = false;
let worker: Worker | undefined;
const touch = () => {
  lastActivity = Date.now();
};
enforceWorkerPermissions(manifest.workerHeapMb, (w) => {
  worker = w;
});

// When a worker runs out of memory, vitest's pool reports its error, then its
// exit as a second error that nothing listens to: that one is expected, and
// must not bring the driver down (the file is reported as crashed below).
process.on("uncaughtException", (error) => {
  if (error instanceof Error && error.message === "Worker exited unexpectedly") return;
  process.stderr.write(`the grader's test driver failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(70);
});

const reporter: Reporter = {
  onTestRunStart: touch,
  onTestModuleQueued(testModule: TestModule) {
    touch();
    if (!started.includes(testModule.moduleId)) started.push(testModule.moduleId);
  },
  onTestModuleCollected: touch,
  onTestCaseReady: touch,
  onTestCaseResult: touch,
  onTestModuleEnd(testModule: TestModule) {
    touch();
    // After a crash vitest ends every file of the task: only those the worker
    // started count (the last of them is the one that crashed); the others run again.
    if (done.has(testModule.moduleId) || !started.includes(testModule.moduleId)) return;
    done.add(testModule.moduleId);
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
    phaseErrors = unhandledErrors.map((e) => shorten(String(e.message ?? e)));
  },
};

const unfinished = (file: string, reason: string) => {
  if (done.has(file)) return;
  done.add(file);
  emit({ kind: "unfinished", run: manifest.run, file: path.relative(root, file), reason });
};

// A synchronous infinite loop cannot be interrupted inside its worker; once the
// current file has been silent for the limit, report it and stop its worker.
// Should vitest not recover from that within a few seconds, give up on the rest.
setInterval(() => {
  if (!phaseRunning || Date.now() - lastActivity < manifest.silenceLimitMs) return;
  const seconds = Math.round(manifest.silenceLimitMs / 1000);
  const reason = `a test ran for more than ${seconds} s without ever yielding (a synchronous infinite loop?), so its worker was stopped`;
  if (!stoppedWorker) {
    const current = started.find((f) => !done.has(f));
    if (current !== undefined) unfinished(current, reason);
    stoppedWorker = true;
    touch();
    void worker?.terminate();
    return;
  }
  for (const file of specs) unfinished(file, reason);
  emit({ kind: "end", run: manifest.run, unhandledErrors: unhandled });
  process.exit(0);
}, 250).unref();

const vitest = await createVitest(
  "test",
  {
    config: false,
    root,
    watch: false,
    include: ["exercises/*/*.test.ts"],
    reporters: [reporter],
    pool: "threads",
    maxWorkers: 1,
    isolate: false,
    runner: path.join(root, ".grader", "runner.mjs"),
    testTimeout: manifest.testTimeoutMs,
    hookTimeout: manifest.testTimeoutMs,
    teardownTimeout: 1000,
    setupFiles: [path.join(root, ".grader", "guard.mjs")],
    // Loaded by Node itself, not transformed by vite: the runtime, bundled once by
    // the grader, and the counter that gives each test file its own instance of it.
    server: { deps: { external: [/\/runtime\/bundle\.mjs(\?|$)/, /\/\.grader\/generation\.mjs$/] } },
    disableConsoleIntercept: true,
    passWithNoTests: true,
  },
  { esbuild: false, cacheDir: path.join(manifest.outDir, "vite"), plugins: [importGuard()], logLevel: "silent", server: { watch: null } },
);
const all = await vitest.globTestSpecifications();
specs = all.map((s) => s.moduleId);
for (let remaining = all; remaining.length > 0; remaining = all.filter((s) => !done.has(s.moduleId))) {
  started = [];
  stoppedWorker = false;
  worker = undefined;
  phaseRunning = true;
  touch();
  phaseErrors = [];
  await vitest.runTestSpecifications(remaining);
  phaseRunning = false;
  // The worker died before it finished its files: the file it was running is the cause.
  const current = started.find((f) => !done.has(f));
  if (current !== undefined) unfinished(current, `the test worker stopped abruptly while running these tests: out of memory (limit ${manifest.workerHeapMb} MB) or a real exit are the usual causes`);
  // The pool's own errors about a worker that stopped (or that the driver stopped) say nothing more.
  const crashed = stoppedWorker || current !== undefined;
  unhandled.push(...phaseErrors.filter((e) => !(crashed && e.startsWith("[vitest-pool]"))));
  if (started.length === 0) {
    for (const s of remaining) unfinished(s.moduleId, "the test worker did not start");
  }
}
emit({ kind: "end", run: manifest.run, unhandledErrors: unhandled });
await vitest.close();
process.exit(0);
