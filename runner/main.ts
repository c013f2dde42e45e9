/**
 * `npm start`: serves the course on 127.0.0.1 and prints its URL, token included.
 *
 *     npx tsx runner/main.ts [--port 8077] [--host 127.0.0.1] [--allow-host name] [--serve-class] [--pool 4]
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createApp } from "./app.ts";
import {
  DEFAULT_GRACE_MS, DEFAULT_IDLE_MS, DEFAULT_MAX_RUNS_PER_VIEWER, DEFAULT_MAX_SESSIONS, DEFAULT_MEMORY_MB,
  DEFAULT_OUTPUT_CAP_BYTES, DEFAULT_POOL_SIZE, DEFAULT_PORT, DEFAULT_WALL_TIME_SECONDS,
} from "./config.ts";
import { createToken, LOOPBACK_HOSTS } from "./http/security.ts";
import { ProcessPool } from "./session/process-pool.ts";
import { toRunStep } from "./session/run-step.ts";
import { SessionBundler } from "./session/session-bundle.ts";
import { SessionManager } from "./session/session-manager.ts";
import { spawnNodeSession, spawnPythonSession } from "./session/spawn.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PYTHON_IN_CLASS = "Python blocks do not run when the server serves a class (--serve-class): Python has no permission model to confine other people's code. Run them on your own machine with npm start.";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: String(DEFAULT_PORT) },
    host: { type: "string", default: "127.0.0.1" },
    "allow-host": { type: "string", multiple: true, default: [] },
    "serve-class": { type: "boolean", default: false },
    pool: { type: "string", default: String(DEFAULT_POOL_SIZE) },
    slides: { type: "string", default: path.join(ROOT, "slides") },
    exercises: { type: "string", default: path.join(ROOT, "exercises") },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(`Usage: npx tsx runner/main.ts [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--allow-host <name>]... [--serve-class] [--pool ${DEFAULT_POOL_SIZE}]
  --pool N       TypeScript session processes kept started, so that first Runs do not wait (0: none)
  --serve-class  other people's browsers reach the server: every run is untrusted (Node's permission model,
                 loopback-only network, a session per viewer, run caps; Python blocks are refused)`);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Expected --port to be a port number, got \`${values.port}\`.`);
  process.exit(2);
}

const poolSize = Number(values.pool);
if (!Number.isInteger(poolSize) || poolSize < 0) {
  console.error(`Expected --pool to be a whole number from 0, got \`${values.pool}\`.`);
  process.exit(2);
}

const untrusted = values["serve-class"];
const slidesDir = path.resolve(values.slides);
const bundler = new SessionBundler();
const tempRoot = untrusted ? mkdtempSync(path.join(os.tmpdir(), "trio-workbook-class-")) : null;
const spawnOptions = () => ({
  memoryMb: DEFAULT_MEMORY_MB,
  baseDir: slidesDir,
  // Each untrusted session writes to a folder of its own.
  untrusted: tempRoot ? { readableDirs: [ROOT], writableDir: mkdtempSync(path.join(tempRoot, "session-")) } : null,
});
const pool = new ProcessPool({ spawn: () => spawnNodeSession(bundler, spawnOptions()), size: poolSize, version: () => bundler.get() });
const sessions = new SessionManager({
  limits: {
    wallTimeMs: DEFAULT_WALL_TIME_SECONDS * 1000,
    graceMs: DEFAULT_GRACE_MS,
    outputCapBytes: DEFAULT_OUTPUT_CAP_BYTES,
    memoryMb: DEFAULT_MEMORY_MB,
  },
  spawn: (language) => () => (language === "python" ? spawnPythonSession(spawnOptions()) : pool.take()),
  maxSessions: DEFAULT_MAX_SESSIONS,
  maxRunsPerViewer: untrusted ? DEFAULT_MAX_RUNS_PER_VIEWER : Number.POSITIVE_INFINITY,
  idleMs: DEFAULT_IDLE_MS,
});
const token = createToken();
const app = createApp({
  slidesDir,
  exercisesDir: path.resolve(values.exercises),
  token,
  sessions,
  allowedHosts: [...LOOPBACK_HOSTS, ...values["allow-host"]],
  // Python has no permission model to confine an untrusted run with.
  ...(untrusted ? { pythonUnavailable: async () => PYTHON_IN_CLASS } : {}),
});

// Warm the session bundle and the TypeScript transform, so that the first Run waits for neither.
void bundler.get().catch(() => {});
toRunStep("typescript", "const warm = 0;", "warm-up", "block");
const server = app.listen(port, values.host, () => {
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const host = values.host.includes(":") ? `[${values.host}]` : values.host;
  console.log(`trio-workbook: http://${host}:${actualPort}/?token=${token}`);
  if (untrusted) console.log("Serving a class: every run is untrusted.");
});
server.on("error", (error: NodeJS.ErrnoException) => {
  console.error(error.code === "EADDRINUSE" ? `Port ${port} is in use: pass --port <another> (or 0 for any free port).` : error.message);
  process.exit(1);
});
const shutdown = () => {
  pool.close();
  sessions.close();
  server.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
