import { checkAsyncFunction } from "./validate.ts";

/** Shared by every task started without arguments: one array fewer per task until it starts. */
const NO_ARGS: unknown[] = Object.freeze([]) as unknown as unknown[];

/** Options for spawning a task. */
export interface SpawnOptions {
  /** The task's name, shown by instruments and errors. @default the function's name */
  name?: string;
}

/**
 * Reads `([options,] fn, ...args)`: an optional leading options object, so
 * that the task's own arguments can be passed as they are.
 */
export function spawnArgs(
  what: string,
  input: unknown[],
): { options: SpawnOptions; fn: (...args: never[]) => unknown; args: unknown[] } {
  let options: SpawnOptions = {};
  let i = 0;
  const first = input[0];
  if (first !== null && typeof first === "object" && typeof (first as { then?: unknown }).then !== "function") {
    options = first as SpawnOptions;
    i = 1;
    if (options.name !== undefined && typeof options.name !== "string") {
      throw new TypeError(`${what}: options.name must be a string, got ${typeof options.name}`);
    }
  }
  const fn = input[i];
  checkAsyncFunction(fn, what);
  return { options, fn, args: input.length > i + 1 ? input.slice(i + 1) : NO_ARGS };
}
