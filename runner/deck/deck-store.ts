/**
 * The decks of a folder, read on demand and re-rendered when their file changes.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readRecording, recordingMtime, recordingPath, type Recording } from "../recording/recording.ts";
import { renderDeck, type Deck } from "./render-deck.ts";

/** A deck's name: what may appear in a URL. No dots, so never `..`. */
export const DECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** A deck's name, and not the folder's `README.md`, which documents the decks. */
function isDeckName(name: string): boolean {
  return DECK_NAME.test(name) && name.toLowerCase() !== "readme";
}

/** An entry of the index page. */
export interface DeckSummary {
  name: string;
  title: string;
}

/** An exercise folder (`NN-topic/`), as listed on the index page. */
export interface ExerciseSummary {
  name: string;
  title: string;
}

/**
 * Reads decks from one folder. Only `<name>.md` files directly in it are decks, but `README.md`.
 */
export class DeckStore {
  readonly #dir: string;
  readonly #cache = new Map<string, { mtimeMs: number; deck: Deck }>();
  readonly #recordings = new Map<string, { mtimeMs: number; recording: Recording | null }>();

  /** @param dir - the folder holding the decks (`slides/`). */
  constructor(dir: string) {
    this.#dir = path.resolve(dir);
  }

  /** The folder the decks are read from. */
  get dir(): string {
    return this.#dir;
  }

  /**
   * Loads a deck.
   *
   * @param name - the deck's name, as in its URL.
   * @returns the rendered deck, or `null` when there is no such deck (also for any name that
   * is not a plain file name, such as one containing `..` or `/`).
   */
  async get(name: string): Promise<Deck | null> {
    if (!isDeckName(name)) return null;
    const file = path.join(this.#dir, `${name}.md`);
    let mtimeMs: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
      mtimeMs = info.mtimeMs;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const cached = this.#cache.get(name);
    if (cached && cached.mtimeMs === mtimeMs) return cached.deck;
    const deck = renderDeck(name, await readFile(file, "utf8"));
    this.#cache.set(name, { mtimeMs, deck });
    return deck;
  }

  /**
   * Loads a deck's recorded output (`<name>.recording.json`, made by `npm run record`).
   *
   * @param name - the deck's name.
   * @returns the recording, or `null` when the deck has none.
   */
  async recording(name: string): Promise<Recording | null> {
    if (!DECK_NAME.test(name)) return null;
    const file = recordingPath(this.#dir, name);
    const mtimeMs = await recordingMtime(file);
    const cached = this.#recordings.get(name);
    if (cached && cached.mtimeMs === mtimeMs) return cached.recording;
    const recording = mtimeMs < 0 ? null : await readRecording(file);
    this.#recordings.set(name, { mtimeMs, recording });
    return recording;
  }

  /** Lists the decks, sorted by name. A missing folder is an empty list. */
  async list(): Promise<DeckSummary[]> {
    const names = (await readdirOrEmpty(this.#dir))
      .filter((entry) => entry.endsWith(".md"))
      .map((entry) => entry.slice(0, -3))
      .filter(isDeckName)
      .sort();
    const decks = await Promise.all(names.map((name) => this.get(name)));
    return decks.filter((deck): deck is Deck => deck !== null).map(({ name, title }) => ({ name, title }));
  }
}

/**
 * Lists the exercise folders (`NN-topic/`), with the first heading of their `README.md` as title.
 *
 * @param dir - the `exercises/` folder; missing means no exercises.
 */
export async function listExercises(dir: string): Promise<ExerciseSummary[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  const folders = entries.filter((e) => e.isDirectory() && DECK_NAME.test(e.name)).map((e) => e.name).sort();
  return Promise.all(
    folders.map(async (name) => {
      const readme = await readFile(path.join(dir, name, "README.md"), "utf8").catch(() => "");
      const heading = /^#\s+(.+)$/m.exec(readme);
      return { name, title: heading ? heading[1]!.trim() : name };
    }),
  );
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT" || (error as NodeJS.ErrnoException)?.code === "ENOTDIR";
}
