/**
 * `npm run bench [-- --json out.json] [--n 100000] [--repeats 5] [--peers a,b] [--workloads a,b]`
 *
 * Runs every workload on every peer, each in a fresh process (so no peer inherits another's heap,
 * JIT profile or timers), one after the other (in parallel they would fight over the 2 cores),
 * then prints a Markdown table of medians with each peer's ratio to this runtime.
 * How a single measurement is taken: see `harness.ts` (and `peers/python-trio.py`).
 * Benchmarks are not tests: `npm test` never runs this.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { RESULT_PREFIX, type WorkloadResult } from "./harness.ts";
import { PEER_IDS, PEER_TITLES, WORKLOAD_NAMES, type PeerId, type WorkloadName } from "./peers/index.ts";
import { footnotes, markdownTable, primitiveLines, sleeperPhases, targetLines, type Cell, type Results } from "./report.ts";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNTIME_ENTRY = path.join(REPO_ROOT, "runtime", "index.ts");
const PYTHON_PEER = path.join(REPO_ROOT, "bench", "peers", "python-trio.py");
const DEFAULT_N = 100_000;
const DEFAULT_REPEATS = 5;
/** A worker that takes longer than this is stopped and its cell reported as timed out. */
const WORKER_TIMEOUT_MS = 150_000;
/** A 1-minute load average above this (besides the benchmark's own single busy core) means other work competed. */
const BUSY_LOAD = os.cpus().length * 0.75;

interface Options {
  n: number;
  repeats: number;
  peers: PeerId[];
  workloads: WorkloadName[];
  json: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "string" },
      n: { type: "string", default: String(DEFAULT_N) },
      repeats: { type: "string", default: String(DEFAULT_REPEATS) },
      peers: { type: "string", default: PEER_IDS.join(",") },
      workloads: { type: "string", default: WORKLOAD_NAMES.join(",") },
      "core-only": { type: "boolean", default: false },
    },
    strict: true,
  });
  const positive = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Expected --${name} to be a positive integer, got \`${text}\``);
    return value;
  };
  const listOf = <T extends string>(name: string, text: string, allowed: readonly T[]): T[] => {
    const items = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    for (const item of items) {
      if (!allowed.includes(item as T)) throw new Error(`Expected --${name} from ${allowed.join(", ")}, got \`${item}\``);
    }
    return allowed.filter((a) => items.includes(a));
  };
  return {
    n: positive("n", values.n),
    repeats: positive("repeats", values.repeats),
    peers: listOf("peers", values.peers, PEER_IDS),
    workloads: listOf("workloads", values.workloads, WORKLOAD_NAMES),
    json: values.json,
  };
}

/** Why a peer cannot run at all, or undefined when it can. */
function unavailableReason(peer: PeerId, pythonTrio: { version?: string; reason?: string }): string | undefined {
  if (peer === "trio-workbook" && !existsSync(RUNTIME_ENTRY)) return "runtime/index.ts does not exist yet";
  if (peer === "python-trio") return pythonTrio.reason;
  return undefined;
}

function probePythonTrio(): { version?: string; reason?: string } {
  const probe = spawnSync("python3", ["-c", "import sys, trio; print(trio.__version__, sys.version.split()[0])"], {
    encoding: "utf8",
  });
  if (probe.error) return { reason: `skipped: python3 could not be started (${probe.error.message})` };
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split("\n").pop() ?? "";
    return { reason: `skipped: \`python3 -c "import trio"\` failed (${last})` };
  }
  return { version: probe.stdout.trim() };
}

/** Runs one worker process and returns its result or the reason it produced none. */
function runWorker(peer: PeerId, workload: WorkloadName, options: Options): Promise<Cell> {
  const args = [String(options.n), String(options.repeats)];
  const [command, argv] =
    peer === "python-trio"
      ? ["python3", [PYTHON_PEER, workload, ...args]]
      : [process.execPath, ["--expose-gc", "--import", "tsx", path.join("bench", "worker.ts"), peer, workload, ...args]];
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, WORKER_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `could not start \`${command}\`: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line !== undefined) {
        resolve({ ok: true, result: JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkloadResult });
        return;
      }
      if (timedOut) {
        resolve({ ok: false, reason: `timed out after ${WORKER_TIMEOUT_MS / 1000} s` });
        return;
      }
      resolve({ ok: false, reason: `failed (${signal ?? `exit ${code}`}): ${firstErrorLine(stderr)}` });
    });
  });
}

/** The line of a stack trace that says what went wrong. */
function firstErrorLine(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const message = lines.find((l) => /^(\w*Error|Error|Traceback|RuntimeError)\b|Error:/.test(l) && !l.startsWith("at "));
  return (message ?? lines[0] ?? "no output").slice(0, 300);
}

function describeEnvironment(pythonTrio: { version?: string }): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const python = pythonTrio.version ? `, Python Trio ${pythonTrio.version.replace(" ", " on Python ")}` : "";
  return `Node ${process.version} on ${os.cpus().length} × ${cpu}${python}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const pythonTrio = options.peers.includes("python-trio") ? probePythonTrio() : {};
  const results: Results = {};
  const started = performance.now();
  const loadBefore = os.loadavg()[0]!;

  for (const workload of options.workloads) {
    const row: Partial<Record<PeerId, Cell>> = (results[workload] = {});
    for (const peer of options.peers) {
      const reason = unavailableReason(peer, pythonTrio);
      if (reason !== undefined) {
        row[peer] = { ok: false, reason };
        console.error(`${PEER_TITLES[peer]} ${workload}: ${reason}`);
        continue;
      }
      const t0 = performance.now();
      const cell = await runWorker(peer, workload, options);
      row[peer] = cell;
      const took = ((performance.now() - t0) / 1000).toFixed(1);
      const summary = cell.ok
        ? `${cell.result.usPerOp.toFixed(3)} µs/op` + (cell.result.bytesPerTask !== undefined ? `, ${Math.round(cell.result.bytesPerTask)} B/task` : "")
        : cell.reason;
      console.error(`${PEER_TITLES[peer]} ${workload}: ${summary} (${took} s)`);
    }
  }

  const totalSeconds = (performance.now() - started) / 1000;
  const environment = describeEnvironment(pythonTrio);
  const sections = [
    "",
    `## Benchmarks (${options.n.toLocaleString("en-US")} operations each; median of up to ${options.repeats} runs)`,
    "",
    markdownTable(results, options.n, options.peers),
    "",
    "Each cell: the median cost per operation; in brackets, that peer's cost divided by trio-workbook's (above 1× means the peer is slower or heavier).",
    `${environment}; total ${totalSeconds.toFixed(0)} s.`,
  ];
  const loadAfter = os.loadavg()[0]!;
  if (Math.max(loadBefore, loadAfter) > BUSY_LOAD) {
    sections.push(
      `Warning: the machine was busy (1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${os.cpus().length} CPUs); expect noisy numbers.`,
    );
  }
  const targets = targetLines(results);
  if (targets.length > 0) sections.push("", "Targets for trio-workbook (issue 2):", ...targets);
  sections.push("", "Primitives:", ...primitiveLines(results, options.peers));
  const phases = sleeperPhases(results, options.peers);
  if (phases.length > 0) sections.push("", "Sleepers, where the time goes (medians):", ...phases);
  const notes = footnotes(results, options.peers);
  if (notes.length > 0) sections.push("", "Notes:", ...notes);
  console.log(sections.join("\n"));

  if (options.json !== undefined) {
    const file = path.resolve(process.cwd(), options.json);
    const report = {
      generatedAt: new Date().toISOString(),
      environment: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, pythonTrio: pythonTrio.version },
      config: { n: options.n, repeats: options.repeats },
      loadAverage: { before: loadBefore, after: loadAfter },
      totalSeconds,
      results,
    };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`wrote ${file}`);
  }
}

/**
 * The other suites, each a standalone script with its own table: channels and locks (issue 3),
 * TCP echo (issue 4). Run after the core table, one at a time, in their own processes
 * (`--core-only` skips them; the slide runner's latency is `npm run bench:runner`).
 */
const EXTRA_SUITES = ["channel.ts", "echo.ts"];

function runExtraSuites(): void {
  for (const script of EXTRA_SUITES) {
    const file = path.join(REPO_ROOT, "bench", script);
    if (!existsSync(file)) continue;
    console.log(`\n## ${script}\n`);
    const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", file], { stdio: "inherit", cwd: REPO_ROOT });
    if (result.status !== 0) console.log(`(${script} failed with exit code ${result.status})`);
  }
}

main()
  .then(() => {
    if (!process.argv.includes("--core-only")) runExtraSuites();
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
