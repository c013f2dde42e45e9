/**
 * The course's front page: the decks and the exercises.
 */
import type { DeckSummary, ExerciseSummary } from "../../deck/deck-store.ts";
import { escapeHtml, page } from "./html.ts";

/** How to render the index page. */
export interface IndexPageOptions {
  /** Prefix of asset URLs. @default "/" */
  base?: string;
  /** A deck's link. @default `/decks/<name>` */
  deckHref?: (name: string) => string;
  /** An exercise's link. @default `/exercises/<name>` */
  exerciseHref?: (name: string) => string;
  /** A line under the title (the static export says it is one). */
  note?: string;
}

/**
 * Renders the index page.
 *
 * @param decks - the decks, in order.
 * @param exercises - the exercise folders, in order.
 * @param options - see {@link IndexPageOptions}.
 */
export function renderIndexPage(decks: DeckSummary[], exercises: ExerciseSummary[], options: IndexPageOptions = {}): string {
  const base = options.base ?? "/";
  const href = options.deckHref ?? ((name: string) => `/decks/${encodeURIComponent(name)}`);
  const exerciseHref = options.exerciseHref ?? ((name: string) => `/exercises/${encodeURIComponent(name)}`);
  const deckItems = decks.length === 0
    ? `<p class="empty">No decks yet: add a Markdown file to <code>slides/</code>.</p>`
    : `<ul class="decks">${decks.map((d) => `<li><a href="${escapeHtml(href(d.name))}">${escapeHtml(d.title)}</a> <span class="name">${escapeHtml(d.name)}</span></li>`).join("")}</ul>`;
  const exerciseItems = exercises.length === 0
    ? `<p class="empty">No exercises yet.</p>`
    : `<ul class="exercises">${exercises.map((e) => `<li><a href="${escapeHtml(exerciseHref(e.name))}">${escapeHtml(e.title)}</a> <span class="name">exercises/${escapeHtml(e.name)}</span></li>`).join("")}</ul>`;
  return page(
    "trio-workbook",
    `<main class="index">
<h1>trio-workbook</h1>
<p>A course on structured concurrency: Trio's model in TypeScript.</p>${options.note ? `\n<p class="note">${escapeHtml(options.note)}</p>` : ""}
<h2>Decks</h2>
${deckItems}
<h2>Exercises</h2>
${exerciseItems}
</main>`,
    `<link rel="stylesheet" href="${escapeHtml(base)}assets/runner.css">`,
  );
}
