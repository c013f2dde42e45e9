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
export { OSError, type OSErrorOptions } from "./os-error.ts";
export { acloseForcefully } from "./aclose-forcefully.ts";
export { SocketStream } from "./socket-stream.ts";
export { SocketListener } from "./socket-listener.ts";
export { openTcpStream, type OpenTcpStreamOptions } from "./tcp.ts";
export { openTcpListeners, type OpenTcpListenersOptions } from "./tcp-listeners.ts";
export {
  serveListeners,
  serveTcp,
  reportHandlerError,
  type ServeListenersOptions,
  type ServeTcpOptions,
  type HandlerErrorReporter,
} from "./serve.ts";
export { Event, type EventStatistics } from "./event.ts";
export { Lock } from "./lock.ts";
export { StrictFIFOLock } from "./strict-fifo-lock.ts";
export type { LockStatistics } from "./lock-impl.ts";
export { Semaphore, type SemaphoreOptions, type SemaphoreStatistics } from "./semaphore.ts";
export { CapacityLimiter, type CapacityLimiterStatistics } from "./capacity-limiter.ts";
export { Condition, type ConditionStatistics } from "./condition.ts";
export { AcquireGuard } from "./acquire-guard.ts";
export { openMemoryChannel } from "./open-memory-channel.ts";
export { MemorySendChannel } from "./memory-send-channel.ts";
export { MemoryReceiveChannel } from "./memory-receive-channel.ts";
export type { MemoryChannelStatistics } from "./memory-channel-state.ts";
export { StapledStream } from "./stapled-stream.ts";
export {
  openProcess,
  runProcess,
  Process,
  CalledProcessError,
  type OpenProcessOptions,
  type RunProcessOptions,
  type CompletedProcess,
  type StdioSpec,
} from "./process.ts";
export { PipeSendStream, PipeReceiveStream } from "./pipe-streams.ts";
export { openSignalReceiver, SignalReceiver } from "./signals.ts";
export { KeyboardInterrupt } from "./keyboard-interrupt.ts";
export {
  openFile,
  wrapFile,
  AsyncFile,
  type FilePath,
  type BinaryFileMode,
  type FileEncoding,
  type OpenFileOptions,
  type WrapFileOptions,
} from "./file.ts";
export { Path, type TextOptions, type MkdirOptions } from "./path.ts";
export * as toThread from "./to-thread.ts";
