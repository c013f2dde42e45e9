import { cancelShieldedCheckpoint, checkpointIfCancelled } from "./checkpoints.ts";
import { ConflictDetector } from "./conflict-detector.ts";
import { currentTaskFor } from "./current.ts";
import { ClosedResourceError } from "./errors.ts";
import { Abort, type Task } from "./task.ts";

/** How many open receivers listen for each signal; `run`'s Ctrl-C handling steps aside for SIGINT receivers. */
export const openReceiverCounts = new Map<NodeJS.Signals, number>();

/**
 * Signals caught while it is open, as Trio's `open_signal_receiver`.
 * Iterate it (`for await`) or call `receive()`. A signal that arrives again
 * before the first was read is delivered once (signals coalesce, as in
 * Trio). Close it with `close()` or `using`; the signal's previous
 * behaviour (for SIGINT: `run` cancelling the main task; otherwise Node's
 * default, often terminating) comes back.
 * @example
 * ```ts
 * using receiver = trio.openSignalReceiver("SIGHUP", "SIGUSR1");
 * for await (const signal of receiver) {
 *   if (signal === "SIGHUP") reloadConfig();
 * }
 * ```
 */
export class SignalReceiver implements AsyncIterable<NodeJS.Signals> {
  readonly signals: readonly NodeJS.Signals[];
  readonly #pending = new Set<NodeJS.Signals>();
  readonly #conflict = new ConflictDetector("another task is already receiving from this SignalReceiver");
  #waiter: Task | null = null;
  #closed = false;

  /** @internal */
  constructor(signals: NodeJS.Signals[]) {
    this.signals = signals;
    for (const signal of signals) {
      process.on(signal, this.#onSignal);
      openReceiverCounts.set(signal, (openReceiverCounts.get(signal) ?? 0) + 1);
    }
  }

  #onSignal = (signal: NodeJS.Signals): void => {
    this.#pending.add(signal);
    const task = this.#waiter;
    if (task !== null) {
      this.#waiter = null;
      task.runner.reschedule(task);
    }
  };

  /** Waits for the next signal and returns its name. @throws ClosedResourceError once closed. */
  async receive(): Promise<NodeJS.Signals> {
    const task = currentTaskFor("SignalReceiver.receive()");
    this.#conflict.enter();
    try {
      if (this.#closed) throw new ClosedResourceError("SignalReceiver.receive(): the receiver was closed");
      if (this.#pending.size) await checkpointIfCancelled();
      else {
        this.#waiter = task;
        // A signal listener alone does not keep Node running: hold the process open while we wait.
        const keepAlive = setInterval(() => {}, 2 ** 30);
        try {
          await task.runner.park(task, () => {
            this.#waiter = null;
            return Abort.SUCCEEDED;
          });
        } finally {
          clearInterval(keepAlive);
        }
      }
      if (this.#closed) throw new ClosedResourceError("SignalReceiver.receive(): the receiver was closed");
      const [signal] = this.#pending;
      this.#pending.delete(signal!);
      await cancelShieldedCheckpoint();
      return signal!;
    } finally {
      this.#conflict.exit();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<NodeJS.Signals> {
    for (;;) yield await this.receive();
  }

  /** Stops catching the signals; a task waiting in `receive` gets ClosedResourceError. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const signal of this.signals) {
      process.off(signal, this.#onSignal);
      openReceiverCounts.set(signal, openReceiverCounts.get(signal)! - 1);
    }
    const task = this.#waiter;
    if (task !== null) {
      this.#waiter = null;
      task.runner.reschedule(task, { error: new ClosedResourceError("SignalReceiver.receive(): the receiver was closed") });
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Starts catching `signals` (names: `"SIGINT"`, `"SIGHUP"`, ...) until the
 * receiver is closed. Not a checkpoint. (`SIGKILL` and `SIGSTOP` cannot be
 * caught.)
 * @throws TypeError for no signal or one Node cannot listen to.
 * @example
 * ```ts
 * using receiver = trio.openSignalReceiver("SIGTERM");
 * await receiver.receive(); // returns "SIGTERM" when it arrives
 * ```
 */
export function openSignalReceiver(...signals: NodeJS.Signals[]): SignalReceiver {
  currentTaskFor("openSignalReceiver()");
  if (signals.length === 0) throw new TypeError("openSignalReceiver(): name at least one signal, e.g. openSignalReceiver(\"SIGHUP\")");
  for (const signal of signals) {
    if (typeof signal !== "string" || !/^SIG[A-Z0-9]+$/.test(signal) || signal === "SIGKILL" || signal === "SIGSTOP") {
      throw new TypeError(`openSignalReceiver(): cannot catch ${JSON.stringify(signal)}; pass signal names such as "SIGINT" or "SIGHUP"`);
    }
  }
  return new SignalReceiver([...new Set(signals)]);
}
