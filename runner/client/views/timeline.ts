/**
 * The timeline: one lane per task (a fan of identical tasks shares one, "×100 worker"), with
 * running, sleeping and blocked segments, the split and join of each nursery, the moment of
 * each cancellation and the lanes it reached, and errors where they rose and were caught.
 */
import { clip, COLOURS, FONT, svgEl, svgRoot, text, textWidth } from "./svg.ts";
import { lanes, type LaneGroup, type Segment, type TraceModel } from "./trace-model.ts";

/** The default width in SVG units. */
const DEFAULT_WIDTH = 1000;
const LANE_H = 40;
/** The time axis's height, above the lanes. */
const AXIS_H = 34;
/** A row for the labels of cancellations, between the axis and the lanes. */
const CANCEL_ROW_H = 22;
const LABEL_MAX_W = 230;
/** Lane names shrink to fit their column, but not below this. */
const MIN_NAME_SIZE = 14;
const RIGHT_PAD = 24;
/** Narrowest a running segment is drawn: steps take microseconds, the eye needs pixels. */
const MIN_RUN_W = 5;

const BAR: Record<Segment["state"], { h: number; fill: string; dash?: string }> = {
  running: { h: 26, fill: COLOURS.running },
  sleeping: { h: 12, fill: COLOURS.sleeping },
  blocked: { h: 12, fill: COLOURS.blocked },
  foreign: { h: 12, fill: COLOURS.foreign },
  nursery: { h: 4, fill: COLOURS.nursery, dash: "10 6" },
  runnable: { h: 3, fill: COLOURS.runnable },
};

/** Options of {@link renderTimeline}. */
export interface TimelineOptions {
  /** Width in SVG units (fonts keep their size: narrower is larger type). @default 1000 */
  width?: number;
  title?: string;
}

/** Draws the timeline of a model as an `<svg>` (class `twb-timeline`, one `g.lane` per lane). */
export function renderTimeline(model: TraceModel, options: TimelineOptions = {}): SVGSVGElement {
  const WIDTH = options.width ?? DEFAULT_WIDTH;
  const title = options.title ?? "Timeline";
  const groups = lanes(model);
  const labelW = Math.min(LABEL_MAX_W, WIDTH * 0.32, Math.max(120, ...groups.map((g) => textWidth(laneLabel(g), FONT.name, true) + g.depth * 16 + 16)));
  const key = legend(WIDTH);
  const legendH = key.height + 8;
  // Cancellation labels go in rows under the axis; one that would overlap the previous drops a row.
  const cancelRows: number[] = [];
  const cancelLabels: Array<{ x: number; row: number; label: string }> = [];
  const top = () => AXIS_H + CANCEL_ROW_H * Math.max(1, cancelRows.length);
  const laneTop = (i: number) => top() + i * LANE_H + LANE_H / 2;
  const height0 = (rows: number) => AXIS_H + CANCEL_ROW_H * Math.max(1, rows) + Math.max(1, groups.length) * LANE_H + legendH + 8;
  const span = niceSpan(Math.max(model.now, 0.001));
  const x0 = labelW;
  const xw = WIDTH - labelW - RIGHT_PAD;
  const x = (t: number) => x0 + (t / span) * xw;
  for (const cancel of model.cancels) {
    const label = `✕ ${cancel.cause}`;
    const w = textWidth(label, FONT.label, true);
    const lx = Math.max(x0, Math.min(x(cancel.t) - w / 2, WIDTH - RIGHT_PAD - w));
    let row = cancelRows.findIndex((right) => right < lx - 8);
    if (row < 0) row = cancelRows.push(0) - 1;
    cancelRows[row] = lx + w;
    cancelLabels.push({ x: lx, row, label });
  }
  const height = height0(cancelRows.length);
  const svg = svgRoot(WIDTH, height, "twb-timeline", title);
  const laneY = new Map<number, number>();
  groups.forEach((g, i) => {
    for (const member of g.members) laneY.set(member.id, laneTop(i));
  });

  svg.append(axis(span, x, x0, xw, height - legendH));

  const lanesLayer = svgEl("g", { class: "lanes" });
  groups.forEach((group, i) => lanesLayer.append(lane(group, laneTop(i), x, model.now, i, WIDTH, labelW)));
  svg.append(lanesLayer);

  // Nurseries: the parent's lane splits into its children's at the opening and joins at the end.
  const joins = svgEl("g", { class: "nursery-joins" });
  for (const nursery of model.nurseries.values()) {
    const top = laneY.get(nursery.task);
    const ys = nursery.children.map((id) => laneY.get(id)).filter((y): y is number => y !== undefined);
    if (top === undefined || ys.length === 0) continue;
    const bottom = Math.max(...ys);
    joins.append(svgEl("line", { x1: x(nursery.opened), x2: x(nursery.opened), y1: top, y2: bottom, stroke: COLOURS.nursery, "stroke-width": 2 }));
    if (nursery.closed !== null) {
      joins.append(svgEl("line", { x1: x(nursery.closed), x2: x(nursery.closed), y1: top, y2: bottom, stroke: COLOURS.nursery, "stroke-width": 2 }));
    }
  }
  svg.append(joins);

  // Cancellations: a line from where it came from through every lane it reached.
  const cancels = svgEl("g", { class: "cancels" });
  model.cancels.forEach((cancel, i) => {
    const ys = cancel.reached.map((id) => laneY.get(id)).filter((y): y is number => y !== undefined);
    const fromY = cancel.from === null ? undefined : laneY.get(cancel.from);
    if (fromY !== undefined) ys.push(fromY);
    if (ys.length === 0) return;
    const cx = x(cancel.t);
    const placed = cancelLabels[i]!;
    const labelY = AXIS_H + CANCEL_ROW_H * placed.row + CANCEL_ROW_H / 2;
    const mark = svgEl("g", { class: "cancel-mark", "data-cause": cancel.cause });
    mark.append(svgEl("line", { x1: cx, x2: cx, y1: labelY + 10, y2: Math.max(...ys) + 14, stroke: COLOURS.cancel, "stroke-width": 4, "stroke-dasharray": "8 5" }));
    for (const id of cancel.reached) {
      const y = laneY.get(id);
      if (y !== undefined) mark.append(cross(cx, y, 9, COLOURS.cancel));
    }
    mark.append(text(placed.x, labelY, placed.label, FONT.label, { fill: COLOURS.cancel, "font-weight": "bold" }));
    cancels.append(mark);
  });
  svg.append(cancels);

  // Errors: an arrow from where one rose to where its parent caught it or passed it on.
  const arrows = svgEl("g", { class: "error-arrows" });
  for (const task of model.tasks.values()) {
    if (!task.error || task.exited === null || task.parent === null) continue;
    const parent = model.tasks.get(task.parent);
    const fromY = laneY.get(task.id);
    const toY = parent === undefined ? undefined : laneY.get(parent.id);
    const to = parent?.marks.find((m) => (m.kind === "caught" || m.kind === "error") && m.t >= task.exited!);
    if (fromY === undefined || toY === undefined || to === undefined || fromY === toY) continue;
    const x1 = x(task.exited);
    const x2 = x(to.t);
    const y2 = toY + (toY < fromY ? 12 : -12);
    arrows.append(svgEl("path", {
      d: `M ${x1} ${fromY - 14} C ${x1 + 24} ${(fromY + toY) / 2}, ${x2 + 24} ${(fromY + toY) / 2}, ${x2 + 4} ${y2}`,
      fill: "none", stroke: COLOURS.error, "stroke-width": 3, "marker-end": "url(#twb-arrow)", class: "error-arrow",
    }));
  }
  const defs = svgEl("defs");
  const marker = svgEl("marker", { id: "twb-arrow", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse" });
  marker.append(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: COLOURS.error }));
  defs.append(marker);
  svg.append(defs, arrows);

  key.g.setAttribute("transform", `translate(0 ${height - legendH})`);
  svg.append(key.g);
  if (model.truncated) svg.append(text(WIDTH - RIGHT_PAD, height - 12, "trace truncated", FONT.small, { "text-anchor": "end", fill: COLOURS.error }));
  return svg;
}

function laneLabel(group: LaneGroup): string {
  const name = clip(group.task.name, 18);
  return group.members.length > 1 ? `×${group.members.length} ${name}` : name;
}

function lane(group: LaneGroup, y: number, x: (t: number) => number, now: number, index: number, WIDTH: number, labelW: number): SVGGElement {
  /** Marks' labels go right of the mark, or left where they would leave the picture. */
  const side = (mx: number, label: string) => (mx + 18 + textWidth(label, FONT.small, true) > WIDTH - 4 ? "end" : "start");
  /** A label cut to the room on its side: the picture's edge, or the lane names' column. */
  const fit = (mx: number, label: string) => {
    const room = side(mx, label) === "end" ? mx - 18 - labelW : WIDTH - 4 - mx - 18;
    return clip(label, Math.max(4, Math.floor(room / (FONT.small * 0.62))));
  };
  const g = svgEl("g", { class: group.members.length > 1 ? "lane lane-fan" : "lane", "data-task": group.task.id, "data-count": group.members.length });
  if (index % 2 === 1) g.append(svgEl("rect", { x: 0, y: y - LANE_H / 2, width: WIDTH, height: LANE_H, fill: "#f0f0f0" }));
  const label = laneLabel(group);
  const room = labelW - 12 - group.depth * 16;
  const size = Math.max(MIN_NAME_SIZE, Math.min(FONT.name, (FONT.name * room) / Math.max(1, textWidth(label, FONT.name, true))));
  g.append(text(8 + group.depth * 16, y, label, size, { "font-weight": "bold" }));
  for (const member of group.members) {
    for (const segment of member.segments) {
      const style = BAR[segment.state];
      const from = x(segment.from);
      let w = x(segment.to ?? now) - from;
      if (segment.state === "running") w = Math.max(w, MIN_RUN_W);
      if (w <= 0) continue;
      const rect = svgEl("rect", { x: from, y: y - style.h / 2, width: w, height: style.h, fill: style.fill, class: `seg seg-${segment.state}` });
      if (style.dash) {
        rect.setAttribute("fill", "none");
        g.append(svgEl("line", { x1: from, x2: from + w, y1: y, y2: y, stroke: style.fill, "stroke-width": style.h, "stroke-dasharray": style.dash, class: `seg seg-${segment.state}` }));
        continue;
      }
      rect.append(svgEl("title", {}, `${member.name}: ${segment.label}`));
      g.append(rect);
    }
  }
  const task = group.task;
  if (task.exited !== null) {
    const ex = x(task.exited);
    if (task.cancelled) g.append(cross(ex, y, 10, COLOURS.cancel));
    else if (!task.error) g.append(svgEl("rect", { x: ex - 2, y: y - 14, width: 4, height: 28, fill: COLOURS.ink }));
  }
  for (const mark of task.marks) {
    const mx = x(mark.t);
    if (mark.kind === "error") {
      const m = svgEl("g", { class: "error-mark" });
      m.append(svgEl("path", { d: `M ${mx} ${y - 14} L ${mx + 13} ${y + 10} L ${mx - 13} ${y + 10} Z`, fill: COLOURS.error, stroke: COLOURS.ink, "stroke-width": 1.5 }));
      m.append(text(mx, y + 3, "!", FONT.small, { fill: "#fff", "font-weight": "bold", "text-anchor": "middle" }));
      const flip = side(mx, clip(mark.label, 30)) === "end";
      const label = fit(mx, clip(mark.label, 30));
      m.append(text(flip ? mx - 18 : mx + 18, y - 13, label, FONT.small, { fill: COLOURS.error, "font-weight": "bold", "text-anchor": flip ? "end" : "start", "paint-order": "stroke", stroke: "#fff", "stroke-width": 4 }));
      g.append(m);
    } else if (mark.kind === "caught") {
      const m = svgEl("g", { class: "caught-mark" });
      m.append(svgEl("circle", { cx: mx, cy: y, r: 11, fill: "#fff", stroke: COLOURS.caught, "stroke-width": 3 }));
      m.append(svgEl("circle", { cx: mx, cy: y, r: 4, fill: COLOURS.caught }));
      const flip = side(mx, mark.label) === "end";
      m.append(text(flip ? mx - 18 : mx + 18, y - 13, fit(mx, mark.label), FONT.small, { "font-weight": "bold", "text-anchor": flip ? "end" : "start", "paint-order": "stroke", stroke: "#fff", "stroke-width": 4 }));
      g.append(m);
    }
  }
  return g;
}

function cross(x: number, y: number, r: number, colour: string): SVGGElement {
  const g = svgEl("g", { class: "cross" });
  g.append(svgEl("circle", { cx: x, cy: y, r: r + 3, fill: "#fff" }));
  g.append(svgEl("path", { d: `M ${x - r} ${y - r} L ${x + r} ${y + r} M ${x - r} ${y + r} L ${x + r} ${y - r}`, stroke: colour, "stroke-width": 4, "stroke-linecap": "round" }));
  return g;
}

/** A round span for the axis: 1, 2 or 5 times a power of ten, at least `t`. */
function niceSpan(t: number): number {
  const p = 10 ** Math.floor(Math.log10(t));
  for (const m of [1, 1.5, 2, 3, 4, 5, 6, 8, 10]) if (m * p >= t) return m * p;
  return 10 * p;
}

function axis(span: number, x: (t: number) => number, x0: number, xw: number, bottom: number): SVGGElement {
  const g = svgEl("g", { class: "axis" });
  g.append(svgEl("line", { x1: x0, x2: x0 + xw, y1: AXIS_H - 6, y2: AXIS_H - 6, stroke: COLOURS.ink, "stroke-width": 2 }));
  // As many ticks as fit their labels.
  const ticks = xw >= 480 ? 5 : xw >= 260 ? 3 : 2;
  const step = span / ticks;
  const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) + 0.3));
  for (let i = 0; i <= ticks; i++) {
    const t = step * i;
    const tx = x(t);
    g.append(svgEl("line", { x1: tx, x2: tx, y1: AXIS_H - 12, y2: bottom, stroke: "#cccccc", "stroke-width": 1 }));
    g.append(text(tx, AXIS_H - 22, i === 0 ? "0" : `${t.toFixed(digits)}${i === ticks ? " s" : ""}`, FONT.small, { "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle", fill: COLOURS.faint }));
  }
  return g;
}

function legend(width: number): { g: SVGGElement; height: number } {
  const y = 0;
  const g = svgEl("g", { class: "legend" });
  const items: Array<[string, () => SVGElement]> = [
    ["running", () => svgEl("rect", { width: 28, height: 20, y: -10, fill: COLOURS.running })],
    ["sleeping", () => svgEl("rect", { width: 28, height: 10, y: -5, fill: COLOURS.sleeping })],
    ["blocked", () => svgEl("rect", { width: 28, height: 10, y: -5, fill: COLOURS.blocked })],
    ["waits for children", () => svgEl("line", { x2: 28, stroke: COLOURS.nursery, "stroke-width": 4, "stroke-dasharray": "10 6" })],
    ["cancel", () => cross(14, 0, 8, COLOURS.cancel)],
    ["error", () => svgEl("path", { d: "M 14 -11 L 26 9 L 2 9 Z", fill: COLOURS.error })],
  ];
  let lx = 10;
  let ly = y + 10;
  for (const [label, icon] of items) {
    const itemW = 44 + textWidth(label, FONT.small) + 10;
    if (lx + itemW > width) {
      lx = 10;
      ly += 28;
    }
    const item = svgEl("g", { transform: `translate(${lx} ${ly})` });
    item.append(icon());
    item.append(text(34, 1, label, FONT.small));
    g.append(item);
    lx += itemW;
  }
  return { g, height: ly - y + 20 };
}
