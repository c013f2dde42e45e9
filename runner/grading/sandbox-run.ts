/**
 * Runs a prepared workspace's tests in a sandboxed Node process and collects
 * the signed report. Limits: wall time, memory (V8 heap per isolate, and the
 * process's resident size polled from /proc), output kept, and Node's
 * permission model: reads only of the workspace and node_modules, writes
 * only to the run's `out/`, worker threads but no child processes, no addons.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./exercise-catalog.ts";
import { KEY_ENV, verifyLine, type ReportRecord } from "./sandbox/protocol.ts";
import type { Workspace } from "./workspace.ts";

/** Limits of one sandboxed run. */
export interface SandboxLimits {
  wallMs: number;
  /** V8 old-space limit per isolate (main thread and each worker), MB. */
  heapMb: number;
  /** The whole process's resident memory, MB; above it the run is killed. */
  rssMb: number;
  /** Bytes of stdout/stderr kept for the report. */
  outputKeepBytes: number;
}

/** What came out of a sandboxed run. */
export interface SandboxResult {
  records: ReportRecord[];
  /** Lines on fd 3 that did not verify: forged or corrupted. */
  rejectedLines: number;
  /** Why the grader stopped the process, if it did. */
  killed: string | undefined;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Files vite probes above the workspace; allowed as (absent) files, not their folders. */
function ancestorProbes(dir: string): string[] {
  const probes: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    for (const f of ["package.json", "pnpm-workspace.yaml", "lerna.json"]) probes.push(path.join(d, f));
    if (path.dirname(d) === d) break;
  }
  return probes;
}

function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs the sandbox on `workspace`; never takes much longer than `limits.wallMs`. */
export function runSandbox(workspace: Workspace, limits: SandboxLimits): Promise<SandboxResult> {
  const key = randomBytes(32).toString("hex");
  const nodeModules = realpathSync(path.join(REPO_ROOT, "node_modules"));
  const args = [
    "--experimental-permission",
    "--allow-worker",
    `--allow-fs-read=${workspace.ws}`,
    `--allow-fs-read=${nodeModules}`,
    ...ancestorProbes(workspace.ws).map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${workspace.out}`,
    `--max-old-space-size=${limits.heapMb}`,
    "--no-warnings",
    "--import",
    path.join(workspace.ws, ".grader", "preload.mjs"),
    path.join(workspace.ws, ".grader", "driver.mjs"),
  ];
  // A minimal environment: nothing of the grader's own leaks in.
  const env: NodeJS.ProcessEnv = { [KEY_ENV]: key, PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workspace.out, TMPDIR: workspace.out, NODE_ENV: "test", FORCE_COLOR: "0", CI: "1" };
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: workspace.ws, env, stdio: ["ignore", "pipe", "pipe", "pipe"] });
    const records: ReportRecord[] = [];
    let rejectedLines = 0;
    let killed: string | undefined;
    let pending = "";
    const output = { stdout: "", stderr: "" };
    const keep = (which: "stdout" | "stderr") => (chunk: Buffer) => {
      if (output[which].length < limits.outputKeepBytes) output[which] += chunk.toString("utf8", 0, Math.min(chunk.length, limits.outputKeepBytes - output[which].length));
    };
    child.stdout!.on("data", keep("stdout"));
    child.stderr!.on("data", keep("stderr"));
    const report = child.stdio[3] as NodeJS.ReadableStream;
    report.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      // A line longer than any genuine record is junk: drop it rather than buffer it.
      if (pending.length > 4 * 1024 * 1024 && !pending.includes("\n")) {
        pending = "";
        rejectedLines++;
      }
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const record = verifyLine(key, workspace.run, line);
        if (record === undefined) rejectedLines++;
        else records.push(record);
      }
    });
    report.on("error", () => {});
    const stop = (reason: string) => {
      if (killed === undefined) killed = reason;
      child.kill("SIGKILL");
    };
    const wallTimer = setTimeout(() => stop(`the run took longer than ${Math.round(limits.wallMs / 1000)} s and was stopped`), limits.wallMs);
    const memoryTimer = setInterval(() => {
      if (child.pid !== undefined && residentMb(child.pid) > limits.rssMb) stop(`the run used more than ${limits.rssMb} MB of memory and was stopped`);
    }, 100);
    child.on("close", (exitCode) => {
      clearTimeout(wallTimer);
      clearInterval(memoryTimer);
      resolve({ records, rejectedLines, killed, exitCode, stdout: output.stdout, stderr: output.stderr, wallMs: Date.now() - started });
    });
  });
}
