/**
 * A block's pictures: the task tree and the timeline of its latest `trio.run`, redrawn at most
 * once per frame while trace events stream in, with a toggle in the block's toolbar and an SVG
 * export. Blocks whose fence says `trace` (or `trace=tree`, `trace=timeline`) start with the
 * pictures on; any TypeScript block can be switched on by the viewer.
 */
import { combineSvgs, downloadSvg } from "./svg-export.ts";
import { renderTaskTree } from "./task-tree.ts";
import { renderTimeline } from "./timeline.ts";
import { applyEvents, emptyModel, type TraceEvent, type TraceModel } from "./trace-model.ts";

/** The timeline's width in SVG units: narrow enough that its type stays large in half a slide. */
const TIMELINE_WIDTH = 520;
/** How often a live picture moves on while no event arrives (everyone asleep), in ms. */
const TICK_MS = 250;

/** Which pictures a block shows. */
export type PictureMode = "both" | "tree" | "timeline";

/** A recorded trace, as a recording stores it: the events of the block's last `trio.run`. */
export type RecordedTrace = TraceEvent[];

/** What the runner plugin calls. */
export interface Pictures {
  /** Whether the next run should ask for the trace. */
  enabled(): boolean;
  /** A run starts: forget the last picture. */
  reset(): void;
  /** A batch of trace events arrived (`seq`: which `trio.run` of the run). */
  onTrace(seq: number, events: unknown[]): void;
  /** Shows a recorded trace at once (PDF, static export, runner unreachable). */
  showRecorded(trace: RecordedTrace | null | undefined): void;
}

/**
 * Parses a fence's `trace` attribute.
 *
 * @returns the mode, or `null` when the block does not ask for pictures.
 */
export function pictureMode(value: string | undefined): PictureMode | null {
  if (value === undefined || value === "off" || value === "false") return null;
  return value === "tree" || value === "timeline" ? value : "both";
}

/**
 * Adds the pictures to a block.
 *
 * @param block - the `.exec-block` element.
 * @param toolbar - its toolbar, which gets a "Pictures" toggle.
 * @param name - a name for exported files.
 */
export function attachPictures(block: HTMLElement, toolbar: HTMLElement, name: string): Pictures {
  const asked = pictureMode(block.dataset["trace"]);
  const mode: PictureMode = asked ?? "both";
  let on = asked !== null;
  let model: TraceModel = emptyModel();
  let seq = 0;
  let frame = 0;
  let ticker = 0;
  /** The run's time at the last event, and when (page time) it arrived: a live picture's clock. */
  let lastEvent = { t: 0, at: 0 };

  const panel = document.createElement("div");
  panel.className = "exec-pictures";
  panel.hidden = true;
  const header = document.createElement("div");
  header.className = "exec-pictures-header";
  const exportButton = document.createElement("button");
  exportButton.type = "button";
  exportButton.className = "exec-pictures-export";
  exportButton.textContent = "Export SVG";
  exportButton.title = "Save the task tree and the timeline as one SVG file";
  const caption = document.createElement("span");
  caption.className = "exec-pictures-caption";
  header.append(caption, exportButton);
  const empty = document.createElement("div");
  empty.className = "exec-pictures-empty";
  empty.textContent = "Run the block to draw its task tree and timeline.";
  const views = document.createElement("div");
  views.className = `exec-pictures-views exec-pictures-${mode}`;
  panel.append(header, empty, views);
  (block.querySelector("pre.exec-output") ?? block.lastElementChild)?.after(panel);

  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "exec-pictures-toggle";
  toggle.textContent = "Pictures";
  toggle.title = "Draw the task tree and the timeline of the next run";
  const state = toolbar.querySelector(".exec-state");
  if (state) toolbar.insertBefore(toggle, state);
  else toolbar.append(toggle);

  const setOn = (value: boolean) => {
    on = value;
    toggle.setAttribute("aria-pressed", String(on));
    block.classList.toggle("exec-pictures-on", on);
    panel.hidden = !on;
  };
  setOn(on);
  toggle.addEventListener("click", () => setOn(!on));
  exportButton.disabled = true;

  const draw = () => {
    frame = 0;
    const svgs: SVGSVGElement[] = [];
    if (mode !== "timeline") svgs.push(renderTaskTree(model));
    if (mode !== "tree") svgs.push(renderTimeline(model, { width: TIMELINE_WIDTH }));
    views.replaceChildren(...svgs);
    const shown = model.tasks.size > 0;
    empty.hidden = shown;
    exportButton.disabled = !shown;
    caption.textContent = !shown ? "" : model.ended ? `finished at ${model.now.toFixed(2)} s` : "live";
  };
  const schedule = () => {
    if (frame === 0) frame = requestAnimationFrame(draw);
  };
  const stopTicking = () => {
    window.clearInterval(ticker);
    ticker = 0;
  };
  // While the run goes on, the timeline grows with the clock even when nobody wakes up.
  const tick = () => {
    if (model.ended || block.dataset["state"] !== "running") return stopTicking();
    model.now = Math.max(model.now, lastEvent.t + (performance.now() - lastEvent.at) / 1000);
    schedule();
  };
  exportButton.addEventListener("click", () => {
    const svgs = Array.from(views.querySelectorAll<SVGSVGElement>(":scope > svg"));
    if (svgs.length) downloadSvg(combineSvgs(svgs), `${name}.svg`);
  });

  return {
    enabled: () => on,
    reset() {
      stopTicking();
      model = emptyModel();
      seq = 0;
      draw();
    },
    onTrace(batchSeq, events) {
      if (!on) return;
      if (batchSeq !== seq) {
        // A later trio.run of the same block: its picture replaces the earlier one.
        if (batchSeq < seq) return;
        seq = batchSeq;
        model = emptyModel();
      }
      applyEvents(model, events as TraceEvent[]);
      const last = events[events.length - 1] as TraceEvent | undefined;
      if (last) lastEvent = { t: last.t, at: performance.now() };
      if (model.ended) stopTicking();
      else if (ticker === 0) ticker = window.setInterval(tick, TICK_MS);
      schedule();
    },
    showRecorded(trace) {
      if (!trace || trace.length === 0) return;
      setOn(true);
      stopTicking();
      model = emptyModel();
      applyEvents(model, trace);
      if (frame !== 0) cancelAnimationFrame(frame);
      draw();
    },
  };
}
