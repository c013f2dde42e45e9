/**
 * The deck page's script: starts reveal.js with its plugins (loaded by the page from
 * node_modules) and the runner's plugin.
 */
import { RunnerPlugin } from "./runner-plugin.ts";

interface RevealGlobal {
  initialize(options: Record<string, unknown>): Promise<unknown>;
}

const globals = window as unknown as Record<string, unknown>;
const reveal = globals["Reveal"] as RevealGlobal | undefined;
if (!reveal) {
  document.body.prepend(Object.assign(document.createElement("p"), { textContent: "reveal.js did not load: is node_modules/reveal.js installed (npm ci)?" }));
} else {
  const plugins = ["RevealHighlight", "RevealNotes", "RevealSearch", "RevealZoom"].map((name) => globals[name]).filter(Boolean);
  // Slides with runnable code are top-aligned, so that output growing below the code never
  // moves it; the others stay centred, as reveal.js centres them by default.
  document.querySelectorAll<HTMLElement>(".reveal .slides > section").forEach((section) => {
    if (!section.querySelector(".exec-block:not(.exec-hidden)")) section.classList.add("center");
  });
  void reveal.initialize({ hash: true, center: false, plugins: [...plugins, RunnerPlugin] });
  (globals as { twbReady?: boolean }).twbReady = true;
}
