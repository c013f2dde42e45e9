import type { Dirent, Stats } from "node:fs";
import * as fsp from "node:fs/promises";
import { homedir } from "node:os";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cancellable } from "./cancellable.ts";
import { describe } from "./errors.ts";
import { openFile, type AsyncFile, type BinaryFileMode, type FileEncoding, type OpenFileOptions } from "./file.ts";

/** Error codes that mean "there is nothing there" to `exists`/`isFile`/`isDir`. */
const MISSING_CODES = new Set(["ENOENT", "ENOTDIR"]);

/** Options of {@link Path.readText} and {@link Path.writeText}. */
export interface TextOptions {
  /** @default "utf8" */
  encoding?: FileEncoding;
}

/** Options of {@link Path.mkdir}. */
export interface MkdirOptions {
  /** Create missing parents too. @default false */
  parents?: boolean;
  /** Do not fail when the directory already exists. @default false */
  existOk?: boolean;
  /** Permission bits. @default 0o777 (before the umask) */
  mode?: number;
}

/**
 * A file system path with async methods for the file system: Trio's
 * `trio.Path` (Python's `pathlib.Path` with its I/O awaited), on
 * `fs.promises`. Pure path operations (`joinpath`, `name`, `parent`,
 * `suffix`, ...) are synchronous; every method that touches the file system
 * is async and a checkpoint. Paths are immutable.
 *
 * **Cancellation.** `readText`, `readBytes`, `writeText` and `writeBytes`
 * pass an `AbortSignal` to Node, so a cancelled call stops the operation
 * itself (a cancelled write may leave the file partly written). The others
 * (`stat`, `mkdir`, `unlink`, `rename`, `iterdir`, `glob`, ...) cannot be
 * stopped once handed to the OS: the task raises `Cancelled` at once and
 * the operation completes in the background.
 *
 * @example
 * ```ts
 * const dir = new trio.Path(os.tmpdir(), "demo");
 * await dir.mkdir({ existOk: true });
 * await dir.joinpath("hello.txt").writeText("hi\n");
 * for (const p of await dir.glob("*.txt")) console.log(p.name, await p.readText());
 * ```
 */
export class Path {
  readonly #path: string;

  /**
   * @param segments joined as by `path.join`; a `file:` URL or another `Path` works too. No segments: `"."`.
   * @throws TypeError for a segment that is not a string, URL or Path.
   */
  constructor(...segments: Array<string | URL | Path>) {
    const parts = segments.map((segment, i) => {
      if (typeof segment === "string") return segment;
      if (segment instanceof Path) return segment.#path;
      if (segment instanceof URL) return fileURLToPath(segment);
      throw new TypeError(`new Path(): segment ${i} must be a string, URL or Path, got ${describe(segment)}`);
    });
    this.#path = parts.length === 0 ? "." : nodePath.join(...parts);
  }

  /** The current working directory. @example trio.Path.cwd().toString() */
  static cwd(): Path {
    return new Path(process.cwd());
  }

  /** The user's home directory. @example trio.Path.home().joinpath(".config") */
  static home(): Path {
    return new Path(homedir());
  }

  /** The path as a string. @example `${path}` */
  toString(): string {
    return this.#path;
  }

  /** How `console.log` shows it: `Path("/tmp/x")`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Path(${JSON.stringify(this.#path)})`;
  }

  /** So that `JSON.stringify` writes the string. */
  toJSON(): string {
    return this.#path;
  }

  /** The last component: `"b.tar.gz"` for `a/b.tar.gz`. @example new trio.Path("a/b.txt").name // "b.txt" */
  get name(): string {
    return nodePath.basename(this.#path);
  }

  /** The last suffix: `".gz"` for `b.tar.gz`, `""` for `.bashrc`. @example new trio.Path("b.txt").suffix // ".txt" */
  get suffix(): string {
    return nodePath.extname(this.#path);
  }

  /** Every suffix: `[".tar", ".gz"]`. @example new trio.Path("b.tar.gz").suffixes */
  get suffixes(): string[] {
    const name = this.name.replace(/^\.+/, "");
    return name.includes(".") ? name.slice(name.indexOf(".")).match(/\.[^.]*/g)! : [];
  }

  /** The name without its last suffix. @example new trio.Path("b.tar.gz").stem // "b.tar" */
  get stem(): string {
    return nodePath.basename(this.#path, this.suffix);
  }

  /** The directory containing it (`"."` for a bare name; `/` is its own parent). @example new trio.Path("a/b").parent // a */
  get parent(): Path {
    return new Path(nodePath.dirname(this.#path));
  }

  /** The components: `["/", "a", "b"]` for `/a/b`. @example new trio.Path("a/b").parts // ["a", "b"] */
  get parts(): string[] {
    const { root } = nodePath.parse(this.#path);
    const rest = this.#path.slice(root.length).split(nodePath.sep).filter((part) => part !== "");
    return root === "" ? rest : [root, ...rest];
  }

  /** A new path with `segments` appended (an absolute segment starts over). @example dir.joinpath("sub", "f.txt") */
  joinpath(...segments: Array<string | Path>): Path {
    return new Path(
      segments.reduce<string>((acc, segment) => {
        const next = String(segment);
        return nodePath.isAbsolute(next) ? next : nodePath.join(acc, next);
      }, this.#path),
    );
  }

  /** The same path with another name. @example p.withName("other.txt") */
  withName(name: string): Path {
    if (this.name === "") throw new TypeError(`Path.withName(): ${this.#path} has no name to replace`);
    return this.parent.joinpath(name);
  }

  /** The same path with another last suffix (`""` removes it). @example p.withSuffix(".json") */
  withSuffix(suffix: string): Path {
    if (suffix !== "" && !suffix.startsWith(".")) throw new TypeError(`Path.withSuffix(): the suffix must start with ".", got ${describe(suffix)}`);
    return this.parent.joinpath(this.stem + suffix);
  }

  /** Whether it starts at the root. @example new trio.Path("/tmp").isAbsolute() // true */
  isAbsolute(): boolean {
    return nodePath.isAbsolute(this.#path);
  }

  /** The absolute path (against the current directory; symlinks kept). @example trio.Path.cwd().absolute() */
  absolute(): Path {
    return new Path(nodePath.resolve(this.#path));
  }

  /** This path relative to `other`. @example new trio.Path("/a/b/c").relativeTo("/a") // b/c */
  relativeTo(other: string | Path): Path {
    return new Path(nodePath.relative(String(other), this.#path));
  }

  /** Whether both name the same path, textually. @example p.equals(q) */
  equals(other: string | Path): boolean {
    return nodePath.normalize(String(other)) === this.#path;
  }

  /** The `file:` URL. @example p.asUri() // "file:///tmp/x" */
  asUri(): string {
    return pathToFileURL(this.absolute().#path).href;
  }

  /**
   * The absolute path with symlinks resolved; the part that does not exist is kept as written.
   * @example const real = await p.resolve();
   */
  async resolve(): Promise<Path> {
    const absolute = nodePath.resolve(this.#path);
    const real = async (): Promise<string> => {
      let existing = absolute;
      for (;;) {
        try {
          return nodePath.join(await fsp.realpath(existing), nodePath.relative(existing, absolute));
        } catch (error) {
          const parent = nodePath.dirname(existing);
          if (!isMissing(error) || parent === existing) throw error;
          existing = parent;
        }
      }
    };
    return new Path(await cancellable(real));
  }

  /** `fs.stat` (symlinks followed). @throws Node's error, e.g. `ENOENT`. @example (await p.stat()).size */
  stat(): Promise<Stats> {
    return cancellable(() => fsp.stat(this.#path));
  }

  /** `fs.lstat` (a symlink itself). @example (await p.lstat()).isSymbolicLink() */
  lstat(): Promise<Stats> {
    return cancellable(() => fsp.lstat(this.#path));
  }

  /** Whether something exists there (a broken symlink does not). @example if (await p.exists()) ... */
  async exists(): Promise<boolean> {
    return (await this.#statOrNull()) !== null;
  }

  /** Whether it is a regular file (following symlinks). @example await p.isFile() */
  async isFile(): Promise<boolean> {
    return (await this.#statOrNull())?.isFile() ?? false;
  }

  /** Whether it is a directory (following symlinks). @example await p.isDir() */
  async isDir(): Promise<boolean> {
    return (await this.#statOrNull())?.isDirectory() ?? false;
  }

  /** Whether it is a symbolic link. @example await p.isSymlink() */
  async isSymlink(): Promise<boolean> {
    try {
      return (await this.lstat()).isSymbolicLink();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /**
   * The whole file as text. Cancelling stops the read.
   * @throws Node's error, e.g. `ENOENT`, `EISDIR`.
   * @example const text = await p.readText();
   */
  readText(options: TextOptions = {}): Promise<string> {
    const encoding = options.encoding === "latin1" ? "latin1" : "utf8";
    return cancellable((signal) => fsp.readFile(this.#path, { encoding, signal }));
  }

  /** The whole file as bytes. Cancelling stops the read. @example const bytes = await p.readBytes(); */
  readBytes(): Promise<Buffer> {
    return cancellable((signal) => fsp.readFile(this.#path, { signal }));
  }

  /**
   * Replaces the file's content with `data` (creating the file). Cancelling
   * stops the write, possibly with part of `data` written.
   * @example await p.writeText("hello\n");
   */
  writeText(data: string, options: TextOptions = {}): Promise<void> {
    if (typeof data !== "string") return Promise.reject(new TypeError(`Path.writeText(): expected a string, got ${describe(data)}`));
    const encoding = options.encoding === "latin1" ? "latin1" : "utf8";
    return cancellable((signal) => fsp.writeFile(this.#path, data, { encoding, signal }));
  }

  /** Replaces the file's content with `data`, as {@link writeText}. @example await p.writeBytes(new Uint8Array([1, 2])); */
  writeBytes(data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) return Promise.reject(new TypeError(`Path.writeBytes(): expected a Uint8Array, got ${describe(data)}`));
    return cancellable((signal) => fsp.writeFile(this.#path, data, { signal }));
  }

  /**
   * Opens the file: {@link openFile} with this path.
   * @example await using f = await p.open("a");
   */
  open(mode: BinaryFileMode, options?: OpenFileOptions): Promise<AsyncFile<Buffer>>;
  open(mode?: string, options?: OpenFileOptions): Promise<AsyncFile<string>>;
  open(mode = "r", options: OpenFileOptions = {}): Promise<AsyncFile<string | Buffer>> {
    return openFile(this, mode, options);
  }

  /**
   * Creates the directory.
   * @throws Node's error: `EEXIST` (unless `existOk`), `ENOENT` for a missing parent (unless `parents`).
   * @example await p.mkdir({ parents: true, existOk: true });
   */
  async mkdir(options: MkdirOptions = {}): Promise<void> {
    const { parents = false, existOk = false, mode } = options;
    const made = async (): Promise<void> => {
      try {
        const created = await fsp.mkdir(this.#path, { recursive: parents, ...(mode === undefined ? {} : { mode }) });
        // With `recursive`, Node reports an existing directory by creating nothing.
        if (parents && created === undefined) {
          throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${this.#path}'`), {
            code: "EEXIST",
            syscall: "mkdir",
            path: this.#path,
          });
        }
      } catch (error) {
        if (!(existOk && (error as NodeJS.ErrnoException).code === "EEXIST" && (await fsp.stat(this.#path)).isDirectory())) throw error;
      }
    };
    await cancellable(made);
  }

  /** Removes the (empty) directory. @example await p.rmdir(); */
  async rmdir(): Promise<void> {
    await cancellable(() => fsp.rmdir(this.#path));
  }

  /**
   * Removes the file or symlink.
   * @param options `{ missingOk }`: do not fail when it does not exist. @default { missingOk: false }
   * @example await p.unlink({ missingOk: true });
   */
  async unlink(options: { missingOk?: boolean } = {}): Promise<void> {
    try {
      await cancellable(() => fsp.unlink(this.#path));
    } catch (error) {
      if (!(options.missingOk && isMissing(error))) throw error;
    }
  }

  /**
   * Renames it to `target` (replacing an existing file there).
   * @returns the new path.
   * @example const moved = await p.rename(p.withSuffix(".bak"));
   */
  async rename(target: string | Path): Promise<Path> {
    await cancellable(() => fsp.rename(this.#path, String(target)));
    return new Path(target);
  }

  /**
   * Creates the file if missing, else updates its modification time.
   * @param options `{ existOk }`: when false, an existing file is an `EEXIST` error. @default { existOk: true }
   * @example await p.touch();
   */
  async touch(options: { existOk?: boolean } = {}): Promise<void> {
    const { existOk = true } = options;
    const touched = async (): Promise<void> => {
      const handle = await fsp.open(this.#path, existOk ? "a" : "wx");
      try {
        const now = new Date();
        await handle.utimes(now, now);
      } finally {
        await handle.close();
      }
    };
    await cancellable(touched);
  }

  /**
   * The directory's entries (not `.` and `..`), in the order the OS gives them.
   * @example for (const child of await dir.iterdir()) console.log(child.name);
   */
  async iterdir(): Promise<Path[]> {
    const names = await cancellable(() => fsp.readdir(this.#path));
    return names.map((name) => new Path(this.#path, name));
  }

  /**
   * The paths under this directory that match `pattern`, sorted. In a pattern
   * `*` matches any part of a name (dot-files included), `?` one character,
   * `[abc]` / `[!abc]` a set; `**` as a whole component matches any number of
   * directories (symlinked directories are not followed). One checkpoint per
   * directory read.
   * @example const sources = await new trio.Path("src").glob("**\/*.ts");
   */
  async glob(pattern: string): Promise<Path[]> {
    if (typeof pattern !== "string" || pattern === "") throw new TypeError(`Path.glob(): expected a non-empty pattern, got ${describe(pattern)}`);
    if (nodePath.isAbsolute(pattern)) throw new TypeError(`Path.glob(): the pattern must be relative, got ${describe(pattern)}`);
    let matches: string[] = [this.#path];
    for (const component of pattern.split(/[\\/]+/).filter((c) => c !== "")) {
      const next = new Set<string>();
      for (const dir of matches) {
        if (component === "**") for (const found of await walkDirs(dir)) next.add(found);
        else if (!/[*?[]/.test(component)) next.add(nodePath.join(dir, component));
        else {
          const regex = globToRegExp(component);
          for (const entry of await readdirOrEmpty(dir)) if (regex.test(entry.name)) next.add(nodePath.join(dir, entry.name));
        }
      }
      matches = [...next];
    }
    // Literal components were not checked on the way: keep what exists.
    const existing: string[] = [];
    for (const match of matches) if (await new Path(match).#statOrNull(true)) existing.push(match);
    return existing.sort().map((match) => new Path(match));
  }

  /** `glob("**\/" + pattern)`: matches at any depth. @example await dir.rglob("*.md") */
  rglob(pattern: string): Promise<Path[]> {
    return this.glob(`**/${pattern}`);
  }

  async #statOrNull(lstat = false): Promise<Stats | null> {
    try {
      return await (lstat ? this.lstat() : this.stat());
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
}

/** `dir` and every directory below it (not following symlinks). */
async function walkDirs(dir: string): Promise<string[]> {
  const found = [dir];
  for (let i = 0; i < found.length; i++) {
    for (const entry of await readdirOrEmpty(found[i]!)) if (entry.isDirectory()) found.push(nodePath.join(found[i]!, entry.name));
  }
  return found;
}

async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await cancellable(() => fsp.readdir(dir, { withFileTypes: true }));
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw error;
  }
}

function globToRegExp(component: string): RegExp {
  let source = "";
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[" && component.indexOf("]", i + 2) > i) {
      const end = component.indexOf("]", i + 2);
      let set = component.slice(i + 1, end).replace(/[\\\]^]/g, "\\$&");
      if (set.startsWith("!")) set = "^" + set.slice(1);
      source += `[${set}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

function isMissing(error: unknown): boolean {
  return MISSING_CODES.has((error as NodeJS.ErrnoException | null)?.code ?? "");
}
