/** `trio.testing`: tools for deterministic tests of concurrent code. */
export { MockClock, type MockClockOptions } from "./mock-clock.ts";
export { waitAllTasksBlocked } from "./wait-all-tasks-blocked.ts";
export { Sequencer } from "./sequencer.ts";
export { assertCheckpoints, assertNoCheckpoints } from "./assert-checkpoints.ts";
export { trioTest } from "./trio-test.ts";
export { openStreamToSocketListener } from "./open-stream-to-socket-listener.ts";
export {
  MemorySendStream,
  MemoryReceiveStream,
  memoryStreamPump,
  memoryStreamOneWayPair,
  memoryStreamPair,
  type MemorySendStreamHooks,
  type MemoryReceiveStreamHooks,
} from "./memory-streams.ts";
export { LockstepSendStream, LockstepReceiveStream, lockstepStreamOneWayPair, lockstepStreamPair } from "./lockstep-stream.ts";
export { checkOneWayStream, checkTwoWayStream, checkHalfCloseableStream, StreamCheckError, type StreamMaker } from "./stream-checks.ts";
