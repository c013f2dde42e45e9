/**
 * What the pictures draw, built from the trace events of one `trio.run` (see
 * `runtime/trace.ts`) as they arrive: tasks with their nurseries, each task's segments of
 * running / sleeping / blocked time, cancellations with whom they reached, and errors with
 * where they rose and where they were caught.
 */
import type { TraceEvent, TraceWait } from "../../../runtime/trace.ts";

export type { TraceEvent } from "../../../runtime/trace.ts";

/** What a task is doing during a segment. */
export type SegmentState = "running" | "sleeping" | "blocked" | "nursery" | "foreign" | "runnable";

/** A span of a task's life in one state. `to` is `null` while it lasts. */
export interface Segment {
  state: SegmentState;
  from: number;
  to: number | null;
  /** What it waits on, in words ("sleep until 1.0 s", "lock", "channel"). */
  label: string;
}

/** A mark on a task's lane. */
export interface Mark {
  kind: "cancel-reached" | "cancelled" | "error" | "caught" | "caught-cancel";
  t: number;
  label: string;
}

export interface TaskNode {
  id: number;
  name: string;
  parent: number | null;
  /** The nursery (its scope id) the task was started in, or `null` for the main task. */
  nursery: number | null;
  spawned: number;
  exited: number | null;
  /** The error it exited with. */
  error: { id: number; name: string; message: string; parts?: number[] } | null;
  /** It exited with `Cancelled`. */
  cancelled: boolean;
  segments: Segment[];
  marks: Mark[];
  /** Nurseries it opened, in order (scope ids). */
  nurseries: number[];
}

export interface NurseryNode {
  scope: number;
  task: number;
  opened: number;
  closed: number | null;
  children: number[];
}

export interface CancelNode {
  t: number;
  scope: number;
  /** `deadline`, `error in bomb`, `cancel() by main`, `Stop`... */
  cause: string;
  /** The task the cancellation came from, if any (an error's task or the caller of `cancel()`). */
  from: number | null;
  reached: number[];
}

/** The picture of one `trio.run`. */
export interface TraceModel {
  tasks: Map<number, TaskNode>;
  nurseries: Map<number, NurseryNode>;
  /** Scopes that are not nurseries (`moveOnAfter`, `CancelScope.run`), with their task and deadline. */
  scopes: Map<number, { task: number; entered: number; exited: number | null; deadline: number | null; nursery: boolean }>;
  cancels: CancelNode[];
  /** The latest time seen. */
  now: number;
  ended: boolean;
  truncated: boolean;
}

/** An empty model. */
export function emptyModel(): TraceModel {
  return { tasks: new Map(), nurseries: new Map(), scopes: new Map(), cancels: [], now: 0, ended: false, truncated: false };
}

function describeWait(on: TraceWait): [SegmentState, string] {
  switch (on.kind) {
    case "sleep":
      return ["sleeping", on.until === null ? "sleep forever" : `sleep until ${on.until.toFixed(2)} s`];
    case "lot":
      return ["blocked", "lock / event"];
    case "send":
      return ["blocked", "channel send"];
    case "receive":
      return ["blocked", "channel receive"];
    case "nursery":
      return ["nursery", "waits for its children"];
    case "foreign":
      return ["foreign", "awaits a foreign promise"];
    case "yield":
      return ["runnable", "checkpoint"];
    case "wait":
      return ["blocked", on.what];
  }
}

function close(task: TaskNode, t: number): void {
  const last = task.segments[task.segments.length - 1];
  if (last && last.to === null) last.to = t;
}

function open(task: TaskNode, state: SegmentState, t: number, label: string): void {
  close(task, t);
  const last = task.segments[task.segments.length - 1];
  // A task that yields and runs again at once stays one running segment.
  if (last && last.state === state && last.to === t && last.label === label) last.to = null;
  else task.segments.push({ state, from: t, to: null, label });
}

/**
 * Applies events to a model, in order.
 *
 * @param model - the model to update (mutated).
 * @param events - the next events of the run.
 */
export function applyEvents(model: TraceModel, events: readonly TraceEvent[]): void {
  for (const e of events) {
    model.now = Math.max(model.now, e.t);
    switch (e.k) {
      case "spawn": {
        if (e.system) break; // the runtime's own tasks are not part of the picture
        model.tasks.set(e.task, {
          id: e.task, name: e.name === "<anonymous>" ? (e.parent === null ? "main" : "task") : e.name,
          parent: e.parent, nursery: e.scope, spawned: e.t, exited: null, error: null, cancelled: false,
          segments: [{ state: "runnable", from: e.t, to: null, label: "spawned" }], marks: [], nurseries: [],
        });
        if (e.scope !== null) model.nurseries.get(e.scope)?.children.push(e.task);
        break;
      }
      case "scope":
        model.scopes.set(e.scope, { task: e.task, entered: e.t, exited: null, deadline: e.deadline, nursery: false });
        break;
      case "nursery": {
        const scope = model.scopes.get(e.scope);
        if (scope) scope.nursery = true;
        if (!model.nurseries.has(e.scope)) {
          model.nurseries.set(e.scope, { scope: e.scope, task: e.task, opened: scope?.entered ?? e.t, closed: null, children: [] });
          model.tasks.get(e.task)?.nurseries.push(e.scope);
        }
        break;
      }
      case "sched": {
        const task = model.tasks.get(e.task);
        const last = task?.segments[task.segments.length - 1];
        if (task && last && last.to === null && last.state !== "running" && last.state !== "runnable") open(task, "runnable", e.t, "runnable");
        break;
      }
      case "step": {
        const task = model.tasks.get(e.task);
        if (task) open(task, "running", e.t, "running");
        break;
      }
      case "block": {
        const task = model.tasks.get(e.task);
        if (!task) break;
        const [state, label] = describeWait(e.on);
        open(task, state, e.t, label);
        break;
      }
      case "cancel": {
        const cause = e.cause;
        let text: string;
        let from: number | null = null;
        if (cause.kind === "deadline") text = "deadline";
        else if (cause.kind === "error") {
          from = cause.task;
          text = `error in ${model.tasks.get(cause.task)?.name ?? "a task"}`;
        } else if (cause.task === null) text = "Stop / outside";
        else {
          from = cause.task;
          text = `cancel() by ${model.tasks.get(cause.task)?.name ?? "a task"}`;
        }
        model.cancels.push({ t: e.t, scope: e.scope, cause: text, from, reached: e.reached });
        for (const id of e.reached) model.tasks.get(id)?.marks.push({ kind: "cancel-reached", t: e.t, label: text });
        break;
      }
      case "cancelled":
        model.tasks.get(e.task)?.marks.push({ kind: "cancelled", t: e.t, label: "Cancelled raised" });
        break;
      case "scope-exit": {
        const scope = model.scopes.get(e.scope);
        if (scope) scope.exited = e.t;
        const nursery = model.nurseries.get(e.scope);
        if (nursery) nursery.closed = e.t;
        const task = model.tasks.get(e.task);
        if (task && e.caught) task.marks.push({ kind: "caught-cancel", t: e.t, label: nursery ? "nursery caught Cancelled" : "scope caught Cancelled" });
        // An error leaving a nursery is marked where it is caught, or where it leaves the task.
        if (task && e.error && e.error.name !== "Cancelled") pendingErrors(model).set(e.task, e.error);
        break;
      }
      case "exit": {
        const task = model.tasks.get(e.task);
        if (!task) break;
        close(task, e.t);
        task.exited = e.t;
        if (e.error) {
          if (e.error.name === "Cancelled") task.cancelled = true;
          else {
            task.error = e.error;
            task.marks.push({ kind: "error", t: e.t, label: `${e.error.name}: ${e.error.message}` });
          }
        }
        // An error that left a nursery into this task and did not leave the task was caught here.
        const pending = pendingErrors(model).get(e.task);
        if (pending && !(e.error && sameError(e.error, pending))) {
          task.marks.push({ kind: "caught", t: e.t, label: `caught ${pending.name}` });
        }
        pendingErrors(model).delete(e.task);
        break;
      }
      case "truncated":
        model.truncated = true;
        break;
      case "end":
        model.ended = true;
        for (const task of model.tasks.values()) close(task, e.t);
        break;
    }
  }
}

const PENDING = new WeakMap<TraceModel, Map<number, { id: number; name: string; parts?: number[] }>>();

function pendingErrors(model: TraceModel) {
  let map = PENDING.get(model);
  if (!map) PENDING.set(model, (map = new Map()));
  return map;
}

function sameError(a: { id: number; parts?: number[] }, b: { id: number; parts?: number[] }): boolean {
  return a.id === b.id || (a.parts ?? []).includes(b.id) || (b.parts ?? []).includes(a.id);
}

/**
 * The tasks in the order the pictures draw them: depth first, children after their parent.
 * A run of more than `fanOver` siblings of the same name in one nursery becomes one entry.
 */
export interface LaneGroup {
  /** The first task of the group; the one whose segments are drawn. */
  task: TaskNode;
  /** Every task in the group (one, or a fan). */
  members: TaskNode[];
  depth: number;
}

/** Siblings of one name beyond which they are drawn as one "×N name" lane or box. */
export const FAN_OVER = 4;

/**
 * Groups a nursery's children: runs of same-named siblings beyond {@link FAN_OVER} collapse.
 */
export function groupChildren(model: TraceModel, children: readonly number[], fanOver = FAN_OVER): TaskNode[][] {
  const byName = new Map<string, TaskNode[]>();
  const order: string[] = [];
  for (const id of children) {
    const task = model.tasks.get(id);
    if (!task) continue;
    let list = byName.get(task.name);
    if (!list) {
      byName.set(task.name, (list = []));
      order.push(task.name);
    }
    list.push(task);
  }
  const groups: TaskNode[][] = [];
  for (const name of order) {
    const list = byName.get(name)!;
    if (list.length > fanOver) groups.push(list);
    else for (const task of list) groups.push([task]);
  }
  return groups;
}

/** The lanes of the timeline, depth first from the main task. */
export function lanes(model: TraceModel, fanOver = FAN_OVER): LaneGroup[] {
  const out: LaneGroup[] = [];
  const visit = (members: TaskNode[], depth: number) => {
    out.push({ task: members[0]!, members, depth });
    if (members.length > 1) return;
    for (const scope of members[0]!.nurseries) {
      const nursery = model.nurseries.get(scope);
      if (nursery) for (const group of groupChildren(model, nursery.children, fanOver)) visit(group, depth + 1);
    }
  };
  for (const task of model.tasks.values()) if (task.parent === null && !task.name.startsWith("<")) visit([task], 0);
  return out;
}
