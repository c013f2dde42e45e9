/**
 * trio-workbook's runtime: Trio's structured concurrency for TypeScript.
 *
 * Use it as a namespace: `import * as trio from "./runtime/index.ts"`.
 * Every public name is listed here, once.
 */
export { run, type RunCallOptions } from "./run.ts";
export type { RunOptions } from "./runner.ts";
export { openNursery, Nursery, type NurseryOptions, type TaskStatus } from "./nursery.ts";
export type { SpawnOptions } from "./spawn-args.ts";
export { CancelScope, type CancelScopeOptions } from "./cancel-scope.ts";
export { moveOnAfter, moveOnAt, failAfter, failAt, currentEffectiveDeadline } from "./timeouts.ts";
export { sleep, sleepUntil, sleepForever, currentTime } from "./sleep.ts";
export { cancellable } from "./cancellable.ts";
export {
  TrioError,
  Cancelled,
  TooSlowError,
  EndOfChannel,
  ClosedResourceError,
  BrokenResourceError,
  BusyResourceError,
  WouldBlock,
  RunFinishedError,
  TrioRuntimeError,
  TrioInternalError,
} from "./errors.ts";
export { ExceptionGroup } from "./exception-group.ts";
export * as lowlevel from "./lowlevel.ts";
export * as abc from "./abc.ts";
export * as testing from "./testing.ts";
