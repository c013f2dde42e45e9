import { isMainThread } from "node:worker_threads";
import { TrioError } from "./errors.ts";
import type { Runner } from "./runner.ts";
import { openReceiverCounts } from "./signals.ts";

/**
 * `trio.run` rejects with this when Ctrl-C (SIGINT) interrupted it, as
 * Python raises `KeyboardInterrupt`: the main task was cancelled first, so
 * its `finally` blocks ran. `cause` holds what the main task raised.
 */
export class KeyboardInterrupt extends TrioError {
  constructor(options?: { cause?: unknown }) {
    super("interrupted by SIGINT (Ctrl-C); the run was cancelled", options);
  }
}

/**
 * While `runner` runs, makes SIGINT cancel it instead of killing the
 * process. Installed only on the main thread, and only when nothing else
 * listens for SIGINT (a program with its own handler keeps it). A second
 * SIGINT during the same run gets Node's default (the process exits): the
 * way out of a cleanup that hangs. An open `openSignalReceiver("SIGINT")`
 * takes the signal instead.
 * @returns the uninstaller.
 * @internal
 */
export function interruptOnSigint(runner: Runner): () => void {
  if (!isMainThread || process.listenerCount("SIGINT") > 0) return () => {};
  const onSigint = () => {
    if ((openReceiverCounts.get("SIGINT") ?? 0) > 0) return;
    process.off("SIGINT", onSigint);
    runner.interrupt();
  };
  process.on("SIGINT", onSigint);
  return () => process.off("SIGINT", onSigint);
}
