/** `trio.lowlevel`: the primitives the rest of the runtime is built from. */
export { checkpoint, checkpointIfCancelled, cancelShieldedCheckpoint } from "./checkpoints.ts";
export {
  currentTask,
  currentRootTask,
  currentClock,
  currentStatistics,
  addInstrument,
  removeInstrument,
  spawnSystemTask,
  currentCancelSignal,
} from "./introspection.ts";
export { waitTaskRescheduled, reschedule } from "./park.ts";
export { Abort, Task, type AbortFn } from "./task.ts";
export type { Outcome } from "./outcome.ts";
export type { RunStatistics } from "./runner.ts";
export { RunVar, type RunVarToken } from "./run-var.ts";
export { ContextVar, type ContextVarToken } from "./context-var.ts";
export {
  ParkingLot,
  addParkingLotBreaker,
  removeParkingLotBreaker,
  type ParkingLotStatistics,
  type UnparkOptions,
} from "./parking-lot.ts";
