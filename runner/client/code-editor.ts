/**
 * The code editor of a block: CodeMirror 6 with TypeScript or Python highlighting.
 *
 * Ctrl/Cmd+Enter or Shift+Enter runs the block; Escape leaves the editor, so that reveal.js's
 * keys work again. While the editor has focus, no key reaches reveal.js: typing `r`, `x`, a
 * space or an arrow edits the code, it does not run the block or change the slide.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { bracketMatching, indentOnInput, indentUnit } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

/** What the block's controls need of its editor. */
export interface CodeEditor {
  /** The editor's element, already in the page. */
  readonly dom: HTMLElement;
  /** The code as edited. */
  getCode(): string;
  /** Replaces the whole code (Reset). */
  setCode(code: string): void;
  focus(): void;
  destroy(): void;
}

/** How to create an editor. */
export interface CodeEditorOptions {
  code: string;
  language: string;
  /** Ctrl/Cmd+Enter or Shift+Enter. */
  onRun: () => void;
  /** The code changed. */
  onChange?: (code: string) => void;
}

/** Events that must not reach reveal.js while the editor has focus. */
const KEY_EVENTS = ["keydown", "keypress", "keyup"] as const;

/**
 * Creates an editor in `parent`.
 *
 * @param parent - where the editor goes (appended).
 * @param options - see {@link CodeEditorOptions}.
 * @returns the editor.
 * @example
 * const editor = createCodeEditor(div, { code: "print(1)\n", language: "python", onRun: run });
 */
export function createCodeEditor(parent: HTMLElement, options: CodeEditorOptions): CodeEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.code,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        indentUnit.of(options.language === "python" ? "    " : "  "),
        options.language === "python" ? python() : javascript({ typescript: true }),
        oneDark,
        keymap.of([
          { key: "Mod-Enter", run: () => (options.onRun(), true) },
          { key: "Shift-Enter", run: () => (options.onRun(), true) },
          { key: "Escape", run: (v) => (v.contentDOM.blur(), true) },
          indentWithTab,
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange?.(update.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ "aria-label": `Code (${options.language}): Ctrl+Enter runs, Escape leaves the editor` }),
      ],
    }),
  });
  // reveal.js listens on the document, in the bubbling phase: stop keys at the editor.
  const stop = (event: Event) => event.stopPropagation();
  for (const type of KEY_EVENTS) view.dom.addEventListener(type, stop);
  return {
    dom: view.dom,
    getCode: () => view.state.doc.toString(),
    setCode(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    focus: () => view.focus(),
    destroy() {
      for (const type of KEY_EVENTS) view.dom.removeEventListener(type, stop);
      view.destroy();
    },
  };
}
