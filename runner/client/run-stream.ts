/**
 * Starting a run on the server and reading its NDJSON event stream as it arrives.
 */

/** What the server streams (see `runner/session/run.ts`), plus the client's own `error`. */
export type RunEvent =
  | { type: "start"; runId: string; t: number }
  | { type: "line"; stream: "stdout" | "stderr"; text: string; t: number }
  | { type: "event"; event: string; task: string; t: number }
  | { type: "trace"; seq: number; events: unknown[]; t: number }
  | { type: "result"; text: string; t: number }
  | { type: "notice"; text: string; t: number }
  | { type: "end"; status: string; message: string | null; t: number }
  | { type: "error"; code: string; message: string };

/** POSTs JSON to the runner with the page's cookies. */
export function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
}

/**
 * Starts a run and hands each event to `onEvent` as it arrives. Never throws: a runner that
 * cannot be reached is an `error` event with code `NETWORK`.
 *
 * @param deck - the deck's name.
 * @param body - the run request (`{ block }`, `{ console: true, code }`...).
 */
export async function streamRun(deck: string, body: Record<string, unknown>, onEvent: (event: RunEvent) => void): Promise<void> {
  let response: Response;
  try {
    response = await post(`/api/decks/${encodeURIComponent(deck)}/run`, body);
  } catch (error) {
    onEvent({ type: "error", code: "NETWORK", message: `The runner is not reachable (${String(error)}).` });
    return;
  }
  if (!response.ok || !response.body) {
    const problem = await response.json().catch(() => null) as { error?: { code: string; message: string } } | null;
    onEvent({ type: "error", code: problem?.error?.code ?? "HTTP", message: problem?.error?.message ?? `The runner answered ${response.status}.` });
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let ended = false;
  try {
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
        onEvent(event);
      }
    }
  } catch (error) {
    if (!ended) onEvent({ type: "error", code: "NETWORK", message: `The connection to the runner broke (${String(error)}).` });
    return;
  }
  if (!ended) onEvent({ type: "error", code: "DISCONNECTED", message: "The connection to the runner closed before the run ended." });
}

/**
 * Whether the runner answers (the page's heartbeat endpoint).
 *
 * @returns `false` when the server cannot be reached at all.
 */
export async function runnerReachable(): Promise<boolean> {
  try {
    await post("/api/heartbeat", {});
    return true;
  } catch {
    return false;
  }
}
