import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { BlockSyntaxError, transformBlock } from "../../runner/session/transform-block.ts";

/** Evaluates transformed blocks one after the other in one context, as a session does. */
function session() {
  const context = vm.createContext({ __twb: { import: (s: string) => import(s) } });
  return async (source: string, mode: "block" | "console" = "block") =>
    new vm.Script(transformBlock(source, { mode }).code).runInContext(context) as Promise<unknown>;
}

describe("transformBlock", () => {
  it("makes top-level declarations visible to later blocks", async () => {
    const run = session();
    await run("const x: number = 41; function f() { return x + 1; } class C { v = f(); }");
    expect(await run("new C().v", "console")).toBe(42);
  });

  it("lets a later block redefine a name that earlier functions call", async () => {
    const run = session();
    await run("function handler() { return 'old'; } function main() { return handler(); }");
    await run("function handler() { return 'new'; }");
    expect(await run("main()", "console")).toBe("new");
  });

  it("supports destructuring, top-level await and imports", async () => {
    const run = session();
    await run("import { platform } from 'node:os'; const { a, b: [c = 3, ...d] } = { a: 1, b: [undefined, 4, 5] }; const w = await Promise.resolve(7);");
    expect(await run("[typeof platform, a, c, d, w]", "console")).toEqual(["function", 1, 3, [4, 5], 7]);
  });

  it("hoists function declarations within a block", async () => {
    expect(await session()("const v = later(); function later() { return 5; } v", "console")).toBe(5);
  });

  it("lists the names a block defines and drops type-only imports", () => {
    const { names, code } = transformBlock("import type { T } from 'x'; interface I {} const a = 1; let [b] = [2];");
    expect(names).toEqual(["a", "b"]);
    expect(code).not.toContain("import");
  });

  it("throws BlockSyntaxError with the place of the error", () => {
    expect(() => transformBlock("const = ;", { fileName: "block-2.ts" })).toThrow(BlockSyntaxError);
    expect(() => transformBlock("const = ;", { fileName: "block-2.ts" })).toThrow(/block-2\.ts:1:7/);
  });
});
