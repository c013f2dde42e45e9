/** `trio.testing`: tools for deterministic tests of concurrent code. */
export { MockClock, type MockClockOptions } from "./mock-clock.ts";
export { waitAllTasksBlocked } from "./wait-all-tasks-blocked.ts";
