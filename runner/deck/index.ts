/** Decks: Markdown → reveal.js sections and runnable blocks. */
export { splitSlides, type RawSlide, type SlideSeparator, type SplitDeck } from "./split-slides.ts";
export { parseFenceInfo, execLanguageOf, type ExecLanguage, type FenceInfo } from "./fence-info.ts";
export { execFencePlugin, type DeckRenderEnv, type ExecBlock } from "./exec-fence-plugin.ts";
export { elementAttributesPlugin, parseAttributes } from "./element-attributes-plugin.ts";
export { createDeckMarkdown, renderDeck, type Deck, type RenderedSlide } from "./render-deck.ts";
export { DeckStore, DECK_NAME, listExercises, type DeckSummary, type ExerciseSummary } from "./deck-store.ts";
