/**
 * The console bound to the deck's session (`await trio.run(main)`), the session reset, and the
 * line-times switch: a panel at the bottom of the page, opened with the Console button or `C`.
 */
import { appendLine } from "./output-view.ts";
import { post } from "./run-stream.ts";
import type { RunnerContext } from "./runner-plugin.ts";

/** Console lines remembered for ↑ / ↓. */
const HISTORY_LIMIT = 100;

/**
 * Adds the console, its toggle, the "times" switch and the "Reset session" button to the page.
 *
 * @param context - the plugin's shared state.
 * @returns the console's toggle function (for the `C` key).
 */
export function setUpConsole(context: RunnerContext): () => void {
  const languages = [...new Set(context.data.blocks.map((b) => b.language))];
  const language = languages[0] ?? "typescript";
  const python = language === "python";
  const panel = document.createElement("div");
  panel.className = "twb-console";
  panel.hidden = true;
  const output = document.createElement("pre");
  output.className = "exec-output console-output";
  output.setAttribute("aria-live", "polite");
  const form = document.createElement("form");
  const prompt = document.createElement("span");
  prompt.className = "prompt";
  prompt.textContent = python ? ">>>" : ">";
  const input = document.createElement("input");
  input.type = "text";
  input.className = "console-input";
  input.setAttribute("aria-label", "Console: code to run in this deck's session");
  input.placeholder = python ? "trio.run(main)   (Enter runs, ↑ recalls, Esc closes)" : "await trio.run(main)   (Enter runs, ↑ recalls, Esc closes)";
  input.autocomplete = "off";
  input.spellcheck = false;
  const stop = document.createElement("button");
  stop.type = "button";
  stop.className = "console-stop";
  stop.textContent = "Stop";
  stop.disabled = true;
  form.append(prompt, input, stop);
  panel.append(output, form);

  const controls = document.createElement("div");
  controls.className = "twb-controls";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "twb-console-toggle";
  toggle.textContent = "Console";
  toggle.title = "Open the console bound to this deck's session (C)";
  const resetSession = document.createElement("button");
  resetSession.type = "button";
  resetSession.className = "twb-reset-session";
  resetSession.textContent = "Reset session";
  resetSession.title = "End this deck's session: every definition is forgotten, the next Run starts afresh";
  const stamps = document.createElement("label");
  stamps.className = "twb-stamps";
  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.addEventListener("change", () => (context.showStamps = checkbox.checked));
  stamps.append(checkbox, document.createTextNode(" times"));
  controls.append(stamps, resetSession, toggle);
  document.body.append(panel, controls);

  const history: string[] = [];
  let recalled = 0;
  let consoleRun: string | null = null;

  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute("aria-pressed", String(open));
    if (open) input.focus();
    else input.blur();
  };
  const flip = () => setOpen(panel.hidden);
  toggle.addEventListener("click", flip);

  // Keys typed in the console are the console's, not reveal.js's.
  input.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") setOpen(false);
    else if (event.key === "ArrowUp" && history.length > 0) {
      recalled = Math.max(0, recalled - 1);
      input.value = history[recalled] ?? "";
      event.preventDefault();
    } else if (event.key === "ArrowDown") {
      recalled = Math.min(history.length, recalled + 1);
      input.value = history[recalled] ?? "";
      event.preventDefault();
    }
  });

  stop.addEventListener("click", () => {
    if (consoleRun) context.running.get(consoleRun)?.();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value;
    if (code.trim() === "") return;
    input.value = "";
    if (history.at(-1) !== code) history.push(code);
    if (history.length > HISTORY_LIMIT) history.shift();
    recalled = history.length;
    appendLine(output, "echo", `${prompt.textContent} ${code}`, undefined, false);
    if (context.offline) {
      appendLine(output, "status status-error", "No runner is reachable: the console needs one (start it with npm start).", undefined, false);
      return;
    }
    void context.startRun({ console: true, code, language }, {
      output,
      onStart(id) {
        consoleRun = id;
        stop.disabled = false;
        context.running.set(id, () => {
          stop.disabled = true;
          void post(`/api/runs/${encodeURIComponent(id)}/stop`, {});
        });
      },
      onEnd() {
        if (consoleRun) context.running.delete(consoleRun);
        consoleRun = null;
        stop.disabled = true;
      },
    });
  });

  resetSession.addEventListener("click", async () => {
    if (context.offline) return;
    resetSession.disabled = true;
    try {
      const response = await post(`/api/decks/${encodeURIComponent(context.data.name)}/reset`, {});
      const body = (await response.json().catch(() => ({}))) as { ended?: number; error?: { message: string } };
      const text = response.ok
        ? body.ended ? "Session reset: its process ended, every definition is gone. The next Run starts a fresh one." : "There was no session to reset: the next Run starts a fresh one."
        : `Reset failed: ${body.error?.message ?? response.status}`;
      appendLine(output, response.ok ? "notice" : "status status-error", text, undefined, false);
      document.dispatchEvent(new CustomEvent("twb-session-reset", { detail: { ended: body.ended ?? 0 } }));
    } catch (error) {
      appendLine(output, "status status-error", `Reset failed: the runner is not reachable (${String(error)}).`, undefined, false);
    } finally {
      resetSession.disabled = false;
      setOpen(true);
    }
  });
  return flip;
}
