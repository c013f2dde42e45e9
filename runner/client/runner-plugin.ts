/**
 * The reveal.js plugin that makes `exec` blocks runnable: Run / Stop / Edit / Reset buttons,
 * output streamed into the slide line by line, a console bound to the session, and keys
 * (R runs the current slide's first block, X stops every running block).
 */
import { ansiToNodes } from "./ansi.ts";

/** How often the page tells the server its viewer is still there, in ms. */
const HEARTBEAT_MS = 60_000;
const RUN_KEY = { keyCode: 82, key: "R", description: "Run the slide's first block" };
const STOP_KEY = { keyCode: 88, key: "X", description: "Stop running blocks" };

interface DeckData {
  name: string;
  blocks: Array<{ index: number; slide: number; kind: string; language: string; code: string }>;
}

type RunEvent =
  | { type: "start"; runId: string; t: number }
  | { type: "line"; stream: "stdout" | "stderr"; text: string; t: number }
  | { type: "event"; event: string; task: string; t: number }
  | { type: "result"; text: string; t: number }
  | { type: "notice"; text: string; t: number }
  | { type: "end"; status: string; message: string | null; t: number }
  | { type: "error"; code: string; message: string };

interface RevealDeck {
  addKeyBinding(binding: { keyCode: number; key: string; description: string }, callback: () => void): void;
  removeKeyBinding(keyCode: number): void;
  getCurrentSlide(): HTMLElement | undefined;
}

/** Where a run's output goes and how its controls look. */
interface RunView {
  output: HTMLElement;
  onStart(runId: string): void;
  onEnd(status: string): void;
}

/**
 * Creates the plugin.
 *
 * @returns a reveal.js plugin: `{ id, init(deck), destroy() }`.
 */
export function RunnerPlugin() {
  let data: DeckData = { name: "", blocks: [] };
  let heartbeat: number | undefined;
  let showStamps = false;
  const running = new Map<string, () => void>();

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  }

  function appendLine(output: HTMLElement, className: string, text: string, t?: number, colours = true): void {
    const line = document.createElement("span");
    line.className = `line ${className}`;
    if (t !== undefined) {
      const stamp = document.createElement("span");
      stamp.className = "stamp";
      stamp.textContent = `+${(t / 1000).toFixed(2)}s `;
      line.append(stamp);
    }
    if (colours) line.append(ansiToNodes(text));
    else line.append(document.createTextNode(text));
    line.append(document.createTextNode("\n"));
    output.append(line);
    output.scrollTop = output.scrollHeight;
  }

  function show(view: RunView, event: RunEvent): void {
    const stamp = showStamps && "t" in event ? event.t : undefined;
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
        appendLine(view.output, "status status-error", event.message, undefined, false);
        view.onEnd("error");
        return;
    }
  }

  /** Starts a run and streams its events into the view. */
  async function startRun(body: Record<string, unknown>, view: RunView): Promise<void> {
    let response: Response;
    try {
      response = await post(`/api/decks/${encodeURIComponent(data.name)}/run`, body);
    } catch (error) {
      show(view, { type: "error", code: "NETWORK", message: `The runner is not reachable (${String(error)}).` });
      return;
    }
    if (!response.ok || !response.body) {
      const problem = await response.json().catch(() => null) as { error?: { code: string; message: string } } | null;
      show(view, { type: "error", code: problem?.error?.code ?? "HTTP", message: problem?.error?.message ?? `The runner answered ${response.status}.` });
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let ended = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === "") continue;
        const event = JSON.parse(line) as RunEvent;
        if (event.type === "end") ended = true;
        show(view, event);
      }
    }
    if (!ended) show(view, { type: "error", code: "DISCONNECTED", message: "The connection to the runner closed before the run ended." });
  }

  function setUpBlock(element: HTMLElement): void {
    const index = Number(element.dataset["block"]);
    const block = data.blocks.find((b) => b.index === index);
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
    const edit = button("Edit", "exec-edit", "Edit the code on the slide");
    const reset = button("Reset", "exec-reset", "Restore the block's original code");
    const status = document.createElement("span");
    status.className = "exec-state";
    toolbar.append(status);
    stop.disabled = true;
    element.insertBefore(toolbar, output);
    let runId: string | null = null;

    const currentCode = () => code.textContent ?? "";
    run.addEventListener("click", () => {
      if (run.disabled) return;
      output.replaceChildren();
      run.disabled = true;
      element.dataset["state"] = "running";
      status.textContent = "running…";
      const edited = currentCode() !== block.code;
      void startRun({ block: index, ...(edited ? { code: currentCode() } : {}), events: element.classList.contains("exec-events") }, {
        output,
        onStart(id) {
          runId = id;
          stop.disabled = false;
          running.set(id, () => stop.click());
        },
        onEnd(state) {
          if (runId) running.delete(runId);
          runId = null;
          run.disabled = false;
          stop.disabled = true;
          element.dataset["state"] = state;
          status.textContent = state;
        },
      });
    });
    stop.addEventListener("click", () => {
      if (!runId) return;
      status.textContent = "stopping…";
      stop.disabled = true;
      void post(`/api/runs/${encodeURIComponent(runId)}/stop`, {});
    });
    edit.addEventListener("click", () => {
      const editing = code.getAttribute("contenteditable") === "true";
      code.setAttribute("contenteditable", editing ? "false" : "true");
      code.setAttribute("spellcheck", "false");
      edit.textContent = editing ? "Edit" : "Done";
      if (!editing) code.focus();
    });
    reset.addEventListener("click", () => {
      code.textContent = block.code;
      code.removeAttribute("data-highlighted");
      const hljs = (window as unknown as { hljs?: { highlightElement(e: HTMLElement): void } }).hljs;
      hljs?.highlightElement(code);
    });
    element.addEventListener("twb-run", () => run.click());
  }

  function setUpConsole(): void {
    const languages = [...new Set(data.blocks.map((b) => b.language))];
    const panel = document.createElement("div");
    panel.className = "twb-console";
    panel.hidden = true;
    const output = document.createElement("pre");
    output.className = "exec-output console-output";
    const form = document.createElement("form");
    const prompt = document.createElement("span");
    prompt.className = "prompt";
    prompt.textContent = languages[0] === "python" ? ">>>" : ">";
    const input = document.createElement("input");
    input.type = "text";
    input.className = "console-input";
    input.setAttribute("aria-label", "Console: code to run in this deck's session");
    input.placeholder = languages[0] === "python" ? "trio.run(main)" : "await trio.run(main)";
    form.append(prompt, input);
    panel.append(output, form);
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "twb-console-toggle";
    toggle.textContent = "Console";
    toggle.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) input.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const code = input.value;
      if (code.trim() === "") return;
      input.value = "";
      appendLine(output, "echo", `${prompt.textContent} ${code}`, undefined, false);
      let consoleRun: string | null = null;
      void startRun({ console: true, code, language: languages[0] ?? "typescript" }, {
        output,
        onStart(id) {
          consoleRun = id;
          running.set(id, () => void post(`/api/runs/${encodeURIComponent(id)}/stop`, {}));
        },
        onEnd() {
          if (consoleRun) running.delete(consoleRun);
        },
      });
    });
    const stamps = document.createElement("label");
    stamps.className = "twb-stamps";
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    checkbox.addEventListener("change", () => (showStamps = checkbox.checked));
    stamps.append(checkbox, document.createTextNode(" times"));
    document.body.append(panel, toggle, stamps);
  }

  return {
    id: "trio-workbook-runner",
    init(deck: RevealDeck) {
      const element = document.getElementById("twb-deck");
      if (element?.textContent) data = JSON.parse(element.textContent) as DeckData;
      document.querySelectorAll<HTMLElement>(".exec-block:not(.exec-hidden)").forEach(setUpBlock);
      setUpConsole();
      deck.addKeyBinding(RUN_KEY, () => {
        deck.getCurrentSlide()?.querySelector(".exec-block:not(.exec-hidden)")?.dispatchEvent(new Event("twb-run"));
      });
      deck.addKeyBinding(STOP_KEY, () => {
        for (const stop of running.values()) stop();
      });
      heartbeat = window.setInterval(() => void post("/api/heartbeat", {}), HEARTBEAT_MS);
    },
    destroy() {
      window.clearInterval(heartbeat);
    },
  };
}
