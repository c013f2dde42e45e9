/**
 * The course's front page: the decks and the exercises.
 */
import type { DeckSummary, ExerciseSummary } from "../../deck/deck-store.ts";
import { escapeHtml, page } from "./html.ts";

/**
 * Renders the index page.
 *
 * @param decks - the decks, in order.
 * @param exercises - the exercise folders, in order.
 */
export function renderIndexPage(decks: DeckSummary[], exercises: ExerciseSummary[]): string {
  const deckItems = decks.length === 0
    ? `<p class="empty">No decks yet: add a Markdown file to <code>slides/</code>.</p>`
    : `<ul class="decks">${decks.map((d) => `<li><a href="/decks/${encodeURIComponent(d.name)}">${escapeHtml(d.title)}</a> <span class="name">${escapeHtml(d.name)}</span></li>`).join("")}</ul>`;
  const exerciseItems = exercises.length === 0
    ? `<p class="empty">No exercises yet.</p>`
    : `<ul class="exercises">${exercises.map((e) => `<li>${escapeHtml(e.title)} <span class="name">exercises/${escapeHtml(e.name)}</span></li>`).join("")}</ul>`;
  return page(
    "trio-workbook",
    `<main class="index">
<h1>trio-workbook</h1>
<p>A course on structured concurrency: Trio's model in TypeScript.</p>
<h2>Decks</h2>
${deckItems}
<h2>Exercises</h2>
${exerciseItems}
</main>`,
    `<link rel="stylesheet" href="/assets/runner.css">`,
  );
}
