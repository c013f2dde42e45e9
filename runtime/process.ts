import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import os from "node:os";
import { CancelScope } from "./cancel-scope.ts";
import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { currentTaskFor } from "./current.ts";
import { BrokenResourceError, ClosedResourceError, TrioError } from "./errors.ts";
import { openNursery } from "./nursery.ts";
import { OSError } from "./os-error.ts";
import { PipeReceiveStream, PipeSendStream } from "./pipe-streams.ts";
import { sleep } from "./sleep.ts";
import { Abort, type Task } from "./task.ts";

/** Where a standard stream of the child goes: a pipe to this process, this process's own, nowhere, or a file descriptor. */
export type StdioSpec = "pipe" | "inherit" | "ignore" | number;

/** Options of {@link openProcess}. */
export interface OpenProcessOptions {
  /** Working directory of the child. @default this process's */
  cwd?: string;
  /** Environment of the child. @default this process's */
  env?: NodeJS.ProcessEnv;
  /** @default "inherit" */
  stdin?: StdioSpec;
  /** @default "inherit" */
  stdout?: StdioSpec;
  /** @default "inherit" */
  stderr?: StdioSpec;
  /** Run a command line through the shell (pass a string). @default false */
  shell?: boolean;
}

/**
 * A running child process, as Trio's `trio.Process`. Made by
 * {@link openProcess}. `stdin`, `stdout`, `stderr` are streams when they were
 * asked for as `"pipe"`, otherwise `null`.
 *
 * `returncode` is `null` while the child runs, then its exit code, or minus
 * the signal number when a signal ended it (`-15` for SIGTERM), as in
 * Python. Node's runtime reaps every child (no zombies).
 * @example
 * ```ts
 * const proc = await trio.openProcess(["sleep", "10"]);
 * proc.terminate();
 * console.log(await proc.wait()); // -15
 * ```
 */
export class Process {
  /** The command, as given. */
  readonly args: readonly string[] | string;
  /** The child's process id. */
  readonly pid: number;
  /** The child's stdin, when it is a pipe. */
  readonly stdin: PipeSendStream | null;
  /** The child's stdout, when it is a pipe. */
  readonly stdout: PipeReceiveStream | null;
  /** The child's stderr, when it is a pipe. */
  readonly stderr: PipeReceiveStream | null;
  /** The underlying Node child process. */
  readonly child: ChildProcess;
  #returncode: number | null = null;
  #waiters = new Set<Task>();

  /** @internal */
  constructor(args: readonly string[] | string, child: ChildProcess) {
    this.args = args;
    this.child = child;
    this.pid = child.pid!;
    this.stdin = child.stdin ? new PipeSendStream(child.stdin, "Process.stdin") : null;
    this.stdout = child.stdout ? new PipeReceiveStream(child.stdout, "Process.stdout") : null;
    this.stderr = child.stderr ? new PipeReceiveStream(child.stderr, "Process.stderr") : null;
    child.on("exit", (code, signal) => {
      this.#returncode = code ?? -(os.constants.signals[signal as NodeJS.Signals] ?? 1);
      for (const task of this.#waiters) task.runner.reschedule(task);
      this.#waiters.clear();
    });
  }

  /** Exit code, `-signal`, or `null` while running. */
  get returncode(): number | null {
    return this.#returncode;
  }

  /** The exit status without waiting (`null`: still running). */
  poll(): number | null {
    return this.#returncode;
  }

  /**
   * Waits for the child to exit. Cancellable: cancelling stops the wait,
   * not the child.
   * @returns the `returncode`.
   */
  async wait(): Promise<number> {
    if (this.#returncode !== null) {
      await checkpointIfCancelled();
      await cancelShieldedCheckpoint();
      return this.#returncode;
    }
    const task = currentTaskFor("Process.wait()");
    this.#waiters.add(task);
    await task.runner.park(task, () => {
      this.#waiters.delete(task);
      return Abort.SUCCEEDED;
    });
    return this.#returncode!;
  }

  /** Sends `signal` (a name like `"SIGHUP"` or a number); does nothing once the child has exited. */
  sendSignal(signal: NodeJS.Signals | number): void {
    if (this.#returncode === null) this.child.kill(signal);
  }

  /** Asks the child to stop (SIGTERM). */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** Stops the child at once (SIGKILL). */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /**
   * Closes the pipes and waits for the child to exit; if cancelled while
   * waiting, kills it (and still waits for it to be gone).
   */
  async aclose(): Promise<void> {
    for (const stream of [this.stdin, this.stdout, this.stderr]) {
      if (stream !== null) await closeQuietly(stream);
    }
    try {
      await this.wait();
    } finally {
      if (this.#returncode === null) {
        this.kill();
        await new CancelScope({ shield: true }).run(() => this.wait());
      }
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }
}

async function closeQuietly(stream: { aclose(): Promise<void> }): Promise<void> {
  const scope = new CancelScope({ shield: true });
  await scope.run(() => stream.aclose());
}

/**
 * Starts a child process, as Trio's `trio.lowlevel.open_process`: returns
 * once it runs, without waiting for it. Give `argv` as an array (no shell)
 * or a string with `{ shell: true }`.
 *
 * You own the result: wait for it, or close it with `aclose()` / `await using`.
 * @throws OSError when the program cannot be started (`ENOENT`: not found; `EACCES`).
 * @example
 * ```ts
 * await using proc = await trio.openProcess(["cat"], { stdin: "pipe", stdout: "pipe" });
 * await proc.stdin!.sendAll("hi");
 * await proc.stdin!.aclose();
 * ```
 */
export async function openProcess(argv: readonly string[] | string, options: OpenProcessOptions = {}): Promise<Process> {
  const shell = options.shell ?? false;
  if (typeof argv === "string" && !shell) {
    throw new TypeError(`openProcess(): a command string needs { shell: true }; to run without a shell pass an array, got ${JSON.stringify(argv)}`);
  }
  if (Array.isArray(argv) && (argv.length === 0 || !argv.every((a) => typeof a === "string"))) {
    throw new TypeError(`openProcess(): argv must be a non-empty array of strings, got ${JSON.stringify(argv)}`);
  }
  if (shell && typeof argv !== "string") throw new TypeError("openProcess(): with { shell: true } pass the command line as one string");
  await checkpointIfCancelled();
  const stdio: StdioOptions = [options.stdin ?? "inherit", options.stdout ?? "inherit", options.stderr ?? "inherit"];
  const child =
    typeof argv === "string"
      ? spawn(argv, { cwd: options.cwd, env: options.env, stdio, shell: true })
      : spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio });
  const task = currentTaskFor("openProcess()");
  let settled = false;
  const started = task.runner.park(task, () => Abort.FAILED); // the spawn outcome comes within a tick
  child.once("spawn", () => {
    if (settled) return;
    settled = true;
    task.runner.reschedule(task);
  });
  child.once("error", (error) => {
    if (settled) return;
    settled = true;
    const what = typeof argv === "string" ? argv : argv[0]!;
    task.runner.reschedule(task, { error: OSError.from(error, `start ${JSON.stringify(what)}`) });
  });
  await started;
  child.on("error", () => {}); // later errors (a failed kill) are reported through the streams and wait()
  return new Process(argv, child);
}

/** What {@link runProcess} returns. */
export interface CompletedProcess {
  args: readonly string[] | string;
  returncode: number;
  /** Captured stdout (a `Buffer`: `.toString()` decodes UTF-8), or `null` when not captured. */
  stdout: Buffer | null;
  /** Captured stderr, or `null` when not captured. */
  stderr: Buffer | null;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions extends Omit<OpenProcessOptions, "stdin"> {
  /** Bytes (or UTF-8 text) to feed to stdin, which is then closed. @default empty input */
  input?: Uint8Array | string;
  /** Capture both stdout and stderr. @default false */
  capture?: boolean;
  /** Capture stdout. @default `capture` */
  captureStdout?: boolean;
  /** Capture stderr. @default `capture` */
  captureStderr?: boolean;
  /** Raise {@link CalledProcessError} when the exit status is not 0. @default true */
  check?: boolean;
  /**
   * How to stop the child when `runProcess` is cancelled. @default SIGTERM, then SIGKILL after
   * 5 seconds; either way `runProcess` waits until the child is gone.
   */
  deliverCancel?: (proc: Process) => Promise<void>;
}

/**
 * A child process exited with a non-zero status under `check: true`, as
 * Python's `subprocess.CalledProcessError`: `returncode`, `cmd`, and the
 * captured `stdout` / `stderr`.
 */
export class CalledProcessError extends TrioError {
  constructor(
    readonly returncode: number,
    readonly cmd: readonly string[] | string,
    readonly stdout: Buffer | null,
    readonly stderr: Buffer | null,
  ) {
    const how = returncode < 0 ? `died of signal ${-returncode}` : `exited with status ${returncode}`;
    const tail = stderr?.length ? `; stderr: ${stderr.toString("utf8").trim().slice(0, 500)}` : "";
    super(`command ${JSON.stringify(cmd)} ${how}${tail}`);
  }
}

/** Trio's default: SIGTERM, a grace period, then SIGKILL. */
export async function defaultDeliverCancel(proc: Process): Promise<void> {
  proc.terminate();
  await sleep(5);
  process.stderr.write(`runProcess: ${JSON.stringify(proc.args)} (pid ${proc.pid}) ignored SIGTERM for 5 s; sending SIGKILL\n`);
  proc.kill();
}

async function readAll(stream: PipeReceiveStream, into: Buffer[]): Promise<void> {
  for (let d = await stream.receiveSome(); d.length; d = await stream.receiveSome()) into.push(Buffer.from(d.buffer, d.byteOffset, d.length));
}

/**
 * Runs a command to completion, as Trio's `run_process`: feeds it `input`,
 * optionally captures its output, waits for it to exit, and by default
 * raises if it failed.
 *
 * Cancellable: on cancellation the child is stopped (`deliverCancel`:
 * SIGTERM, then SIGKILL after 5 s), waited for (no zombie is left), and
 * `Cancelled` propagates.
 *
 * @returns `{ args, returncode, stdout, stderr }`.
 * @throws CalledProcessError when `check` (the default) and the status is not 0.
 * @throws OSError when the program cannot be started.
 * @example
 * ```ts
 * const result = await trio.runProcess(["git", "rev-parse", "HEAD"], { captureStdout: true });
 * console.log(result.stdout!.toString().trim());
 * ```
 */
export async function runProcess(argv: readonly string[] | string, options: RunProcessOptions = {}): Promise<CompletedProcess> {
  const captureStdout = options.captureStdout ?? options.capture ?? false;
  const captureStderr = options.captureStderr ?? options.capture ?? false;
  const deliverCancel = options.deliverCancel ?? defaultDeliverCancel;
  const proc = await openProcess(argv, {
    cwd: options.cwd,
    env: options.env,
    shell: options.shell,
    stdin: "pipe",
    stdout: captureStdout ? "pipe" : (options.stdout ?? "inherit"),
    stderr: captureStderr ? "pipe" : (options.stderr ?? "inherit"),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  try {
    await openNursery(async (n) => {
      n.startSoon(async () => {
        try {
          if (options.input !== undefined && options.input.length) await proc.stdin!.sendAll(options.input);
        } catch (error) {
          // A child that exits without reading its input is not an error of ours.
          if (!(error instanceof BrokenResourceError || error instanceof ClosedResourceError)) throw error;
        } finally {
          await closeQuietly(proc.stdin!);
        }
      });
      if (proc.stdout !== null) n.startSoon(readAll, proc.stdout, out);
      if (proc.stderr !== null) n.startSoon(readAll, proc.stderr, err);
      await proc.wait();
    });
  } finally {
    if (proc.returncode === null) {
      // Cancelled (or a reader failed): stop the child and wait until it is gone, shielded.
      await new CancelScope({ shield: true }).run(() =>
        openNursery(async (n) => {
          n.startSoon(() => deliverCancel(proc));
          await proc.wait();
          n.cancelScope.cancel();
        }),
      );
    }
  }
  const result: CompletedProcess = {
    args: argv,
    returncode: proc.returncode!,
    stdout: captureStdout ? Buffer.concat(out) : null,
    stderr: captureStderr ? Buffer.concat(err) : null,
  };
  if ((options.check ?? true) && result.returncode !== 0) {
    throw new CalledProcessError(result.returncode, argv, result.stdout, result.stderr);
  }
  return result;
}
