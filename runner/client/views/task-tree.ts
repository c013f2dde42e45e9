/**
 * The task tree: each task a box, each nursery a dashed box inside its parent holding the
 * children it started, and the parent shown waiting at the nursery's end. A fan of identical
 * siblings is one stacked box, "×100 worker".
 */
import { clip, COLOURS, FONT, svgEl, svgRoot, text, textWidth } from "./svg.ts";
import { groupChildren, type NurseryNode, type TaskNode, type TraceModel } from "./trace-model.ts";

const PAD = 14;
const GAP = 16;
const HEADER_H = 62;
const NURSERY_LABEL_H = 30;
const WAIT_BAR_H = 34;
const MIN_TASK_W = 150;
const MAX_NAME = 20;

interface Box {
  w: number;
  h: number;
  draw(parent: SVGElement, x: number, y: number): void;
}

interface Look {
  fill: string;
  ink: string;
  stroke: string;
  dash?: string;
  status: string;
}

/** Draws the task tree of a model as an `<svg>` (class `twb-task-tree`; `g.task` and `g.nursery` boxes). */
export function renderTaskTree(model: TraceModel, title = "Task tree"): SVGSVGElement {
  const roots = [...model.tasks.values()].filter((t) => t.parent === null);
  const boxes = roots.map((task) => taskBox(model, [task]));
  const w = Math.max(400, ...boxes.map((b) => b.w + 2 * PAD));
  const h = boxes.reduce((sum, b) => sum + b.h + GAP, PAD) + PAD;
  const svg = svgRoot(w, Math.max(h, 120), "twb-task-tree", title);
  let y = PAD;
  for (const box of boxes) {
    box.draw(svg, PAD, y);
    y += box.h + GAP;
  }
  if (boxes.length === 0) svg.append(text(PAD, 40, "no tasks yet", FONT.label, { fill: COLOURS.faint }));
  return svg;
}

function look(model: TraceModel, task: TaskNode): Look {
  if (task.exited !== null) {
    if (task.error) return { fill: COLOURS.error, ink: "#fff", stroke: COLOURS.ink, status: `✗ ${clip(`${task.error.name}: ${task.error.message}`, 28)}` };
    if (task.cancelled) return { fill: "#fff", ink: COLOURS.cancel, stroke: COLOURS.cancel, dash: "8 5", status: "✕ cancelled" };
    return { fill: "#e6e6e6", ink: COLOURS.ink, stroke: "#444", status: `✓ done at ${task.exited.toFixed(2)} s` };
  }
  const open = task.segments[task.segments.length - 1];
  const label = open?.label ?? "";
  switch (open?.state) {
    case "running":
      return { fill: COLOURS.running, ink: "#fff", stroke: COLOURS.ink, status: "running" };
    case "sleeping":
      return { fill: COLOURS.sleeping, ink: "#fff", stroke: COLOURS.ink, status: label };
    case "blocked":
    case "foreign":
      return { fill: COLOURS.blocked, ink: COLOURS.ink, stroke: COLOURS.ink, status: `waits: ${label}` };
    case "nursery":
      return { fill: "#fff", ink: COLOURS.ink, stroke: COLOURS.ink, status: "waits for its children" };
    default:
      return { fill: "#fff", ink: COLOURS.ink, stroke: COLOURS.runnable, status: model.ended ? "" : "runnable" };
  }
}

function taskBox(model: TraceModel, members: TaskNode[]): Box {
  const task = members[0]!;
  const fan = members.length > 1;
  const name = fan ? `×${members.length} ${clip(task.name, MAX_NAME)}` : clip(task.name, MAX_NAME);
  const style = fan ? fanLook(model, members) : look(model, task);
  const nurseries = fan ? [] : task.nurseries.map((scope) => model.nurseries.get(scope)).filter((n): n is NurseryNode => n !== undefined);
  const inner = nurseries.map((n) => nurseryBox(model, n, task));
  const w = Math.max(MIN_TASK_W, textWidth(name, FONT.name, true) + 2 * PAD, textWidth(style.status, FONT.small) + 2 * PAD, ...inner.map((b) => b.w + 2 * PAD));
  const h = HEADER_H + inner.reduce((sum, b) => sum + b.h + PAD, 0) + (inner.length ? 0 : 0);
  return {
    w,
    h,
    draw(parent, x, y) {
      const g = svgEl("g", { class: fan ? "task task-fan" : "task", "data-task": task.id, "data-count": members.length });
      if (fan) {
        for (const offset of [8, 4]) g.append(svgEl("rect", { x: x + offset, y: y + offset, width: w, height: h, rx: 8, fill: style.fill, stroke: style.stroke, "stroke-width": 2 }));
      }
      g.append(svgEl("rect", { x, y, width: w, height: h, rx: 8, fill: nurseries.length ? "#fff" : style.fill, stroke: style.stroke, "stroke-width": 3, "stroke-dasharray": style.dash }));
      if (nurseries.length) g.append(svgEl("rect", { x, y, width: w, height: HEADER_H, rx: 8, fill: style.fill, stroke: style.stroke, "stroke-width": 3, "stroke-dasharray": style.dash }));
      g.append(text(x + PAD, y + 22, name, FONT.name, { "font-weight": "bold", fill: style.ink }));
      g.append(text(x + PAD, y + 46, style.status, FONT.small, { fill: style.ink }));
      parent.append(g);
      let ny = y + HEADER_H + PAD / 2;
      for (const box of inner) {
        box.draw(parent, x + PAD, ny);
        ny += box.h + PAD;
      }
    },
  };
}

function fanLook(model: TraceModel, members: TaskNode[]): Look {
  const done = members.filter((t) => t.exited !== null).length;
  const failed = members.filter((t) => t.error).length;
  const cancelled = members.filter((t) => t.cancelled).length;
  if (done < members.length) {
    const base = look(model, members.find((t) => t.exited === null)!);
    return { ...base, status: `${members.length - done} running, ${done} done` };
  }
  if (failed) return { fill: COLOURS.error, ink: "#fff", stroke: COLOURS.ink, status: `${failed} failed, ${cancelled} cancelled` };
  if (cancelled) return { fill: "#fff", ink: COLOURS.cancel, stroke: COLOURS.cancel, dash: "8 5", status: `${cancelled} cancelled` };
  return { fill: "#e6e6e6", ink: COLOURS.ink, stroke: "#444", status: `✓ all ${members.length} done` };
}

function nurseryBox(model: TraceModel, nursery: NurseryNode, parentTask: TaskNode): Box {
  const children = groupChildren(model, nursery.children).map((group) => taskBox(model, group));
  const cancel = model.cancels.find((c) => c.scope === nursery.scope);
  const waiting = nursery.closed === null && parentTask.segments[parentTask.segments.length - 1]?.state === "nursery";
  const footer = waiting
    ? `${clip(parentTask.name, MAX_NAME)} waits here for its children`
    : nursery.closed !== null
      ? `joined at ${nursery.closed.toFixed(2)} s`
      : `${clip(parentTask.name, MAX_NAME)} runs the nursery's body`;
  const cancelText = cancel ? `✕ cancelled: ${cancel.cause}` : "";
  const childrenW = children.reduce((sum, b) => sum + b.w, 0) + GAP * Math.max(0, children.length - 1);
  const w = Math.max(260, childrenW + 2 * PAD, textWidth(footer, FONT.small, true) + 2 * PAD, textWidth(`nursery  ${cancelText}`, FONT.label, true) + 2 * PAD);
  const h = NURSERY_LABEL_H + Math.max(0, ...children.map((b) => b.h)) + PAD + WAIT_BAR_H;
  return {
    w,
    h,
    draw(parent, x, y) {
      const g = svgEl("g", { class: nursery.closed === null ? "nursery" : "nursery nursery-closed", "data-scope": nursery.scope });
      g.append(svgEl("rect", { x, y, width: w, height: h, rx: 6, fill: "#fafafa", stroke: cancel ? COLOURS.cancel : COLOURS.ink, "stroke-width": 3, "stroke-dasharray": "12 6" }));
      g.append(text(x + PAD, y + NURSERY_LABEL_H / 2 + 2, "nursery", FONT.label, { "font-weight": "bold", fill: COLOURS.faint }));
      if (cancel) {
        const mark = svgEl("g", { class: "cancel-mark", "data-cause": cancel.cause });
        mark.append(text(x + PAD + textWidth("nursery  ", FONT.label, true), y + NURSERY_LABEL_H / 2 + 2, cancelText, FONT.label, { "font-weight": "bold", fill: COLOURS.cancel }));
        g.append(mark);
      }
      const barY = y + h - WAIT_BAR_H;
      g.append(svgEl("rect", { x, y: barY, width: w, height: WAIT_BAR_H, rx: 6, fill: waiting ? COLOURS.ink : "#e6e6e6" }));
      g.append(text(x + PAD, barY + WAIT_BAR_H / 2, footer, FONT.small, { fill: waiting ? "#fff" : COLOURS.ink, "font-weight": "bold", class: waiting ? "wait-bar" : "join-bar" }));
      parent.append(g);
      let cx = x + PAD;
      for (const child of children) {
        child.draw(parent, cx, y + NURSERY_LABEL_H);
        cx += child.w + GAP;
      }
    },
  };
}
