import { open as fsOpen, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import { fileURLToPath } from "node:url";
import { cancellable } from "./cancellable.ts";
import { Cancelled, ClosedResourceError, describe } from "./errors.ts";
import type { Path } from "./path.ts";

/** Bytes read from the OS at a time. */
const CHUNK_SIZE = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

/** What {@link openFile} accepts as a file name. */
export type FilePath = string | URL | Path;

/** A mode with a `b`: the file reads and writes bytes. */
export type BinaryFileMode = `${string}b${string}`;

/** The text encodings a file in text mode supports. */
export type FileEncoding = "utf8" | "utf-8" | "latin1";

/** Options of {@link openFile} and {@link wrapFile}. */
export interface OpenFileOptions {
  /** How text is encoded (text mode only). @default "utf8" */
  encoding?: FileEncoding;
}

/** Options of {@link wrapFile}. */
export interface WrapFileOptions extends OpenFileOptions {
  /** The name shown by `file.name` and in errors. @default "<wrapped file handle>" */
  name?: string;
}

interface Mode {
  readable: boolean;
  writable: boolean;
  append: boolean;
  binary: boolean;
  /** Node's `flags` for `fs.open`. */
  flags: string;
}

/**
 * An open file whose blocking calls are checkpoints: Trio's async file
 * object (`AsyncIOWrapper`) on a `fs.promises` `FileHandle`. Made by
 * {@link openFile}, {@link wrapFile} and `Path.open`.
 *
 * `T` is `string` in text mode and `Buffer` (a `Uint8Array`) in binary mode
 * (`"b"` in the mode). Positions (`tell`, `seek`) count bytes in both modes;
 * `read(size)` counts characters (code points) in text mode and bytes in
 * binary mode. Lines keep their `"\n"`; `"\r\n"` is not translated.
 * Writes go straight to the OS (no write buffer), so `flush()` has nothing
 * to do but wait for earlier operations.
 *
 * **Cancellation.** Every method that returns a promise is a checkpoint. The
 * file's operations reach the OS one after another. A cancelled call raises
 * `Cancelled` at once; what it had handed to the OS finishes in the
 * background, before the file's next operation starts:
 * - a cancelled read loses nothing: bytes that arrive later stay buffered for the next read;
 *   `read()` of a whole file stops between chunks;
 * - a cancelled write may still reach the file (the position then moves past it);
 * - a cancelled `aclose` still closes the file once pending operations are done;
 *   the object is closed at once.
 *
 * Several tasks may use one file; their calls run in the order they were made.
 * Pipes, FIFOs and terminals work too: reads and writes then use the OS's
 * own position (the OS refuses positioned ones), and `seek` means nothing.
 *
 * @example
 * ```ts
 * await using f = await trio.openFile("notes.txt", "w");
 * await f.write("one\ntwo\n");
 * await f.seek(0);
 * ```
 */
export class AsyncFile<T extends string | Buffer = string> {
  /** The underlying `fs.promises` `FileHandle` (Trio's `wrapped`). */
  readonly wrapped: FileHandle;
  /** The file name given to `openFile` (or `wrapFile`'s `name`). */
  readonly name: string;
  /** The mode the file was opened with, e.g. `"r+b"`. */
  readonly mode: string;
  readonly #mode: Mode;
  readonly #encoding: FileEncoding;
  /** Settles when the last operation handed to the OS has finished. */
  #tail: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  // Read buffer. Invariant: the logical position is #bufStart + #bufPos, and
  // 0 <= #bufPos <= #buf.length; #eof means the file ends at #bufStart + #buf.length.
  #buf: Buffer = EMPTY;
  #bufStart = 0;
  #bufPos = 0;
  #eof = false;
  /** False once the OS refused a positioned read or write (ESPIPE: a pipe, FIFO or terminal). */
  #seekable = true;

  /** @internal Use {@link openFile} or {@link wrapFile}. */
  constructor(handle: FileHandle, name: string, mode: string, options: OpenFileOptions, start = 0) {
    this.wrapped = handle;
    this.name = name;
    this.mode = mode;
    this.#mode = parseMode(mode, "AsyncFile");
    this.#encoding = checkEncoding(options.encoding);
    this.#bufStart = start;
  }

  /** Whether `aclose` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The encoding of text mode (`"utf8"` by default). */
  get encoding(): FileEncoding {
    return this.#encoding;
  }

  /**
   * Reads `size` characters (text) or bytes (binary), fewer only at the end
   * of the file; with no `size` (or a negative one), reads to the end.
   * @returns `""` or an empty `Buffer` at the end of the file.
   * @throws ClosedResourceError after `aclose`; TypeError when the mode is not readable.
   * @example
   * const head = await f.read(100);
   * const rest = await f.read();
   */
  async read(size = -1): Promise<T> {
    this.#check("read", "readable");
    const end = (): number => (size < 0 ? (this.#eof ? this.#buf.length : -1) : this.#endOfChars(size));
    await this.#fillUntil(() => end() >= 0);
    return this.#take(end());
  }

  /**
   * Reads one line, with its `"\n"` (none on the file's last line if it has
   * none); at most `size` characters or bytes when `size` is given.
   * @returns `""` or an empty `Buffer` at the end of the file.
   * @example
   * const header = await f.readline();
   */
  async readline(size = -1): Promise<T> {
    this.#check("readline", "readable");
    const end = (): number => {
      const limit = size < 0 ? -1 : this.#endOfChars(size);
      const newline = this.#buf.indexOf(NEWLINE, this.#bufPos);
      if (newline >= 0 && (limit < 0 || newline < limit)) return newline + 1;
      if (limit >= 0) return limit;
      return this.#eof ? this.#buf.length : -1;
    };
    await this.#fillUntil(() => end() >= 0);
    return this.#take(end());
  }

  /**
   * Reads every remaining line.
   * @example
   * const lines = await f.readlines();
   */
  async readlines(): Promise<T[]> {
    const lines: T[] = [];
    for await (const line of this) lines.push(line);
    return lines;
  }

  /**
   * The remaining lines, each with its `"\n"`; Python's `async for line in f`.
   * Ending the loop early leaves the file open.
   * @example
   * for await (const line of f) console.log(line.trimEnd());
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Writes `data` (a string in text mode, a `Uint8Array` in binary mode) at
   * the current position, or at the end in append mode (`"a"`).
   * @returns how many characters (text) or bytes (binary) were written: all of them.
   * @throws TypeError for data of the wrong kind or a mode that is not writable.
   * @example
   * await f.write("hello\n");
   */
  async write(data: T extends string ? string : Uint8Array): Promise<number> {
    this.#check("write", "writable");
    const bytes = this.#encode(data);
    await this.#io(() => this.#writeNow(bytes));
    return data.length;
  }

  /**
   * Writes each of `lines` (no newline added), as one operation.
   * @example
   * await f.writelines(["a\n", "b\n"]);
   */
  async writelines(lines: Iterable<T extends string ? string : Uint8Array>): Promise<void> {
    this.#check("writelines", "writable");
    const bytes = Buffer.concat([...lines].map((line) => this.#encode(line)));
    await this.#io(() => this.#writeNow(bytes));
  }

  /**
   * Moves the position: to `offset` bytes from the start (`whence` 0), from
   * the current position (1) or from the end (2).
   * @returns the new position.
   * @throws RangeError for a position before the start of the file.
   * @example
   * await f.seek(0);       // rewind
   * await f.seek(-10, 2);  // the last 10 bytes
   */
  async seek(offset: number, whence: 0 | 1 | 2 = 0): Promise<number> {
    this.#check("seek");
    if (!Number.isInteger(offset)) throw new TypeError(`AsyncFile.seek(): offset must be a whole number, got ${describe(offset)}`);
    if (whence !== 0 && whence !== 1 && whence !== 2) {
      throw new TypeError(`AsyncFile.seek(): whence must be 0 (start), 1 (current) or 2 (end), got ${describe(whence)}`);
    }
    return this.#io(async () => {
      const base = whence === 0 ? 0 : whence === 1 ? this.#position : (await this.wrapped.stat()).size;
      const target = base + offset;
      if (target < 0) throw new RangeError(`AsyncFile.seek(${offset}, ${whence}): that is before the start of ${this.name}`);
      if (target >= this.#bufStart && target <= this.#bufStart + this.#buf.length) this.#bufPos = target - this.#bufStart;
      else this.#resetBuffer(target);
      return target;
    });
  }

  /**
   * @returns the current position, in bytes from the start.
   * @example
   * const where = await f.tell();
   */
  async tell(): Promise<number> {
    this.#check("tell");
    return this.#io(async () => this.#position);
  }

  /**
   * Cuts (or extends with zeros) the file to `size` bytes, by default at the
   * current position; the position does not move.
   * @returns the new size.
   * @example
   * await f.truncate(0);
   */
  async truncate(size?: number): Promise<number> {
    this.#check("truncate", "writable");
    return this.#io(async () => {
      const length = size ?? this.#position;
      await this.wrapped.truncate(length);
      this.#resetBuffer(this.#position);
      return length;
    });
  }

  /**
   * Waits until every earlier operation reached the OS (writes are not
   * buffered, so there is nothing else to flush).
   * @example
   * await f.flush();
   */
  async flush(): Promise<void> {
    this.#check("flush");
    await this.#io(async () => undefined);
  }

  /**
   * Asks the OS to put the file's data on disk (`fsync`).
   * @example
   * await f.sync();
   */
  async sync(): Promise<void> {
    this.#check("sync");
    await this.#io(() => this.wrapped.sync());
  }

  /**
   * @returns the file's `fs.Stats`.
   * @example
   * const { size } = await f.stat();
   */
  async stat(): Promise<Stats> {
    this.#check("stat");
    return this.#io(() => this.wrapped.stat());
  }

  /**
   * Closes the file. Calling it again does nothing (but checkpoint). If
   * cancelled, the file is still closed, in the background, once its pending
   * operations are done.
   * @example
   * await f.aclose();
   */
  async aclose(): Promise<void> {
    this.#closing ??= this.#tail.then(() => this.wrapped.close());
    await cancellable(this.#closing);
  }

  /** `await using f = await trio.openFile(...)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose();
  }

  get #position(): number {
    return this.#bufStart + this.#bufPos;
  }

  #check(what: string, needs?: "readable" | "writable"): void {
    if (this.#closing !== undefined) {
      throw new ClosedResourceError(`AsyncFile.${what}(): ${this.name} was closed (aclose); open it again to use it`);
    }
    if (needs !== undefined && !this.#mode[needs]) {
      const modes = needs === "readable" ? `"r", "r+", "w+" or "a+"` : `"w", "a", "x" or "r+"`;
      throw new TypeError(`AsyncFile.${what}(): ${this.name} was opened with mode "${this.mode}", which is not ${needs}; open it with ${modes}`);
    }
  }

  /**
   * Hands `op` to the OS after every earlier operation, and waits for it as
   * a checkpoint. An op whose caller was cancelled before it started is skipped.
   */
  #io<R>(op: (signal: AbortSignal) => Promise<R>): Promise<R> {
    return cancellable((signal) => {
      const result = this.#tail.then(() => (signal.aborted ? (undefined as R) : op(signal)));
      this.#tail = result.then(noop, noop);
      return result;
    });
  }

  /** Reads chunks until `done()` or the end of the file; waits for it as one checkpoint. */
  async #fillUntil(done: () => boolean): Promise<void> {
    // Loops again when another task took the buffered data between the fill and our wake-up.
    do {
      await this.#io(async (signal) => {
        while (!done() && !this.#eof && !signal.aborted) await this.#fillOnce();
      });
    } while (!done());
  }

  async #fillOnce(): Promise<void> {
    const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    const at = this.#bufStart + this.#buf.length;
    const { bytesRead } = await this.#positioned(at, (position) => this.wrapped.read(chunk, 0, CHUNK_SIZE, position));
    if (bytesRead === 0) {
      this.#eof = true;
      return;
    }
    // Drop what was consumed while keeping the logical position.
    this.#buf = Buffer.concat([this.#buf.subarray(this.#bufPos), chunk.subarray(0, bytesRead)]);
    this.#bufStart += this.#bufPos;
    this.#bufPos = 0;
  }

  /** Takes the buffered bytes up to index `end` of `#buf` (synchronously: nothing is lost to a cancellation). */
  #take(end: number): T {
    const bytes = this.#buf.subarray(this.#bufPos, end);
    this.#bufPos = end;
    return (this.#mode.binary ? Buffer.from(bytes) : bytes.toString(this.#encoding === "latin1" ? "latin1" : "utf8")) as T;
  }

  /** The index in `#buf` where `count` characters (bytes in binary mode) from `#bufPos` end, or -1 if not all buffered yet. */
  #endOfChars(count: number): number {
    const buf = this.#buf;
    if (this.#mode.binary || this.#encoding === "latin1") {
      const end = this.#bufPos + count;
      return end <= buf.length ? end : this.#eof ? buf.length : -1;
    }
    let i = this.#bufPos;
    for (let n = 0; n < count; n++) {
      if (i >= buf.length) return this.#eof ? buf.length : -1;
      const lead = buf[i]!;
      i += lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    }
    return i <= buf.length ? i : this.#eof ? buf.length : -1;
  }

  #encode(data: unknown): Buffer {
    if (this.#mode.binary) {
      if (!(data instanceof Uint8Array)) {
        throw new TypeError(`AsyncFile.write(): ${this.name} is in binary mode ("${this.mode}"): expected a Uint8Array, got ${describe(data)}`);
      }
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    }
    if (typeof data !== "string") {
      throw new TypeError(`AsyncFile.write(): ${this.name} is in text mode ("${this.mode}"): expected a string, got ${describe(data)}; open it with "b" in the mode to write bytes`);
    }
    return Buffer.from(data, this.#encoding === "latin1" ? "latin1" : "utf8");
  }

  async #writeNow(bytes: Buffer): Promise<void> {
    const at = this.#position;
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await this.#positioned(this.#mode.append ? null : at + done, (position) =>
        this.wrapped.write(bytes, done, bytes.length - done, position),
      );
      done += bytesWritten;
    }
    // O_APPEND writes land at the end, wherever the position was.
    this.#resetBuffer(this.#mode.append && this.#seekable ? (await this.wrapped.stat()).size : at + bytes.length);
  }

  /** Runs a read or write at `position`, or at the OS's own position for a file that cannot seek. */
  async #positioned<R>(position: number | null, op: (position: number | null) => Promise<R>): Promise<R> {
    if (!this.#seekable) return op(null);
    try {
      return await op(position);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESPIPE") throw error;
      this.#seekable = false;
      return op(null);
    }
  }

  #resetBuffer(position: number): void {
    this.#buf = EMPTY;
    this.#bufStart = position;
    this.#bufPos = 0;
    this.#eof = false;
  }
}

/**
 * Opens a file, as Python's `open` (and `trio.open_file`): `mode` is `"r"`
 * (read, the default), `"w"` (truncate or create), `"a"` (append), `"x"`
 * (create, fail if it exists), each with `"+"` to also read/write, and `"b"`
 * for bytes instead of text. A checkpoint; if cancelled while the OS opens
 * the file, the file is closed as soon as it has opened.
 *
 * @param path the file's name (a string, a `file:` URL or a `trio.Path`).
 * @param mode as above. @default "r"
 * @param options `{ encoding }` for text mode (`"utf8"`, the default, or `"latin1"`).
 * @returns an {@link AsyncFile}: `AsyncFile<string>` in text mode, `AsyncFile<Buffer>` with `"b"`.
 * @throws Node's error for the OS failure (`code` `"ENOENT"`, `"EEXIST"`, `"EACCES"`, with `path`);
 *   TypeError for a mode it does not understand.
 * @example
 * ```ts
 * await using f = await trio.openFile("data.csv");
 * for await (const line of f) console.log(line.trimEnd());
 * ```
 */
export function openFile(path: FilePath, mode: BinaryFileMode, options?: OpenFileOptions): Promise<AsyncFile<Buffer>>;
export function openFile(path: FilePath, mode?: string, options?: OpenFileOptions): Promise<AsyncFile<string>>;
export async function openFile(path: FilePath, mode = "r", options: OpenFileOptions = {}): Promise<AsyncFile<string | Buffer>> {
  const parsed = parseMode(mode, "openFile()");
  checkEncoding(options.encoding);
  const name = path instanceof URL ? fileURLToPath(path) : String(path);
  let opening: Promise<AsyncFile<string | Buffer>> | undefined;
  try {
    return await cancellable(() =>
      (opening = (async () => {
        const handle = await fsOpen(name, parsed.flags);
        try {
          const start = parsed.append ? (await handle.stat()).size : 0;
          return new AsyncFile<string | Buffer>(handle, name, mode, options, start);
        } catch (error) {
          await handle.close();
          throw error;
        }
      })()),
    );
  } catch (error) {
    // An open cannot be stopped once started: close what it opens.
    if (error instanceof Cancelled) opening?.then((file) => file.wrapped.close(), noop).catch(noop);
    throw error;
  }
}

/**
 * Wraps a `FileHandle` you opened with `fs.promises.open` as an
 * {@link AsyncFile} (Trio's `wrap_file`). `mode` says what the handle allows
 * and whether to read text or bytes; the position starts at 0. Closing the
 * wrapper closes the handle.
 *
 * @param handle an open `fs.promises` `FileHandle`.
 * @param mode as in {@link openFile}; its `"w"`/`"x"` do not truncate or create anything here. @default "r"
 * @param options `{ encoding, name }`.
 * @example
 * ```ts
 * const handle = await fs.promises.open("log.txt", "a");
 * await using log = trio.wrapFile(handle, "a");
 * await log.write("started\n");
 * ```
 */
export function wrapFile(handle: FileHandle, mode: BinaryFileMode, options?: WrapFileOptions): AsyncFile<Buffer>;
export function wrapFile(handle: FileHandle, mode?: string, options?: WrapFileOptions): AsyncFile<string>;
export function wrapFile(handle: FileHandle, mode = "r", options: WrapFileOptions = {}): AsyncFile<string | Buffer> {
  if (handle === null || typeof handle !== "object" || typeof (handle as FileHandle).read !== "function" || typeof (handle as FileHandle).fd !== "number") {
    throw new TypeError(`wrapFile(): expected a FileHandle from fs.promises.open, got ${describe(handle)}`);
  }
  parseMode(mode, "wrapFile()");
  return new AsyncFile(handle, options.name ?? "<wrapped file handle>", mode, options);
}

function parseMode(mode: unknown, what: string): Mode {
  const valid = typeof mode === "string" && /^(?=[^rwax]*[rwax][^rwax]*$)(?!.*(.).*\1)(?!.*b.*t|.*t.*b)[rwax+bt]+$/.test(mode);
  if (!valid) {
    throw new TypeError(
      `${what}: invalid mode ${describe(mode)}; expected one of "r", "w", "a", "x", optionally with "+" and "b" (e.g. "rb", "w+", "a+b")`,
    );
  }
  const m = mode as string;
  const plus = m.includes("+");
  const kind = m.match(/[rwax]/)![0];
  const flags = { r: "r", w: "w", a: "a", x: "wx" }[kind]! + (plus ? "+" : "");
  return { readable: kind === "r" || plus, writable: kind !== "r" || plus, append: kind === "a", binary: m.includes("b"), flags };
}

function checkEncoding(encoding: unknown): FileEncoding {
  if (encoding === undefined) return "utf8";
  if (encoding === "utf8" || encoding === "utf-8" || encoding === "latin1") return encoding;
  throw new TypeError(`openFile(): encoding must be "utf8" or "latin1", got ${describe(encoding)}`);
}

function noop(): void {}
