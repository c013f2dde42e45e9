/**
 * The browser script, bundled from `client-main.ts` with esbuild on first request and kept.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The client's stylesheet, served as is. */
export const CLIENT_CSS = path.join(HERE, "runner.css");

let bundle: Promise<string> | null = null;

/** The bundled client script. */
export function clientScript(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(HERE, "client-main.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    // CodeMirror is most of the bundle: minified it is about 40 % of its size.
    minify: true,
    logLevel: "silent",
  }).then((result) => result.outputFiles[0]!.text);
  bundle.catch(() => (bundle = null));
  return bundle;
}
