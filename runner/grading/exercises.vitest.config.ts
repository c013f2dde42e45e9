/**
 * The vitest configuration of the exercises' tests, for `check` and the
 * meta-tests (not the sandboxed grader, which has its own: see
 * `sandbox/driver.ts`).
 *
 * `TRIO_EXERCISE_TARGET=solutions` runs the same tests against the reference
 * solutions: an import of the student's file from a test (`./two-tasks.ts`
 * from `exercises/01-two-tasks/two-tasks.test.ts`) resolves to
 * `solutions/01-two-tasks/two-tasks.ts` instead. The tests never name the
 * solutions themselves.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TEST_FILE = /[\\/]exercises[\\/](\d\d-[^\\/]+)[\\/][^\\/]+\.test\.ts$/;

/** Redirects a test's `./<file>.ts` import to `solutions/<exercise>/<file>.ts` when that exists. */
export function solutionsRedirect(root: string): Plugin {
  return {
    name: "trio-workbook:solutions-redirect",
    enforce: "pre",
    resolveId(source, importer) {
      if (importer === undefined || !source.startsWith("./")) return null;
      const match = TEST_FILE.exec(importer);
      if (match === null) return null;
      const candidate = path.join(root, "solutions", match[1]!, source.slice(2));
      return existsSync(candidate) ? candidate : null;
    },
  };
}

export default defineConfig({
  root: ROOT,
  plugins: process.env.TRIO_EXERCISE_TARGET === "solutions" ? [solutionsRedirect(ROOT)] : [],
  test: {
    include: ["exercises/*/*.test.ts"],
    testTimeout: 10_000,
    hookTimeout: 10_000,
  },
});
