/**
 * Node 20 gives a worker started with an explicit `execArgv` (vitest passes
 * one) none of the permission model's restrictions. This wraps
 * `worker_threads.Worker` so that every worker inherits the process's flags
 * (and so its permissions), with a heap limit of its own.
 */
import wt from "node:worker_threads";
import { syncBuiltinESMExports } from "node:module";

const PATCHED = Symbol.for("trio-workbook.grader.worker-permissions");

/**
 * Installs the wrapper in this thread (idempotent). `onWorker`, if given, is
 * told of every worker started from this thread (the driver uses it to stop
 * a worker stuck in a synchronous loop).
 */
export function enforceWorkerPermissions(heapMb: number | undefined, onWorker?: (worker: wt.Worker) => void): void {
  const current = wt.Worker as unknown as Record<symbol, boolean>;
  if (current[PATCHED]) return;
  const Original = wt.Worker;
  class PermissionWorker extends Original {
    static [PATCHED] = true;
    constructor(filename: string | URL, options: wt.WorkerOptions = {}) {
      const { execArgv: _dropped, ...rest } = options;
      const limits = heapMb === undefined ? rest.resourceLimits : { ...rest.resourceLimits, maxOldGenerationSizeMb: heapMb };
      super(filename, { ...rest, resourceLimits: limits });
      onWorker?.(this);
    }
  }
  (wt as { Worker: typeof wt.Worker }).Worker = PermissionWorker;
  syncBuiltinESMExports();
}
