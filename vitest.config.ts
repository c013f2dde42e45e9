import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Concurrency tests run on the mock clock; the few that touch real sockets
    // or child processes still need room on a loaded 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
