/**
 * An exercise's page, linked from the index and from the slide where its topic is taught: the
 * statement, the hints folded away one by one, and how to check it. Never the solution.
 */
import MarkdownIt from "markdown-it";
import type { Exercise } from "../../grading/exercise-catalog.ts";
import { escapeHtml, page } from "./html.ts";

/** Statements are the course's own Markdown; raw HTML in them is not needed, so it stays off. */
const markdown = new MarkdownIt({ html: false, linkify: true });

/** Options of {@link renderExercisePage}. */
export interface ExercisePageOptions {
  /** Prefix of the index's and the assets' URLs (the static export's pages are one folder down). @default "/" */
  base?: string;
}

/**
 * Renders the page of one exercise.
 *
 * @param exercise - the exercise, as the grader's catalogue reads it.
 * @param options - see {@link ExercisePageOptions}.
 * @returns the complete HTML page.
 * @example
 * res.type("html").send(renderExercisePage(readExercise(root, "01-two-tasks")));
 */
export function renderExercisePage(exercise: Exercise, options: ExercisePageOptions = {}): string {
  const base = options.base ?? "/";
  const body = exercise.readme.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n?/, "");
  const statement = body.split(/^## Hints[ \t]*$/m)[0]!;
  const hints = exercise.hints
    .map((hint, i) => `<details class="hint"><summary>Hint ${i + 1}</summary>${markdown.render(hint)}</details>`)
    .join("\n");
  const file = `exercises/${exercise.name}/${exercise.file}`;
  return page(
    `${exercise.id} · ${exercise.title}`,
    `<main class="exercise">
<p class="back"><a href="${escapeHtml(base === "/" ? "/" : `${base}index.html`)}">← all decks and exercises</a></p>
${markdown.render(statement)}
<h2>Your turn</h2>
<p>Edit <code>${escapeHtml(file)}</code>, then check it (${exercise.points} points):</p>
<pre><code>npm run check -- ${escapeHtml(exercise.id)}</code></pre>
<p><code>npm run check -- --watch</code> checks again on every save; <code>npm run check -- --hint</code> prints the next hint.</p>
${hints ? `<h2>Hints</h2>\n${hints}` : ""}
</main>`,
    `<link rel="stylesheet" href="${escapeHtml(base)}assets/runner.css">`,
  );
}
