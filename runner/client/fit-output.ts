/**
 * Output areas that fit their slide: on a projector (reveal.js scales a 960×700 slide to the
 * screen), a slide's output areas share the height left below them, and scroll inside it. Code that leaves too little room for output is given a scrolling height of its own.
 */

/** An output area is never made smaller than this, in slide pixels (about three lines). */
export const MIN_OUTPUT_PX = 85;
/** Nor taller than this. */
export const MAX_OUTPUT_PX = 420;
/** Room kept free at the slide's bottom edge, in slide pixels. */
const BOTTOM_MARGIN_PX = 12;

/**
 * Sets the `max-height` of the output areas (and if needed of the code) of one slide.
 *
 * @param section - the slide's `<section>`.
 * @param slideHeight - reveal.js's slide height (`getConfig().height`).
 */
export function fitSlide(section: HTMLElement, slideHeight: number): void {
  const outputs = Array.from(section.querySelectorAll<HTMLElement>(".exec-block:not(.exec-hidden) .exec-output"));
  if (outputs.length === 0) return;
  const codes = Array.from(section.querySelectorAll<HTMLElement>(".exec-block pre.exec-code code, .exec-block .cm-editor"));
  for (const code of codes) code.style.maxHeight = "";
  // Measure the slide with each output area as small as it may get.
  for (const output of outputs) {
    output.style.display = "block";
    output.style.maxHeight = `${MIN_OUTPUT_PX}px`;
    output.style.minHeight = `${MIN_OUTPUT_PX}px`;
  }
  // Only the output must stay on the slide: content below it may be pushed off by a long run.
  let rest = bottomOf(outputs.at(-1)!, section);
  const overflow = rest + BOTTOM_MARGIN_PX - slideHeight;
  if (overflow > 0 && codes.length > 0) {
    // The code is too tall to leave the output its minimum: let the code scroll instead.
    const share = overflow / codes.length;
    for (const code of codes) code.style.maxHeight = `${Math.max(MIN_OUTPUT_PX, code.getBoundingClientRect().height / scaleOf(section) - share)}px`;
    rest = bottomOf(outputs.at(-1)!, section);
  }
  const free = slideHeight - BOTTOM_MARGIN_PX - rest;
  const each = Math.min(MAX_OUTPUT_PX, MIN_OUTPUT_PX + Math.max(0, free) / outputs.length);
  for (const output of outputs) {
    output.style.display = "";
    output.style.minHeight = "";
    output.style.maxHeight = `${Math.floor(each)}px`;
  }
}

/** Where an element ends, in slide pixels from the top of the slide area. */
function bottomOf(element: HTMLElement, section: HTMLElement): number {
  const scale = scaleOf(section);
  return section.offsetTop + (element.getBoundingClientRect().bottom - section.getBoundingClientRect().top) / scale;
}

/** reveal.js scales slides with a CSS transform or zoom; bounding boxes are in screen pixels. */
function scaleOf(section: HTMLElement): number {
  const width = section.offsetWidth;
  return width > 0 ? section.getBoundingClientRect().width / width : 1;
}
