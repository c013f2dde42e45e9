/**
 * Which instance of the runtime bundle the test file being loaded gets
 * (`.grader/generation.mjs`, loaded by Node itself so that it survives the
 * module resets between test files). The runner moves to the next
 * generation before each test file; the runtime's entry point in the
 * workspace imports `bundle.mjs?generation=<n>`, a fresh instance.
 */
let current = 0;

export function generation(): number {
  return current;
}

export function nextGeneration(): void {
  current += 1;
}
