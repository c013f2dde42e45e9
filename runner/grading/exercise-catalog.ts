/**
 * The exercises of the workbook, read from `exercises/NN-topic/README.md`.
 *
 * A README starts with front matter of flat `key: value` lines, between two
 * `---` lines: `title`, `points` (a positive number) and `file` (the one file
 * the student edits, which the tests import as `./<file>`). Its hints are the
 * numbered list under a `## Hints` heading, one hint per item (continuation
 * lines indented).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root (where `exercises/` and `solutions/` live). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Exercise folders are named `NN-topic`. */
const EXERCISE_DIR = /^(\d\d)-[a-z0-9-]+$/;

/** One exercise. Paths are absolute. */
export interface Exercise {
  /** `"01"`. */
  id: string;
  /** `"01-two-tasks"`. */
  name: string;
  title: string;
  points: number;
  /** The student's file name, `"two-tasks.ts"`. */
  file: string;
  dir: string;
  studentFile: string;
  testFile: string;
  solutionFile: string;
  readme: string;
  hints: string[];
}

/** A README that cannot be read as an exercise statement. */
export class ExerciseFormatError extends Error {
  override name = "ExerciseFormatError";
}

/** Splits `---\nkey: value\n---\nbody` into its fields and body. */
export function parseFrontMatter(text: string, where: string): { fields: Record<string, string>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (match === null) throw new ExerciseFormatError(`${where}: expected front matter between two "---" lines at the top`);
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const kv = /^([a-zA-Z][\w-]*):\s*(.*)$/.exec(line);
    if (kv === null) throw new ExerciseFormatError(`${where}: front matter line ${JSON.stringify(line)} is not "key: value"`);
    fields[kv[1]!] = kv[2]!.trim();
  }
  return { fields, body: text.slice(match[0].length) };
}

/** The numbered items under `## Hints`, joined into one paragraph each. */
export function parseHints(body: string): string[] {
  const section = /^## Hints[ \t]*\r?\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(body);
  if (section === null) return [];
  const hints: string[] = [];
  for (const line of section[1]!.split(/\r?\n/)) {
    const item = /^\d+\.\s+(.*)$/.exec(line);
    if (item !== null) hints.push(item[1]!.trim());
    else if (/^\s+\S/.test(line) && hints.length > 0) hints[hints.length - 1] += ` ${line.trim()}`;
  }
  return hints;
}

/** Reads one exercise folder. @throws ExerciseFormatError naming what is missing. */
export function readExercise(root: string, name: string): Exercise {
  const idMatch = EXERCISE_DIR.exec(name);
  if (idMatch === null) throw new ExerciseFormatError(`exercises/${name}: folder names are NN-topic, e.g. 01-two-tasks`);
  const dir = path.join(root, "exercises", name);
  const readmePath = path.join(dir, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const { fields, body } = parseFrontMatter(readme, `exercises/${name}/README.md`);
  const points = Number(fields.points);
  if (!Number.isFinite(points) || points <= 0) {
    throw new ExerciseFormatError(`exercises/${name}/README.md: points must be a positive number, got ${JSON.stringify(fields.points)}`);
  }
  const file = fields.file ?? "";
  if (!/^[\w-]+\.ts$/.test(file)) {
    throw new ExerciseFormatError(`exercises/${name}/README.md: file must name the student's .ts file, got ${JSON.stringify(fields.file)}`);
  }
  const testFile = path.join(dir, file.replace(/\.ts$/, ".test.ts"));
  return {
    id: idMatch[1]!,
    name,
    title: fields.title ?? name,
    points,
    file,
    dir,
    studentFile: path.join(dir, file),
    testFile,
    solutionFile: path.join(root, "solutions", name, file),
    readme,
    hints: parseHints(body),
  };
}

/** Every exercise, in course order (by folder name). */
export function listExercises(root: string = REPO_ROOT): Exercise[] {
  const base = path.join(root, "exercises");
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && EXERCISE_DIR.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => readExercise(root, name));
}

/** Finds an exercise by `"3"`, `"03"` or `"03-timeouts"`. */
export function findExercise(exercises: Exercise[], key: string): Exercise | undefined {
  const id = /^\d+$/.test(key) ? key.padStart(2, "0") : undefined;
  return exercises.find((e) => e.name === key || e.id === id);
}
