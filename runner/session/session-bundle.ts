/**
 * The files a TypeScript session process runs: its entry point and the runtime, each bundled
 * into one ES module with esbuild, so that a session starts without a TypeScript loader.
 *
 * Rebuilt when a source file changes, so a runtime edited while the server runs is what the
 * next session gets.
 */
import { mkdir, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

/** Where the session's files are. */
export interface SessionBundle {
  /** The session process's entry point. */
  child: string;
  /** The bundled runtime, or `null` when it does not build; `runtimeError` then says why. */
  runtime: string | null;
  runtimeError: string | null;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD_ENTRY = path.join(HERE, "node-session-child.ts");
/** The repository's runtime entry point. */
export const RUNTIME_ENTRY = path.resolve(HERE, "../../runtime/index.ts");

interface Built {
  bundle: SessionBundle;
  inputs: Map<string, number>;
}

/**
 * Builds (or reuses) the bundles for a runtime entry point.
 */
export class SessionBundler {
  readonly #runtimeEntry: string;
  readonly #outDir: string;
  #built: Promise<Built> | null = null;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<SessionBundle> | null = null;

  /**
   * @param runtimeEntry - the runtime's entry file. @default the repository's `runtime/index.ts`
   * @param outDir - where bundles are written. @default a folder under the OS temp dir
   */
  constructor(runtimeEntry: string = RUNTIME_ENTRY, outDir?: string) {
    this.#runtimeEntry = runtimeEntry;
    const key = createHash("sha256").update(`${HERE}\0${runtimeEntry}`).digest("hex").slice(0, 12);
    this.#outDir = outDir ?? path.join(os.tmpdir(), `trio-workbook-session-${process.getuid?.() ?? "u"}-${key}`);
  }

  /** The current bundle; rebuilt first if any input changed since the last build. */
  async get(): Promise<SessionBundle> {
    // Many sessions starting at once share one look at the sources.
    if (this.#built && performance.now() - this.#checkedAt <= RECHECK_MS) return (await this.#built).bundle;
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  async #refresh(): Promise<SessionBundle> {
    if (this.#built) {
      const built = await this.#built;
      if (!(await changed(built.inputs))) {
        this.#checkedAt = performance.now();
        return built.bundle;
      }
    }
    this.#built = this.#build();
    this.#built.catch(() => (this.#built = null));
    const built = await this.#built;
    this.#checkedAt = performance.now();
    return built.bundle;
  }

  async #build(): Promise<Built> {
    await mkdir(this.#outDir, { recursive: true, mode: 0o700 });
    const inputs = new Map<string, number>();
    const child = path.join(this.#outDir, "session-child.mjs");
    const childResult = await build({
      ...BUILD_OPTIONS,
      entryPoints: [CHILD_ENTRY],
      outfile: child,
    });
    await recordInputs(childResult.metafile, inputs);
    const runtime = path.join(this.#outDir, "runtime.mjs");
    try {
      const runtimeResult = await build({ ...BUILD_OPTIONS, entryPoints: [this.#runtimeEntry], outfile: runtime });
      await recordInputs(runtimeResult.metafile, inputs);
      return { bundle: { child, runtime, runtimeError: null }, inputs };
    } catch (error) {
      // A failed build is retried for every new session: the fix may be a file not yet seen.
      inputs.set(this.#runtimeEntry, Number.NaN);
      const message = error instanceof Error ? error.message : String(error);
      return { bundle: { child, runtime: null, runtimeError: `the runtime does not build: ${message}` }, inputs };
    }
  }
}

/** Sources are looked at again for changes at most this often, in ms. */
const RECHECK_MS = 500;

const BUILD_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  metafile: true,
  logLevel: "silent",
  // Names stay readable: task names default to function names.
  keepNames: true,
} as const;

async function recordInputs(metafile: Metafile | undefined, into: Map<string, number>): Promise<void> {
  for (const input of Object.keys(metafile?.inputs ?? {})) {
    const file = path.resolve(input);
    into.set(file, await mtime(file));
  }
}

async function changed(inputs: Map<string, number>): Promise<boolean> {
  for (const [file, before] of inputs) {
    if ((await mtime(file)) !== before) return true;
  }
  return false;
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return -1;
  }
}
