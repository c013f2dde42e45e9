/**
 * The reveal.js plugin that makes `exec` blocks runnable: Run / Stop / Edit / Reset buttons,
 * output streamed into the slide line by line, a console bound to the session, a session reset,
 * and keys (R runs the current slide's first block, X stops every running block).
 *
 * Where no runner is reachable (server down, static export) and in PDF (`?print-pdf`), each
 * block shows its recorded output, marked as such; Run then replays the recording.
 */
import { createCodeEditor, type CodeEditor } from "./code-editor.ts";
import { setUpConsole } from "./console-panel.ts";
import { fitSlide } from "./fit-output.ts";
import { appendLine, clearOutput, replayRecording, showRecording, type BlockRecording } from "./output-view.ts";
import { post, runnerReachable, streamRun, type RunEvent } from "./run-stream.ts";
import { attachPictures, type RecordedTrace } from "./views/trace-panel.ts";

/** How often the page tells the server its viewer is still there, in ms. */
const HEARTBEAT_MS = 60_000;
const RUN_KEY = { keyCode: 82, key: "R", description: "Run the slide's first block" };
const STOP_KEY = { keyCode: 88, key: "X", description: "Stop running blocks" };
const CONSOLE_KEY = { keyCode: 67, key: "C", description: "Open or close the console" };
const OFFLINE_REASON = "no runner is reachable";
const STATIC_REASON = "this is a static export, with no runner";
const PRINT_REASON = "recorded with `npm run record`";

/** What the page carries (see `DeckPageData`). */
export interface DeckData {
  name: string;
  static: boolean;
  blocks: Array<{ index: number; id: string; slide: number; kind: string; language: string; code: string; recording: BlockRecording | null }>;
}

interface RevealDeck {
  addKeyBinding(binding: { keyCode: number; key: string; description: string }, callback: () => void): void;
  removeKeyBinding(keyCode: number): void;
  getCurrentSlide(): HTMLElement | undefined;
  getConfig(): { height: number };
  on(event: string, callback: () => void): void;
}

/** Where a run's output goes and how its controls react. */
export interface RunView {
  output: HTMLElement;
  onStart(runId: string): void;
  onEnd(status: string): void;
  /** The runner could not be reached: show the recording instead. */
  onUnreachable?(): void;
  /** Trace events for the pictures (see `views/trace-panel.ts`). */
  onTrace?(seq: number, events: unknown[]): void;
}

/** State shared by the plugin's parts. */
export interface RunnerContext {
  data: DeckData;
  /** Show each line's time since the run started. */
  showStamps: boolean;
  /** No runner: Run replays recordings. */
  offline: boolean;
  /** Stop functions of the runs going, by run id. */
  running: Map<string, () => void>;
  /** Starts a run and streams its events into the view. */
  startRun(body: Record<string, unknown>, view: RunView): Promise<void>;
}

/**
 * Creates the plugin.
 *
 * @returns a reveal.js plugin: `{ id, init(deck), destroy() }`.
 */
export function RunnerPlugin() {
  let heartbeat: number | undefined;
  let fitCurrent = () => {};
  const printing = /print-pdf/i.test(window.location.search);
  const blockViews: Array<{ showRecorded(why: string): void }> = [];
  const context: RunnerContext = {
    data: { name: "", static: false, blocks: [] },
    showStamps: false,
    offline: false,
    running: new Map(),
    startRun: (body, view) => streamRun(context.data.name, body, (event) => show(view, event)),
  };

  function show(view: RunView, event: RunEvent): void {
    const stamp = context.showStamps && "t" in event ? event.t : undefined;
    switch (event.type) {
      case "start":
        view.onStart(event.runId);
        return;
      case "line":
        appendLine(view.output, event.stream, event.text, stamp);
        return;
      case "result":
        appendLine(view.output, "result", event.text, stamp);
        return;
      case "trace":
        view.onTrace?.(event.seq, event.events);
        return;
      case "event":
        appendLine(view.output, "runtime-event", `[${event.event}] ${event.task}`, stamp, false);
        return;
      case "notice":
        appendLine(view.output, "notice", event.text, stamp, false);
        return;
      case "end":
        if (event.message) appendLine(view.output, `status status-${event.status}`, event.message, stamp, false);
        view.onEnd(event.status);
        return;
      case "error":
        if (event.code === "NETWORK" && view.onUnreachable) {
          view.onUnreachable();
          return;
        }
        appendLine(view.output, "status status-error", event.message, undefined, false);
        view.onEnd("error");
        return;
    }
  }

  function goOffline(why: string): void {
    context.offline = true;
    document.documentElement.classList.add("twb-offline");
    for (const view of blockViews) view.showRecorded(why);
  }

  function setUpBlock(element: HTMLElement): void {
    const index = Number(element.dataset["block"]);
    const block = context.data.blocks.find((b) => b.index === index);
    const code = element.querySelector<HTMLElement>("pre.exec-code code");
    const output = element.querySelector<HTMLElement>("pre.exec-output");
    if (!block || !code || !output) return;
    const toolbar = document.createElement("div");
    toolbar.className = "exec-toolbar";
    const button = (label: string, className: string, title: string) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.className = className;
      b.title = title;
      toolbar.append(b);
      return b;
    };
    const run = button("Run", "exec-run", "Run this block (R)");
    const stop = button("Stop", "exec-stop", "Cancel the run through the runtime (X)");
    const edit = button("Edit", "exec-edit", "Edit the code on the slide (or double-click it); Ctrl+Enter runs, Escape leaves the editor");
    const reset = button("Reset", "exec-reset", "Restore the block's original code");
    const status = document.createElement("span");
    status.className = "exec-state";
    toolbar.append(status);
    stop.disabled = true;
    element.insertBefore(toolbar, output);
    const pictures = block.language === "typescript" ? attachPictures(element, toolbar, `${context.data.name}-block-${index}`) : null;
    const recordedTrace = () => (block.recording as { trace?: RecordedTrace } | null)?.trace;
    let runId: string | null = null;
    let stopReplay: (() => void) | null = null;

    const setState = (state: string, text = state) => {
      element.dataset["state"] = state;
      status.textContent = text;
    };
    const finished = (state: string) => {
      if (runId) context.running.delete(runId);
      runId = null;
      stopReplay = null;
      run.disabled = false;
      stop.disabled = true;
      setState(state);
    };
    const showRecorded = (why: string) => {
      if (runId || stopReplay) return;
      showRecording(output, block.recording, why, context.showStamps);
      pictures?.showRecorded(recordedTrace());
      run.textContent = "Replay";
      run.title = "Play the recorded output back (R)";
      setState("recorded");
    };
    blockViews.push({ showRecorded });

    const replay = () => {
      run.disabled = true;
      stop.disabled = false;
      setState("running", "replaying…");
      const replayId = `replay-${index}`;
      runId = replayId;
      context.running.set(replayId, () => stop.click());
      pictures?.showRecorded(recordedTrace());
      stopReplay = replayRecording(output, block.recording, context.data.static ? STATIC_REASON : OFFLINE_REASON, context.showStamps, (state) => finished(state === "ok" || state === "cancelled" ? state : "recorded"));
    };

    let editor: CodeEditor | null = null;
    const currentCode = () => editor?.getCode() ?? block.code;
    const markEdited = () => element.classList.toggle("exec-edited", currentCode() !== block.code);
    /** Turns the highlighted code into an editor (for good: the edits stay on the slide). */
    const startEditing = () => {
      if (!editor) {
        const pre = element.querySelector<HTMLElement>("pre.exec-code")!;
        const holder = document.createElement("div");
        holder.className = "exec-editor";
        pre.after(holder);
        pre.style.display = "none";
        editor = createCodeEditor(holder, { code: block.code, language: block.language, onRun: () => run.click(), onChange: markEdited });
        fitCurrent();
        edit.disabled = true;
        edit.textContent = "Editing";
      }
      editor.focus();
    };
    run.addEventListener("click", () => {
      if (run.disabled) return;
      if (context.offline) return replay();
      clearOutput(output);
      pictures?.reset();
      run.disabled = true;
      setState("running", "running…");
      const edited = currentCode() !== block.code;
      void context.startRun({ block: index, ...(edited ? { code: currentCode() } : {}), events: element.classList.contains("exec-events"), trace: pictures?.enabled() ?? false }, {
        output,
        onTrace: pictures?.onTrace,
        onStart(id) {
          runId = id;
          stop.disabled = false;
          context.running.set(id, () => stop.click());
        },
        onEnd: finished,
        onUnreachable() {
          finished("recorded");
          goOffline(OFFLINE_REASON);
        },
      });
    });
    stop.addEventListener("click", () => {
      if (stopReplay) return stopReplay();
      if (!runId) return;
      status.textContent = "stopping…";
      stop.disabled = true;
      void post(`/api/runs/${encodeURIComponent(runId)}/stop`, {});
    });
    edit.addEventListener("click", startEditing);
    code.addEventListener("dblclick", startEditing);
    reset.addEventListener("click", () => {
      editor?.setCode(block.code);
      markEdited();
    });
    element.addEventListener("twb-run", () => run.click());
  }

  return {
    id: "trio-workbook-runner",
    init(deck: RevealDeck) {
      const element = document.getElementById("twb-deck");
      if (element?.textContent) context.data = JSON.parse(element.textContent) as DeckData;
      document.querySelectorAll<HTMLElement>(".exec-block:not(.exec-hidden)").forEach(setUpBlock);
      if (printing) {
        document.documentElement.classList.add("twb-print");
        for (const view of blockViews) view.showRecorded(PRINT_REASON);
        return;
      }
      fitCurrent = () => {
        const slide = deck.getCurrentSlide();
        if (slide) fitSlide(slide, deck.getConfig().height);
      };
      for (const event of ["ready", "slidechanged", "resize"]) deck.on(event, fitCurrent);
      void document.fonts?.ready.then(fitCurrent);
      // The speaker view's previews of this slide and the next: no console, no heartbeat of their own.
      if (/receiver/i.test(window.location.search)) return;
      deck.addKeyBinding(CONSOLE_KEY, setUpConsole(context));
      deck.addKeyBinding(RUN_KEY, () => {
        deck.getCurrentSlide()?.querySelector(".exec-block:not(.exec-hidden)")?.dispatchEvent(new Event("twb-run"));
      });
      deck.addKeyBinding(STOP_KEY, () => {
        for (const stop of context.running.values()) stop();
      });
      if (context.data.static || window.location.protocol === "file:") {
        goOffline(STATIC_REASON);
        return;
      }
      void runnerReachable().then((reachable) => {
        if (!reachable) goOffline(OFFLINE_REASON);
      });
      heartbeat = window.setInterval(() => void post("/api/heartbeat", {}).catch(() => {}), HEARTBEAT_MS);
    },
    destroy() {
      window.clearInterval(heartbeat);
    },
  };
}
