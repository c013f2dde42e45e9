/**
 * Module resolution hooks of the sandbox (registered by `preload.ts`).
 *
 * The permission model forbids native addons, and vite loads rollup's native
 * parser; `@rollup/wasm-node` is the same parser compiled to WebAssembly.
 */
type Resolve = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<unknown> {
  if (specifier === "rollup" || specifier.startsWith("rollup/")) {
    return next(`@rollup/wasm-node${specifier.slice("rollup".length)}`, context);
  }
  return next(specifier, context);
}
