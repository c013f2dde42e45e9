/**
 * Starting session processes: Node for TypeScript blocks, python3 for Python blocks.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SessionBundler } from "./session-bundle.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON_CHILD = path.join(HERE, "python_session_child.py");
/** Environment variables a session process inherits; nothing else of the server's environment. */
const INHERITED_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT", "PYTHONPATH", "VIRTUAL_ENV"];

/** Options shared by both kinds of session process. */
export interface SpawnOptions {
  /** Heap cap in MB. */
  memoryMb: number;
  /** The folder relative imports are resolved from, and the process's working directory. */
  baseDir: string;
  /**
   * Untrusted mode (serving a class): Node's permission model, reads limited to the repository
   * and the bundle, writes to the session's temp folder only, no child processes or workers;
   * and networking limited to loopback addresses (see `loopback-guard.ts`, defence in depth).
   * Python has no permission model: the server refuses Python blocks in this mode.
   */
  untrusted?: { readableDirs: string[]; writableDir: string } | null;
}

function sessionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

/**
 * Starts a TypeScript session process.
 *
 * @param bundler - provides the bundled child and runtime.
 * @param options - see {@link SpawnOptions}.
 */
export async function spawnNodeSession(bundler: SessionBundler, options: SpawnOptions): Promise<ChildProcess> {
  const bundle = await bundler.get();
  const execArgv = [`--max-old-space-size=${options.memoryMb}`, "--disable-warning=ExperimentalWarning"];
  if (options.untrusted) {
    execArgv.push(
      "--experimental-permission",
      ...[...options.untrusted.readableDirs, path.dirname(bundle.child)].map((dir) => `--allow-fs-read=${dir}`),
      `--allow-fs-write=${options.untrusted.writableDir}`,
    );
  }
  return fork(bundle.child, [], {
    execArgv,
    cwd: options.baseDir,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
    env: sessionEnv({
      TWB_RUNTIME: bundle.runtime ?? "",
      TWB_RUNTIME_ERROR: bundle.runtimeError ?? "",
      TWB_BASE_DIR: options.baseDir,
      // os.tmpdir() is then the one folder the run may write to.
      ...(options.untrusted ? { TWB_LOOPBACK_ONLY: "1", TMPDIR: options.untrusted.writableDir } : {}),
    }),
  });
}

/**
 * Starts a Python session process (CPython with Trio).
 *
 * @param options - see {@link SpawnOptions}; the heap cap does not apply to Python.
 */
export async function spawnPythonSession(options: SpawnOptions): Promise<ChildProcess> {
  return spawn("python3", ["-u", PYTHON_CHILD], {
    cwd: options.baseDir,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
    env: sessionEnv({ PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" }),
  });
}

let pythonCheck: Promise<string | null> | null = null;

/**
 * Whether `python3 -c "import trio"` works (checked once).
 *
 * @returns `null` when it does, else what to do about it.
 */
export function pythonUnavailable(): Promise<string | null> {
  pythonCheck ??= new Promise((resolve) => {
    execFile("python3", ["-c", "import trio"], { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) resolve(null);
      else if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        resolve("Python blocks need python3, which is not installed here. Install Python 3, then: python3 -m pip install trio");
      } else {
        resolve(`Python blocks need Trio, but \`python3 -c "import trio"\` failed (${stderr.trim().split("\n").pop()}). Install it with: python3 -m pip install trio`);
      }
    });
  });
  return pythonCheck;
}
