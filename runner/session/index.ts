/** Sessions: child processes that run a viewer's blocks, and the protocol to speak to them. */
export type { ParentMessage, ChildMessage, RunStep, RunMessage, CancelMessage, DoneMessage } from "./protocol.ts";
export { transformBlock, BlockSyntaxError, HELPER, type TransformOptions, type TransformedBlock } from "./transform-block.ts";
export { Run, type RunEvent, type RunStatus } from "./run.ts";
export { Session, type SessionLimits, type SpawnSession } from "./session.ts";
export { SessionManager, type SessionEntry, type SessionManagerOptions } from "./session-manager.ts";
export { SessionBundler, RUNTIME_ENTRY, type SessionBundle } from "./session-bundle.ts";
export { spawnNodeSession, spawnPythonSession, pythonUnavailable, type SpawnOptions } from "./spawn.ts";
export { ProcessPool, PRESTARTED, type ProcessPoolOptions } from "./process-pool.ts";
export { toRunStep } from "./run-step.ts";
export { installLoopbackGuard, isLoopback, LoopbackOnlyError } from "./loopback-guard.ts";
